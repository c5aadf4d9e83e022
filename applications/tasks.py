"""Celery tasks of applications: telling members about changes, and the daily run."""

from celery import shared_task
from django.db import transaction

from notifications import outbox
from zoneportal.clock import local_today

from . import notify, services
from .models import APPROVED, Application

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(name="applications.notify_event", ignore_result=True, **RETRY)
def notify_event(event_id: int) -> int:
    """Tell a company's members about a change of its application (idempotent)."""
    return notify.notify_event(event_id)


@shared_task(name="applications.daily", ignore_result=True, **RETRY)
def daily() -> dict:
    """Once a day: end public notices that are over, send reminders and the reviewers' digest."""
    today = local_today()
    # A safety net: approvals without a certificate (issuing is idempotent, so asking again is
    # harmless). The outbox makes this rare: only a failed issue that exhausted its retries.
    missing = list(
        Application.objects.filter(state__in=APPROVED, certificates__isnull=True).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        for pk in missing:
            outbox.enqueue("certificates.issue", application_id=pk)
    return {
        "certificates_queued": len(missing),
        "finalised": services.finalise_due(today),
        "reminders": notify.send_reminders(),
        "digests": notify.send_reviewer_digest(today),
    }
