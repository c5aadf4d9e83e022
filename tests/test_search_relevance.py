"""Relevance: a fixed corpus of real-looking policies and queries people type, each with the
policies that must rank in the top 3.

The corpus is the demo file's 52 policies (Chinese titles, summaries, bodies and
interpretations, English titles and summaries), imported through the real importer, turned
into documents by the real ``policy_document`` and searched with the real query builder. The
database rows are rolled back after indexing; the index lives for the module.
"""

import json
from pathlib import Path

import pytest
from django.db import transaction

from search.client import get_client
from search.indexing import create_index
from search.queries import PolicyQuery, SearchParams
from zoneportal.clock import local_today

pytestmark = pytest.mark.django_db  # the corpus fixture needs the test database set up

CORPUS = Path(__file__).resolve().parent.parent / "demo" / "data" / "policies.json"

# (query, external ids that must all be among the first three results)
CASES = [
    # Chinese words and the zone's own terms
    ("瞪羚企业", {"cdht-2025-005"}),
    ("瞪羚", {"cdht-2025-005"}),
    ("专精特新", {"cdht-2025-007"}),
    ("小巨人", {"cdht-2025-008"}),
    ("独角兽", {"cdht-2025-006"}),
    ("研发费用加计扣除", {"cdht-2023-045"}),
    ("加计扣除", {"cdht-2023-045"}),
    ("高新技术企业认定奖励", {"cdht-2025-002"}),
    ("天府国际生物城", {"cdht-2025-009", "cdht-2025-011"}),
    ("临床试验", {"cdht-2025-009"}),
    ("贷款贴息", {"cdht-2025-025"}),
    ("蓉漂", {"cdht-2025-021"}),
    ("算力券", {"cdht-2025-018"}),
    ("未来科技城", {"cdht-2025-051"}),
    ("稳岗", {"cdht-2024-042"}),
    ("小型微利企业", {"cdht-2025-039"}),
    ("出口信用保险", {"cdht-2025-038"}),
    ("概念验证", {"cdht-2026-044"}),
    # phrases and several words
    ("研发投入补贴", {"cdht-2025-001"}),
    ("集成电路流片", {"cdht-2025-014"}),
    ("知识产权质押融资", {"cdht-2025-029"}),
    ("中小企业融资担保费", {"cdht-2025-026"}),
    ("具身智能机器人", {"cdht-2026-019"}),
    ("高校毕业生 见习", {"cdht-2025-023"}),
    ("软件 增值税 即征即退", {"cdht-2024-047"}),
    ("高新技术企业 所得税", {"cdht-2024-040"}),
    ("人才 租房", {"cdht-2025-020"}),
    ("企业上市", {"cdht-2025-028"}),
    # partial words
    ("流片补", {"cdht-2025-014"}),
    ("瞪羚企", {"cdht-2025-005"}),
    ("首版次", {"cdht-2025-015"}),
    # document numbers: exact, other brackets, tail, prefix
    ("成高科发〔2025〕3号", {"cdht-2025-001"}),
    ("成高管发[2025]12号", {"cdht-2025-006"}),
    ("生物发〔2025〕3号", {"cdht-2025-010"}),
    ("成高投服发〔2025〕13", {"cdht-2025-052"}),
    # English
    ("gazelle", {"cdht-2025-005"}),
    ("R&D subsidy", {"cdht-2025-001"}),
    ("unicorn enterprises", {"cdht-2025-006"}),
    ("clinical trials", {"cdht-2025-009"}),
    ("loan interest", {"cdht-2025-025"}),
    ("corporate headquarters", {"cdht-2025-033"}),
    ("venture capital fund", {"cdht-2025-027"}),
    # mixed script
    ("AI算力", {"cdht-2025-018"}),
    ("CRO服务平台", {"cdht-2023-013"}),
    # Traditional Chinese input
    ("研發費用加計扣除", {"cdht-2023-045"}),
    ("企業上市獎勵", {"cdht-2025-028"}),
    ("融資擔保", {"cdht-2025-026"}),
    # full pinyin, spaced or not, and initials
    ("denglingqiye", {"cdht-2025-005"}),
    ("deng ling qi ye", {"cdht-2025-005"}),
    ("zhuanjingtexin", {"cdht-2025-007"}),
    ("suanliquan", {"cdht-2025-018"}),
    ("liupian", {"cdht-2025-014"}),
    ("dlqy", {"cdht-2025-005"}),
    ("dujiaoshou", {"cdht-2025-006"}),
    ("djs", {"cdht-2025-006"}),
    ("zjtx", {"cdht-2025-007"}),
    # a homophone slip (the same sound, another character)
    ("瞪铃企业", {"cdht-2025-005"}),
    ("算利券", {"cdht-2025-018"}),
    ("独角受", {"cdht-2025-006"}),
    ("贷款贴熄", {"cdht-2025-025"}),
    # one wrong character in a longer query
    ("集成电路设汁企业", {"cdht-2025-014"}),
    ("企业上市挂牌奖历办法", {"cdht-2025-028"}),
]


@pytest.fixture(scope="module")
def corpus_index(django_db_setup, django_db_blocker):
    """Import the corpus, index it into a module index, roll the database back."""
    from policies.importing import import_policies
    from search.policy_index import policy_document, policy_queryset, policy_version

    client = get_client()
    from django.conf import settings

    name = f"{settings.SEARCH_INDEX_PREFIX}-relevance"
    client.indices.delete(index=name, ignore_unavailable=True)
    create_index("policies", name, client=client)
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    with django_db_blocker.unblock(), transaction.atomic():
        report = import_policies(data, publish=True, create_departments=True)
        assert report.ok, report
        operations = []
        for page in policy_queryset():
            operations.append(
                {
                    "index": {
                        "_index": name,
                        "_id": str(page.pk),
                        "version": policy_version(page),
                        "version_type": "external_gte",
                    }
                }
            )
            operations.append(policy_document(page))
        transaction.set_rollback(True)
    response = client.bulk(operations=operations, refresh=True)
    assert not response["errors"]
    yield client, name
    client.indices.delete(index=name, ignore_unavailable=True)


def top(client, index, q, n=3, **params):
    body = PolicyQuery(
        SearchParams(q=q, page_size=n, **params), local_today(), suggest=False
    ).to_dict()
    body["from_"] = body.pop("from")
    body["source"] = body.pop("_source")
    response = client.search(index=index, **body)
    return [hit["_source"]["external_id"] for hit in response["hits"]["hits"]]


def test_the_table_has_at_least_thirty_queries():
    assert len(CASES) >= 30


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q for q, _ in CASES])
def test_expected_policies_rank_in_the_top_three(corpus_index, query, expected):
    client, index = corpus_index
    found = top(client, index, query)
    assert expected <= set(found), f"{query!r}: top 3 {found}"


def test_an_exact_phrase_beats_the_same_characters_apart(corpus_index):
    client, index = corpus_index
    # 集成电路 as a phrase (the tape-out subsidy) before policies that merely contain the
    # characters 集, 成, 电, 路 somewhere.
    assert top(client, index, "集成电路", n=1) == ["cdht-2025-014"]


SPLIT_CASES = [
    ("研发", {}, "relevance"),
    ("企业", {}, "relevance"),
    ("2025年度申报指南", {}, "relevance"),
    ("补贴", {"type": ["subsidy"]}, "relevance"),
    ("人才", {"status": ["in_force"]}, "expiring"),
    ("科技", {"industry": ["I65"], "area": ["south"]}, "newest"),
    ("R&D subsidy", {}, "relevance"),
    ("成高科发", {}, "relevance"),
    ("", {"apply_free": ["1"]}, "newest"),
    ("", {}, "expiring"),
]


@pytest.mark.parametrize(("q", "filters", "sort"), SPLIT_CASES)
def test_hits_and_facets_in_two_requests_answer_like_one(
    corpus_index, monkeypatch, q, filters, sort
):
    """``search.service`` sends the hits and the facets as two requests of one ``_msearch``;
    the hits, the total and every facet count are those of the one request ``to_dict()``."""
    from search import service
    from search.queries import facet_results

    client, index = corpus_index
    monkeypatch.setattr(service, "index_name", lambda kind: index)
    params = SearchParams(q=q, filters=filters, sort=sort, page_size=20)
    builder = PolicyQuery(
        params, local_today(), industry_codes=["I65", "C39", "M73"], area_codes=["south", "west"]
    )
    body = builder.to_dict()
    body["from_"] = body.pop("from")
    body["source"] = body.pop("_source")
    one = client.search(index=index, **body).body
    two = service.execute(client, builder)

    def hits(response):
        return [
            (h["_id"], h.get("_score"), h.get("sort"), h.get("highlight"), h["_source"])
            for h in response["hits"]["hits"]
        ]

    assert one["hits"]["total"] == two["hits"]["total"]
    assert hits(one) == hits(two)
    assert facet_results(one["aggregations"]) == facet_results(two["aggregations"])
    assert facet_results(two["aggregations"])  # the facets are there at all
    assert one.get("suggest") == two.get("suggest")


def test_an_error_in_either_request_degrades_like_a_failed_search(monkeypatch):
    from search import service

    class Client:
        def msearch(self, searches):
            answer = {
                "responses": [{"hits": {"hits": []}}, {"error": {"type": "x"}, "status": 500}]
            }
            return type("Response", (), {"body": answer})()

    builder = PolicyQuery(SearchParams(q="研发"), local_today())
    with pytest.raises(service.SEARCH_ERRORS):
        service.execute(Client(), builder)


@pytest.mark.parametrize(
    "q",
    ["瞪羚企业", "研发费用", "高新技术企业 所得税", "人才 租房 补贴", "中小企业 融资"],
)
def test_results_with_every_word_come_before_results_missing_one(corpus_index, q):
    """Whatever the other scores, a policy containing all the query's words ranks above one
    that lacks any of them."""
    from search import analysis

    client, index = corpus_index
    words = analysis.query_words(q)
    ranked = top(client, index, q, n=30)
    assert ranked, q
    documents = {
        hit["_source"]["external_id"]: hit["_source"]
        for hit in client.search(index=index, query={"terms": {"external_id": ranked}}, size=30)[
            "hits"
        ]["hits"]
    }

    def has_every_word(external_id):
        source = documents[external_id]
        text = (
            " ".join(
                str(source.get(f, ""))
                for f in ("title_seg", "summary_seg", "body_seg", "interpretation_seg", "faq_seg")
            )
            + " "
            + " ".join(source.get("tags", []))
        )
        return all(word in text.split() or word in source.get("tags", []) for word in words)

    flags = [has_every_word(external_id) for external_id in ranked]
    if len(words) >= 2:
        assert True in flags, q
        # No result lacking a word comes before one having them all.
        assert flags == sorted(flags, reverse=True), (q, list(zip(ranked, flags, strict=True)))


def test_english_words_are_not_mistaken_for_pinyin(corpus_index):
    client, index = corpus_index
    assert top(client, index, "gazelle")[0] == "cdht-2025-005"
    assert top(client, index, "venture capital fund")[0] == "cdht-2025-027"


def test_pinyin_of_unrelated_words_finds_nothing_extra(corpus_index):
    """A pinyin query matches titles read the same way, not every title sharing a syllable."""
    client, index = corpus_index
    ranked = top(client, index, "denglingqiye", n=10)
    assert ranked == ["cdht-2025-005"]
