"""Celery tasks that keep the policies index true.

Both tasks do the same idempotent thing: re-read the page and make the index agree with it
(index it if it is live and public, delete its document otherwise). Running one twice, late or
out of order is harmless: every write carries an external version (``search.policy_index``), so
an older state never overwrites a newer one.

While Elasticsearch is down or hung, a task is retried with exponential backoff (capped at
``SEARCH_RETRY_BACKOFF_MAX`` seconds) up to ``SEARCH_TASK_MAX_RETRIES`` times — hours of
retrying — so indexing catches up by itself once the node is back. Run eagerly (the embedded
first run, some tests), a task does not retry: it logs and leaves the repair to
``search_index rebuild`` rather than block the request that published the page.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from . import indexing
from .policy_index import POLICIES, policy_queryset, removal_version

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": indexing.RETRYABLE,
    "retry_backoff": getattr(settings, "SEARCH_RETRY_BACKOFF", 2),
    "retry_backoff_max": getattr(settings, "SEARCH_RETRY_BACKOFF_MAX", 600),
    "retry_jitter": True,
    "max_retries": getattr(settings, "SEARCH_TASK_MAX_RETRIES", 100),
    "acks_late": True,
    "ignore_result": True,
}


def sync_policy(page_id: int) -> str:
    """Make the index agree with the database for one page; returns what was done."""
    page = policy_queryset().filter(pk=page_id).first()
    if page is not None:
        return indexing.upsert(POLICIES, page)
    return indexing.delete(POLICIES, page_id, removal_version(page_id))


def _run(task, page_id: int) -> str:
    try:
        return sync_policy(page_id)
    except indexing.RETRYABLE:
        if not task.request.is_eager:
            raise  # autoretry_for: tried again later with backoff
        logger.warning(
            "Elasticsearch unavailable: policy %s not indexed now; "
            "`manage.py search_index rebuild` repairs the index",
            page_id,
        )
        return "deferred"


@shared_task(bind=True, name="search.index_policy", **RETRY_OPTIONS)
def index_policy(self, page_id: int) -> str:
    """A policy was published, unpublished or moved: index or remove its document."""
    return _run(self, page_id)


@shared_task(bind=True, name="search.remove_policy", **RETRY_OPTIONS)
def remove_policy(self, page_id: int) -> str:
    """A policy was deleted: remove its document (or index it, should the row be live)."""
    return _run(self, page_id)
