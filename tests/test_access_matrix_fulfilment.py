"""The access matrix for fulfilment: every URL, every kind of visitor.

The URL lists are read from the URLconf (the ``fulfilment`` and ``fulfilment_admin``
namespaces), so a new URL without an entry here fails the suite.

Company pages: anonymous visitors are sent to the login page; a member of company B gets 404
for company A's offer and award and changes nothing; zone staff get 404 there too (they work in
the admin); the company's members reach their own. The totals and published rosters are public.

Staff pages (Wagtail admin): anonymous → login; company members → no admin; staff without the
page's right → 403; staff holding it → the page.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fulfilment import services
from fulfilment.models import AcceptanceReport, Roster, RosterEntry
from policies.roles import FINANCE, FULFILMENT_OFFICERS, POLICY_EDITORS
from tests.access_support import GET, GET_POST, names_in
from tests.factories import (
    make_member,
    make_programme,
    make_user,
    make_verified_enterprise,
    pdf_upload,
)
from tests.fulfilment_support import final_award, finance, officer, plan, verified_account


@pytest.fixture(autouse=True)
def english_and_private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    a, b = make_verified_enterprise(), make_verified_enterprise()
    programme = make_programme()
    plan(programme, [50, 50], acceptance=True)
    award = final_award(a, programme)
    money = finance()
    verified_account(a, money)
    report = services.submit_acceptance(
        award, by=a.memberships.get(role="admin").user, upload=pdf_upload()
    )
    roster = Roster.objects.create(
        programme=programme,
        amount=Decimal("1000"),
        criteria={},
        state="published",
        confirm_until="2099-12-31",
    )
    entry = RosterEntry.objects.create(roster=roster, enterprise=a, evidence={"facts": {}})
    batch = services.create_batch(by=money)
    services.add_to_batch(batch, [award.instalments.get(number=1).pk], by=money)
    services.submit_batch(batch, by=money)
    return {
        "a": a,
        "b": b,
        "award": award,
        "entry": entry,
        "roster": roster,
        "report": report,
        "batch": batch,
        "account": a.bank_account,
        "instalment": award.instalments.get(number=1),
        "member_a": make_member(a),
        "member_b": make_member(b),
    }


# name → (URL kwargs from the world, methods a member may use, scoped to the company, public)
COMPANY = {
    "ledger": (None, GET, False, False),
    "account": (None, GET_POST, False, False),
    "offer": (lambda w: {"pk": w["entry"].pk}, GET_POST, True, False),
    "acceptance": (lambda w: {"pk": w["award"].pk}, GET_POST, True, False),
    "totals": (None, GET, False, True),
    "rosters": (None, GET, False, True),
    "roster": (lambda w: {"pk": w["roster"].pk}, GET, False, True),
}
COMPANY_NAMES = names_in("fulfilment")


def url(name, world):
    kwargs = COMPANY[name][0]
    return reverse(f"fulfilment:{name}", kwargs=kwargs(world) if kwargs else None)


def test_every_company_url_is_in_the_matrix():
    assert sorted(COMPANY_NAMES) == sorted(COMPANY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in COMPANY if not COMPANY[n][3]])
def test_anonymous_visitors_are_sent_to_login(name, world):
    for method in ("get", "post"):
        response = getattr(Client(), method)(url(name, world))
        assert response.status_code == 302 and "/accounts/login/" in response.url, (name, method)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in COMPANY if COMPANY[n][3]])
def test_public_pages_name_no_private_fact(name, world):
    response = Client().get(url(name, world))
    assert response.status_code == 200
    page = response.content.decode()
    assert world["account"].account_number not in page
    assert Client().post(url(name, world)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in COMPANY if COMPANY[n][2]])
def test_another_company_gets_404_and_changes_nothing(name, world):
    client = Client()
    client.force_login(world["member_b"])
    before = (RosterEntry.objects.get(pk=world["entry"].pk).state, AcceptanceReport.objects.count())
    for method in ("get", "post"):
        response = getattr(client, method)(url(name, world), {"action": "decline"})
        assert response.status_code == 404, (name, method)
    assert (
        RosterEntry.objects.get(pk=world["entry"].pk).state,
        AcceptanceReport.objects.count(),
    ) == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in COMPANY if not COMPANY[n][3]])
def test_staff_get_404_on_company_pages(name, world):
    client = Client()
    client.force_login(finance("f-company@zone.example"))
    assert client.get(url(name, world)).status_code == 404, name


@pytest.mark.django_db
@pytest.mark.parametrize("name", COMPANY_NAMES)
def test_members_reach_their_own(name, world):
    client = Client()
    client.force_login(world["member_a"])
    for method in ("GET", "POST"):
        response = getattr(client, method.lower())(url(name, world))
        if method in COMPANY[name][1]:
            assert response.status_code in (200, 302), (name, method)
        else:
            assert response.status_code == 405, (name, method)


def test_another_companys_account_cannot_be_set_by_a_member_of_b(db):
    a = make_verified_enterprise()
    b_member = make_member(make_verified_enterprise())
    client = Client()
    client.force_login(b_member)
    client.post(
        reverse("fulfilment:account"),
        {"account_name": a.name, "bank_name": "x", "account_number": "6216600000001234567"},
    )
    assert not hasattr(a, "bank_account") or a.bank_account is None


# --- the staff side -------------------------------------------------------------------------------
# name → (URL kwargs, method, the group that may)
ADMIN = {
    "overview": (lambda w: {}, "GET", FINANCE),
    "accounts": (lambda w: {}, "GET", FINANCE),
    "account": (lambda w: {"pk": w["account"].pk}, "GET", FINANCE),
    "instalments": (lambda w: {}, "GET", FINANCE),
    "requeue": (lambda w: {"pk": w["instalment"].pk}, "POST", FINANCE),
    "batches": (lambda w: {}, "GET", FINANCE),
    "batch": (lambda w: {"pk": w["batch"].pk}, "GET", FINANCE),
    "export": (lambda w: {"pk": w["batch"].pk}, "GET", FINANCE),
    "acceptance": (lambda w: {}, "GET", FULFILMENT_OFFICERS),
    "acceptance_file": (lambda w: {"pk": w["report"].pk}, "GET", FULFILMENT_OFFICERS),
    "award": (lambda w: {"pk": w["award"].pk}, "GET", FULFILMENT_OFFICERS),
    "rosters": (lambda w: {}, "GET", FULFILMENT_OFFICERS),
    "roster": (lambda w: {"pk": w["roster"].pk}, "GET", FULFILMENT_OFFICERS),
}
ADMIN_NAMES = names_in("fulfilment_admin")


def test_every_admin_url_is_in_the_matrix():
    assert sorted(ADMIN_NAMES) == sorted(ADMIN)


def _staff(group, email):
    user = make_user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN_NAMES)
def test_admin_pages_need_their_right(name, world):
    kwargs, method, group = ADMIN[name]
    path = reverse(f"fulfilment_admin:{name}", kwargs=kwargs(world) or None)
    method = method.lower()

    response = getattr(Client(), method)(path)
    assert response.status_code == 302 and "login" in response.url

    company = Client()
    company.force_login(world["member_a"])
    assert getattr(company, method)(path).status_code in (302, 403)

    editor = Client()
    editor.force_login(_staff(POLICY_EDITORS, f"editor-{name}@zone.example"))
    assert getattr(editor, method)(path).status_code == 403

    other_group = FULFILMENT_OFFICERS if group == FINANCE else FINANCE
    if name != "overview":  # the overview is for either group
        other = Client()
        other.force_login(_staff(other_group, f"other-{name}@zone.example"))
        assert getattr(other, method)(path).status_code == 403, name

    allowed = Client()
    allowed.force_login(_staff(group, f"ok-{name}@zone.example"))
    assert getattr(allowed, method)(path).status_code in (200, 302), name


__all__ = ["officer"]
