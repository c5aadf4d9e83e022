"""Template tags for pages of lower apps: ``{% policy_faqs page %}`` on the policy page."""

from django import template

from ..models import FAQ

register = template.Library()


@register.inclusion_tag("enquiries/includes/policy_faqs.html")
def policy_faqs(page):
    """The published questions and answers (问答) of a policy page, oldest first (one query)."""
    faqs = list(FAQ.objects.filter(policy_id=page.pk, published=True).only("question", "answer"))
    return {"faqs": faqs}
