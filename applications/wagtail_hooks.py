"""The reviewer's side of applications (项目评审) in the Wagtail admin."""

from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from zoneportal import converters  # noqa: F401 - registers <id:…>
from zoneportal.admin_home import WorkItem, work_source

from . import admin_views as review_views
from .models import WITH_REVIEWERS, Application
from .services import is_reviewer

review_urls = [
    path("", review_views.queue, name="queue"),
    path("export/", review_views.export, name="export"),
    path("statistics/", review_views.statistics, name="statistics"),
    path("<id:pk>/", review_views.detail, name="detail"),
    path("<id:pk>/documents/<id:doc_pk>/", review_views.document, name="document"),
]


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path(
            "application-review/",
            include((review_urls, "application_review"), namespace="application_review"),
        )
    ]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return is_reviewer(request.user)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ReviewMenuItem(
        pgettext_lazy("admin menu", "Applications"),
        reverse("application_review:queue"),
        name="application-review",
        icon_name="form",
        order=260,
    )


@work_source
def review_work(user):
    """Reviewers: the applications waiting for them (the queue's default view)."""
    if not is_reviewer(user):
        return []
    waiting = Application.objects.filter(state__in=WITH_REVIEWERS).exclude(submitted_at=None)
    return [
        WorkItem(
            _("Applications waiting for review"),
            waiting.count(),
            reverse("application_review:queue"),
            order=260,
        )
    ]
