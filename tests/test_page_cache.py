"""Anonymous visitors get cached pages; publishing shows at once; nobody signed in is cached."""

import pytest
from django.utils import translation

from tests.factories import make_programme, make_user


def url_of(page, language=""):
    """The page's path in Chinese (no prefix) or under ``/<language>/``."""
    with translation.override("zh-hans"):
        path = page.url
    return f"/{language}{path}" if language else path


@pytest.mark.django_db
def test_a_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, policy, page_cache, django_assert_num_queries
):
    first = client.get(url_of(policy))
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url_of(policy))
    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "csrfmiddlewaretoken" not in first.content.decode()


@pytest.mark.django_db
def test_the_cache_is_keyed_by_language(client, policy, page_cache):
    client.get(url_of(policy))
    english = client.get(url_of(policy, "en"))
    assert english["X-Page-Cache"] == "miss"
    assert "Issuing department" in english.content.decode()
    assert "发文部门" in client.get(url_of(policy)).content.decode()


@pytest.mark.django_db
def test_publishing_a_change_shows_in_the_next_anonymous_request(
    client, policy, page_cache, django_capture_on_commit_callbacks
):
    assert "修订版标题" not in client.get(url_of(policy)).content.decode()
    assert client.get(url_of(policy))["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        draft = policy.get_latest_revision_as_object()
        draft.title = "修订版标题：成都高新区支持企业加大研发投入的若干政策"
        draft.save_revision().publish()
    response = client.get(url_of(policy))
    assert response["X-Page-Cache"] == "miss"
    assert "修订版标题" in response.content.decode()


@pytest.mark.django_db
def test_unpublishing_removes_the_cached_page(
    client, policy, page_cache, django_capture_on_commit_callbacks
):
    assert client.get(url_of(policy)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        policy.unpublish()
    assert client.get(url_of(policy)).status_code == 404


@pytest.mark.django_db
def test_a_new_programme_shows_on_the_cached_policy_page(
    client, policy, page_cache, django_capture_on_commit_callbacks
):
    assert "第一批研发补贴申报" not in client.get(url_of(policy)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_programme(policy, name="第一批研发补贴申报")
    assert "第一批研发补贴申报" in client.get(url_of(policy)).content.decode()


@pytest.mark.django_db
def test_a_signed_in_user_never_gets_or_leaves_a_cached_page(client, policy, page_cache):
    anonymous = client.get(url_of(policy))
    assert anonymous["X-Page-Cache"] == "miss"

    user = make_user("reader@example.com")
    client.force_login(user)
    for _ in range(2):
        response = client.get(url_of(policy))
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert user.get_short_name() in response.content.decode()
    # The signed-in page was not stored for the anonymous visitors either.
    client.logout()
    client.cookies.clear()
    again = client.get(url_of(policy))
    assert again["X-Page-Cache"] == "hit"
    assert user.get_short_name() not in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/enterprise/", "/applications/", "/admin/login/"]
)
def test_private_areas_and_forms_are_never_cached(client, page_cache, path):
    for _ in range(2):
        response = client.get(path)
        assert "X-Page-Cache" not in response


@pytest.mark.django_db
def test_the_cache_is_keyed_by_care_mode(client, policy, page_cache):
    """A page rendered in 适老化 mode (the zp_care cookie) is never served to a visitor in the
    standard mode, nor the other way round."""
    pressed = 'aria-pressed="true"'
    standard = client.get(url_of(policy))
    assert standard["X-Page-Cache"] == "miss" and pressed not in standard.content.decode()
    client.cookies["zp_care"] = "1"
    care = client.get(url_of(policy))
    assert care["X-Page-Cache"] == "miss" and pressed in care.content.decode()
    assert client.get(url_of(policy))["X-Page-Cache"] == "hit"
    del client.cookies["zp_care"]
    again = client.get(url_of(policy))
    assert again["X-Page-Cache"] == "hit" and pressed not in again.content.decode()
