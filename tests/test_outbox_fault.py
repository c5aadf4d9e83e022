"""Redis down, nothing lost: every e-mail, message and certificate arrives once it is back, once.

A private redis-server (tests/private_services.py) is the Celery broker; the shared one is never
touched. It is stopped, and meanwhile a person signs up (allauth's confirmation e-mail), a
company invites a colleague, and an application is submitted, accepted and approved. Every
request succeeds; all the work that must follow waits in the outbox. Redis is started again with
a real Celery worker, the relay runs (as beat does every minute) — and runs again, later: every
e-mail is sent exactly once, every member has exactly one message per change, and the approval
has exactly one certificate.
"""

from __future__ import annotations

import datetime
import email
import email.header
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from applications import services
from certificates.models import Certificate
from enterprises import services as enterprise_services
from notifications import outbox
from notifications.models import Notification, OutboxMessage
from tests.factories import make_application, make_reviewer, make_verified_enterprise
from tests.private_services import PrivateRedis
from tests.workers import celery_broker, celery_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def later(minutes: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def sent_mail(directory: Path) -> list[tuple[str, str]]:
    """(recipient, subject) of every message the worker's file backend wrote."""
    found = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.strip())
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            for recipient in (message["To"] or "").split(","):
                found.append((recipient.strip(), subject))
    return found


def eventually(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError("the outbox was not emptied in time")


def test_work_queued_while_redis_is_down_happens_once_when_it_is_back(tmp_path, settings):
    mail_dir = tmp_path / "mail"
    enterprise = make_verified_enterprise(name="成都断网不丢件科技有限公司")
    admin = enterprise.memberships.get().user
    reviewer = make_reviewer()
    application = make_application(enterprise)

    with PrivateRedis() as redis_server, celery_broker(redis_server.url):
        settings.CELERY_BROKER_URL = redis_server.url
        redis_server.stop()

        with translation.override("zh-hans"):
            signup = Client().post(
                reverse("account_signup"),
                {
                    "email": "newcomer@outage.example",
                    "password1": "correct-horse-battery",
                    "password2": "correct-horse-battery",
                },
            )
        assert signup.status_code == 302
        enterprise_services.invite(enterprise, by=admin, email="colleague@outage.example")
        services.submit(application, by=admin)
        services.transition(application, "accept", by=reviewer)
        services.transition(application, "approve", by=reviewer, amount="50000")

        waiting = OutboxMessage.objects.filter(done_at__isnull=True)
        assert waiting.count() >= 6  # 2 e-mails, 3 changes to tell, 1 certificate
        assert not waiting.filter(dispatched_at__isnull=False).exists()
        assert waiting.exclude(last_error="").exists()  # refused by the broker
        assert not Certificate.objects.exists()

        redis_server.start()
        with celery_worker(
            tmp_path,
            "outbox",
            REDIS_URL=redis_server.url,
            ZP_TEST_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            ZP_TEST_EMAIL_FILE_PATH=str(mail_dir),
        ):
            outbox.relay(now=later(1))  # beat's relay, a minute later
            eventually(lambda: not OutboxMessage.objects.filter(done_at__isnull=True).exists())
            # The relay runs on, every minute, and a lease expires: nothing happens twice.
            outbox.relay(now=later(2))
            outbox.relay(now=later(60))
            time.sleep(2)
            assert not OutboxMessage.objects.filter(done_at__isnull=True).exists()

    mail = sent_mail(mail_dir)
    recipients = [to for to, _subject in mail]
    assert recipients.count("newcomer@outage.example") == 1  # the sign-up confirmation
    assert recipients.count("colleague@outage.example") == 1  # the invitation
    # The administrator: one e-mail per change of the application (submit, accept, approve).
    assert recipients.count(admin.email) == 3
    for action in ("submit", "accept", "approve"):
        event = application.events.get(action=action)
        assert Notification.objects.filter(key=f"application-event:{event.pk}").count() == 1
    assert Certificate.objects.filter(application=application).count() == 1
