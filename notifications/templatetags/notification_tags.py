"""``{% unread_notification_count as unread %}``: the signed-in person's unread messages."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cache = getattr(request, "_unread_notification_count", None)
    if cache is None:
        cache = user.notifications.filter(read_at__isnull=True).count()
        request._unread_notification_count = cache
    return cache
