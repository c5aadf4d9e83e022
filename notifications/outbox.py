"""The transactional outbox: work written in the commit that causes it, done afterwards, once.

``enqueue`` writes an ``OutboxMessage`` (a Celery task name and its keyword arguments) in the
caller's transaction and asks for it to be dispatched as soon as that transaction commits. A
row rolled back with its transaction never existed, so no work is done for a change that did
not happen.

A dispatched row reaches ``run`` (the Celery task ``notifications.run_outbox_message``), which
locks it, does the named task's work **in the same transaction** and marks the row done there:
the work's database effects and "done" commit together. When the work fails (the mail server
is down, a service hangs), the row is released with a backoff and tried again; when the broker
is down, the row simply waits. ``relay`` (Celery beat, every minute) dispatches every row that
is due, and rows dispatched long ago but never done (a lost message, a killed worker). Once the
broker has refused a row, a process leaves its new rows to the relay for half a minute instead
of making each request wait for the refusal.

So each row runs until it has succeeded, which may be more than once across failures: every
task named here is idempotent and checks, under a row lock, whether its effect has already
happened (``emailed_at``, ``sent_at``, one certificate per application, one message per key).

Tasks are named by string, never imported: any app can enqueue work for any other without an
import between them.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zoneportal.celery import app as celery_app

from .models import OutboxMessage

logger = logging.getLogger(__name__)

BATCH = 200
#: Seconds before the n-th retry of a row that failed (then the last value, for as long as needed).
BACKOFF = (10, 30, 60, 300, 900)
#: A dispatched row not done after this long is dispatched again (its message was lost).
LEASE = datetime.timedelta(minutes=15)
#: After the broker refused a row, rows of commits are left to the relay for this long (each
#: refusal can take seconds: a request should not wait for it again and again).
BROKER_PAUSE_SECONDS = 30
_broker_down_until = 0.0

#: Done rows are kept this long for the record, then deleted by the relay.
KEEP = datetime.timedelta(days=14)


def enqueue(task: str, **kwargs) -> OutboxMessage:
    """Write ``task(**kwargs)`` to the outbox in the current transaction; dispatch on commit."""
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs, next_attempt_at=timezone.now())
    message_id = message.pk
    transaction.on_commit(lambda: dispatch([message_id]), robust=True)
    return message


def _task(name: str):
    tasks = celery_app.tasks
    if name not in tasks:
        # A web process imports no task module by itself: load every app's tasks once.
        celery_app.loader.import_default_modules()
    return tasks[name]


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])


def _failed(message_id: int, exc: BaseException, *, now=None, release=True):
    """Record a failure; the delay until the next try (None if there is nothing to retry).

    ``release``: leave the row to the relay (the default); a worker that retries the row itself
    keeps it marked as dispatched, so the relay does not hand it over a second time meanwhile.
    """
    now = now or timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.done_at is not None:
            return None
        message.attempts += 1
        delay = _backoff(message.attempts)
        message.next_attempt_at = now + delay
        message.dispatched_at = None if release else now
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        message.save(update_fields=["attempts", "next_attempt_at", "dispatched_at", "last_error"])
    logger.warning(
        "outbox: %s (row %s) failed, try %d again at %s: %s",
        message.task,
        message.pk,
        message.attempts + 1,
        message.next_attempt_at.isoformat(timespec="seconds"),
        message.last_error,
    )
    return delay


def dispatch(ids=None, *, now=None) -> int:
    """Hand rows (``ids``, or every row that is due) to the queue; returns how many."""
    global _broker_down_until
    paused = time.monotonic() < _broker_down_until and not celery_app.conf.task_always_eager
    if ids is not None and paused:
        return 0  # the broker refused a moment ago: the relay will hand these over
    now = now or timezone.now()
    runner = _task("notifications.run_outbox_message")
    done = 0
    while True:
        with transaction.atomic():
            rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
                done_at__isnull=True
            )
            if ids is not None:
                rows = rows.filter(pk__in=ids, dispatched_at__isnull=True)
            else:
                rows = rows.filter(
                    Q(dispatched_at__isnull=True, next_attempt_at__lte=now)
                    | Q(dispatched_at__lt=now - LEASE)
                )
            batch = list(rows.order_by("pk")[:BATCH])
            for message in batch:
                message.dispatched_at = timezone.now()
                message.save(update_fields=["dispatched_at"])
        for message in batch:
            try:
                # retry=False: with the broker down, fail now and leave the row to the relay
                # rather than hold the request up while kombu retries.
                runner.apply_async(args=[message.pk], retry=False)
            except Exception as exc:  # noqa: BLE001 — any failure leaves the row for later
                _failed(message.pk, exc, now=now)
                _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
                continue
            done += 1
        if ids is not None or len(batch) < BATCH:
            return done


def run(message_id: int, *, release=True) -> datetime.timedelta | None:
    """Do a row's work and mark it done, in one transaction.

    Returns None when the work is done (or there was nothing to do), else the delay until the
    row should be tried again (the failure is recorded on the row).
    """
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, done_at__isnull=True)
                .first()
            )
            if message is None:
                return None  # done already, or being done by another worker right now
            _task(message.task)(**message.kwargs)
            message.done_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["done_at", "last_error"])
    except Exception as exc:  # noqa: BLE001 — recorded on the row, tried again later
        return _failed(message_id, exc, release=release)
    return None


def relay(now=None) -> dict:
    """Dispatch every due row and forget old done ones (run every minute)."""
    now = now or timezone.now()
    dispatched = dispatch(now=now)
    removed, _ = OutboxMessage.objects.filter(done_at__lt=now - KEEP).delete()
    waiting = OutboxMessage.objects.filter(done_at__isnull=True).count()
    if waiting:
        logger.info("outbox: %d dispatched, %d not done yet", dispatched, waiting)
    return {"dispatched": dispatched, "waiting": waiting, "removed": removed}
