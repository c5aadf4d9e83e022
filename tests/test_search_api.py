"""``GET /api/v1/policies`` as a search: relevance, highlights, bad input, paging."""

import datetime

import pytest

from search.models import SearchQuery
from tests.factories import make_policy

pytestmark = pytest.mark.django_db

API = "/api/v1/policies"


@pytest.fixture
def policies(search_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return {
            "rd": make_policy(
                title="成都高新区企业研发投入补贴实施细则",
                external_id="s-rd",
                document_number="成高科发〔2025〕3号",
                summary="按企业研发投入增量给予补贴。",
                criteria={},
            ),
            "loan": make_policy(
                title="中小微企业贷款贴息办法",
                external_id="s-loan",
                policy_type="finance",
                summary="对企业研发和经营贷款给予贴息。",
                criteria={},
            ),
            "old": make_policy(
                title="2020年度研发费用补助",
                external_id="s-old",
                effective_date=datetime.date(2020, 1, 1),
                expiry_date=datetime.date(2020, 12, 31),
                summary="旧的研发补助。",
                criteria={},
            ),
        }


def external_ids(body):
    return [r["external_id"] for r in body["results"]]


def test_q_is_ranked_by_relevance_with_highlights(client, policies):
    body = client.get(API, {"q": "研发投入"}).json()
    assert body["degraded"] is False
    assert external_ids(body)[0] == "s-rd"
    first = body["results"][0]
    assert first["highlight"]["title"] == ["成都高新区企业<mark>研发投入</mark>补贴实施细则"]
    assert first["highlight"]["summary"] == ["按企业<mark>研发投入</mark>增量给予补贴。"]
    assert SearchQuery.objects.get().source == "api"


def test_without_q_the_list_is_newest_first_without_highlights(client, policies):
    body = client.get(API).json()
    assert body["count"] == 3
    assert all(r["highlight"] == {} for r in body["results"])
    dates = [r["effective_date"] for r in body["results"]]
    assert dates == sorted(dates, reverse=True)
    assert not SearchQuery.objects.exists()


def test_document_number_and_filters_combine(client, policies):
    assert external_ids(client.get(API, {"q": "2025〕3号"}).json())[0] == "s-rd"
    body = client.get(API, {"q": "研发", "in_force": "true", "policy_type": "subsidy"}).json()
    assert external_ids(body) == ["s-rd"]


@pytest.mark.parametrize(
    "q", ["研" * 10_000, "title:foo AND (", "😀", "AI 研发 ☃", "\u202e\u0000x"]
)
def test_bad_queries_get_an_answer_not_an_error(client, policies, q):
    response = client.get(API, {"q": q})
    assert response.status_code == 200
    assert response.json()["degraded"] is False


def test_control_characters_in_filters_are_harmless(client, policies):
    body = client.get(API, {"department": "科技\x00局", "q": "\x00研发"}).json()
    assert body["count"] == 0
    assert client.get("/policies/search/", {"q": "\x00", "department": "\x00"}).status_code == 200
    assert client.get("/policies/suggest/", {"q": "\x00瞪"}).status_code == 200


def test_pages_past_the_end_are_empty_with_the_count(client, policies):
    body = client.get(API, {"page": 10_000, "page_size": 100}).json()
    assert body["count"] == 3 and body["results"] == []
    body = client.get(API, {"page": 2, "page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [({"industry": "65I"}, "industry"), ({"area": "南部"}, "area"), ({"q": "x" * 10_001}, "q")],
)
def test_malformed_filters_are_422(client, db, params, field):
    response = client.get(API, params)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
