"""The main menu and the breadcrumbs, read once and kept in the cache until the next publish.

Both are the same for every visitor of a site in one language, and every page shows them: read
from the page tree each time they cost eight queries a page (the pages, then each one's
specific type for its English title). They are cached as plain items under the page cache's
generation (``zoneportal.page_cache``), which every publish, unpublish, move or deletion
increments, so a renamed or moved page shows in the menu at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Page, Site

from zoneportal.page_cache import generation

logger = logging.getLogger(__name__)
SECONDS = 60 * 60


@dataclass(frozen=True)
class NavItem:
    title: str
    title_en: str
    path: str  # the tree path: the header marks the current section with it
    depth: int
    url: str

    @property
    def display_title(self) -> str:
        if translation.get_language() == "en" and self.title_en:
            return self.title_en
        return self.title


def _item(page, request) -> NavItem:
    return NavItem(
        title=page.title,
        title_en=getattr(page, "title_en", ""),
        path=page.path,
        depth=page.depth,
        url=page.get_url(request) or "",
    )


def _cached(request, name: str, build):
    seconds = getattr(settings, "NAVIGATION_CACHE_SECONDS", SECONDS)
    if not seconds:
        return build()
    try:
        key = f"nav:{generation(request)}:{translation.get_language()}:{name}"
        items = cache.get(key)
    except Exception:  # a cache outage reads the tree instead
        logger.warning("navigation cache unavailable", exc_info=True)
        return build()
    if items is None:
        items = build()
        try:
            cache.set(key, items, seconds)
        except Exception:  # served uncached
            logger.warning("navigation cache unavailable", exc_info=True)
    return items


def main_menu(request) -> list[NavItem]:
    """Live, public children of the site's root page that are shown in menus."""
    site = Site.find_for_request(request)
    if site is None:
        return []

    def build():
        children = site.root_page.get_children().live().public().in_menu().specific()
        return [_item(page, request) for page in children]

    return _cached(request, f"menu:{site.pk}", build)


def breadcrumbs(request, page) -> list[NavItem]:
    """The ancestors of ``page`` below the tree's root (the home page first)."""
    parent_path = page.path[: -Page.steplen]

    def build():
        step = Page.steplen
        paths = [parent_path[:end] for end in range(step, len(parent_path) + 1, step)]
        ancestors = Page.objects.filter(path__in=paths, depth__gt=1).order_by("path")
        return [_item(ancestor, request) for ancestor in ancestors.specific()]

    return _cached(request, f"crumbs:{parent_path}", build)
