"""The Varnish in front (deploy/varnish.vcl): anonymous pages are served from it, a publish
empties it, and nothing personal or carrying a form is ever stored there.

A real varnishd of our own runs the project's VCL in front of the live server.
"""

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.utils import translation

from tests.factories import make_policy, make_user
from tests.private_services import PrivateVarnish

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def varnish(live_server, settings, page_cache):
    with PrivateVarnish(urlsplit(live_server.url).port) as front:
        settings.WAGTAILFRONTENDCACHE = {
            "varnish": {
                "BACKEND": "zoneportal.frontend_cache.VarnishBanBackend",
                "LOCATION": front.url,
            }
        }
        yield front


def get(varnish, path, **kwargs):
    response = requests.get(varnish.url + path, timeout=10, allow_redirects=False, **kwargs)
    return response, response.headers.get("X-Frontend-Cache")


def path_of(page):
    with translation.override("zh-hans"):
        return page.url


def test_anonymous_pages_come_from_varnish_until_a_publish_empties_it(varnish):
    policy = make_policy(title="瞪羚企业培育奖励办法")
    path = path_of(policy)
    first, state = get(varnish, path)
    assert first.status_code == 200 and state == "miss"
    assert "s-maxage=60" in first.headers["Cache-Control"]
    assert "max-age=0" in first.headers["Cache-Control"]  # browsers keep nothing
    second, state = get(varnish, path)
    assert state == "hit" and second.text == first.text
    assert get(varnish, "/")[1] == "miss" and get(varnish, "/")[1] == "hit"

    policy.title = "瞪羚企业培育奖励办法（修订）"
    policy.save_revision().publish()  # committed: the page cache and Varnish are emptied

    after, state = get(varnish, path)
    assert state == "miss" and "（修订）" in after.text
    assert get(varnish, "/")[1] == "miss"  # every page, not just the one published


def test_signed_in_pages_and_pages_with_a_form_are_never_stored(varnish):
    member = make_user("member@example.com", full_name="陈经理")
    client = Client()
    client.force_login(member)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    for _ in range(2):
        response, state = get(varnish, "/", cookies=cookies)
        assert response.status_code == 200 and state == "miss"
        assert "s-maxage" not in response.headers.get("Cache-Control", "")
    for _ in range(2):  # the login form sets a CSRF cookie: personal, not stored
        response, state = get(varnish, "/accounts/login/")
        assert response.status_code == 200 and state == "miss"
    # The anonymous home page is still shared, without the member's name in it.
    get(varnish, "/")
    shared, state = get(varnish, "/")
    assert state == "hit" and "陈经理" not in shared.text


def test_a_publish_with_varnish_down_still_succeeds(varnish, caplog):
    policy = make_policy(title="人才安居租房补贴实施办法")
    varnish.close()
    policy.title = "人才安居租房补贴实施办法（2027年修订）"
    policy.save_revision().publish()  # logs, does not fail
    assert "could not empty the frontend cache" in caplog.text


def test_the_care_mode_page_and_the_standard_page_are_stored_apart(varnish):
    care = {"zp_care": "1", "csrftoken": "x"}
    pressed = 'aria-pressed="true"'
    standard, state = get(varnish, "/")
    assert state == "miss" and pressed not in standard.text
    larger, state = get(varnish, "/", cookies=care)
    assert state == "miss" and pressed in larger.text  # the portal saw the cookie
    larger, state = get(varnish, "/", cookies=care)
    assert state == "hit" and pressed in larger.text
    standard, state = get(varnish, "/", cookies={"csrftoken": "x"})
    assert state == "hit" and pressed not in standard.text
    # A visitor cannot pick the other rendering with a header of their own.
    forged, _state = get(varnish, "/", headers={"X-Care": "1"})
    assert pressed not in forged.text
