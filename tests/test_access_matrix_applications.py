"""The access matrix for applications and certificates: every URL, every kind of visitor.

The URL lists are read from the URLconf (the ``applications``, ``application_review`` and
``certificates`` namespaces), so a new URL without an entry here fails the suite instead of
going unchecked.

Applicant pages:
- anonymous visitors are sent to the login page (GET and POST);
- a member of company A gets 404 for company B's application and its documents, including A's
  own application combined with B's document id — and nothing of B's changes;
- zone staff, reviewers included, get 404 there too (they work in the admin);
- the company's members get 200 or 302 for the methods the URL serves, 405 for the others.

Reviewer pages (Wagtail admin): anonymous → login; company members and staff outside the
reviewers' group never get the page (302/403); reviewers get 200.

Certificates: the verification pages are public; "my certificates" needs a login and lists only
the user's companies'; a certificate's PDF goes to its company's members and to reviewers, a
404 for everyone else.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from applications.models import Application
from policies.roles import POLICY_EDITORS
from tests.access_support import GET, GET_POST, POST, names_in
from tests.factories import (
    make_application,
    make_member,
    make_programme,
    make_reviewer,
    make_user,
)


def app_id(own, target):
    return {"pk": target.pk}


def doc_ids(own, target):
    """``own`` application with ``target``'s document (own=A, target=B mixes them)."""
    return {"pk": own.pk, "document_id": target.documents.get().pk}


def start_ids(own, target):
    return {"programme_id": target.programme_id}


# name → (URL kwargs, methods the member may use, scoped to the company)
APPLICANT = {
    "index": (None, GET, False),
    "start": (start_ids, GET_POST, False),  # a public programme: anyone signed in may look
    "detail": (app_id, GET, True),
    "applicant": (app_id, GET_POST, True),
    "project": (app_id, GET_POST, True),
    "amount": (app_id, GET_POST, True),
    "documents": (app_id, GET_POST, True),
    "document_download": (doc_ids, GET, True),
    "document_delete": (doc_ids, POST, True),
    "declaration": (app_id, GET_POST, True),
    "check": (app_id, GET_POST, True),
    "submitted": (app_id, GET, True),
    "withdraw": (app_id, GET_POST, True),
}
APPLICANT_NAMES = names_in("applications")
SCOPED = [name for name in APPLICANT_NAMES if name in APPLICANT and APPLICANT[name][2]]


@pytest.fixture(autouse=True)
def english_and_private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    programme = make_programme()
    a = make_application(programme=programme)  # a draft: every page is open to its company
    b = make_application(programme=programme)
    return {"A": a, "B": b, "member_a": make_member(a.enterprise)}


def url(name, own, target):
    kwargs_for = APPLICANT[name][0]
    return reverse(f"applications:{name}", kwargs=kwargs_for(own, target) if kwargs_for else None)


def snapshot(application):
    fresh = Application.objects.get(pk=application.pk)
    return (
        fresh.state,
        fresh.version,
        fresh.amount_requested,
        list(fresh.documents.values_list("pk", flat=True)),
    )


def test_every_applicant_url_is_in_the_matrix():
    assert sorted(APPLICANT_NAMES) == sorted(APPLICANT)


@pytest.mark.django_db
@pytest.mark.parametrize("name", APPLICANT_NAMES)
def test_anonymous_visitors_are_sent_to_login(name, world):
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(url(name, world["A"], world["A"]))
        assert response.status_code == 302, (name, method)
        assert "/accounts/login/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCOPED)
def test_another_company_gets_404_and_changes_nothing(name, world):
    a, b = world["A"], world["B"]
    before = snapshot(b)
    client = Client()
    client.force_login(world["member_a"])
    targets = [(b, b)]
    if APPLICANT[name][0] is doc_ids:
        targets.append((a, b))  # A's application with B's document
    for own, target in targets:
        for method in ("get", "post"):
            response = getattr(client, method)(url(name, own, target), {"amount_requested": "1"})
            assert response.status_code == 404, (name, method)
    assert snapshot(b) == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCOPED)
def test_staff_and_reviewers_get_404_on_applicant_pages(name, world):
    client = Client()
    client.force_login(make_reviewer())
    response = client.get(url(name, world["A"], world["A"]))
    assert response.status_code == 404, name


@pytest.mark.django_db
@pytest.mark.parametrize("name", APPLICANT_NAMES)
def test_members_reach_their_applications(name, world):
    a = world["A"]
    client = Client()
    client.force_login(world["member_a"])
    methods = APPLICANT[name][1]
    for method in ("GET", "POST"):
        response = getattr(client, method.lower())(url(name, a, a))
        if method in methods:
            assert response.status_code in (200, 302), (name, method)
        else:
            assert response.status_code == 405, (name, method)


# --- the reviewers' admin -------------------------------------------------------------------
REVIEW = {
    "queue": lambda app: {},
    "export": lambda app: {},
    "statistics": lambda app: {},
    "detail": lambda app: {"pk": app.pk},
    "document": lambda app: {"pk": app.pk, "doc_pk": app.documents.get().pk},
}
REVIEW_NAMES = names_in("application_review")


def test_every_review_url_is_in_the_matrix():
    assert sorted(REVIEW_NAMES) == sorted(REVIEW)


@pytest.mark.django_db
@pytest.mark.parametrize("name", REVIEW_NAMES)
def test_review_pages_are_for_reviewers_only(name):
    application = make_application(submit=True)
    path = reverse(f"application_review:{name}", kwargs=REVIEW[name](application))
    if name == "export":
        path += "?format=csv"

    response = Client().get(path)
    assert response.status_code == 302 and "login" in response.url

    company = Client()
    company.force_login(application.enterprise.memberships.first().user)
    assert company.get(path).status_code in (302, 403)

    editor = make_user(f"staff-{name}@zone.example", is_staff=True)
    editor.groups.add(Group.objects.get(name=POLICY_EDITORS))  # can open the admin, not this
    staff = Client()
    staff.force_login(editor)
    assert staff.get(path).status_code == 403

    reviewer = Client()
    reviewer.force_login(make_reviewer())
    assert reviewer.get(path).status_code == 200


# --- certificates ---------------------------------------------------------------------------
# name → who gets the page: "anyone" (public verification) or "owners" (members and reviewers)
CERTIFICATES = {
    "verify_start": "anyone",
    "verify": "anyone",
    "mine": "signed_in",
    "download": "owners",
}
CERTIFICATE_NAMES = names_in("certificates")


def test_every_certificate_url_is_in_the_matrix():
    assert sorted(CERTIFICATE_NAMES) == sorted(CERTIFICATES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CERTIFICATE_NAMES)
def test_certificate_urls_for_every_visitor(name, django_capture_on_commit_callbacks):
    from applications import services

    application = make_application(submit=True)
    reviewer = make_reviewer()
    services.transition(application, "accept", by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(application, "approve", by=reviewer, amount="1000")
    certificate = application.certificates.get()
    kwargs = {"number": certificate.number} if name in ("verify", "download") else {}
    path = reverse(f"certificates:{name}", kwargs=kwargs)

    def status(user=None):
        client = Client(REMOTE_ADDR=f"10.9.{len(name)}.{user.pk % 250 if user else 1}")
        if user is not None:
            client.force_login(user)
        return client.get(path).status_code

    stranger = make_application(submit=True).enterprise.memberships.first().user
    member = make_member(application.enterprise)
    kind = CERTIFICATES[name]
    if kind == "anyone":
        assert status() == 200
        assert status(stranger) == 200
    else:
        assert status() == 302  # to the login page
        assert status(member) == 200
    if kind == "owners":
        assert status(stranger) == 404
        assert status(reviewer) == 200
        assert status(make_user(f"staff-c-{name}@zone.example", is_staff=True)) == 404
    if kind == "signed_in":
        body = Client()
        body.force_login(stranger)
        assert certificate.number not in body.get(path).content.decode()
