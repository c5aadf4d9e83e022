"""The applicant's pages, under ``/applications/`` (and ``/en/applications/``)."""

from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.index, name="index"),
]
