"""The enterprise pages, under ``/enterprise/`` (and ``/en/enterprise/``)."""

from django.urls import path

from zoneportal import converters  # noqa: F401 - registers <id:…>

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("register/", views.register, name="register"),
    path("switch/", views.switch, name="switch"),
    path("account/delete/", views.delete_account, name="delete_account"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("<id:enterprise_id>/", views.detail, name="detail"),
    path("<id:enterprise_id>/edit/", views.edit, name="edit"),
    path("<id:enterprise_id>/resubmit/", views.resubmit, name="resubmit"),
    path("<id:enterprise_id>/history/", views.history, name="history"),
    path("<id:enterprise_id>/export.json", views.export, name="export"),
    path("<id:enterprise_id>/qualifications/", views.qualifications, name="qualifications"),
    path(
        "<id:enterprise_id>/qualifications/add/",
        views.qualification_add,
        name="qualification_add",
    ),
    path(
        "<id:enterprise_id>/qualifications/<id:qualification_id>/edit/",
        views.qualification_edit,
        name="qualification_edit",
    ),
    path(
        "<id:enterprise_id>/qualifications/<id:qualification_id>/delete/",
        views.qualification_delete,
        name="qualification_delete",
    ),
    path(
        "<id:enterprise_id>/qualifications/<id:qualification_id>/proof/",
        views.qualification_proof,
        name="qualification_proof",
    ),
    path("<id:enterprise_id>/members/", views.members, name="members"),
    path(
        "<id:enterprise_id>/members/<id:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "<id:enterprise_id>/members/<id:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "<id:enterprise_id>/members/<id:membership_id>/transfer/",
        views.member_transfer,
        name="member_transfer",
    ),
    path("<id:enterprise_id>/leave/", views.leave, name="leave"),
    path(
        "<id:enterprise_id>/invitations/<id:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
]
