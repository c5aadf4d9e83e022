"""Template helpers for the account pages (allauth templates under templates/allauth/)."""

from django import template

register = template.Library()


@register.simple_tag
def has_totp(user) -> bool:
    """Whether ``user`` has activated an authenticator app: ``{% has_totp user as flag %}``."""
    from enterprises.middleware import has_active_totp

    return bool(user.is_authenticated and has_active_totp(user))
