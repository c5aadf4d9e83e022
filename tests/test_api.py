"""The public read-only API and its OpenAPI document."""

import datetime

import pytest

from tests.factories import make_policy

SUMMARY_FIELDS = {
    "id",
    "external_id",
    "title",
    "title_en",
    "department",
    "document_number",
    "policy_type",
    "effective_date",
    "expiry_date",
    "apply_free",
    "url",
    "highlight",
}


@pytest.fixture
def policies(db, search_index, django_capture_on_commit_callbacks):
    # Publishing queues indexing on commit; run those (eager) tasks so the list, which now
    # searches Elasticsearch, sees these policies.
    with django_capture_on_commit_callbacks(execute=True):
        return _make_policies()


def _make_policies():
    return {
        "rd": make_policy(
            title="研发投入补贴",
            external_id="cdht-1",
            policy_type="subsidy",
            criteria={"industries": ["I65"], "areas": ["south"]},
        ),
        "bio": make_policy(
            title="生物医药临床试验补贴",
            external_id="cdht-2",
            policy_type="award",
            apply_free=True,
            criteria={"industries": ["C27"], "areas": ["biotown"]},
        ),
        "old": make_policy(
            title="已过期的旧政策",
            external_id="cdht-3",
            effective_date=datetime.date(2019, 1, 1),
            expiry_date=datetime.date(2021, 12, 31),
            criteria={},
        ),
        "draft": make_policy(title="未发布草稿", external_id="cdht-4", publish=False),
    }


def ids(response):
    return {item["external_id"] for item in response.json()["results"]}


def test_list_has_the_documented_shape_and_hides_drafts(client, policies):
    response = client.get("/api/v1/policies")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "results", "degraded"}
    assert body["degraded"] is False
    assert body["count"] == 3
    assert set(body["results"][0]) == SUMMARY_FIELDS
    assert ids(response) == {"cdht-1", "cdht-2", "cdht-3"}
    first = next(r for r in body["results"] if r["external_id"] == "cdht-1")
    assert first["department"] == "成都高新区科技创新局"
    assert first["url"].startswith("http://testserver/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "临床"}, {"cdht-2"}),
        ({"policy_type": "award"}, {"cdht-2"}),
        ({"industry": "I6513"}, {"cdht-1", "cdht-3"}),
        ({"area": "biotown"}, {"cdht-2", "cdht-3"}),
        ({"in_force": "true"}, {"cdht-1", "cdht-2"}),
        ({"in_force": "false"}, {"cdht-3"}),
        ({"department": "成都高新区科技创新局"}, {"cdht-1", "cdht-2", "cdht-3"}),
        ({"department": "不存在"}, set()),
    ],
)
def test_list_filters(client, policies, query, expected):
    assert ids(client.get("/api/v1/policies", query)) == expected


def test_list_paginates(client, policies):
    page1 = client.get("/api/v1/policies", {"page_size": 2, "page": 1}).json()
    page2 = client.get("/api/v1/policies", {"page_size": 2, "page": 2}).json()
    assert page1["count"] == page2["count"] == 3
    assert len(page1["results"]) == 2 and len(page2["results"]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": 0}, "page"),
        ({"page_size": 1000}, "page_size"),
        ({"policy_type": "lottery"}, "policy_type"),
        ({"in_force": "maybe"}, "in_force"),
    ],
)
def test_invalid_input_is_422_naming_the_field(client, db, query, field):
    response = client.get("/api/v1/policies", query)
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}


def test_detail_includes_summary_interpretation_and_criteria(client, policies):
    policy = policies["rd"]
    body = client.get(f"/api/v1/policies/{policy.pk}").json()
    assert body["title"] == "研发投入补贴"
    assert body["summary"] == policy.summary
    assert "interpretation" in body
    assert body["criteria"]["industries"] == ["I65"]
    assert body["criteria"]["min_rd_ratio"] is None
    assert body["in_force"] is True


def test_detail_of_a_draft_or_unknown_policy_is_404(client, policies):
    assert client.get(f"/api/v1/policies/{policies['draft'].pk}").status_code == 404
    assert client.get("/api/v1/policies/999999").status_code == 404


def test_openapi_document_describes_the_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/policies" in spec["paths"]
    assert "/api/v1/policies/{policy_id}" in spec["paths"]
    parameters = {p["name"] for p in spec["paths"]["/api/v1/policies"]["get"]["parameters"]}
    assert {
        "q",
        "department",
        "policy_type",
        "industry",
        "area",
        "in_force",
        "page",
        "page_size",
    } <= parameters


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_422_naming_the_body(client):
    response = client.post("/api/v1/match", data="{not json", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body", "reason": "the request body is not valid JSON"}
    ]
