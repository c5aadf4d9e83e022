"""Celery tasks of certificates."""

from celery import shared_task

from .issue import issue_for_application

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(name="certificates.issue", ignore_result=True, **RETRY)
def issue(application_id: int) -> str | None:
    """Issue the certificate of an approved application (idempotent: once per application)."""
    certificate = issue_for_application(application_id)
    return certificate.number if certificate is not None else None
