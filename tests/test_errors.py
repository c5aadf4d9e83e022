"""Error pages (branded, Chinese first and English beneath), API problem documents (RFC 9457)
and out-of-range ids answered 404 on PostgreSQL and SQLite."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from tests.factories import make_user
from zoneportal.converters import MAX_ID
from zoneportal.errors import server_error

ROOT = Path(__file__).resolve().parent.parent
PROBLEM = "application/problem+json"
HUGE = "99999999999999999999999"


def assert_bilingual(response, zh, en):
    html = response.content.decode()
    assert "portal.css" in html and "brand__name" in html  # the site's look
    message = html[html.index('class="error-page"') :]
    assert zh in message and en in message, message[:2000]
    assert message.index(zh) < message.index(en), "Chinese comes first, English beneath"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


# --- Site pages --------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_unknown_page_is_a_branded_bilingual_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_bilingual(response, "页面不存在", "Page not found")
    assert "返回首页" in response.content.decode()


@pytest.mark.django_db
def test_the_404_under_en_keeps_the_english_navigation(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en">' in html and "Log in" in html
    assert_bilingual(response, "页面不存在", "Page not found")


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_forbidden_and_bad_requests_have_their_pages(client):
    assert_bilingual(client.get("/forbidden/"), "无权访问", "Access denied")
    response = client.get("/suspicious/")
    assert response.status_code == 400
    assert_bilingual(response, "请求有误", "Bad request")


@pytest.mark.django_db
def test_a_request_for_a_host_we_do_not_serve_gets_the_plain_400_page():
    response = Client(HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400
    assert_bilingual(response, "请求有误", "Bad request")


@pytest.mark.django_db
def test_a_refused_csrf_token_explains_itself():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@b.example", "password": "x"})
    assert response.status_code == 403
    assert_bilingual(response, "表单已失效", "The form has expired")


@pytest.mark.django_db
def test_the_500_page_is_rendered_without_touching_the_database(django_assert_num_queries):
    def database_down(execute, sql, params, many, context):
        raise AssertionError(f"the 500 page queried the database: {sql}")

    request = RequestFactory().get("/policies/")
    with connection.execute_wrapper(database_down), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert_bilingual(response, "服务器错误", "Server error")


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_a_view_that_raises_shows_the_500_page(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_bilingual(response, "服务器错误", "Server error")
    assert "RuntimeError" not in response.content.decode()


# --- API problem documents ---------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("policy_id", [HUGE, str(MAX_ID + 1), "-1", "abc", "1.5", str(MAX_ID)])
def test_an_impossible_or_unknown_policy_id_is_a_404_problem(client, policy_id):
    body = assert_problem(client.get(f"/api/v1/policies/{policy_id}"), 404)
    assert body["title"] == "Not Found"


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_404_problem(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404)


@pytest.mark.django_db
def test_a_wrong_method_is_a_405_problem_naming_the_allowed_ones(client):
    response = client.delete("/api/v1/policies")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_invalid_input_is_a_422_problem_with_the_fields(client):
    body = assert_problem(client.get("/api/v1/policies", {"page": "0"}), 422)
    assert body["detail"] == "invalid input"
    assert {e["field"] for e in body["errors"]} == {"page"}
    body = assert_problem(
        client.post("/api/v1/match", "{not json", content_type="application/json"), 422
    )
    assert body["errors"] == [{"field": "body", "reason": "the request body is not valid JSON"}]


@pytest.mark.django_db
def test_a_body_over_the_size_limit_is_a_413_problem(client, settings):
    settings.MAX_REQUEST_BYTES = 1024
    response = client.post("/api/v1/match", "x" * 2048, content_type="application/json")
    body = assert_problem(response, 413)
    assert "MB" in body["detail"]


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_an_api_failure_is_a_500_problem_without_internals(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/boom")
    body = assert_problem(response, 500)
    assert "RuntimeError" not in json.dumps(body)


# --- Out-of-range ids in the site's URLs ---------------------------------------------------
SITE_URLS = [
    f"/applications/{HUGE}/",
    f"/applications/start/{HUGE}/",
    f"/applications/1/documents/{HUGE}/",
    f"/enterprise/{HUGE}/",
    f"/enterprise/1/qualifications/{HUGE}/edit/",
    f"/enterprise/messages/{HUGE}/",
    f"/en/enterprise/{MAX_ID + 1}/",
    f"/admin/application-review/{HUGE}/",
    f"/admin/enterprise-verification/{HUGE}/",
    f"/admin/certificates/{HUGE}/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", SITE_URLS)
def test_out_of_range_ids_in_site_urls_are_404(client, url):
    client.force_login(make_user("root@zone.example", is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 404


SQLITE_PROBE = textwrap.dedent(
    """
    import django, json
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    from enterprises.models import User
    client = Client(raise_request_exception=False)
    user = User.objects.create_superuser(email="root@zone.example", password="x-long-password")
    client.force_login(user)
    urls = {urls!r}
    print(json.dumps({{url: [r.status_code, r.get("Content-Type")]
                      for url in urls for r in [client.get(url)]}}))
    """
)


def test_out_of_range_ids_are_404_on_sqlite_too(tmp_path):
    api_urls = [f"/api/v1/policies/{i}" for i in (HUGE, MAX_ID + 1, MAX_ID, "-1", "abc")]
    urls = api_urls + [f"/applications/{HUGE}/", f"/enterprise/{HUGE}/"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="zoneportal.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        ZP_CACHE_DIR=str(tmp_path),
        ZONEPORTAL_REQUIRE_STAFF_MFA="false",
        DJANGO_DEBUG="false",
    )
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_PROBE.format(urls=urls)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    for url in urls:
        assert answers[url][0] == 404, (url, answers[url])
    for url in api_urls:
        assert answers[url][1] == PROBLEM, (url, answers[url])
