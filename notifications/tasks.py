"""Celery tasks of the message centre: the outbox relay, e-mails and the daily digests.

Each task is idempotent (see ``notifications.outbox``): the relay may hand the same work over
twice, and a retry after a failed send must not send twice.
"""

from celery import shared_task

from . import outbox, services

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5, "acks_late": True}


@shared_task(name="notifications.relay_outbox", ignore_result=True)
def relay_outbox() -> dict:
    """Every minute: hand the outbox's waiting work to the queue."""
    return outbox.relay()


@shared_task(bind=True, name="notifications.run_outbox_message", ignore_result=True)
def run_outbox_message(self, message_id: int) -> bool:
    """Do one outbox row's work (see ``notifications.outbox.run``).

    A failure is tried again by this task after the row's backoff, for as long as it takes; run
    in process (eager), the row is left to the relay instead.
    """
    eager = bool(self.request.is_eager)
    delay = outbox.run(message_id, release=eager)
    if delay is None:
        return True
    if not eager:
        raise self.retry(countdown=delay.total_seconds(), max_retries=None)
    return False


@shared_task(name="notifications.email_messages", ignore_result=True, **RETRY)
def email_messages(ids: list[int]) -> int:
    """E-mail each message not yet e-mailed."""
    return sum(1 for pk in ids if services.email_message(pk))


@shared_task(name="notifications.deliver_email", ignore_result=True, **RETRY)
def deliver_email(email_id: int) -> bool:
    return services.deliver_email(email_id)


@shared_task(name="notifications.daily_digests", ignore_result=True, **RETRY)
def daily_digests() -> int:
    return services.send_daily_digests()
