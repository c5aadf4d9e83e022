"""Admin customisation for the reference lists staff maintain."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Area, Industry, QualificationType


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
