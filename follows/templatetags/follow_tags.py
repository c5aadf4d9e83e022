"""``{% follow_buttons page %}``: follow a policy, its department and its tags (signed-in)."""

from django import template

from ..models import Follow

register = template.Library()


@register.inclusion_tag("follows/includes/buttons.html", takes_context=True)
def follow_buttons(context, page):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    tags = list(page.tags.all())
    mine = {
        (f.kind, f.policy_id or f.department_id or f.tag_id): f.pk
        for f in Follow.objects.filter(user=user).exclude(kind=Follow.Kind.SEARCH)
    }
    items = [
        (Follow.Kind.POLICY, page.pk, page.title, mine.get((Follow.Kind.POLICY, page.pk))),
        (
            Follow.Kind.DEPARTMENT,
            page.department_id,
            page.department.display_name,
            mine.get((Follow.Kind.DEPARTMENT, page.department_id)),
        ),
    ] + [(Follow.Kind.TAG, t.slug, t.name, mine.get((Follow.Kind.TAG, t.pk))) for t in tags]
    return {
        "show": True,
        "items": items,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
