"""Apply-free (免申即享) rosters: reverse matching on the real Elasticsearch node, evidence, review,
publication, confirmation or decline within working days, and the no-double-benefit rule
across applied and apply-free benefits."""

import datetime
from decimal import Decimal

import pytest

from applications import services as applications
from applications.rules import ApplicationError
from fulfilment import rosters, services
from fulfilment.models import Award, EntryState, Roster, RosterEntry
from fulfilment.rules import FulfilmentError
from notifications.models import Notification
from policies.models import ExclusivityGroup
from policies.workdays import add_working_days
from tests.factories import (
    make_application,
    make_enterprise,
    make_policy,
    make_programme,
    make_reviewer,
    make_verified_enterprise,
)
from tests.fulfilment_support import deliver, final_award, finance, officer
from tests.matching_support import admin_client, enterprises_index  # noqa: F401
from zoneportal.clock import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(enterprises_index):  # noqa: F811
    group = ExclusivityGroup.objects.create(name="研发奖励")
    policy = make_policy(
        criteria={"industries": ["I65"], "min_employees": 20},
        apply_free=True,
        exclusivity_group=group,
    )
    programme = make_programme(policy, budget=Decimal("1000000.00"))
    fits = [make_verified_enterprise(employees=50) for _ in range(3)]
    too_small = make_verified_enterprise(employees=5)
    other_industry = make_verified_enterprise(industry_code="C27", employees=80)
    unverified = make_enterprise(employees=80)
    enterprises_index(*fits, too_small, other_industry, unverified)
    return {
        "programme": programme,
        "fits": fits,
        "others": [too_small, other_industry, unverified],
        "group": group,
        "officer": officer(),
        "index": enterprises_index.alias,
    }


def generate(zone, **kwargs):
    values = {"amount": Decimal("100000.00"), "confirm_days": 5}
    values.update(kwargs)
    return rosters.generate(
        zone["programme"], by=zone["officer"], client=admin_client(), index=zone["index"], **values
    )


def admin_of(enterprise):
    return enterprise.memberships.get(role="admin").user


def with_account(enterprise):
    services.save_account(
        enterprise,
        by=admin_of(enterprise),
        account_name=enterprise.name,
        bank_name="中国银行成都高新支行",
        account_number="6216600000001234567",
    )


def published(zone, **kwargs):
    roster = generate(zone, **kwargs)
    roster = services.move_roster(roster, "review", by=zone["officer"])
    return services.move_roster(roster, "publish", by=zone["officer"])


def test_the_roster_lists_exactly_the_verified_companies_that_fit_with_evidence(zone):
    roster = generate(zone)
    listed = set(roster.entries.values_list("enterprise_id", flat=True))
    assert listed == {c.pk for c in zone["fits"]}
    entry = roster.entries.first()
    assert entry.state == EntryState.LISTED
    assert entry.evidence["facts"]["employees"] == 50
    assert entry.evidence["facts"]["industry"] == "I65"
    assert sorted(entry.evidence["criteria"]) == ["industries", "min_employees"]
    assert roster.criteria["industries"] == ["I65"] and roster.criteria["min_employees"] == 20


def test_only_apply_free_policies_get_a_roster(zone):
    zone["programme"].page.apply_free = False
    zone["programme"].page.save()
    with pytest.raises(FulfilmentError) as error:
        generate(zone)
    assert error.value.code == "not_apply_free"


def test_a_company_holding_a_benefit_in_the_group_is_listed_as_excluded(zone):
    holder = zone["fits"][0]
    other = make_programme(make_policy(criteria={}, exclusivity_group=zone["group"]))
    final_award(holder, other)
    roster = generate(zone)
    entry = roster.entries.get(enterprise=holder)
    assert entry.state == EntryState.EXCLUDED and entry.reason


def test_review_publish_confirm_and_pay_without_an_application(zone):
    roster = generate(zone)
    first, second, third = zone["fits"]
    services.set_entry(
        roster.entries.get(enterprise=third),
        by=zone["officer"],
        include=False,
        reason="存在失信记录",
    )
    roster = services.move_roster(roster, "review", by=zone["officer"])
    roster = services.move_roster(roster, "publish", by=zone["officer"])
    assert roster.confirm_until == add_working_days(local_today(), 5)
    deliver()
    offered = Notification.objects.filter(key__startswith="fulfilment-offer:")
    assert set(offered.values_list("enterprise_id", flat=True)) == {first.pk, second.pk}

    entry = roster.entries.get(enterprise=first)
    with pytest.raises(FulfilmentError) as error:  # no bank account yet
        services.confirm_entry(entry, by=admin_of(first), declaration=True)
    assert error.value.code == "account"
    with_account(first)
    with pytest.raises(FulfilmentError):  # the declaration is required
        services.confirm_entry(entry, by=admin_of(first), declaration=False)
    award = services.confirm_entry(entry, by=admin_of(first), declaration=True)
    assert award.source == "apply_free" and award.application_id is None
    assert award.amount == Decimal("100000.00")
    assert list(award.instalments.values_list("state", flat=True)) == ["due"]
    assert RosterEntry.objects.get(pk=entry.pk).account["account_number"] == "6216600000001234567"
    # A double click gives the same award.
    assert services.confirm_entry(entry, by=admin_of(first), declaration=True) == award

    services.decline_entry(roster.entries.get(enterprise=second), by=admin_of(second))
    assert roster.entries.get(enterprise=second).state == EntryState.DECLINED

    # The award is paid like any other.
    money = finance()
    services.decide_account(first.bank_account, by=money, verify=True, version=1)
    batch = services.create_batch(by=money)
    services.add_to_batch(batch, award.instalments.values_list("pk", flat=True), by=money)
    services.submit_batch(batch, by=money)


def test_unconfirmed_entries_lapse_after_the_deadline_and_the_roster_closes(zone):
    roster = published(zone)
    later = add_working_days(roster.confirm_until, 1)
    with pytest.raises(FulfilmentError) as error:
        first = zone["fits"][0]
        with_account(first)
        services.confirm_entry(
            roster.entries.get(enterprise=first), by=admin_of(first), declaration=True, today=later
        )
    assert error.value.code == "late"
    assert services.lapse_due(later) == 3
    assert Roster.objects.get(pk=roster.pk).state == "closed"
    assert set(roster.entries.values_list("state", flat=True)) == {EntryState.LAPSED}


def test_publishing_past_the_budget_is_refused(zone):
    roster = generate(zone, amount=Decimal("400000.00"))
    roster = services.move_roster(roster, "review", by=zone["officer"])
    with pytest.raises(FulfilmentError) as error:  # 3 × 400,000 > 1,000,000
        services.move_roster(roster, "publish", by=zone["officer"])
    assert error.value.code == "budget"
    assert Roster.objects.get(pk=roster.pk).state == "reviewed"


def test_the_no_double_benefit_rule_covers_both_kinds(zone):
    roster = published(zone)
    first = zone["fits"][0]
    with_account(first)
    services.confirm_entry(
        roster.entries.get(enterprise=first), by=admin_of(first), declaration=True
    )
    # An application in the same group is now refused for the year …
    other = make_programme(make_policy(criteria={}, exclusivity_group=zone["group"]))
    with pytest.raises(ApplicationError) as error:
        make_application(first, other)
    assert "免申即享" in error.value.message or "apply-free" in error.value.message
    # … and an approval in the group blocks a confirmation.
    second = zone["fits"][1]
    application = make_application(second, other, submit=True)
    reviewer = make_reviewer()
    applications.transition(application, "accept", by=reviewer)
    applications.transition(application, "approve", by=reviewer, amount=Decimal("1000"))
    with_account(second)
    with pytest.raises(FulfilmentError) as error:
        services.confirm_entry(
            roster.entries.get(enterprise=second), by=admin_of(second), declaration=True
        )
    assert error.value.code == "exclusive"
    assert not Award.objects.filter(enterprise=second, source="apply_free").exists()


def test_a_company_cannot_confirm_another_companys_entry(zone):
    roster = published(zone)
    first, second = zone["fits"][:2]
    with pytest.raises(FulfilmentError):
        services.confirm_entry(
            roster.entries.get(enterprise=first), by=admin_of(second), declaration=True
        )


def test_a_roster_under_review_cannot_be_confirmed(zone):
    roster = generate(zone)
    first = zone["fits"][0]
    with_account(first)
    with pytest.raises(FulfilmentError):
        services.confirm_entry(
            roster.entries.get(enterprise=first),
            by=admin_of(first),
            declaration=True,
            today=datetime.date.today(),
        )


def test_without_the_index_the_roster_is_evaluated_in_python_with_the_same_answer(zone):
    from_index = dict(generate(zone).entries.values_list("enterprise_id", "evidence"))
    Roster.objects.all().delete()
    roster = rosters.generate(
        zone["programme"],
        by=zone["officer"],
        amount=Decimal("100000.00"),
        client=admin_client(),
        index=f"{zone['index']}-missing",
    )
    from_python = dict(roster.entries.values_list("enterprise_id", "evidence"))
    assert set(from_python) == set(from_index) == {c.pk for c in zone["fits"]}
    assert {pk: e["facts"] for pk, e in from_python.items()} == {
        pk: e["facts"] for pk, e in from_index.items()
    }
