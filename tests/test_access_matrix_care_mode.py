"""The access matrix for the 适老化 (care) mode switch (``care_mode``): a display preference
kept in the visitor's own cookie, the same for everyone — anonymous, any company's member, zone
staff: GET sets or clears the cookie and goes back; POST is 405; nothing is stored on the
server, and nobody can be sent to another site."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_enterprise, make_user


@pytest.fixture
def visitors(db):
    company = make_enterprise()
    return {
        "anonymous": None,
        "member": company.memberships.get().user,
        "other company's member": make_enterprise().memberships.get().user,
        "staff": make_user("staff-care@zone.example", is_staff=True),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "member", "other company's member", "staff"])
def test_everyone_may_switch_their_own_view_and_nothing_else(visitors, who):
    client = Client()
    if visitors[who] is not None:
        client.force_login(visitors[who])
    url = reverse("care_mode")
    on = client.get(url, {"on": "1", "next": "/enterprise/"})
    assert on.status_code == 302 and on["Location"] == "/enterprise/"
    assert on.cookies["zp_care"].value == "1"
    assert client.get(url, {"on": "0", "next": "https://evil.example/"})["Location"] == "/"
    assert client.post(url, {"on": "1"}).status_code == 405
    assert client.put(url).status_code == 405
