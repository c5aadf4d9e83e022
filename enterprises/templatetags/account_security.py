"""Template helpers for the account pages (allauth templates under templates/allauth/)."""

from django import template

from enterprises.middleware import has_active_totp

register = template.Library()


@register.simple_tag
def has_totp(user) -> bool:
    """Whether ``user`` has activated an authenticator app: ``{% has_totp user as flag %}``."""

    return bool(user.is_authenticated and has_active_totp(user))
