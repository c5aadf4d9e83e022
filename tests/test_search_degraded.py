"""Degrade, don't fail: with Elasticsearch down or hung, search answers from the database."""

import datetime
import time

import pytest
from django.conf import settings

from search.client import get_client
from search.models import SearchQuery
from tests.factories import make_policy
from tests.services import paused, port_of

pytestmark = pytest.mark.django_db

ES_PORT = port_of(settings.ELASTICSEARCH_URL)


@pytest.fixture
def policies(search_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [
            make_policy(
                title="成都高新区企业研发投入补贴实施细则",
                document_number="成高科发〔2025〕3号",
                summary="按企业上年度研发投入增量给予补贴。",
                criteria={"industries": ["I65"]},
            ),
            make_policy(
                title="瞪羚企业培育奖励办法",
                summary="对新认定的瞪羚企业给予奖励，免申即享。",
                policy_type="award",
                apply_free=True,
                criteria={},
            ),
            make_policy(
                title="已过期的研发补助",
                summary="旧政策。",
                effective_date=datetime.date(2019, 1, 1),
                expiry_date=datetime.date(2020, 12, 31),
                criteria={},
            ),
        ]


@pytest.fixture
def elasticsearch_down(settings):
    """Point the client at a port where nothing listens (connection refused)."""
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    get_client.cache_clear()
    yield
    get_client.cache_clear()


def titles(response):
    return [hit.page.title for hit in response.context["result"].hits]


def test_the_page_answers_from_the_database_and_says_so(client, policies, elasticsearch_down):
    response = client.get("/policies/search/", {"q": "研发投入"})
    assert response.status_code == 200
    assert response.context["result"].degraded
    assert titles(response) == ["成都高新区企业研发投入补贴实施细则"]
    html = response.content.decode()
    assert "search-degraded" in html
    assert "<mark>研发投入</mark>" in html  # marked in Python


def test_the_fallback_filters_sorts_and_normalises(client, policies, elasticsearch_down):
    get = client.get
    assert titles(get("/policies/search/", {"q": "研發", "status": "all"})) == [
        "成都高新区企业研发投入补贴实施细则",
        "已过期的研发补助",
    ]
    assert titles(get("/policies/search/", {"q": "研发", "status": "in_force"})) == [
        "成都高新区企业研发投入补贴实施细则"
    ]
    assert titles(get("/policies/search/", {"apply_free": "1"})) == ["瞪羚企业培育奖励办法"]
    assert titles(get("/policies/search/", {"industry": "C27", "status": "all"})) == [
        "瞪羚企业培育奖励办法",
        "已过期的研发补助",
    ]
    assert titles(get("/policies/search/", {"q": "2025〕3号"})) == [
        "成都高新区企业研发投入补贴实施细则"
    ]
    assert get("/policies/search/", {"q": "title:foo AND ("}).status_code == 200
    assert get("/policies/search/", {"q": "😀", "page": "99999"}).status_code == 200


def test_the_api_says_degraded(client, policies, elasticsearch_down):
    body = client.get("/api/v1/policies", {"q": "瞪羚"}).json()
    assert body["degraded"] is True
    assert body["count"] == 1
    assert body["results"][0]["highlight"]["title"] == ["<mark>瞪羚</mark>企业培育奖励办法"]
    listing = client.get("/api/v1/policies", {"in_force": "false"}).json()
    assert [r["title"] for r in listing["results"]] == ["已过期的研发补助"]


def test_suggestions_fall_back_too(client, policies, elasticsearch_down):
    response = client.get("/policies/suggest/", {"q": "瞪羚"})
    assert response.status_code == 200
    assert [s["title"] for s in response.json()] == ["瞪羚企业培育奖励办法"]


def test_the_log_records_degraded_searches(client, policies, elasticsearch_down):
    client.get("/policies/search/", {"q": "研发"})
    assert SearchQuery.objects.get().degraded


def test_a_hung_node_times_out_into_the_fallback_and_search_recovers(client, policies, settings):
    settings.SEARCH_TIMEOUT_SECONDS = 1.0
    get_client.cache_clear()
    try:
        with paused(ES_PORT):
            started = time.monotonic()
            response = client.get("/policies/search/", {"q": "瞪羚"})
            elapsed = time.monotonic() - started
            api = client.get("/api/v1/policies", {"q": "瞪羚"}).json()
        assert response.status_code == 200
        assert response.context["result"].degraded
        assert titles(response) == ["瞪羚企业培育奖励办法"]
        assert elapsed < 5, elapsed  # the request timeout, not a hang
        assert api["degraded"] is True and api["count"] == 1
    finally:
        get_client.cache_clear()
    # The node is back: full search again (the client may need a moment to retry the node).
    deadline = time.monotonic() + 30
    while True:
        response = client.get("/policies/search/", {"q": "瞪羚"})
        if not response.context["result"].degraded or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert not response.context["result"].degraded
    assert titles(response) == ["瞪羚企业培育奖励办法"]
