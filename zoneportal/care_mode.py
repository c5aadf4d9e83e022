"""适老化 (care) mode: larger text, higher contrast and larger click targets, for everyone who
asks for it with the button in the header.

The choice lives in a cookie (``zp_care=1``), read on the server: the header's toggle is
rendered pressed (``aria-pressed="true"``) and ``static/css/portal.css`` restyles the whole page
from ``html:has(.care-toggle[aria-pressed="true"])`` — so it works with JavaScript off, and
there is no flash of the standard page before the larger one is drawn.

The toggle is a GET form (no CSRF token: anonymous pages carrying it stay cacheable) to
``/care-mode/``, which sets or clears the cookie and sends the visitor back to the page they
were on. ``static/js/care-mode.js`` does the same in place, without the round trip.

The two renderings of a page differ, so the caches in front keep them apart:
``zoneportal.page_cache`` puts the mode in its key (``mode_key``) and ``deploy/varnish.vcl``
hashes the cookie's value (``X-Care``). See docs/accessibility.md.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

COOKIE_NAME = "zp_care"
COOKIE_MAX_AGE = 365 * 24 * 3600


def is_on(request) -> bool:
    return request.COOKIES.get(COOKIE_NAME) == "1"


def mode_key(request) -> str:
    """The part of a cache key that tells the two renderings apart."""
    return "care" if is_on(request) else "std"


def context(request):
    """Template context: ``care_mode`` (bool) for the header's toggle."""
    return {"care_mode": is_on(request)}


@require_GET
@never_cache
def toggle(request):
    """``?on=1`` turns care mode on, ``?on=0`` off; then back to ``next`` (this site only)."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("on") == "1":
        response.set_cookie(
            COOKIE_NAME, "1", max_age=COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure()
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    return response
