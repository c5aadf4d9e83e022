"""Template helpers shared by every page."""

from django import template

register = template.Library()


@register.filter
def bilingual(obj, field):
    """The value of ``field`` in the active language (``obj.bilingual``), else Chinese."""
    if obj is None:
        return ""
    if hasattr(obj, "bilingual"):
        return obj.bilingual(field)
    return getattr(obj, field, "")


@register.filter
def block_bilingual(value, field):
    """A StructBlock value's field in the active language (``title`` / ``title_en``)."""
    from cms.models import is_english

    if is_english() and value.get(f"{field}_en"):
        return value.get(f"{field}_en")
    return value.get(field)
