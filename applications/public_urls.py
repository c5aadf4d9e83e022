"""The public notice of approvals (公示), under ``/notices/approvals/``."""

from django.urls import path

from . import public_views

app_name = "application_notices"

urlpatterns = [
    path("", public_views.notice_list, name="list"),
]
