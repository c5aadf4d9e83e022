"""A person's follows, under ``/enterprise/follows/`` (namespace ``follows``)."""

from django.urls import path

from zoneportal import converters  # noqa: F401 - registers <id:…>

from . import views

app_name = "follows"

urlpatterns = [
    path("", views.index, name="index"),
    path("add/", views.follow, name="follow"),
    path("<id:pk>/delete/", views.unfollow, name="unfollow"),
]
