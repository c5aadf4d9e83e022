"""Template tags that show policies on any page (the home page, the header's search box)."""

from django import template

from policies.models import PolicyIndexPage, PolicyPage

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
    """The URL of the policy list, in the active language."""
    index = PolicyIndexPage.objects.live().order_by("path").first()
    if index is None:
        return "/"
    return index.get_url(context.get("request")) or "/"
