"""The applicant's pages, under ``/applications/`` (and ``/en/applications/``)."""

from django.urls import path

from zoneportal import converters  # noqa: F401 - registers <id:…>

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/<id:programme_id>/", views.start, name="start"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/applicant/", views.applicant, name="applicant"),
    path("<id:pk>/project/", views.project, name="project"),
    path("<id:pk>/amount/", views.amount, name="amount"),
    path("<id:pk>/documents/", views.documents, name="documents"),
    path(
        "<id:pk>/documents/<id:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<id:pk>/documents/<id:document_id>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("<id:pk>/declaration/", views.declaration, name="declaration"),
    path("<id:pk>/check/", views.check, name="check"),
    path("<id:pk>/submitted/", views.submitted, name="submitted"),
    path("<id:pk>/withdraw/", views.withdraw, name="withdraw"),
]
