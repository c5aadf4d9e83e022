"""Admin customisation: the reference lists staff maintain and the enterprise verification queue."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from zoneportal import converters  # noqa: F401 - registers <id:…>
from zoneportal.admin_home import WorkItem, work_source

from . import admin_views
from .models import Area, Enterprise, Industry, QualificationType, VerificationStatus


class IndustryViewSet(SnippetViewSet):
    model = Industry
    icon = "tag"
    list_display = ["code", "name_zh", "name_en", "active"]
    list_filter = ["section", "active"]
    search_fields = ["code", "name_zh", "name_en"]


class AreaViewSet(SnippetViewSet):
    model = Area
    icon = "site"
    list_display = ["code", "name_zh", "name_en", "sort_order"]


class QualificationTypeViewSet(SnippetViewSet):
    model = QualificationType
    icon = "success"
    list_display = ["code", "name_zh", "name_en", "sort_order"]


class ReferenceListsGroup(SnippetViewSetGroup):
    items = (IndustryViewSet, AreaViewSet, QualificationTypeViewSet)
    menu_icon = "list-ul"
    menu_label = _("Reference lists")
    menu_name = "reference-lists"
    menu_order = 310


register_snippet(ReferenceListsGroup)


# --- Enterprise verification --------------------------------------------------------------
verification_urls = [
    path("", admin_views.queue, name="queue"),
    path("<id:pk>/", admin_views.detail, name="detail"),
    path("<id:pk>/verify/", admin_views.verify, name="verify"),
    path("<id:pk>/reject/", admin_views.reject, name="reject"),
    path("<id:pk>/proofs/<id:qualification_id>/", admin_views.proof, name="proof"),
]


@hooks.register("register_admin_urls")
def register_verification_urls():
    return [
        path(
            "enterprise-verification/",
            include(
                (verification_urls, "enterprise_verification"),
                namespace="enterprise_verification",
            ),
        )
    ]


class VerificationMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_verify(request.user)


@hooks.register("register_admin_menu_item")
def register_verification_menu_item():
    return VerificationMenuItem(
        _("Enterprise verification"),
        reverse("enterprise_verification:queue"),
        name="enterprise-verification",
        icon_name="tasks",
        order=250,
    )


@hooks.register("register_permissions")
def register_verification_permission():
    """Let administrators grant "Can verify enterprises" in Wagtail's group editor."""
    return Permission.objects.filter(
        content_type__app_label="enterprises", codename="verify_enterprise"
    )


@work_source
def verification_work(user):
    """Verifiers: the companies waiting to be verified (the queue's default view)."""
    if not admin_views.can_verify(user):
        return []
    waiting = Enterprise.objects.filter(verification_status=VerificationStatus.PENDING)
    return [
        WorkItem(
            _("Companies waiting for verification"),
            waiting.count(),
            reverse("enterprise_verification:queue"),
            order=250,
        )
    ]
