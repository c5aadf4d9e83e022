"""Template tags that show policies on any page (the home page, the header's search box)."""

from django import template
from django.urls import reverse

from policies.models import PolicyPage
from policies.numerals import format_amount
from zoneportal.amounts import format_yuan

register = template.Library()


@register.simple_tag
def latest_policies(count=6):
    """The newest published policies that are in force."""
    return list(
        PolicyPage.objects.live()
        .public()
        .in_force()
        .select_related("department")
        .order_by("-effective_date", "-pk")[:count]
    )


@register.simple_tag(takes_context=True)
def policy_index_url(context):
    """Where the header's search box sends its query: the policy search, in the active language."""
    return reverse("search:search")


@register.filter
def yuan(amount):
    """An amount in yuan as documents print it: ``¥1,050,000.00`` (empty for no amount)."""

    if amount in (None, ""):
        return ""
    return format_amount(amount)


@register.filter
def yuan_as_wan(amount):
    """An amount in yuan as people say it: ``105万元`` (``CNY 1.05 million`` in English)."""
    return format_yuan(amount)
