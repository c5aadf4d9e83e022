"""The applicant's pages, under ``/applications/`` (and ``/en/applications/``)."""

from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/<int:programme_id>/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/applicant/", views.applicant, name="applicant"),
    path("<int:pk>/project/", views.project, name="project"),
    path("<int:pk>/amount/", views.amount, name="amount"),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path(
        "<int:pk>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<int:pk>/documents/<int:document_id>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:pk>/declaration/", views.declaration, name="declaration"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/submitted/", views.submitted, name="submitted"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
