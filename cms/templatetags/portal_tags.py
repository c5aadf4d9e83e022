"""Template helpers shared by every page."""

from django import template

from cms.models import is_english
from cms.navigation import breadcrumbs

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

    if is_english() and value.get(f"{field}_en"):
        return value.get(f"{field}_en")
    return value.get(field)


@register.simple_tag(takes_context=True)
def unprefixed_path(context):
    """The current path without a language prefix (``/en/policies/?q=x`` → ``/policies/?q=x``).

    Django's ``set_language`` translates ``next`` by resolving it in the default language;
    with an unprefixed default language, a prefixed path would resolve as a page path, so the
    switch always sends the unprefixed form and lets Django add the target language's prefix.
    """
    from django.conf import settings

    request = context.get("request")
    if request is None:
        return "/"
    path = request.get_full_path()
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if code != settings.LANGUAGE_CODE and path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


@register.simple_tag(takes_context=True)
def breadcrumb_items(context, page):
    """The page's ancestors for the breadcrumbs (cached until the next publish)."""

    return breadcrumbs(context.get("request"), page)


@register.filter
def wan(value):
    """An amount stored in 万元, as readers expect it: 300万元 / CNY 3 million."""
    from zoneportal.amounts import format_wan

    return format_wan(value)
