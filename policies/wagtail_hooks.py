"""Admin customisation for policies: the managed list of issuing departments."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Department


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
