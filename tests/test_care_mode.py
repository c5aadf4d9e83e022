"""The 适老化 (care) mode switch without JavaScript: /care-mode/ sets or clears the cookie and
goes back to the page the visitor was on — on this site only."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/policies/", "/en/policies/?page=2", "/"])
def test_turning_care_mode_on_and_off_returns_to_the_page(client, path):
    response = client.get("/care-mode/", {"on": "1", "next": path})
    assert response.status_code == 302 and response["Location"] == path
    cookie = response.cookies["zp_care"]
    assert cookie.value == "1" and cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    assert 'aria-pressed="true"' in client.get("/").content.decode()

    response = client.get("/care-mode/", {"on": "0", "next": path})
    assert response["Location"] == path and response.cookies["zp_care"].value == ""
    assert 'aria-pressed="false"' in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_it_never_sends_anyone_to_another_site(client, target):
    response = client.get("/care-mode/", {"on": "1", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_it_only_answers_get(client):
    assert client.post("/care-mode/", {"on": "1"}).status_code == 405
