"""Notifications of applications: every state change to every member (e-mail by preference),
once; draft and returned reminders once; the reviewers' digest once a day; and the real path
through a Celery worker."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation

from applications import notify, services
from applications.models import Application, ApplicationEvent, ApplicationState
from notifications.models import Notification, NotificationPreference, OutboxMessage
from tests.factories import (
    make_application,
    make_member,
    make_programme,
    make_reviewer,
    make_verified_enterprise,
)
from tests.matching_support import eventually
from tests.outbox_support import deliver
from tests.workers import celery_worker, tasks_sent_to_the_broker
from zoneportal.clock import local_today


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def company(db):
    """A company with four people: the admin (no preference: e-mail at once), one who chose
    e-mail at once, one the daily digest, one no e-mail."""
    enterprise = make_verified_enterprise()
    people = {"admin": enterprise.memberships.get().user}
    for name, choice in (("immediate", "immediate"), ("daily", "daily"), ("none", "none")):
        user = make_member(enterprise, f"{name}-{enterprise.pk}@test.example")
        NotificationPreference.objects.create(user=user, email=choice)
        people[name] = user
    return enterprise, people


def emailed_to(address):
    return [m for m in mail.outbox if address in m.to]


def emails_from(action) -> int:
    """Run ``action``, then the outbox (as the workers would): the e-mails it sent."""
    # What earlier steps left in the outbox is not this action's: as before the outbox, their
    # on-commit work never ran inside the test's transaction.
    OutboxMessage.objects.filter(done_at__isnull=True).delete()
    before = len(mail.outbox)
    action()
    deliver()
    return len(mail.outbox) - before


def notify_all_new():
    """Run notify_event for every event (as the on-commit task would)."""
    for pk in ApplicationEvent.objects.order_by("pk").values_list("pk", flat=True):
        notify.notify_event(pk)


@pytest.mark.django_db
class TestStateChanges:
    def test_each_change_reaches_every_member_once(self, company):
        enterprise, people = company
        reviewer = make_reviewer()
        application = make_application(enterprise, submit=True)
        steps = [
            lambda: services.transition(application, "accept", by=reviewer),
            lambda: services.transition(
                application,
                "return",
                by=reviewer,
                comment="请补充",
                internal_note="内部备注不外传",
                reasons={"doc-audit": "缺少签章"},
            ),
            lambda: (
                services.accept_declaration(application, by=people["admin"]),
                services.submit(application, by=people["admin"]),
            ),
            lambda: services.transition(application, "accept", by=reviewer),
            lambda: services.transition(application, "approve", by=reviewer, amount="200000"),
        ]
        for step in steps:
            step()
        events = list(application.events.exclude(action="start"))
        assert [e.action for e in events] == [
            "submit",
            "accept",
            "return",
            "resubmit",
            "accept",
            "approve",
        ]
        mail.outbox.clear()
        for event in events:
            sent = emails_from(lambda event=event: notify.notify_event(event.pk))
            assert sent == 2  # the admin and the one who chose e-mail at once
        for user in people.values():
            assert Notification.objects.filter(user=user, kind="application").count() == len(events)
        assert len(emailed_to(people["admin"].email)) == len(events)
        assert len(emailed_to(people["immediate"].email)) == len(events)
        assert emailed_to(people["daily"].email) == []
        assert emailed_to(people["none"].email) == []
        # The daily-digest person's messages wait for the digest.
        assert not Notification.objects.filter(user=people["daily"], emailed_at__isnull=False)
        # No internal note anywhere the company sees.
        assert not Notification.objects.filter(body__contains="内部备注").exists()
        assert not [m for m in mail.outbox if "内部备注" in m.body]

        # Again: nothing new.
        count = Notification.objects.count()
        for event in events:
            assert emails_from(lambda event=event: notify.notify_event(event.pk)) == 0
        assert Notification.objects.count() == count
        assert len(mail.outbox) == 2 * len(events)

    def test_a_late_notification_tells_the_state_of_its_event(self, company):
        """A task run late (a busy worker, a retry) describes its own change, not a later one."""
        enterprise, _people = company
        application = make_application(enterprise, submit=True)
        services.transition(application, "accept", by=make_reviewer())
        submitted = application.events.get(action="submit")
        notify.notify_event(submitted.pk)
        body = Notification.objects.filter(key=f"application-event:{submitted.pk}").first().body
        with translation.override(settings.LANGUAGE_CODE):
            submitted_label = str(ApplicationState.SUBMITTED.label)
            accepted_label = str(ApplicationState.ACCEPTED.label)
        assert submitted_label in body
        assert accepted_label not in body

    def test_the_transition_queues_the_notification_on_commit(
        self, company, django_capture_on_commit_callbacks
    ):
        enterprise, _people = company
        application = make_application(enterprise, submit=True)
        with django_capture_on_commit_callbacks(execute=True):
            services.transition(application, "accept", by=make_reviewer())
        accept = application.events.get(action="accept")
        queued = OutboxMessage.objects.get(
            task="applications.notify_event", kwargs={"event_id": accept.pk}
        )
        assert queued.done_at is not None  # queued in the transition, run once it committed
        assert Notification.objects.filter(key=f"application-event:{accept.pk}").count() == 4
        assert "accepted" in mail.outbox[-1].subject or "受理" in mail.outbox[-1].subject

    def test_an_illegal_action_queues_nothing(self, company, django_capture_on_commit_callbacks):
        enterprise, _people = company
        application = make_application(enterprise)
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(services.ApplicationError),
        ):
            services.transition(application, "approve", by=make_reviewer(), amount="1")
        assert callbacks == []


@pytest.mark.django_db
class TestReminders:
    def test_draft_reminders_7_and_1_days_before_the_close(self, company):
        enterprise, people = company
        now = timezone.now()
        programme = make_programme(closes_at=now + datetime.timedelta(days=6, hours=20))
        application = make_application(enterprise, programme, complete=False)
        submitted = make_application(programme=programme, submit=True)  # not reminded

        assert emails_from(lambda: notify.send_reminders(now)) == 2
        assert emails_from(lambda: notify.send_reminders(now)) == 0
        # Three days later: the 7-day reminder went out already, the 1-day one is not due.
        assert emails_from(lambda: notify.send_reminders(now + datetime.timedelta(days=3))) == 0
        one_day = programme.closes_at - datetime.timedelta(hours=20)
        assert emails_from(lambda: notify.send_reminders(one_day)) == 2
        assert emails_from(lambda: notify.send_reminders(one_day)) == 0
        # After the close: nothing.
        assert (
            emails_from(
                lambda: notify.send_reminders(programme.closes_at + datetime.timedelta(hours=1))
            )
            == 0
        )

        keys = sorted(
            Notification.objects.filter(user=people["none"]).values_list("key", flat=True)
        )
        assert keys == [
            f"application-reminder:{application.pk}:closing-1",
            f"application-reminder:{application.pk}:closing-7",
        ]
        for user in people.values():
            assert Notification.objects.filter(user=user).count() == 2
        submitter = submitted.enterprise.memberships.get().user
        assert not Notification.objects.filter(user=submitter).exists()
        assert len(emailed_to(people["admin"].email)) == 2

    def test_a_draft_far_from_the_close_is_not_reminded(self, company):
        enterprise, _people = company
        make_application(enterprise, complete=False)  # closes in 30 days
        assert emails_from(lambda: notify.send_reminders()) == 0
        assert not Notification.objects.exists()

    def test_a_returned_application_is_reminded_once_after_5_working_days(self, company):
        enterprise, people = company
        reviewer = make_reviewer()
        application = make_application(enterprise, submit=True)
        services.transition(application, "accept", by=reviewer)
        services.transition(application, "return", by=reviewer, comment="请补充")
        mail.outbox.clear()
        assert emails_from(lambda: notify.send_reminders()) == 0  # returned today

        returned = application.events.get(action="return")
        ApplicationEvent.objects.filter(pk=returned.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=10)
        )
        assert emails_from(lambda: notify.send_reminders()) == 2
        assert emails_from(lambda: notify.send_reminders()) == 0
        key = f"application-reminder:{application.pk}:returned-{returned.pk}"
        assert Notification.objects.filter(key=key).count() == 4
        assert len(emailed_to(people["admin"].email)) == 1


@pytest.mark.django_db
class TestReviewerDigest:
    def test_once_a_day_with_new_and_overdue_work(self, company):
        enterprise, _people = company
        reviewers = [make_reviewer(), make_reviewer()]
        waiting = make_application(enterprise, submit=True)
        late = make_application(programme=make_programme(review_days=1), submit=True)
        services.transition(late, "accept", by=reviewers[0])
        today = local_today()
        Application.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=1))
        mail.outbox.clear()

        assert emails_from(lambda: notify.send_reviewer_digest(today)) == 2
        assert emails_from(lambda: notify.send_reviewer_digest(today)) == 0
        assert len(mail.outbox) == 2
        body = mail.outbox[0].body
        assert waiting.reference in body and late.reference in body
        assert {m.to[0] for m in mail.outbox} == {r.email for r in reviewers}
        assert (
            emails_from(lambda: notify.send_reviewer_digest(today + datetime.timedelta(days=1)))
            == 2
        )

    def test_no_digest_without_work(self, db):
        make_reviewer()
        assert emails_from(lambda: notify.send_reviewer_digest()) == 0
        assert mail.outbox == []


# --- the real path: on commit → Redis → a Celery worker → the message centre ----------------
@pytest.fixture
def real_worker(django_db_setup, django_db_blocker, tmp_path):
    with celery_worker(tmp_path, "applications") as log_path, tasks_sent_to_the_broker():
        yield log_path


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transition_is_notified_through_a_real_worker(real_worker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    enterprise = make_verified_enterprise()
    member = make_member(enterprise, "worker-member@test.example")
    application = make_application(enterprise, submit=True)
    services.transition(application, "accept", by=make_reviewer())
    accept = application.events.get(action="accept")
    key = f"application-event:{accept.pk}"
    eventually(lambda: Notification.objects.filter(key=key).count() == 2)
    eventually(
        lambda: Notification.objects.filter(key=key, user=member, emailed_at__isnull=False).exists()
    )
    assert Application.objects.get(pk=application.pk).state == "accepted"
