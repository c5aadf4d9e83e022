"""One eligibility model, two evaluators: Elasticsearch and Python always agree.

Hypothesis generates random criteria and random enterprise facts (with values drawn so that
thresholds are often hit exactly); the policies are indexed in a real Elasticsearch node and
matched there, and every policy's status must equal the Python evaluator's.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.criteria import Criteria
from policies.criteria.base import industry_prefixes, years_cutoff
from policies.matching import Facts, HeldQualification, evaluate
from search.client import get_client
from search.documents import OPEN_ENDED, PolicyDocument, criteria_fields
from search.matching import compile_match, match

pytestmark = pytest.mark.django_db  # the explanations read the reference lists' names

TODAY = datetime.date(2026, 11, 23)
INDUSTRIES = ["I65", "I6513", "I6520", "C39", "C3973", "C27", "M73", "I64"]
AREAS = ["south", "west", "east", "biotown"]
QUALS = ["hnte", "tsme", "srdi", "gazelle", "little_giant"]
AMOUNTS = [
    Decimal(v)
    for v in ("0", "50", "299.99", "300", "300.01", "1000", "2000", "9999.99", "10000", "40000")
]
EMPLOYEES = [0, 9, 10, 19, 20, 99, 100, 299, 300, 999, 1000]


def subset(values):
    return st.lists(st.sampled_from(values), unique=True, max_size=3)


def _safe_criteria(**kw):
    try:
        return Criteria.parse({k: v for k, v in kw.items() if v is not None})
    except ValueError:
        return None


criteria_strategy = st.builds(
    _safe_criteria,
    industries=subset(["I65", "I6513", "C39", "C3973", "M73", "C27"]),
    areas=subset(AREAS),
    sizes=subset(["micro", "small", "medium", "large"]),
    qualifications_all=subset(QUALS[:3]),
    qualifications_any=subset(QUALS),
    min_years_established=st.none() | st.sampled_from([0, 1, 2, 3, 5]),
    min_rd_ratio=st.none() | st.sampled_from(["0", "2.5", "3", "3.33", "5", "10"]),
    min_revenue_wan=st.none() | st.sampled_from([str(a) for a in AMOUNTS]),
    max_revenue_wan=st.none() | st.sampled_from([str(a) for a in AMOUNTS]),
    min_employees=st.none() | st.sampled_from(EMPLOYEES),
    requires_good_credit=st.booleans(),
).filter(lambda c: c is not None)

dates_around_today = st.sampled_from(
    [TODAY - datetime.timedelta(days=d) for d in (-1, 0, 1, 365, 366, 730, 1095, 1096, 2000)]
    + [datetime.date(2024, 2, 29), datetime.date(2023, 11, 23), datetime.date(2023, 11, 24)]
)

facts_strategy = st.builds(
    Facts,
    industry=st.none() | st.sampled_from(INDUSTRIES),
    area=st.none() | st.sampled_from(AREAS),
    established=st.none() | dates_around_today.filter(lambda d: d <= TODAY),
    employees=st.none() | st.sampled_from(EMPLOYEES) | st.integers(0, 5000),
    revenue_wan=st.none() | st.sampled_from(AMOUNTS) | st.decimals(0, 50000, places=2),
    rd_expense_wan=st.none()
    | st.sampled_from([Decimal(v) for v in ("0", "1.5", "9", "10", "30", "333", "1000")]),
    qualifications=st.none()
    | st.lists(
        st.builds(
            HeldQualification,
            code=st.sampled_from(QUALS),
            valid_until=st.sampled_from(
                [TODAY - datetime.timedelta(days=1), TODAY, TODAY + datetime.timedelta(days=400)]
            ),
        ),
        max_size=4,
    ).map(tuple),
    good_credit=st.none() | st.booleans(),
)


@pytest.fixture(scope="module")
def agreement_index():
    client = get_client()
    name = f"test-agreement-{uuid.uuid4().hex[:10]}"
    PolicyDocument.init(index=name, using=client)
    yield client, name
    client.indices.delete(index=name, ignore_unavailable=True)


def clear(client, index):
    """Remove every document (this node has no delete-by-query: that is the reindex module)."""
    hits = client.search(index=index, size=1000, source=False)["hits"]["hits"]
    if hits:
        client.bulk(
            operations=[{"delete": {"_index": index, "_id": hit["_id"]}} for hit in hits],
            refresh=True,
        )


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(policies=st.lists(criteria_strategy, min_size=1, max_size=12), facts=facts_strategy)
def test_elasticsearch_and_python_agree_on_every_status(agreement_index, policies, facts):
    client, index = agreement_index
    clear(client, index)
    operations = []
    for number, criteria in enumerate(policies, start=1):
        operations.append({"index": {"_index": index, "_id": number}})
        operations.append(
            {
                "title": f"policy {number}",
                "page_id": number,
                "effective_date": "2020-01-01",
                "expiry_date": OPEN_ENDED.isoformat(),
                **criteria_fields(criteria),
            }
        )
    client.bulk(operations=operations, refresh=True)

    with translation.override("en"):
        expected = {n: evaluate(c, facts, TODAY) for n, c in enumerate(policies, start=1)}
    found = {c.policy_id: c for c in match(client, index, facts, TODAY, include_ineligible=True)}

    assert set(found) == set(expected)
    for number, evaluation in expected.items():
        candidate = found[number]
        assert candidate.status == evaluation.status, (policies[number - 1], facts)
        assert set(candidate.failed) == {r.key for r in evaluation.failed}
        assert set(candidate.unknown) == {r.key for r in evaluation.unknown}

    # Without include_ineligible, exactly the policies that are not ineligible come back.
    visible = {c.policy_id for c in match(client, index, facts, TODAY)}
    assert visible == {n for n, e in expected.items() if e.status != "ineligible"}


def test_industry_prefixes_admit_only_broader_policy_codes():
    assert industry_prefixes("I6513") == ["I65", "I651", "I6513"]
    assert industry_prefixes("i65") == ["I65"]


@pytest.mark.parametrize(
    ("today", "years", "cutoff"),
    [
        ("2026-11-23", 3, "2023-11-23"),
        ("2028-02-29", 1, "2027-02-28"),
        ("2028-02-29", 4, "2024-02-29"),
    ],
)
def test_years_cutoff(today, years, cutoff):
    d = datetime.date.fromisoformat
    assert years_cutoff(d(today), years) == d(cutoff)


def test_a_policy_without_criteria_is_eligible_for_an_empty_request(agreement_index):
    client, index = agreement_index
    clear(client, index)
    client.index(
        index=index,
        id=1,
        refresh=True,
        document={
            "title": "open",
            "page_id": 1,
            "effective_date": "2020-01-01",
            "expiry_date": "9999-12-31",
            **criteria_fields(Criteria()),
        },
    )
    [candidate] = match(client, index, Facts(), TODAY)
    assert candidate.status == "eligible"
    assert compile_match(Facts(), TODAY).to_dict()["function_score"]
