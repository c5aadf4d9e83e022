"""The Elasticsearch evaluator: an enterprise's facts compiled into a query over policies.

For each criterion the compiler builds two named clauses from the facts: ``fail:<key>`` (the
policy restricts this and the fact misses it) and ``unknown:<key>`` (the policy restricts this
and the fact is not known). Elasticsearch reports which named clauses each policy matched, so
the status of every policy is decided by the cluster at scale; Python only counts.

    {"query": {"function_score": {
        "query": {"bool": {
            "filter": [<in force today>],
            "must_not": [{"bool": {"should": [<fail:a>, <fail:b>, …],       # ≥ 2 fails
                                   "minimum_should_match": 2}}],
            "should": [<scope words>]}},
        "functions": [{"filter": <no fail:… named>, "weight": 10000},
                      {"filter": <no fail:…, no unknown:… named>, "weight": 10000},
                      {"filter": match_all, "weight": 1}],
        "score_mode": "sum", "boost_mode": "sum"}}}

Ranking: eligible (20001 + text) > possible (10001 + text) > near (1 + text), and within a
status the full-text similarity of the company's business scope to the policy: the scope cut
into words in Python (as the ``*_seg`` copies are) and matched against the segmented title,
summary and body — a few word terms instead of one term per character over the long body.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from elasticsearch.dsl import Q, Search

from policies.criteria import KINDS
from policies.criteria.base import MATCH_ALL
from policies.in_force import in_force_clause
from policies.matching import INELIGIBLE, STATUS_ORDER, Facts, status_of
from zoneportal.clock import local_today

from . import analysis

STATUS_WEIGHT = 10_000
# The business scope is compared word by word with the segmented copies of these fields.
SCOPE_FIELDS = ("title_seg", "summary_seg", "body_seg")
MAX_SCOPE_CHARS = 2000
EVERYTHING = Q(MATCH_ALL)


def met_clauses(facts: Facts, today: datetime.date) -> dict[str, Q | None]:
    """For each criterion, the query a policy matches when the fact meets it (None: unknown).

    Each criterion kind contributes its own clause (``policies.criteria.kinds``)."""
    met: dict[str, Q | None] = {}
    for kind in KINDS:
        clause = kind.match_clause(facts, today)
        met[kind.key] = None if clause is None else Q(clause)
    return met


def criterion_clauses(facts: Facts, today: datetime.date):
    """(fail clauses, unknown clauses), each a dict key → named query."""
    fails, unknowns = {}, {}
    for key, met in met_clauses(facts, today).items():
        restricted = Q("term", crit_keys=key)
        if met is None:
            unknowns[key] = Q("bool", filter=[restricted], _name=f"unknown:{key}")
        elif met != EVERYTHING:
            fails[key] = Q("bool", filter=[restricted], must_not=[met], _name=f"fail:{key}")
    return fails, unknowns


def in_force(today: datetime.date) -> Q:
    return Q(in_force_clause(today))


def scope_words(scope: str) -> list[str]:
    """The business scope's words (as the ``*_seg`` fields hold them), each once."""
    return list(dict.fromkeys(analysis.words(scope[:MAX_SCOPE_CHARS])))


def _unnamed(clause: Q) -> Q:
    return Q("bool", **{k: v for k, v in clause.to_dict()["bool"].items() if k != "_name"})


def compile_match(
    facts: Facts,
    today: datetime.date | None = None,
    *,
    include_ineligible: bool = False,
    scope_fields=SCOPE_FIELDS,
) -> Q:
    """The whole match query for ``facts`` (see the module docstring)."""
    today = today or local_today()
    fails, unknowns = criterion_clauses(facts, today)
    fail_list, unknown_list = list(fails.values()), list(unknowns.values())
    must_not = []
    if not include_ineligible and len(fail_list) >= 2:
        # Two or more fails: one clause (not one per pair of criteria).
        must_not = [Q("bool", should=[_unnamed(c) for c in fail_list], minimum_should_match=2)]
    # The named clauses sit only in the status functions below: Elasticsearch reports every
    # named clause a hit matches wherever it sits in the query, and a copy in ``should`` would
    # only be evaluated once more for nothing (filter context scores 0).
    should = []
    words = scope_words(facts.business_scope) if facts.business_scope.strip() else []
    if words:
        should.append(Q("multi_match", query=" ".join(words), fields=list(scope_fields)))
    query = Q(
        "bool", filter=[in_force(today)], must_not=must_not, should=should, minimum_should_match=0
    )
    no_fail = Q("bool", must_not=fail_list) if fail_list else EVERYTHING
    no_fail_no_unknown = (
        Q("bool", must_not=fail_list + unknown_list) if fail_list or unknown_list else EVERYTHING
    )
    return Q(
        "function_score",
        query=query,
        score_mode="sum",
        boost_mode="sum",
        functions=[
            {"filter": no_fail, "weight": STATUS_WEIGHT},
            {"filter": no_fail_no_unknown, "weight": STATUS_WEIGHT},
            {"filter": EVERYTHING, "weight": 1},
        ],
    )


@dataclass(frozen=True)
class Candidate:
    """One policy as Elasticsearch judged it for the facts."""

    policy_id: int
    status: str
    failed: tuple[str, ...]
    unknown: tuple[str, ...]
    text_score: float
    # How many criteria the policy sets (its ``crit_keys``): with ``failed`` and ``unknown``,
    # the share of criteria met, without reading the policy.
    criteria_count: int = 0

    @property
    def fit(self) -> float:
        """Share of criteria met (1.0 for a policy without criteria), as the evaluator's."""
        if not self.criteria_count:
            return 1.0
        return (self.criteria_count - len(self.failed) - len(self.unknown)) / self.criteria_count


def status_from_hit(matched: list[str]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    failed = tuple(sorted(n.split(":", 1)[1] for n in matched if n.startswith("fail:")))
    unknown = tuple(sorted(n.split(":", 1)[1] for n in matched if n.startswith("unknown:")))
    return status_of(len(failed), len(unknown)), failed, unknown


def match(
    client,
    index: str,
    facts: Facts,
    today: datetime.date | None = None,
    *,
    include_ineligible: bool = False,
    size: int = 500,
) -> list[Candidate]:
    """Run the match and return candidates ordered eligible, possible, near, then score.

    Only what the caller reads comes back: the page id and the criteria keys (doc values), the
    score and the matched clause names; no ``_source`` and no stored fields
    (``match_service`` reads the pages from the database), and ``filter_path`` keeps the
    response to those.
    """
    today = today or local_today()
    search = (
        Search(using=client, index=index)
        .query(compile_match(facts, today, include_ineligible=include_ineligible))
        .extra(
            size=size,
            track_total_hits=False,
            stored_fields="_none_",
            docvalue_fields=["page_id", "crit_keys"],
        )
        .source(False)
    )
    response = client.search(
        index=index,
        body=search.to_dict(),
        filter_path="hits.hits._score,hits.hits.matched_queries,hits.hits.fields",
        # The same facts again (a company opening its matches, a client paging) are answered
        # from the shard request cache until the index changes.
        request_cache=True,
    ).body
    candidates = []
    for hit in response.get("hits", {}).get("hits", []):
        status, failed, unknown = status_from_hit(hit.get("matched_queries", []))
        if status == INELIGIBLE and not include_ineligible:
            continue  # cannot happen by construction; kept as a guard
        base = {"eligible": 2 * STATUS_WEIGHT, "possible": STATUS_WEIGHT}.get(status, 0) + 1
        candidates.append(
            Candidate(
                policy_id=int(hit["fields"]["page_id"][0]),
                status=status,
                failed=failed,
                unknown=unknown,
                text_score=max(0.0, float(hit["_score"]) - base),
                criteria_count=len(hit["fields"].get("crit_keys", ())),
            )
        )
    candidates.sort(key=lambda c: (STATUS_ORDER.index(c.status), -c.text_score, c.policy_id))
    return candidates
