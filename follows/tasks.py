"""Celery tasks of follows: the alert after a publish (from the outbox) and the daily run."""

from celery import shared_task

from . import alerts

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(name="follows.policy_published", ignore_result=True, **RETRY)
def policy_published(policy_id: int, revision_id: int | None = None) -> int:
    """Tell the followers of a policy (or of its department, tags, searches); idempotent."""
    return alerts.policy_published(policy_id, revision_id)


@shared_task(name="follows.daily_alerts", ignore_result=True, **RETRY)
def daily_alerts() -> dict:
    """Once a day: programmes opening and closing, for the companies they fit; idempotent."""
    return alerts.daily_alerts()
