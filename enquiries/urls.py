"""The company's enquiry pages, under ``/enquiries/``; the public performance page."""

from django.urls import path

from zoneportal import converters  # noqa: F401 - registers <id:…>

from . import views

app_name = "enquiries"

urlpatterns = [
    path("", views.index, name="index"),
    path("ask/", views.ask, name="ask"),
    path("performance/", views.performance, name="performance"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/rate/", views.rate, name="rate"),
    path("<id:pk>/attachments/<id:attachment_id>/", views.attachment, name="attachment"),
]
