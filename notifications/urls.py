"""The message centre, under ``/enterprise/messages/`` (namespace ``notifications``)."""

from django.urls import path

from zoneportal import converters  # noqa: F401 - registers <id:…>

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferences/", views.preferences, name="preferences"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/read/", views.mark_read, name="read"),
    # One-click unsubscribe (RFC 8058): the signed token is the authority, no sign-in needed.
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
