"""The access matrix for follows, feeds and the one-click unsubscribe: every URL, every visitor.

The URL lists are read from the URLconf (the ``follows`` and ``feeds`` namespaces, and the new
``notifications:unsubscribe``), so a new URL without an entry here fails the suite.

- follows (personal): anonymous visitors are sent to the login page; another company's member
  (or anyone else) gets 404 for someone else's follow and changes nothing; zone staff likewise;
  the owner is served.
- feeds: public, read-only (GET only, POST is 405), to everyone.
- unsubscribe: the signed token is the authority (no sign-in); a wrong token is 404; another
  person's token unsubscribes only the person it names.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from follows.models import Follow
from notifications.models import NotificationPreference
from notifications.services import unsubscribe_token
from tests.access_support import GET, POST, names_in
from tests.factories import make_enterprise, make_member, make_user
from tests.follow_support import tagged_policy

# name → (URL kwargs from the world, methods the owner may use, form data for POST)
FOLLOWS = {
    "index": (lambda w: {}, GET, {}),
    "follow": (lambda w: {}, POST, "follow_data"),
    "unfollow": (lambda w: {"pk": w["follow"].pk}, POST, {}),
}
FEEDS = {
    "policies": lambda w: {},
    "department": lambda w: {"pk": w["policy"].department_id},
    "tag": lambda w: {"slug": w["policy"].tags.get().slug},
    "programmes": lambda w: {},
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    policy = tagged_policy(["研发"], title="关注测试政策")
    a, b = make_enterprise(), make_enterprise()
    owner = a.memberships.get().user
    follow = Follow.objects.create(user=owner, kind=Follow.Kind.POLICY, policy=policy)
    return {
        "policy": policy,
        "owner": owner,
        "follow": follow,
        "other": make_member(b),
        "follow_data": {"kind": "department", "target": str(policy.department_id)},
    }


def path(name, world):
    return reverse(f"follows:{name}", kwargs=FOLLOWS[name][0](world))


def data(name, world):
    spec = FOLLOWS[name][2]
    return world[spec] if isinstance(spec, str) else spec


def test_every_url_is_in_the_matrix():
    assert sorted(names_in("follows")) == sorted(FOLLOWS)
    assert sorted(names_in("feeds")) == sorted(FEEDS)
    assert "unsubscribe" in names_in("notifications")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FOLLOWS))
def test_anonymous_visitors_are_sent_to_login(name, world):
    for method in ("get", "post"):
        response = getattr(Client(), method)(path(name, world), data(name, world))
        if method.upper() in FOLLOWS[name][1]:
            assert response.status_code == 302, (name, method)
            assert "/accounts/login/" in response.url
        else:
            assert response.status_code in (302, 405), (name, method)
    assert Follow.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("as_staff", [False, True])
def test_another_person_cannot_see_or_remove_a_follow(world, as_staff):
    client = Client()
    client.force_login(
        make_user("staff@zone.example", is_staff=True) if as_staff else world["other"]
    )
    assert client.post(path("unfollow", world)).status_code == 404
    assert Follow.objects.filter(pk=world["follow"].pk).exists()
    assert "关注测试政策" not in client.get(path("index", world)).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FOLLOWS))
def test_the_owner_is_served(name, world):
    client = Client()
    client.force_login(world["owner"])
    for method in ("GET", "POST"):
        response = getattr(client, method.lower())(path(name, world), data(name, world))
        if method in FOLLOWS[name][1]:
            assert response.status_code in (200, 302), (name, method)
        else:
            assert response.status_code == 405, (name, method)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FEEDS))
@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
def test_feeds_are_public_and_read_only(name, who, world):
    client = Client()
    if who == "member":
        client.force_login(world["other"])
    elif who == "staff":
        client.force_login(make_user(f"staff-{name}@zone.example", is_staff=True))
    url = reverse(f"feeds:{name}", kwargs=FEEDS[name](world))
    assert client.get(url).status_code == 200, (name, who)
    assert client.post(url).status_code == 405, (name, who)


@pytest.mark.django_db
def test_unsubscribe_needs_the_signed_token_and_touches_only_its_person(world):
    owner, other = world["owner"], world["other"]
    good = reverse("notifications:unsubscribe", args=[unsubscribe_token(owner.pk)])
    forged = reverse("notifications:unsubscribe", args=[f"{owner.pk}:forged"])
    anonymous = Client()
    assert anonymous.get(forged).status_code == 404
    assert anonymous.post(forged).status_code == 404
    assert anonymous.get(good).status_code == 200  # shows a button, changes nothing
    assert not NotificationPreference.objects.filter(user=owner).exists()
    signed_in = Client()
    signed_in.force_login(other)  # another person following the link changes only the owner
    assert signed_in.post(good).status_code == 200
    assert NotificationPreference.objects.get(user=owner).email == "none"
    assert not NotificationPreference.objects.filter(user=other).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
def test_version_history_is_public_for_published_policies_only(who, world):
    """``<policy>/history/`` and ``<policy>/history/<n>/``: a page route, not a named URL."""
    client = Client()
    if who == "member":
        client.force_login(world["other"])
    elif who == "staff":
        client.force_login(make_user(f"staff-history-{who}@zone.example", is_staff=True))
    policy = world["policy"]
    assert client.get(policy.url + "history/").status_code == 200
    assert client.get(policy.url + "history/1/").status_code == 200
    assert client.post(policy.url + "history/1/").status_code == 405  # a read-only page
    policy.unpublish()
    assert client.get(policy.url + "history/").status_code == 404
    assert client.get(policy.url + "history/1/").status_code == 404
