"""Celery tasks of the policies app: application notifications, reminders and digests."""

from celery import shared_task

from zoneportal.clock import local_today

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="policies.tasks.notify_application_event", ignore_result=True, **RETRY)
def notify_application_event(event_id: int) -> int:
    """Tell a company's members about a change of its application (idempotent)."""
    from .applications.notify import notify_event

    return notify_event(event_id)


@shared_task(name="policies.tasks.daily_applications", ignore_result=True, **RETRY)
def daily_applications() -> dict:
    """Once a day: end public notices that are over, send reminders and the reviewers' digest."""
    from .applications import notify, services

    today = local_today()
    return {
        "finalised": services.finalise_due(today),
        "reminders": notify.send_reminders(),
        "digests": notify.send_reviewer_digest(today),
    }
