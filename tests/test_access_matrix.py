"""The access matrix: every enterprise-facing URL, for every kind of visitor.

The list of URLs is read from the URLconf (the ``enterprises`` namespace as mounted), so a new
URL without an entry in ``MATRIX`` fails the suite instead of going unchecked. For each URL:

- anonymous visitors are sent to the login page (GET and POST);
- a member of company A gets 404 for company B's objects (GET and POST), including A's own
  company id combined with B's object ids;
- an ordinary member of A is turned away from the administrators' pages without any change;
- zone staff who are not members get 404 too (they work in the staff admin);
- the owner (administrator of A) gets 200 or 302 for the methods the URL serves, 405 for the
  others.
"""

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import translation

from enterprises import services
from enterprises.models import (
    Invitation,
    Membership,
    ProfileChange,
    Qualification,
    QualificationType,
)
from tests.factories import make_enterprise, make_member, make_user

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


def enterprise_url_names() -> list[str]:
    """The names of the URL patterns mounted under the ``enterprises`` namespace."""
    resolver = get_resolver()
    _prefix, sub_resolver = resolver.namespace_dict["enterprises"]
    names = []
    for pattern in sub_resolver.url_patterns:
        assert pattern.name, f"unnamed enterprise URL pattern {pattern.pattern}"
        names.append(pattern.name)
    return names


@dataclass
class Company:
    enterprise: object
    admin: object
    member: object
    member_membership: object
    qualification: object
    invitation: object
    token: str
    invitee: object


@dataclass(frozen=True)
class Entry:
    """How to reach one URL, and what the owner may do there.

    ``kwargs(own, target)``: the URL arguments, with the company in the URL being ``own`` and
    the objects inside it taken from ``target`` (so ``own=A, target=B`` mixes A's id with B's
    objects). ``post(company)``: the POST data (``switch`` names the company in the body).
    ``scoped``: the URL names a company or its objects, so strangers must get 404.
    """

    kwargs: object = None
    post: object = None
    owner_methods: tuple = ("GET",)
    scoped: bool = True
    admin_only: bool = False
    has_objects: bool = False
    owner: str = "admin"  # who "owns" the URL for the 200/302 check
    notes: list = field(default_factory=list)


def company_id(own, target):
    return {"enterprise_id": own.enterprise.pk}


def qualification_ids(own, target):
    return {"enterprise_id": own.enterprise.pk, "qualification_id": target.qualification.pk}


def membership_ids(own, target):
    return {"enterprise_id": own.enterprise.pk, "membership_id": target.member_membership.pk}


def invitation_ids(own, target):
    return {"enterprise_id": own.enterprise.pk, "invitation_id": target.invitation.pk}


GET_POST = ("GET", "POST")

MATRIX = {
    "dashboard": Entry(scoped=False),
    "register": Entry(scoped=False, owner_methods=GET_POST),
    # The company is in the POST body: another company's id is a 404.
    "switch": Entry(
        scoped=True,
        owner_methods=GET_POST,
        post=lambda target: {"enterprise": target.enterprise.pk},
    ),
    "delete_account": Entry(scoped=False, owner_methods=GET_POST),
    # A token, not a company id: the invitation is addressed to an e-mail address, so a member
    # of another company holding the link is told it is not theirs (tested below).
    "accept_invitation": Entry(
        kwargs=lambda own, target: {"token": target.token},
        scoped=False,
        owner_methods=GET_POST,
        owner="invitee",
    ),
    "detail": Entry(kwargs=company_id),
    "edit": Entry(kwargs=company_id, owner_methods=GET_POST, admin_only=True),
    "resubmit": Entry(kwargs=company_id, owner_methods=("POST",), admin_only=True),
    "history": Entry(kwargs=company_id),
    "export": Entry(kwargs=company_id, admin_only=True),
    "qualifications": Entry(kwargs=company_id),
    "qualification_add": Entry(kwargs=company_id, owner_methods=GET_POST, admin_only=True),
    "qualification_edit": Entry(
        kwargs=qualification_ids, owner_methods=GET_POST, admin_only=True, has_objects=True
    ),
    "qualification_delete": Entry(
        kwargs=qualification_ids, owner_methods=GET_POST, admin_only=True, has_objects=True
    ),
    "qualification_proof": Entry(kwargs=qualification_ids, has_objects=True),
    "members": Entry(kwargs=company_id, owner_methods=GET_POST),
    "member_role": Entry(
        kwargs=membership_ids,
        owner_methods=GET_POST,
        admin_only=True,
        has_objects=True,
        post=lambda target: {"role": "admin"},
    ),
    "member_remove": Entry(
        kwargs=membership_ids, owner_methods=GET_POST, admin_only=True, has_objects=True
    ),
    "member_transfer": Entry(
        kwargs=membership_ids, owner_methods=GET_POST, admin_only=True, has_objects=True
    ),
    "leave": Entry(kwargs=company_id, owner_methods=GET_POST),
    "invitation_withdraw": Entry(
        kwargs=invitation_ids, owner_methods=GET_POST, admin_only=True, has_objects=True
    ),
}

URL_NAMES = enterprise_url_names()
# URLs naming a company or its objects (in the path, or for ``switch`` in the POST body).
SCOPED_NAMES = [name for name in URL_NAMES if name in MATRIX and MATRIX[name].scoped]
ADMIN_ONLY_NAMES = [name for name in URL_NAMES if name in MATRIX and MATRIX[name].admin_only]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(Qualification._meta.get_field("proof"), "storage", storage)
    return storage


def build_company(label: str) -> Company:
    admin = make_user(f"admin-{label}@test.example", full_name=f"Admin {label}")
    enterprise = make_enterprise(admin, name=f"Company {label}")
    member = make_member(enterprise, f"member-{label}@test.example")
    qualification = Qualification(
        enterprise=enterprise,
        type=QualificationType.objects.get(code="hnte"),
        certificate_number=f"GR-{label}",
        valid_from="2024-01-01",
        valid_until="2030-01-01",
        proof_name=f"proof-{label}.pdf",
        proof_content_type="application/pdf",
    )
    qualification.proof.save(f"{label}.pdf", ContentFile(PDF_BYTES), save=False)
    qualification.save()
    invitee = make_user(f"invitee-{label}@test.example")
    invitation, token = services.invite(enterprise, by=admin, email=invitee.email)
    return Company(
        enterprise=enterprise,
        admin=admin,
        member=member,
        member_membership=Membership.objects.get(user=member, enterprise=enterprise),
        qualification=qualification,
        invitation=invitation,
        token=token,
        invitee=invitee,
    )


@pytest.fixture
def world(db):
    return {"A": build_company("A"), "B": build_company("B")}


def entry_for(name: str) -> Entry:
    if name not in MATRIX:
        pytest.fail(
            f"The enterprise URL {name!r} has no entry in the access matrix: add one saying "
            "how to fill its arguments and who may use it."
        )
    return MATRIX[name]


def url_for(name, own, target=None) -> str:
    entry = entry_for(name)
    kwargs = entry.kwargs(own, target or own) if entry.kwargs else {}
    return reverse(f"enterprises:{name}", kwargs=kwargs)


def post_data(name, target):
    entry = entry_for(name)
    return entry.post(target) if entry.post else {}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snapshot(company: Company) -> tuple:
    """What an unauthorised request must not change."""
    enterprise = company.enterprise
    enterprise.refresh_from_db()
    return (
        enterprise.name,
        enterprise.verification_status,
        sorted(Membership.objects.filter(enterprise=enterprise).values_list("user_id", "role")),
        sorted(Qualification.objects.filter(enterprise=enterprise).values_list("pk", flat=True)),
        sorted(Invitation.objects.filter(enterprise=enterprise).values_list("pk", "revoked_at")),
    )


def test_every_enterprise_url_is_in_the_matrix():
    assert URL_NAMES, "the enterprises URLs are not mounted"
    missing = sorted(set(URL_NAMES) - set(MATRIX))
    assert not missing, f"URLs without an access-matrix entry: {missing}"
    stale = sorted(set(MATRIX) - set(URL_NAMES))
    assert not stale, f"matrix entries for URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_visitors_are_sent_to_login(client, world, name):
    url = url_for(name, world["A"])
    login = reverse("account_login")
    for method in ("get", "post"):
        response = getattr(client, method)(
            url, post_data(name, world["A"]) if method == "post" else {}
        )
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.url.startswith(login), (method, url, response.url)
        assert "next=" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCOPED_NAMES)
def test_a_member_of_another_company_gets_404(world, name):
    entry = entry_for(name)
    a, b = world["A"], world["B"]
    before = snapshot(b)
    for user in (a.admin, a.member):
        client = logged_in(user)
        targets = [(b, b)]
        if entry.has_objects:
            targets.append((a, b))  # A's own company id with B's object: still 404
        for own, target in targets:
            if name == "switch":
                url = url_for(name, a)
                responses = {"POST": client.post(url, post_data(name, target))}
            else:
                url = url_for(name, own, target)
                responses = {
                    "GET": client.get(url),
                    "POST": client.post(url, post_data(name, target)),
                }
            for method, response in responses.items():
                assert response.status_code == 404, (user.email, method, url, response.status_code)
    assert snapshot(b) == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name in SCOPED_NAMES if name != "switch"])
def test_staff_who_are_not_members_get_404(world, name):
    staff = make_user("verifier@test.example", is_staff=True, is_superuser=True)
    client = logged_in(staff)
    url = url_for(name, world["B"])
    assert client.get(url).status_code == 404
    assert client.post(url, post_data(name, world["B"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN_ONLY_NAMES)
def test_ordinary_members_are_turned_away_from_administrator_pages(world, name):
    a = world["A"]
    before = snapshot(a)
    history = ProfileChange.objects.filter(enterprise=a.enterprise).count()
    client = logged_in(a.member)
    url = url_for(name, a)
    for response in (client.get(url), client.post(url, post_data(name, a))):
        assert response.status_code in (302, 405), (url, response.status_code)
        if response.status_code == 302:
            assert "/enterprise/" in response.url
    assert snapshot(a) == before
    assert ProfileChange.objects.filter(enterprise=a.enterprise).count() == history


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_the_owner_is_served(world, name):
    entry = entry_for(name)
    a = world["A"]
    user = a.invitee if entry.owner == "invitee" else a.admin
    client = logged_in(user)
    url = url_for(name, a)
    for method in ("GET", "POST"):
        response = client.get(url) if method == "GET" else client.post(url, post_data(name, a))
        if method in entry.owner_methods:
            assert response.status_code in (200, 302), (method, url, response.status_code)
        else:
            assert response.status_code == 405, (method, url, response.status_code)


@pytest.mark.django_db
def test_another_companys_invitation_link_does_not_let_a_stranger_in(world):
    a, b = world["A"], world["B"]
    client = logged_in(a.admin)
    url = reverse("enterprises:accept_invitation", kwargs={"token": b.token})
    response = client.post(url)
    assert response.status_code == 200
    assert "sent to another e-mail address" in response.content.decode()
    assert not Membership.objects.filter(user=a.admin, enterprise=b.enterprise).exists()
    assert Invitation.objects.get(pk=b.invitation.pk).is_open
