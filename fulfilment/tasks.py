"""Celery tasks of fulfilment, run from the outbox (each idempotent) or by beat."""

from celery import shared_task

from . import notify as notifying
from . import rosters, services

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(name="fulfilment.create_award", ignore_result=True, **RETRY)
def create_award(application_id: int):
    """A final approval becomes an award with its instalments (one per application)."""
    award = services.create_award_for_application(application_id)
    return award.pk if award else None


@shared_task(name="fulfilment.notify", ignore_result=True, **RETRY)
def notify(kind: str, action: str, pk: int) -> int:
    return notifying.notify(kind, action, pk)


@shared_task(name="fulfilment.notify_import", ignore_result=True, **RETRY)
def notify_import(import_id: int) -> int:
    return notifying.notify_import(import_id)


@shared_task(name="fulfilment.fill_roster", ignore_result=True, **RETRY)
def fill_roster(roster_id: int) -> str | None:
    """Fill a roster the officer started (``rosters.start``): its entries and "under review",
    once; or "failed" with the reason."""
    roster = rosters.fill(roster_id)
    return roster.state if roster else None


@shared_task(name="fulfilment.offer_roster", ignore_result=True, **RETRY)
def offer_roster(roster_id: int) -> int:
    return notifying.offer_roster(roster_id)


@shared_task(name="fulfilment.daily", ignore_result=True, **RETRY)
def daily() -> dict:
    """Once a day: lapse roster entries past their deadline; awards for final approvals that
    have none yet (a safety net behind ``create_award``)."""
    return {"lapsed": services.lapse_due(), "awards": services.create_missing_awards()}
