"""The enterprise pages, under ``/enterprise/`` (and ``/en/enterprise/``)."""

from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("register/", views.register, name="register"),
    path("switch/", views.switch, name="switch"),
    path("account/delete/", views.delete_account, name="delete_account"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("<int:enterprise_id>/", views.detail, name="detail"),
    path("<int:enterprise_id>/edit/", views.edit, name="edit"),
    path("<int:enterprise_id>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:enterprise_id>/history/", views.history, name="history"),
    path("<int:enterprise_id>/export.json", views.export, name="export"),
    path("<int:enterprise_id>/qualifications/", views.qualifications, name="qualifications"),
    path(
        "<int:enterprise_id>/qualifications/add/",
        views.qualification_add,
        name="qualification_add",
    ),
    path(
        "<int:enterprise_id>/qualifications/<int:qualification_id>/edit/",
        views.qualification_edit,
        name="qualification_edit",
    ),
    path(
        "<int:enterprise_id>/qualifications/<int:qualification_id>/delete/",
        views.qualification_delete,
        name="qualification_delete",
    ),
    path(
        "<int:enterprise_id>/qualifications/<int:qualification_id>/proof/",
        views.qualification_proof,
        name="qualification_proof",
    ),
    path("<int:enterprise_id>/members/", views.members, name="members"),
    path(
        "<int:enterprise_id>/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "<int:enterprise_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "<int:enterprise_id>/members/<int:membership_id>/transfer/",
        views.member_transfer,
        name="member_transfer",
    ),
    path("<int:enterprise_id>/leave/", views.leave, name="leave"),
    path(
        "<int:enterprise_id>/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
]
