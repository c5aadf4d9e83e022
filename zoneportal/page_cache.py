"""A whole-page cache for anonymous visitors, emptied whenever published content changes.

Built on Django's cache framework (``django.utils.cache``, the default cache: Redis in
production). wagtail-cache would be the obvious library, but its current release (3.0.0)
requires Wagtail < 8.

What is cached — only when every condition holds:

- the request is a GET or HEAD, carries no session or messages cookie and no Authorization
  header (so nobody signed in, no pending flash message), and its path is not under one of
  ``PAGE_CACHE_EXCLUDED_PREFIXES`` (the admin, the API, accounts, the enterprise area,
  applications, search …);
- the response is a 200 that sets no cookie (no session, no CSRF cookie), did not use a CSRF
  token (``CSRF_COOKIE_NEEDS_UPDATE``: a page with a POST form is never cached), is not marked
  private/no-store, and was rendered for an anonymous user.

The key is the language and the full path with its query string (the language is also in the
path: ``/en/…``; Chinese has no prefix), and the 适老化 mode: a page rendered for a visitor with
the ``zp_care`` cookie (larger text, ``zoneportal.care_mode``) is stored apart from the standard
one, so neither is ever served to the other. Every key carries a generation number kept in the
cache: ``invalidate()`` increments it, so one publish empties every cached page at once; old entries
expire after ``PAGE_CACHE_SECONDS``, which also bounds how long time-dependent content (a
programme's window opening, a policy expiring) can stay stale.

``invalidate`` runs after the transaction commits whenever a page is published, unpublished,
moved or deleted, and when programmes, departments, news categories or the site contacts change
(``cms.apps`` connects the signals).

A stored page also says it may be shared (``Cache-Control: public, max-age=0, s-maxage=N``), so
that a frontend cache (the Varnish of ``deploy/varnish.vcl``) serves it without reaching
gunicorn; browsers keep nothing (``max-age=0``). ``invalidate`` empties that cache too, through
Wagtail's frontend-cache framework (``FRONTEND_CACHE_URL``, ``zoneportal.frontend_cache``).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import translation
from django.utils.cache import patch_cache_control
from wagtail.contrib.frontend_cache.utils import purge_url_from_cache

from . import care_mode

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
DEFAULT_EXCLUDED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/api/",
    "/healthz",
    "/i18n/",
    "/documents/",
    "/accounts/",
    "/enterprise/",
    "/applications/",
    "/notices/",
    "/verify/",
    "/policies/search/",
    "/policies/suggest/",
    "/policies/match/",
)


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 120))


def _excluded(path: str) -> bool:
    prefixes = getattr(settings, "PAGE_CACHE_EXCLUDED_PREFIXES", DEFAULT_EXCLUDED_PREFIXES)
    language = translation.get_language_from_path(path)
    if language:
        path = path[len(language) + 1 :]
    return path.startswith(tuple(prefixes))


def _generation(cache) -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY) or 1
    return generation


def generation(request) -> int:
    """The current generation, read once per request (also keys cms.navigation's entries)."""
    value = getattr(request, "_page_cache_generation", None)
    if value is None:
        value = _generation(_cache())
        request._page_cache_generation = value
    return value


def _key(request, generation: int) -> str:
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"pagecache:{generation}:{language}:{care_mode.mode_key(request)}:{digest}"


def cacheable_request(request) -> bool:
    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return not _excluded(request.path_info)


def cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class AnonymousPageCacheMiddleware:
    """Serve and store anonymous visitors' pages (see the module docstring).

    Placed before the session, CSRF and message middleware, so that it sees the cookies they
    add to a response before deciding to store it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        cache = _cache()
        try:
            key = _key(request, generation(request))
            cached = cache.get(key)
        except Exception:  # a cache outage serves pages uncached, never an error
            logger.warning("page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if cacheable_response(request, response):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            patch_cache_control(response, public=True, max_age=0, s_maxage=_seconds())
            try:
                cache.set(key, response, _seconds())
            except Exception:
                logger.warning("page cache unavailable; not stored", exc_info=True)
            response["X-Page-Cache"] = "miss"
        return response


def invalidate() -> None:
    """Forget every cached page (after the current transaction commits)."""
    transaction.on_commit(_bump, robust=True)


def _bump() -> None:
    cache = _cache()
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet: nothing cached under one either
            cache.add(GENERATION_KEY, 1, timeout=None)
    except Exception:  # an outage: entries still expire after PAGE_CACHE_SECONDS
        logger.warning("could not invalidate the page cache", exc_info=True)
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        purge_url_from_cache("/")  # the frontend cache empties itself whole on any purge


def invalidate_on_signal(sender=None, **kwargs) -> None:
    invalidate()


def invalidate_on_change(sender=None, **kwargs) -> None:
    """As ``invalidate_on_signal``, but not for a row just created: for rows that a request
    creates as it renders the page (the site settings), which no cached page predates."""
    if not kwargs.get("created"):
        invalidate()


def invalidate_pages_when_saved(model, name: str) -> None:
    """Forget every cached anonymous page whenever a ``model`` row is saved or deleted."""
    from django.db.models.signals import post_delete, post_save

    for action, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(
            invalidate_on_signal, sender=model, dispatch_uid=f"page_cache.{name}_{action}"
        )
