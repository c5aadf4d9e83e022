"""The access matrix for enquiries: every URL, every kind of visitor.

The URL lists are read from the URLconf (the ``enquiries`` and ``enquiry_admin`` namespaces),
so a new URL without an entry here fails the suite instead of going unchecked.

Company pages: anonymous visitors are sent to the login page; a member of company A gets 404
for company B's enquiry and its attachment (also A's enquiry with B's attachment id) and
changes nothing; zone staff, enquiry staff included, get 404 there too (they work in the
admin); the company's members reach their own. The performance page is public and shows
aggregates only.

Staff pages (Wagtail admin): anonymous → login; company members and staff without an enquiry
right never get them; a handler sees only the departments' enquiries they handle (404 for
another department's); dispatchers and supervisors see all.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from enquiries import services
from enquiries.models import FAQ, Enquiry
from policies.models import Department
from policies.roles import (
    ENQUIRY_DISPATCHERS,
    ENQUIRY_HANDLERS,
    ENQUIRY_SUPERVISORS,
    POLICY_EDITORS,
)
from tests.access_support import GET, GET_POST, POST, names_in
from tests.factories import (
    make_enquiry_staff,
    make_enterprise,
    make_member,
    make_policy,
    make_user,
    pdf_upload,
)


def enquiry_ids(own, target):
    return {"pk": target.pk}


def attachment_ids(own, target):
    return {"pk": own.pk, "attachment_id": target.attachments.get().pk}


# name → (URL kwargs, methods a member may use, scoped to the company, public)
COMPANY = {
    "index": (None, GET, False, False),
    "ask": (None, GET_POST, False, False),
    "performance": (None, GET, False, True),
    "detail": (enquiry_ids, GET, True, False),
    "rate": (enquiry_ids, GET_POST, True, False),
    "attachment": (attachment_ids, GET, True, False),
}
COMPANY_NAMES = names_in("enquiries")
SCOPED = [n for n in COMPANY_NAMES if n in COMPANY and COMPANY[n][2]]
PRIVATE = [n for n in COMPANY_NAMES if n in COMPANY and not COMPANY[n][3]]


@pytest.fixture(autouse=True)
def english_and_private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    first, second = Department.objects.order_by("pk")[:2]
    policy = make_policy(department=first)
    a_company, b_company = make_enterprise(), make_enterprise()
    a = services.ask(
        a_company,
        by=a_company.memberships.get().user,
        kind="policy",
        subject="A 的问题",
        text="A 的机密内容",
        policy=policy,
        attachments=[pdf_upload()],
    )
    b = services.ask(
        b_company,
        by=b_company.memberships.get().user,
        kind="difficulty",
        subject="B 的问题",
        text="B 的机密内容",
        policy=policy,
        attachments=[pdf_upload()],
    )
    FAQ.objects.create(
        policy=policy, question="A 的问答", answer="答复", enquiry=a, published_at=timezone.now()
    )
    return {"A": a, "B": b, "member_a": make_member(a_company), "first": first, "second": second}


def url(name, own, target):
    kwargs_for = COMPANY[name][0]
    return reverse(f"enquiries:{name}", kwargs=kwargs_for(own, target) if kwargs_for else None)


def snapshot(enquiry):
    fresh = Enquiry.objects.get(pk=enquiry.pk)
    return (fresh.state, fresh.version, fresh.rating, fresh.events.count())


staff = make_enquiry_staff


def test_every_company_url_is_in_the_matrix():
    assert sorted(COMPANY_NAMES) == sorted(COMPANY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PRIVATE)
def test_anonymous_visitors_are_sent_to_login(name, world):
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(url(name, world["A"], world["A"]))
        assert response.status_code == 302, (name, method)
        assert "/accounts/login/" in response.url


@pytest.mark.django_db
def test_the_performance_page_is_public_and_shows_no_content(world):
    response = Client().get(reverse("enquiries:performance"))
    assert response.status_code == 200
    page = response.content.decode()
    for secret in ("A 的问题", "A 的机密内容", "B 的问题", world["A"].number):
        assert secret not in page
    assert Client().post(reverse("enquiries:performance")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCOPED)
def test_another_company_gets_404_and_changes_nothing(name, world):
    a, b = world["A"], world["B"]
    Enquiry.objects.filter(pk=b.pk).update(state="answered")  # B's enquiry could be rated
    before = snapshot(b)
    client = Client()
    client.force_login(world["member_a"])
    targets = [(b, b)]
    if COMPANY[name][0] is attachment_ids:
        targets.append((a, b))  # A's enquiry with B's attachment
    for own, target in targets:
        for method in ("get", "post"):
            response = getattr(client, method)(url(name, own, target), {"rating": "1"})
            assert response.status_code == 404, (name, method)
    assert snapshot(b) == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCOPED)
def test_staff_get_404_on_company_pages(name, world):
    client = Client()
    client.force_login(staff(ENQUIRY_SUPERVISORS, "sup-company@zone.example"))
    assert client.get(url(name, world["A"], world["A"])).status_code == 404, name


@pytest.mark.django_db
@pytest.mark.parametrize("name", COMPANY_NAMES)
def test_members_reach_their_enquiries(name, world):
    a = world["A"]
    client = Client()
    client.force_login(world["member_a"])
    for method in ("GET", "POST"):
        response = getattr(client, method.lower())(url(name, a, a))
        if method in COMPANY[name][1]:
            assert response.status_code in (200, 302), (name, method)
        else:
            assert response.status_code == 405, (name, method)


# --- the staff side (Wagtail admin) -------------------------------------------------------------
ADMIN = {
    "queue": (lambda e: {}, GET),
    "bulk_route": (lambda e: {}, POST),
    "detail": (lambda e: {"pk": e.pk}, GET_POST),
    "publish_faq": (lambda e: {"pk": e.pk}, POST),
    "supervision": (lambda e: {}, GET),
    "faqs": (lambda e: {}, GET),
    "edit_faq": (lambda e: {"pk": e.faqs.get().pk}, GET_POST),
}
ADMIN_NAMES = names_in("enquiry_admin")


def test_every_admin_url_is_in_the_matrix():
    assert sorted(ADMIN_NAMES) == sorted(ADMIN)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN_NAMES)
def test_admin_pages_are_for_enquiry_staff_only(name, world):
    a = world["A"]
    path = reverse(f"enquiry_admin:{name}", kwargs=ADMIN[name][0](a))
    method = ADMIN[name][1][0].lower()

    response = getattr(Client(), method)(path)
    assert response.status_code == 302 and "login" in response.url

    company = Client()
    company.force_login(world["member_a"])
    assert getattr(company, method)(path).status_code in (302, 403)

    editor = make_user(f"editor-{name}@zone.example", is_staff=True)
    editor.groups.add(Group.objects.get(name=POLICY_EDITORS))  # opens the admin, not this
    other = Client()
    other.force_login(editor)
    assert getattr(other, method)(path).status_code == 403

    for group in (ENQUIRY_DISPATCHERS, ENQUIRY_SUPERVISORS):
        client = Client()
        client.force_login(staff(group, f"{group[:2]}-{name}@zone.example"))
        assert getattr(client, method)(path).status_code in (200, 302), (name, group)

    own = Client()
    own.force_login(staff(ENQUIRY_HANDLERS, f"own-{name}@zone.example", world["first"]))
    assert getattr(own, method)(path).status_code in (200, 302), name


@pytest.mark.django_db
def test_a_handler_of_another_department_sees_nothing_of_it(world):
    before = snapshot(world["A"])
    client = Client()
    client.force_login(staff(ENQUIRY_HANDLERS, "other@zone.example", world["second"]))
    detail = reverse("enquiry_admin:detail", kwargs={"pk": world["A"].pk})
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"action": "accept"}).status_code == 404
    assert world["A"].number not in client.get(reverse("enquiry_admin:queue")).content.decode()
    faq = world["A"].faqs.get()
    edit = reverse("enquiry_admin:edit_faq", kwargs={"pk": faq.pk})
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"question": "改", "answer": "改"}).status_code == 404
    assert "A 的问答" not in client.get(reverse("enquiry_admin:faqs")).content.decode()
    assert FAQ.objects.get(pk=faq.pk).question == "A 的问答"
    client.post(
        reverse("enquiry_admin:bulk_route"),
        {"enquiry": [world["A"].pk], "department": world["second"].pk},
    )
    assert snapshot(world["A"]) == before
