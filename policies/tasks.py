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
    from .models import Application

    today = local_today()
    # Approvals whose certificate task never ran (the broker was down at approval): issuing is
    # idempotent, so queueing again is safe.
    missing = list(
        Application.objects.filter(
            state__in=Application.DECIDED_APPROVED, certificates__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in missing:
        issue_certificate.delay(pk)
    return {
        "certificates_queued": len(missing),
        "finalised": services.finalise_due(today),
        "reminders": notify.send_reminders(),
        "digests": notify.send_reviewer_digest(today),
    }


@shared_task(name="policies.tasks.issue_certificate", ignore_result=True, **RETRY)
def issue_certificate(application_id: int) -> str | None:
    """Issue the certificate of an approved application (idempotent: once per application)."""
    from .certificates.issue import issue_for_application

    certificate = issue_for_application(application_id)
    return certificate.number if certificate is not None else None


@shared_task(name="policies.tasks.email_certificate_notices", ignore_result=True, **RETRY)
def email_certificate_notices(notification_ids: list[int]) -> int:
    """E-mail the notifications of a revoked or re-issued certificate (each at most once)."""
    from .notices import email_notification

    return sum(1 for pk in notification_ids if email_notification(pk))
