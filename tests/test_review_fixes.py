"""Fixes from the review of applications and certificates: each behaviour a user relies on."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications import notify, services, tasks
from applications.models import Application
from notifications import services as message_services
from notifications.models import Notification, OutboxMessage
from tests.factories import make_application, make_reviewer
from tests.outbox_support import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def test_an_oversized_request_is_refused_before_it_is_read(client, settings):
    settings.MAX_REQUEST_BYTES = 1024
    response = client.post(
        reverse("certificates:verify_start"), data=b"x" * 2048, content_type="application/pdf"
    )
    assert response.status_code == 413


def test_a_withdrawn_draft_is_not_shown_to_reviewers(client):
    draft = make_application()
    member = draft.enterprise.memberships.first().user
    services.withdraw(draft, by=member)
    document = draft.documents.get()
    reviewer = make_reviewer()
    client.force_login(reviewer)
    assert client.get(reverse("application_review:detail", args=[draft.pk])).status_code == 404
    preview = reverse("application_review:document", args=[draft.pk, document.pk])
    assert client.get(preview).status_code == 404
    listing = client.get(reverse("application_review:queue") + "?state=all")
    assert draft.enterprise.name not in listing.content.decode()


def later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_a_retried_event_still_sends_the_email_that_failed(monkeypatch):
    application = make_application(submit=True)
    event = application.events.get(action="submit")
    deliver()  # the submission's own outbox rows
    mail.outbox.clear()
    calls = {"n": 0}
    real = message_services._mail  # where a message's e-mail meets the mail server

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("SMTP down")
        return real(*args, **kwargs)

    monkeypatch.setattr(message_services, "_mail", flaky)
    Notification.objects.filter(key=f"application-event:{event.pk}").delete()
    notify.notify_event(event.pk)
    deliver()  # the mail server refuses: nothing sent, the row waits
    assert len(mail.outbox) == 0
    deliver(now=later(1))  # the retry sends what was owed
    assert len(mail.outbox) == 1
    deliver(now=later(60))  # and never twice
    assert notify.notify_event(event.pk) == 0
    deliver(now=later(120))
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(key=f"application-event:{event.pk}").count() == 1


def test_the_daily_run_issues_a_missing_certificate():
    application = make_application(submit=True)
    reviewer = make_reviewer()
    services.transition(application, "accept", by=reviewer)
    # Approved without running the on-commit hook: as if the broker had been down.
    services.transition(application, "approve", by=reviewer, amount="1000")
    assert not application.certificates.exists()
    OutboxMessage.objects.all().delete()  # as if the issue task had failed for good
    result = tasks.daily()
    assert result["certificates_queued"] == 1
    deliver()
    assert application.certificates.count() == 1
    assert tasks.daily()["certificates_queued"] == 0


def test_a_return_with_only_a_comment_is_shown_to_the_applicant(client):
    application = make_application(submit=True)
    reviewer = make_reviewer()
    services.transition(application, "return", by=reviewer, comment="请补充项目预算说明。")
    client.force_login(application.enterprise.memberships.first().user)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "请补充项目预算说明。" in page
    project = client.get(reverse("applications:project", args=[application.pk]))
    assert "请补充项目预算说明。" in project.content.decode()


def test_the_digest_is_retried_when_its_email_fails(monkeypatch):
    make_application(submit=True)
    make_reviewer("digest@zone.example")
    deliver()
    mail.outbox.clear()

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(message_services, "_mail", broken)
    assert notify.send_reviewer_digest() == 1
    deliver()
    monkeypatch.undo()
    assert mail.outbox == []
    deliver(now=later(1))
    assert notify.send_reviewer_digest() == 0
    deliver(now=later(60))
    assert Application.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["digest@zone.example"]]


def test_a_newly_unknown_fact_is_confirmed_on_the_check_page(client):
    from policies.models import PolicyPage

    application = make_application()
    policy = PolicyPage.objects.get(pk=application.programme.page_id)
    policy.criteria = {"min_employees": 10}
    policy.save()
    enterprise = application.enterprise
    enterprise.employees = None  # the company cleared the figure: the portal cannot check it
    enterprise.save()
    client.force_login(enterprise.memberships.first().user)
    check_url = reverse("applications:check", args=[application.pk])

    page = client.get(check_url).content.decode()
    assert 'name="confirm_min_employees"' in page
    client.post(check_url)  # submitting first is refused with the reason, nothing lost
    application.refresh_from_db()
    assert application.state == "draft"

    client.post(check_url, {"confirm": "", "confirm_min_employees": "on"})
    application.refresh_from_db()
    assert "min_employees" in application.confirmed_unknowns
    assert 'name="confirm_min_employees"' not in client.get(check_url).content.decode()
    client.post(check_url)
    application.refresh_from_db()
    assert application.state == "submitted"


def test_a_reviewer_without_two_factor_cannot_download_other_companies_certificates(
    client, django_capture_on_commit_callbacks
):
    from allauth.mfa.models import Authenticator

    application = make_application(submit=True)
    reviewer = make_reviewer()
    services.transition(application, "accept", by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(application, "approve", by=reviewer, amount="1000")
    certificate = application.certificates.get()
    url = reverse("certificates:download", args=[certificate.number])
    client.force_login(reviewer)
    assert client.get(url).status_code == 200  # with the authenticator the factory gives staff
    Authenticator.objects.filter(user=reviewer).delete()
    assert client.get(url).status_code == 404
