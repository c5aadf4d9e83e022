"""The Varnish in front of the portal, as a Wagtail frontend-cache backend.

Varnish keeps the anonymous pages Django marks as shareable (``s-maxage``, set by
``zoneportal.page_cache``) and serves them without reaching gunicorn. Publishing can change any
page (menus, lists, the home page), so a purge of any URL empties the whole cache:
``deploy/varnish.vcl`` answers a ``PURGE`` from the portal's own hosts with a ban on every
object. Configured by ``FRONTEND_CACHE_URL`` (e.g. ``http://127.0.0.1:6081``); without it there
is no frontend cache and nothing is sent.
"""

from __future__ import annotations

import logging
from urllib.error import URLError
from urllib.request import Request, urlopen

from wagtail.contrib.frontend_cache.backends.base import BaseBackend

logger = logging.getLogger(__name__)


class VarnishBanBackend(BaseBackend):
    """``PURGE /`` to Varnish, which bans every cached page; a short timeout, never an error."""

    def __init__(self, params):
        params = dict(params)
        self.location = params.pop("LOCATION").rstrip("/")
        self.timeout = float(params.pop("TIMEOUT", 2))
        super().__init__(params)

    def purge(self, url) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls) -> None:
        request = Request(self.location + "/", method="PURGE")  # noqa: S310 - our own setting
        try:
            with urlopen(request, timeout=self.timeout):  # noqa: S310
                pass
        except (URLError, OSError) as exc:
            # The pages still expire after PAGE_CACHE_SECONDS.
            logger.warning("could not empty the frontend cache at %s: %s", self.location, exc)
