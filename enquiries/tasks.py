"""Celery tasks of enquiries: announcing events, and the daily flags."""

from celery import shared_task

from zoneportal.clock import local_today

from . import notify, services

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(name="enquiries.notify_event", ignore_result=True, **RETRY)
def notify_event(event_id: int) -> int:
    """Tell the company and the handling department about an event (idempotent)."""
    return notify.notify_event(event_id)


@shared_task(name="enquiries.daily", ignore_result=True, **RETRY)
def daily() -> dict:
    """Once a day: flag enquiries due within a working day and overdue ones; tell departments."""
    today = local_today()
    flagged = services.flag_due(today)
    return {
        "due_soon": len(flagged[services.DUE_SOON]),
        "overdue": len(flagged[services.OVERDUE]),
        "told": notify.tell_flagged(flagged, today),
    }
