"""Admin customisation for policies: departments, the holiday calendar, exclusivity groups and
the reviewer's side of applications (项目评审)."""

import django_filters
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from zoneportal import converters  # noqa: F401 - registers <id:…>

from .applications import admin_views as review_views
from .applications.services import is_reviewer
from .models import Department, ExclusivityGroup, HolidayCalendarDay


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "name_en", "short_name", "sort_order"]
    search_fields = ["name", "name_en"]
    ordering = ["sort_order", "name"]


register_snippet(DepartmentViewSet)


class HolidayCalendarDayFilterSet(WagtailFilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Year"))

    class Meta:
        model = HolidayCalendarDay
        fields = ["kind"]


class HolidayCalendarDayViewSet(SnippetViewSet):
    """The holiday calendar (法定节假日 and 调休上班日) that working-day deadlines count with."""

    model = HolidayCalendarDay
    icon = "date"
    menu_label = _("Holiday calendar")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["date", "kind", "name", "note"]
    search_fields = ["name", "note"]
    ordering = ["-date"]
    filterset_class = HolidayCalendarDayFilterSet


register_snippet(HolidayCalendarDayViewSet)


# --- Exclusivity groups and the reviewer's side of applications --------------------------------
class ExclusivityGroupViewSet(SnippetViewSet):
    """Policies of which a company may hold one approval a year (从高从优不重复)."""

    model = ExclusivityGroup
    icon = "link"
    menu_label = _("Exclusivity groups")
    menu_order = 305
    add_to_admin_menu = True
    list_display = ["name", "name_en"]
    search_fields = ["name", "name_en", "description"]
    ordering = ["name"]


register_snippet(ExclusivityGroupViewSet)

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


# --- Certificates (issue 6): reviewers find, revoke and re-issue --------------------------------
@hooks.register("register_admin_urls")
def register_certificate_urls():
    from .certificates import admin_views as certificate_views

    urls = [
        path("", certificate_views.index, name="index"),
        path("<id:pk>/", certificate_views.detail, name="detail"),
    ]
    return [
        path(
            "certificates/",
            include((urls, "certificate_admin"), namespace="certificate_admin"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_certificate_menu_item():
    return ReviewMenuItem(
        pgettext_lazy("admin menu", "Certificates"),
        reverse("certificate_admin:index"),
        name="certificates",
        icon_name="doc-full",
        order=270,
    )
