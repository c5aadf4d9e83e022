"""The public notice page (公示): approvals under notice and the recently final, for anyone, with
the company's name, programme, policy, amount, notice end and objection contact, nothing more."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications import public_views, services
from applications.models import Application
from tests.factories import make_application, make_programme, make_reviewer
from zoneportal.clock import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def reviewer(db):
    return make_reviewer()


def approved(reviewer, amount="250000", **programme_fields):
    programme = make_programme(**programme_fields)
    application = make_application(programme=programme, submit=True)
    services.transition(application, "accept", by=reviewer)
    services.transition(application, "approve", by=reviewer, amount=amount, comment="同意")
    return Application.objects.select_related("enterprise", "programme").get(pk=application.pk)


def url(language="zh-hans"):
    with translation.override(language):
        return reverse("application_notices:list")


def test_the_page_lists_approvals_under_notice_and_recent_finals(client, reviewer):
    under = approved(reviewer, "123456.78", objection_contact="科技创新局 028-61234567")
    final = approved(reviewer, "88000")
    Application.objects.filter(pk=final.pk).update(
        notice_until=local_today() - datetime.timedelta(days=3)
    )
    services.finalise_due()
    old_final = approved(reviewer, "77000")
    Application.objects.filter(pk=old_final.pk).update(
        state="final", finalised_at=timezone.now() - datetime.timedelta(days=31)
    )
    waiting = make_application(submit=True)
    rejected = make_application(submit=True)
    services.transition(rejected, "accept", by=reviewer)
    services.transition(rejected, "reject", by=reviewer, comment="不符合")

    response = client.get(url())  # anonymous
    assert response.status_code == 200
    html = response.content.decode()
    assert under.enterprise.name in html
    assert under.programme.name in html
    assert under.policy.title in html
    assert "¥123,456.78" in html
    assert under.notice_until.isoformat() in html
    assert "科技创新局 028-61234567" in html
    assert final.enterprise.name in html and "¥88,000.00" in html
    for absent in (old_final, waiting, rejected):
        assert absent.enterprise.name not in html
    # Under notice first, then the final ones marked as such.
    assert html.index(under.enterprise.name) < html.index(final.enterprise.name)
    rows = re.findall(r"<tr( class=\"public-notice--final\")?>\s*<th scope=\"row\">([^<]+)<", html)
    marked = ' class="public-notice--final"'
    assert rows == [("", under.enterprise.name), (marked, final.enterprise.name)]


def test_nothing_else_about_the_company(client, reviewer):
    application = approved(reviewer)
    enterprise = application.enterprise
    html = client.get(url()).content.decode()
    assert enterprise.name in html
    for private in (
        enterprise.credit_code,
        enterprise.legal_representative,
        enterprise.registered_address,
        application.contact_phone,
        application.contact_email,
        application.project_title,
        application.reference,
        "同意",  # the reviewer's comment
        str(application.amount_requested),
        "300,000",
    ):
        assert private and private not in html, private


def test_accessible_structure(client, reviewer):
    approved(reviewer)
    html = client.get(url()).content.decode()
    assert html.count("<h1") == 1
    assert "<caption>" in html
    assert html.count('<th scope="col">') == 6
    assert '<html lang="zh-CN"' in html
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">', html)


def test_english(client, reviewer):
    application = approved(reviewer)
    html = client.get(url("en")).content.decode()
    assert "Public notice of approved applications" in html
    assert application.programme.name_en in html  # the programme's English name
    assert "Under notice until" in html


def test_empty(client, db):
    response = client.get(url("en"))
    assert response.status_code == 200
    assert "No approvals are under public notice at the moment." in response.content.decode()


def test_paginated(client, reviewer, monkeypatch):
    monkeypatch.setattr(public_views, "PER_PAGE", 2)
    made = [approved(reviewer, amount=f"{1000 + i}") for i in range(3)]
    first = client.get(url("en")).content.decode()
    second = client.get(url("en") + "?page=2").content.decode()
    assert sum(a.enterprise.name in first for a in made) == 2
    assert sum(a.enterprise.name in second for a in made) == 1
    assert 'rel="next"' in first and 'rel="prev"' in second
    # A page out of range shows the last page, not an error.
    assert client.get(url("en") + "?page=99").status_code == 200
    assert client.get(url("en") + "?page=abc").status_code == 200


def test_notice_rows_follow_public_notices(reviewer):
    application = approved(reviewer)
    notice_end = application.notice_until
    assert list(public_views.notice_rows(notice_end)) == [application]
    # The day after, it is still listed (not yet final) until the daily task finalises it.
    assert list(public_views.notice_rows(notice_end + datetime.timedelta(days=1))) == [application]


def test_an_ended_notice_stays_listed_until_it_is_made_final(client, reviewer):
    application = approved(reviewer, "66000")
    Application.objects.filter(pk=application.pk).update(
        notice_until=local_today() - datetime.timedelta(days=1)
    )
    assert application.enterprise.name in client.get(url()).content.decode()
    services.finalise_due()
    application.refresh_from_db()
    assert application.state == "final"
    assert application.enterprise.name in client.get(url()).content.decode()
