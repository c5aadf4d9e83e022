"""Admin customisation for policies: departments, the holiday calendar and exclusivity groups."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Department, ExclusivityGroup, HolidayCalendarDay


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "name_en", "short_name", "phone", "sort_order"]
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


# --- Exclusivity groups ------------------------------------------------------------------------
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
