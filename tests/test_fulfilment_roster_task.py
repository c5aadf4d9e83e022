"""Generating an apply-free roster in the background: the officer's request only checks and
starts the roster ("generating"); ``fulfilment.fill_roster`` fills it through the outbox after
the commit, once, on the real PostgreSQL and Elasticsearch; a failure is shown with a way to
try again or discard, and a roster lost on the way can be discarded."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fulfilment import rosters, tasks
from fulfilment.models import EntryState, Roster, RosterEntry, RosterState
from fulfilment.rules import FulfilmentError
from notifications.models import OutboxMessage
from tests.factories import make_policy, make_programme, make_verified_enterprise
from tests.fulfilment_support import officer
from tests.matching_support import enterprises_index  # noqa: F401
from tests.outbox_support import deliver

pytestmark = pytest.mark.django_db

REFRESH = '<meta http-equiv="refresh" content="5">'


@pytest.fixture
def zone(enterprises_index):  # noqa: F811
    policy = make_policy(criteria={"industries": ["I65"], "min_employees": 20}, apply_free=True)
    programme = make_programme(policy, budget=Decimal("1000000.00"))
    fits = [make_verified_enterprise(employees=50) for _ in range(3)]
    too_small = make_verified_enterprise(employees=5)
    enterprises_index(*fits, too_small)
    clerk = officer()
    # The plain test client: what the request commits is not delivered until the test says so
    # (``deliver``), as when the workers are busy.
    browser = Client()
    browser.force_login(clerk)
    return {"programme": programme, "fits": fits, "officer": clerk, "browser": browser}


def start_by_form(zone, amount="100000"):
    return zone["browser"].post(
        reverse("fulfilment_admin:rosters"),
        {"programme": zone["programme"].pk, "amount": amount, "confirm_days": "5"},
    )


def page(zone, roster) -> str:
    response = zone["browser"].get(reverse("fulfilment_admin:roster", args=[roster.pk]))
    assert response.status_code == 200
    return response.content.decode()


def listed(roster) -> set[int]:
    return set(roster.entries.values_list("enterprise_id", flat=True))


def test_the_request_returns_at_once_and_the_outbox_fills_the_roster(zone):
    response = start_by_form(zone)
    roster = Roster.objects.get(programme=zone["programme"])
    assert response.status_code == 302
    assert response.url == reverse("fulfilment_admin:roster", args=[roster.pk])
    assert roster.state == RosterState.GENERATING
    assert not roster.entries.exists()
    assert OutboxMessage.objects.filter(
        task="fulfilment.fill_roster", kwargs={"roster_id": roster.pk}, done_at__isnull=True
    ).exists()

    waiting = page(zone, roster)
    assert REFRESH in waiting
    assert "正在生成名单" in waiting and "本页会自动刷新" in waiting
    assert "roster-review" not in waiting and "roster-publish" not in waiting
    assert "正在生成" in zone["browser"].get(reverse("fulfilment_admin:rosters")).content.decode()

    deliver()
    roster.refresh_from_db()
    assert roster.state == RosterState.DRAFT
    assert listed(roster) == {c.pk for c in zone["fits"]}
    assert set(roster.entries.values_list("state", flat=True)) == {EntryState.LISTED}
    entry = roster.entries.first()
    assert entry.evidence["facts"]["employees"] == 50
    assert sorted(entry.evidence["criteria"]) == ["industries", "min_employees"]
    ready = page(zone, roster)
    assert REFRESH not in ready
    assert 'id="roster-review"' in ready
    assert zone["fits"][0].name in ready


def test_running_the_task_again_writes_each_entry_once(zone):
    start_by_form(zone)
    roster = Roster.objects.get(programme=zone["programme"])
    deliver()
    first = dict(roster.entries.values_list("enterprise_id", "pk"))
    assert len(first) == 3

    # The same outbox row delivered a second time, a second row for the same roster, and the
    # task run by hand: nothing changes.
    OutboxMessage.objects.filter(task="fulfilment.fill_roster").update(
        done_at=None, dispatched_at=None, next_attempt_at=timezone.now()
    )
    OutboxMessage.objects.create(
        task="fulfilment.fill_roster",
        kwargs={"roster_id": roster.pk},
        next_attempt_at=timezone.now(),
    )
    deliver()
    assert tasks.fill_roster(roster.pk) == RosterState.DRAFT
    assert rosters.fill(roster.pk).state == RosterState.DRAFT
    assert dict(RosterEntry.objects.filter(roster=roster).values_list("enterprise_id", "pk")) == (
        first
    )
    assert not OutboxMessage.objects.filter(done_at__isnull=True).exists()


def test_a_second_roster_cannot_be_started_while_one_is_generating(zone):
    start_by_form(zone)
    response = start_by_form(zone)
    assert response.status_code == 302 and response.url == reverse("fulfilment_admin:rosters")
    assert Roster.objects.filter(programme=zone["programme"]).count() == 1
    with pytest.raises(FulfilmentError) as error:
        rosters.start(zone["programme"], by=zone["officer"], amount=Decimal("1000.00"))
    assert error.value.code == "exists"
    followed = zone["browser"].get(reverse("fulfilment_admin:rosters")).content.decode()
    assert "该项目已有进行中的名单" in followed


def test_the_request_still_checks_the_roster_before_starting_it(zone):
    response = start_by_form(zone, amount="999999999")
    assert response.status_code == 302
    assert not Roster.objects.exists()
    assert not OutboxMessage.objects.filter(task="fulfilment.fill_roster").exists()


def failed_roster(zone) -> Roster:
    """A roster whose task failed: what it cannot read (criteria no version of the portal
    knows) fails it."""
    start_by_form(zone)
    roster = Roster.objects.get(programme=zone["programme"])
    Roster.objects.filter(pk=roster.pk).update(criteria={"no_such_criterion": 1})
    deliver()
    roster.refresh_from_db()
    assert roster.state == RosterState.FAILED
    return roster


def test_a_failed_generation_is_shown_and_can_be_tried_again(zone):
    roster = failed_roster(zone)
    assert "no_such_criterion" in roster.failure
    assert not roster.entries.exists()
    # Recorded, not retried for ever.
    assert not OutboxMessage.objects.filter(done_at__isnull=True).exists()

    shown = page(zone, roster)
    assert "生成失败" in shown and "no_such_criterion" in shown
    assert REFRESH not in shown
    assert 'id="roster-retry"' in shown and 'id="roster-discard"' in shown
    assert "roster-publish" not in shown and "roster-review" not in shown

    # Trying again reads the policy's criteria again and goes through the outbox.
    response = zone["browser"].post(
        reverse("fulfilment_admin:roster", args=[roster.pk]), {"action": "retry"}
    )
    assert response.status_code == 302
    roster.refresh_from_db()
    assert roster.state == RosterState.GENERATING and roster.failure == ""
    assert roster.criteria["min_employees"] == 20  # the policy's criteria, read again
    deliver()
    roster.refresh_from_db()
    assert roster.state == RosterState.DRAFT
    assert listed(roster) == {c.pk for c in zone["fits"]}


def test_a_failed_roster_blocks_nothing_but_is_not_tried_again_beside_a_new_one(zone):
    roster = failed_roster(zone)
    start_by_form(zone)
    newer = Roster.objects.exclude(pk=roster.pk).get(programme=zone["programme"])
    assert newer.state == RosterState.GENERATING
    with pytest.raises(FulfilmentError) as error:
        rosters.retry(roster, by=zone["officer"])
    assert error.value.code == "exists"
    roster.refresh_from_db()
    assert roster.state == RosterState.FAILED


def test_a_failed_roster_can_be_discarded(zone):
    roster = failed_roster(zone)
    response = zone["browser"].post(
        reverse("fulfilment_admin:roster", args=[roster.pk]), {"action": "discard"}
    )
    assert response.status_code == 302 and response.url == reverse("fulfilment_admin:rosters")
    assert not Roster.objects.exists()


def test_a_roster_lost_on_the_way_can_be_discarded_but_not_one_still_young(zone):
    start_by_form(zone)
    roster = Roster.objects.get(programme=zone["programme"])
    OutboxMessage.objects.filter(task="fulfilment.fill_roster").delete()  # the task was lost
    assert 'id="roster-discard"' not in page(zone, roster)
    with pytest.raises(FulfilmentError) as error:
        rosters.discard(roster, by=zone["officer"])
    assert error.value.code == "state"

    Roster.objects.filter(pk=roster.pk).update(
        generated_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    shown = page(zone, roster)
    assert REFRESH in shown and 'id="roster-discard"' in shown
    zone["browser"].post(
        reverse("fulfilment_admin:roster", args=[roster.pk]), {"action": "discard"}
    )
    assert not Roster.objects.exists()


def test_review_and_publish_are_refused_while_generating(zone):
    start_by_form(zone)
    roster = Roster.objects.get(programme=zone["programme"])
    for action in ("review", "publish", "retry", "fill"):
        zone["browser"].post(
            reverse("fulfilment_admin:roster", args=[roster.pk]), {"action": action}
        )
    roster.refresh_from_db()
    assert roster.state == RosterState.GENERATING and not roster.entries.exists()
