"""The query builder: the JSON it produces, and behaviour against the real node."""

import datetime
import json

import pytest

from search.client import get_client
from search.documents import OPEN_ENDED
from search.indexing import create_index
from search.queries import (
    FACETS,
    FACETS_AGGREGATION,
    MAX_WINDOW,
    PolicyQuery,
    SearchParams,
    clean_filters,
    facet_results,
)

TODAY = datetime.date(2026, 11, 23)


def build(**params):
    return PolicyQuery(SearchParams(**params), TODAY, industry_codes=["I65", "C27"]).to_dict()


def walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


@pytest.mark.parametrize(
    "q", ["title:foo AND (", 'body:"x" OR *', "研发 -补贴 +奖励 ~2", "a\\b/c", "{{}}[[]]"]
)
def test_query_text_only_goes_into_match_queries(q):
    body = build(q=q)
    keys = {key for key, _value in walk(body)}
    assert not keys & {"query_string", "simple_query_string", "regexp", "wildcard", "script"}
    assert json.dumps(body)  # serialisable as is


def test_filters_are_post_filters_and_each_facet_ignores_its_own():
    body = build(q="研发", filters={"type": ["subsidy"], "area": ["south"]})
    post = body["post_filter"]["bool"]["filter"]
    assert {"terms": {"policy_type": ["subsidy"]}} in post
    assert len(post) == 2
    facets = body["aggs"][FACETS_AGGREGATION]["aggs"]
    type_facet = facets["type"]["filter"]["bool"]["filter"]
    assert {"terms": {"policy_type": ["subsidy"]}} not in type_facet and len(type_facet) == 1
    area_facet = facets["area"]["filter"]["bool"]["filter"]
    assert area_facet == [{"terms": {"policy_type": ["subsidy"]}}]
    assert set(facets) == set(FACETS)


def test_the_text_query_has_a_recall_gate_and_weighted_clauses():
    body = build(q="瞪羚企业")
    scored = body["query"]["function_score"]
    assert scored["functions"][0]["weight"] > 1  # in force weighs more
    query = scored["query"]["bool"]
    assert query["filter"] and query["should"]
    boosts = {
        next(iter(clause)) + ":" + next(iter(next(iter(clause.values())))): next(
            iter(clause.values())
        )[next(iter(next(iter(clause.values()))))].get("boost")
        for clause in query["should"]
        if next(iter(clause)) in ("match", "match_phrase")
    }
    assert boosts["match_phrase:title"] > boosts["match:title_seg"] > boosts["match_phrase:body"]
    title = body["highlight"]["fields"]["title"]
    assert title["number_of_fragments"] == 0
    # Each field is highlighted with its own phrases only.
    phrases = title["highlight_query"]["bool"]["should"]
    assert phrases and all(set(p["match_phrase"]) == {"title"} for p in phrases)


def test_document_number_clauses_only_for_queries_with_digits():
    with_digits = json.dumps(build(q="成高科发〔2025〕3号"), ensure_ascii=False)
    assert "document_number_key" in with_digits and "成高科发〔2025〕3号" in with_digits
    assert "document_number_key" not in json.dumps(build(q="成高科发"))


def test_no_query_lists_everything_newest_first():
    body = build()
    assert body["query"] == {"match_all": {}}
    assert body["sort"][0] == {"effective_date": "desc"}
    assert "highlight" not in body and "suggest" not in body


def test_emoji_only_is_not_searched_but_keeps_suggestions_off():
    params = SearchParams(q="😀😀")
    assert not params.searchable
    body = PolicyQuery(params, TODAY).to_dict()
    assert body["query"] == {"match_all": {}}


def test_pages_are_clamped_to_what_elasticsearch_can_page_to():
    assert SearchParams(page=0).page == 1
    params = SearchParams(page=10**9, page_size=20)
    assert params.window() == (0, 0)
    last = SearchParams(page=MAX_WINDOW // 20, page_size=20)
    start, size = last.window()
    assert start + size <= MAX_WINDOW and size == 20
    assert SearchParams(page_size=10_000).page_size == 100


def test_unknown_filters_and_values_are_dropped():
    cleaned = clean_filters(
        {
            "type": ["subsidy", "lottery"],
            "department": ["3", "x", "99999999999"],
            "industry": ["i6513", "%%", "Z"],
            "status": ["in_force", "maybe"],
            "apply_free": ["yes"],
            "planet": ["mars"],
        },
        policy_types=["subsidy", "award"],
    )
    assert cleaned == {
        "type": ["subsidy"],
        "department": ["3"],
        "industry": ["I6513"],
        "status": ["in_force"],
        "apply_free": ["1"],
    }


def test_the_expiring_sort_puts_policies_in_force_first():
    body = build(sort="expiring")
    assert body["query"]["function_score"]["boost_mode"] == "replace"
    assert body["sort"][:2] == ["_score", {"expiry_date": "asc"}]


# --- against the node ---------------------------------------------------------------------


@pytest.fixture
def tiny_index(settings):
    client = get_client()
    name = f"{settings.SEARCH_INDEX_PREFIX}-queries"
    client.indices.delete(index=name, ignore_unavailable=True)
    create_index("policies", name, client=client)
    base = {
        "summary": "支持企业开展研发活动。",
        "policy_type": "subsidy",
        "crit_keys": [],
        "document_number": "成高科发〔2025〕1号",
        "document_number_key": "成高科发〔2025〕1号",
    }
    docs = {
        "1": {
            "title": "企业研发补贴办法",
            "effective_date": "2020-01-01",
            "expiry_date": "2021-12-31",
        },
        "2": {
            "title": "企业研发补贴办法",
            "effective_date": "2025-01-01",
            "expiry_date": OPEN_ENDED.isoformat(),
        },
        "3": {
            "title": "补贴企业的研发办法",
            "effective_date": "2025-01-01",
            "expiry_date": "2030-01-01",
        },
        "4": {
            "title": "即将生效的研发补贴",
            "effective_date": "2099-01-01",
            "expiry_date": "2100-01-01",
        },
    }
    operations = []
    for doc_id, doc in docs.items():
        operations += [{"index": {"_index": name, "_id": doc_id}}, {**base, **doc}]
    client.bulk(operations=operations, refresh=True)
    yield client, name
    client.indices.delete(index=name, ignore_unavailable=True)


def run(client, index, **params):
    body = PolicyQuery(SearchParams(**params), TODAY, suggest=False).to_dict()
    body["from_"] = body.pop("from")
    body["source"] = body.pop("_source")
    return client.search(index=index, **body)


def ids(response):
    return [hit["_id"] for hit in response["hits"]["hits"]]


def test_in_force_beats_expired_and_phrases_beat_scattered_characters(tiny_index):
    client, index = tiny_index
    found = ids(run(client, index, q="企业研发补贴"))
    assert found.index("2") < found.index("1")  # same text: the one in force first
    assert found.index("2") < found.index("3")  # the exact phrase before the same words apart


def test_expiring_soon_and_status_facet(tiny_index):
    client, index = tiny_index
    assert ids(run(client, index, sort="expiring")) == ["3", "2", "4", "1"]
    response = run(client, index, filters={"status": ["expired"]})
    assert ids(response) == ["1"]
    buckets = facet_results(response["aggregations"])["status"]["values"]["buckets"]
    assert {k: v["doc_count"] for k, v in buckets.items()} == {
        "in_force": 2,
        "expired": 1,
        "upcoming": 1,
    }
