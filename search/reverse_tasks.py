"""Celery tasks of "policies find enterprises": the search for fitting companies and the daily run.

``notify_fitting_enterprises`` re-reads the published policy, asks the enterprises index which
companies it fits (``search.reverse``), and hands them to ``notifications.push``, which tells
each company once per policy version (e-mail goes through the message centre's outbox). It is
idempotent (running it twice tells nobody twice) and retries with backoff while Elasticsearch is
unreachable; without an enterprises index at all it evaluates the companies in Python from the
database (the truth) instead.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from elasticsearch import NotFoundError

from enterprises.models import Enterprise
from notifications.push import push_policy
from policies.matching import ELIGIBLE, POSSIBLE, Facts, evaluate
from policies.models import PolicyPage
from zoneportal.clock import local_today

from . import indexing, reverse
from .client import get_client
from .documents import index_name

logger = logging.getLogger(__name__)
ENTERPRISES = "enterprises"
# As the policy indexing tasks: hours of retrying with backoff while the node is down.
RETRY_OPTIONS = {
    "autoretry_for": indexing.RETRYABLE,
    "retry_backoff": getattr(settings, "SEARCH_RETRY_BACKOFF", 2),
    "retry_backoff_max": getattr(settings, "SEARCH_RETRY_BACKOFF_MAX", 600),
    "retry_jitter": True,
    "max_retries": getattr(settings, "SEARCH_TASK_MAX_RETRIES", 100),
    "acks_late": True,
    "ignore_result": True,
}


def _fitting_in_python(criteria, today) -> tuple[list[int], int]:
    """(eligible ids, possible count) evaluated over every company in the database."""
    eligible, possible = [], 0
    for enterprise in Enterprise.objects.select_related("area").iterator(chunk_size=500):
        status = evaluate(criteria, Facts.from_enterprise(enterprise), today).status
        if status == ELIGIBLE:
            eligible.append(enterprise.pk)
        elif status == POSSIBLE:
            possible += 1
    return eligible, possible


def fitting_enterprises(criteria, today) -> tuple[list[int], int, bool]:
    """(eligible ids, possible count, from the index?) for a policy's criteria."""
    # Not a person waiting: give a busy node the write timeout rather than the search one.
    timeout = getattr(settings, "SEARCH_WRITE_TIMEOUT_SECONDS", 10.0)
    client, index = get_client().options(request_timeout=timeout), index_name(ENTERPRISES)
    try:
        eligible = list(reverse.eligible_enterprise_ids(client, index, criteria, today))
        possible = reverse.count(client, index, criteria, today, status=POSSIBLE)
        return eligible, possible, True
    except NotFoundError:
        logger.warning("no enterprises index %s: evaluating companies in Python", index)
        eligible, possible = _fitting_in_python(criteria, today)
        return eligible, possible, False


@shared_task(bind=True, name="search.reverse_tasks.notify_fitting_enterprises", **RETRY_OPTIONS)
def notify_fitting_enterprises(self, policy_id: int) -> dict:
    """Tell the members of every company the published policy fits (once per policy)."""
    try:
        return find_and_notify(policy_id)
    except indexing.RETRYABLE:
        if not self.request.is_eager:
            raise  # autoretry_for: tried again later with backoff
        logger.warning("Elasticsearch unavailable: reverse matching of %s deferred", policy_id)
        return {"policy": policy_id, "deferred": True}


def find_and_notify(policy_id: int) -> dict:
    """The work of ``notify_fitting_enterprises`` (idempotent; see the module docstring)."""
    policy = (
        PolicyPage.objects.live().public().select_related("department").filter(pk=policy_id)
    ).first()
    if policy is None:
        return {"skipped": "not published"}
    today = local_today()
    if not policy.is_in_force(today):
        # Upcoming policies are matched by the daily run on the day they come into force.
        return {"skipped": "not in force"}
    eligible, possible, indexed = fitting_enterprises(policy.parsed_criteria, today)
    outcome = push_policy(policy, eligible)
    summary = {
        "policy": policy_id,
        "eligible": len(eligible),
        "possible": possible,
        "newly_told": len(outcome.enterprise_ids),
        "notifications": len(outcome.notification_ids),
        "from_index": indexed,
    }
    logger.info("reverse match %s", summary)
    return summary


@shared_task(
    name="search.reverse_tasks.daily_pushes",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def daily_pushes() -> dict:
    """Once a day: find the companies that the policies coming into force today fit."""
    today = local_today()
    starting = list(
        PolicyPage.objects.live().public().filter(effective_date=today).values_list("pk", flat=True)
    )
    for policy_id in starting:
        notify_fitting_enterprises.delay(policy_id)
    return {"policies_starting": len(starting)}
