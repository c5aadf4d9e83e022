"""``POST /api/v1/match``: the contract of docs/api.md, its statuses and order, bad input."""

import datetime
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import match_service
from tests.factories import make_policy
from tests.matching_support import policies_index  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/api/v1/match"
TODAY = datetime.date(2026, 11, 22)


def post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(match_service, "zone_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def catalogue(policies_index, fixed_today):  # noqa: F811
    """Policies chosen so that the facts of ``COMPANY`` give every status."""
    policies = {
        "open": make_policy(title="普惠政策", external_id="m-open", criteria={}),
        "eligible": make_policy(
            title="软件企业研发补贴",
            external_id="m-eligible",
            apply_free=True,
            criteria={"industries": ["I65"], "areas": ["south"], "min_rd_ratio": 3},
        ),
        "possible": make_policy(
            title="信用良好企业奖励",
            external_id="m-possible",
            criteria={"industries": ["I65"], "requires_good_credit": True},
        ),
        "near": make_policy(
            title="西部园区场地支持",
            external_id="m-near",
            policy_type="space",
            criteria={"industries": ["I65"], "areas": ["west"]},
        ),
        "ineligible": make_policy(
            title="生物医药临床补贴",
            external_id="m-ineligible",
            criteria={"industries": ["C27"], "areas": ["biotown"]},
        ),
        "expired": make_policy(
            title="已过期政策",
            external_id="m-expired",
            criteria={},
            effective_date=datetime.date(2020, 1, 1),
            expiry_date=datetime.date(2026, 11, 21),
        ),
        "upcoming": make_policy(
            title="尚未生效政策",
            external_id="m-upcoming",
            criteria={},
            effective_date=datetime.date(2026, 11, 23),
        ),
    }
    policies_index(*policies.values())
    return policies


COMPANY = {
    "industry": "I6513",
    "area": "south",
    "established": "2019-05-01",
    "employees": 120,
    "revenue_wan": 3500,
    "rd_expense_wan": 280,
    "qualifications": [{"code": "hnte", "valid_until": "2027-12-31"}],
}


def statuses(response):
    return {r["policy"]["external_id"]: r["status"] for r in response.json()["results"]}


def test_shape_statuses_and_order(client, catalogue):
    response = post(client, COMPANY)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"results", "degraded"}
    assert data["degraded"] is False
    assert statuses(response) == {
        "m-open": "eligible",
        "m-eligible": "eligible",
        "m-possible": "possible",
        "m-near": "near",
    }
    order = [r["status"] for r in data["results"]]
    assert order == sorted(order, key=["eligible", "possible", "near"].index)
    for result in data["results"]:
        assert set(result) == {"policy", "status", "score", "criteria"}
        assert set(result["policy"]) == {"id", "external_id", "title", "url", "apply_free"}
        assert 0.0 <= result["score"] <= 1.0
        assert result["policy"]["url"].startswith("http://testserver/policies/")
        for criterion in result["criteria"]:
            assert set(criterion) == {"key", "met", "explanation"}
            assert criterion["explanation"]
    eligible = next(r for r in data["results"] if r["policy"]["external_id"] == "m-eligible")
    assert eligible["policy"]["apply_free"] is True
    assert [c["key"] for c in eligible["criteria"]] == ["industries", "areas", "min_rd_ratio"]
    assert all(c["met"] is True for c in eligible["criteria"])
    possible = next(r for r in data["results"] if r["status"] == "possible")
    assert {c["key"]: c["met"] for c in possible["criteria"]} == {
        "industries": True,
        "requires_good_credit": None,
    }
    near = next(r for r in data["results"] if r["status"] == "near")
    assert {c["key"]: c["met"] for c in near["criteria"]} == {"industries": True, "areas": False}


def test_include_ineligible_lists_them_last(client, catalogue):
    data = post(client, {**COMPANY, "include_ineligible": True}).json()
    assert data["results"][-1]["policy"]["external_id"] == "m-ineligible"
    assert data["results"][-1]["status"] == "ineligible"
    assert "m-expired" not in statuses_of(data) and "m-upcoming" not in statuses_of(data)


def statuses_of(data):
    return {r["policy"]["external_id"] for r in data["results"]}


def test_empty_request_makes_policies_without_criteria_eligible(client, catalogue):
    for body in ({}, None):
        response = post(client, body) if body is not None else client.post(URL, content_type="")
        assert response.status_code == 200
        found = statuses(response)
        assert found["m-open"] == "eligible"
        assert found["m-eligible"] == "possible"  # unknown, not failed
        assert (
            next(r for r in response.json()["results"] if r["policy"]["external_id"] == "m-open")[
                "criteria"
            ]
            == []
        )


def test_only_policies_in_force_today(client, catalogue):
    found = statuses(post(client, {"include_ineligible": True}))
    assert "m-expired" not in found and "m-upcoming" not in found


def test_years_established_boundary(client, policies_index, monkeypatch):  # noqa: F811
    policy = make_policy(external_id="m-years", criteria={"min_years_established": 3})
    policies_index(policy)
    facts = {"established": "2023-11-22"}
    monkeypatch.setattr(match_service, "zone_today", lambda: datetime.date(2026, 11, 22))
    assert statuses(post(client, facts))["m-years"] == "eligible"
    monkeypatch.setattr(match_service, "zone_today", lambda: datetime.date(2026, 11, 21))
    assert statuses(post(client, facts))["m-years"] == "near"


def test_rd_ratio_exact_boundary_is_met(client, policies_index, fixed_today):  # noqa: F811
    policy = make_policy(external_id="m-rd", criteria={"min_rd_ratio": 3})
    policies_index(policy)
    assert statuses(post(client, {"revenue_wan": 500, "rd_expense_wan": 15}))["m-rd"] == "eligible"
    assert statuses(post(client, {"revenue_wan": 500, "rd_expense_wan": 14.99}))["m-rd"] == "near"


def test_qualification_expired_yesterday_is_not_held(client, policies_index, fixed_today):  # noqa: F811
    policy = make_policy(external_id="m-hnte", criteria={"qualifications_all": ["hnte"]})
    policies_index(policy)
    yesterday = (fixed_today - datetime.timedelta(days=1)).isoformat()
    held = {"qualifications": [{"code": "hnte", "valid_until": fixed_today.isoformat()}]}
    expired = {"qualifications": [{"code": "hnte", "valid_until": yesterday}]}
    assert statuses(post(client, held))["m-hnte"] == "eligible"
    assert statuses(post(client, expired))["m-hnte"] == "near"
    assert statuses(post(client, {"qualifications": []}))["m-hnte"] == "near"
    assert statuses(post(client, {"qualifications": None}))["m-hnte"] == "possible"


def test_business_scope_ranks_within_a_status(client, policies_index, fixed_today):  # noqa: F811
    software = make_policy(title="软件和信息技术服务业发展支持", external_id="m-sw", criteria={})
    bio = make_policy(title="生物医药创新产品奖励", external_id="m-bio", criteria={})
    policies_index(software, bio)
    for scope, first in (("软件开发、信息技术服务", "m-sw"), ("生物医药研发、创新药", "m-bio")):
        results = post(client, {"business_scope": scope}).json()["results"]
        assert results[0]["policy"]["external_id"] == first
        assert results[0]["score"] > results[1]["score"]


def test_explanations_follow_the_language(client, catalogue):
    data = post(client, COMPANY, HTTP_ACCEPT_LANGUAGE="en").json()
    eligible = next(r for r in data["results"] if r["policy"]["external_id"] == "m-eligible")
    rd = next(c for c in eligible["criteria"] if c["key"] == "min_rd_ratio")
    assert rd["explanation"] == "R&D ratio 8%% meets the required 3%%.".replace("%%", "%")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"employees": "many"}, "employees"),
        ({"employees": 12.5}, "employees"),
        ({"employees": True}, "employees"),
        ({"employees": -1}, "employees"),
        ({"employees": 10**9}, "employees"),
        ({"revenue_wan": -5}, "revenue_wan"),
        ({"revenue_wan": 1e13}, "revenue_wan"),
        ({"revenue_wan": "lots"}, "revenue_wan"),
        ({"revenue_wan": [1]}, "revenue_wan"),
        ({"rd_expense_wan": False}, "rd_expense_wan"),
        ({"rd_expense_wan": -0.01}, "rd_expense_wan"),
        ({"established": "2999-01-01"}, "established"),
        ({"established": "01/05/2019"}, "established"),
        ({"established": "2019-02-30"}, "established"),
        ({"established": 1556668800}, "established"),
        ({"established": "2019-05-01T00:00:00"}, "established"),
        ({"area": "north"}, "area"),
        ({"area": 3}, "area"),
        ({"industry": "65"}, "industry"),
        ({"industry": "I6"}, "industry"),
        ({"industry": "I65133"}, "industry"),
        ({"industry": "Z65"}, "industry"),
        ({"industry": 6513}, "industry"),
        (
            {"qualifications": [{"code": "nobel", "valid_until": "2027-01-01"}]},
            "qualifications.0.code",
        ),
        (
            {"qualifications": [{"code": "hnte", "valid_until": "2027/01/01"}]},
            "qualifications.0.valid_until",
        ),
        ({"qualifications": [{"code": "hnte"}]}, "qualifications.0.valid_until"),
        ({"qualifications": "hnte"}, "qualifications"),
        ({"good_credit": "yes"}, "good_credit"),
        ({"good_credit": 1}, "good_credit"),
        ({"include_ineligible": "true"}, "include_ineligible"),
        ({"revenue": 100}, "revenue"),
        ({"business_scope": "x" * 2001}, "business_scope"),
    ],
)
def test_invalid_input_is_422_naming_the_field(client, body, field, fixed_today):
    response = post(client, body)
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["detail"] == "invalid input"
    fields = [e["field"] for e in data["errors"]]
    assert field in fields, data
    assert all(e["reason"] for e in data["errors"])


def test_established_today_is_valid(client, catalogue):
    assert post(client, {"established": TODAY.isoformat()}).status_code == 200


def test_openapi_documents_the_match_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/match"]["post"]
    assert "requestBody" in operation
    assert "200" in operation["responses"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = [
    "industry",
    "area",
    "established",
    "employees",
    "revenue_wan",
    "rd_expense_wan",
    "qualifications",
    "good_credit",
    "include_ineligible",
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4))
def test_never_a_500(client, policies_index, body):  # noqa: F811
    response = post(client, body)
    assert response.status_code in (200, 422), (body, response.content)


def test_results_come_in_pages_with_the_total_in_a_header(client, catalogue):
    everything = post(client, COMPANY)
    ranked = [r["policy"]["external_id"] for r in everything.json()["results"]]
    assert everything["X-Total-Count"] == str(len(ranked)) == "4"
    pages = []
    for offset in (0, 2, 4):
        response = client.post(
            f"/api/v1/match?limit=2&offset={offset}", COMPANY, content_type="application/json"
        )
        assert response.status_code == 200 and response["X-Total-Count"] == "4"
        pages += [r["policy"]["external_id"] for r in response.json()["results"]]
    assert pages == ranked  # the same order, page after page, nothing twice
    for bad in ("limit=0", "limit=501", "offset=-1", "limit=x"):
        response = client.post(f"/api/v1/match?{bad}", {}, content_type="application/json")
        assert response.status_code == 422, bad


def test_the_same_facts_again_come_from_the_node_cache_until_the_index_changes(
    client,
    catalogue,
    policies_index,  # noqa: F811
):
    """A company asking again (or a client paging) is answered from the node's request cache,
    and a policy indexed in between is in the next answer all the same."""
    from search.client import get_client

    def cache_hits():
        stats = get_client().indices.stats(index=policies_index.alias, metric="request_cache")
        return sum(i["total"]["request_cache"]["hit_count"] for i in stats["indices"].values())

    first = statuses(post(client, COMPANY))
    before = cache_hits()
    assert statuses(post(client, COMPANY)) == first
    assert cache_hits() > before

    policies_index(make_policy(title="新发布的普惠政策", external_id="m-new", criteria={}))
    assert statuses(post(client, COMPANY)) == {**first, "m-new": "eligible"}
