"""Reverse matching agrees with the Python evaluator: enterprises found for a policy.

Hypothesis generates random criteria and random companies (the same strategies as the forward
agreement test, so thresholds are often hit exactly); the companies are indexed in a real
Elasticsearch node with the real mapping and document builder, the policy's criteria are
compiled by ``search.reverse``, and every company's status must equal
``policies.matching.evaluate``'s, with the same failed and unknown criteria.
"""

import uuid

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.criteria import Criteria
from policies.matching import STATUS_ORDER, Facts, evaluate
from search.client import get_client
from search.enterprise_index import EnterpriseDocument, facts_document
from search.reverse import compile_reverse, count, eligible_enterprise_ids, reverse_match
from tests.test_match_agreement import TODAY, criteria_strategy, facts_strategy

pytestmark = pytest.mark.django_db  # the explanations read the reference lists' names


@pytest.fixture(scope="module")
def company_index():
    client = get_client().options(request_timeout=30)
    name = f"test-reverse-{uuid.uuid4().hex[:10]}"
    EnterpriseDocument.init(index=name, using=client)
    yield client, name
    client.indices.delete(index=name, ignore_unavailable=True)


def clear(client, index):
    """Remove every document (this node has no delete-by-query)."""
    hits = client.search(index=index, size=1000, source=False)["hits"]["hits"]
    if hits:
        client.bulk(
            operations=[{"delete": {"_index": index, "_id": hit["_id"]}} for hit in hits],
            refresh=True,
        )


def load(client, index, companies):
    operations = []
    for number, facts in enumerate(companies, start=1):
        operations.append({"index": {"_index": index, "_id": number}})
        operations.append(facts_document(facts))
    client.bulk(operations=operations, refresh=True)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(criteria=criteria_strategy, companies=st.lists(facts_strategy, min_size=1, max_size=12))
def test_elasticsearch_and_python_agree_on_every_company(company_index, criteria, companies):
    client, index = company_index
    clear(client, index)
    load(client, index, companies)

    with translation.override("en"):
        expected = {n: evaluate(criteria, f, TODAY) for n, f in enumerate(companies, start=1)}
    found = {
        c.enterprise_id: c
        for c in reverse_match(client, index, criteria, TODAY, statuses=STATUS_ORDER)
    }
    assert set(found) == set(expected)
    for number, evaluation in expected.items():
        candidate = found[number]
        assert candidate.status == evaluation.status, (criteria, companies[number - 1])
        assert set(candidate.failed) == {r.key for r in evaluation.failed}
        assert set(candidate.unknown) == {r.key for r in evaluation.unknown}

    # The fast path notifications use: exactly the eligible companies.
    eligible = {n for n, e in expected.items() if e.status == "eligible"}
    assert set(eligible_enterprise_ids(client, index, criteria, TODAY)) == eligible
    assert count(client, index, criteria, TODAY, status="eligible") == len(eligible)

    # Asking for some statuses returns exactly the companies with those statuses.
    for wanted in [(status,) for status in STATUS_ORDER] + [("eligible", "possible")]:
        got = reverse_match(client, index, criteria, TODAY, statuses=wanted)
        assert {c.enterprise_id for c in got} == {
            n for n, e in expected.items() if e.status in wanted
        }, wanted


def test_a_policy_without_criteria_fits_every_company(company_index):
    client, index = company_index
    clear(client, index)
    load(client, index, [Facts(), Facts(industry="I65"), Facts(area="west", good_credit=False)])
    assert sorted(eligible_enterprise_ids(client, index, Criteria(), TODAY)) == [1, 2, 3]
    assert compile_reverse(Criteria(), TODAY).to_dict()["bool"]["filter"]
