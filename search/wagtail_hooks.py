"""The search report in the Wagtail admin: what people search for, and what finds nothing.

Shown under Reports to superusers and to staff whose group has "Can view search query"
(``search.view_searchquery``, grantable in Wagtail's group editor).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Max, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import SearchQuery

PERMISSION = "search.view_searchquery"
DAYS = 30
ROWS = 50


def can_view(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(PERMISSION)


class SearchReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "search/admin/report.html"
    page_title = _("Search report")
    header_icon = "search"

    def dispatch(self, request, *args, **kwargs):
        if not can_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - datetime.timedelta(days=DAYS)
        recent = SearchQuery.objects.filter(created_at__gte=since).exclude(query="")
        totals = recent.aggregate(
            searches=Count("pk"),
            zero=Count("pk", filter=Q(hits=0)),
            degraded=Count("pk", filter=Q(degraded=True)),
            average_ms=Avg("took_ms"),
        )
        grouped = recent.values("query").annotate(
            searches=Count("pk"), average_hits=Avg("hits"), last=Max("created_at")
        )
        context.update(
            days=DAYS,
            totals=totals,
            top_queries=grouped.order_by("-searches", "query")[:ROWS],
            zero_queries=grouped.filter(hits=0).order_by("-searches", "-last")[:ROWS],
        )
        return context


@hooks.register("register_admin_urls")
def register_search_report_url():
    return [path("reports/search/", SearchReportView.as_view(), name="search_report")]


class SearchReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view(request.user)


@hooks.register("register_reports_menu_item")
def register_search_report_menu_item():
    return SearchReportMenuItem(
        _("Search"), reverse("search_report"), name="search-report", icon_name="search", order=900
    )


@hooks.register("register_permissions")
def register_search_report_permission():
    """Let administrators grant "Can view search query" in Wagtail's group editor."""
    return Permission.objects.filter(content_type__app_label="search", codename="view_searchquery")
