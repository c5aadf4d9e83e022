"""Reverse matching: a policy's criteria compiled into a query over the enterprises index.

"Which companies does this policy fit?" is an ordinary search (no percolator): for each
criterion the policy restricts, the compiler builds from the *criteria* two queries over the
company documents of ``search.enterprise_index``:

- ``met``: the company's fact satisfies the criterion;
- ``unknown``: the company's fact is missing (the field is absent from its document).

A criterion fails for a company when it is neither met nor unknown; each criterion kind
(``policies.criteria.kinds``) writes its two queries. The statuses follow the rules of
docs/search.md exactly as ``policies.matching.evaluate`` decides them (the agreement test
``tests/test_reverse_agreement.py`` proves it against the real node):

- eligible: every ``met`` clause matches (a pure filter, the fast path notifications use);
- possible: no ``fail`` clause matches and at least one ``unknown`` does;
- near / ineligible: exactly one / two or more ``fail`` clauses.

Named clauses (``fail:<key>``, ``unknown:<key>``) let Elasticsearch report per company which
criteria failed or are unknown, the same way ``search.matching`` reports them per policy.
Thresholds compare exact integers (hundredths), years compare the founding date with a
cut-off computed from today, and qualifications compare their latest validity date with today.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from elasticsearch.dsl import Q, Search
from elasticsearch.helpers import scan

from policies.criteria import Criteria
from policies.matching import ELIGIBLE, INELIGIBLE, NEAR, POSSIBLE, STATUS_ORDER, status_of
from zoneportal.clock import local_today

EVERYTHING = Q("match_all")


def criterion_queries(criteria: Criteria, today: datetime.date) -> dict[str, tuple[Q, Q]]:
    """For each restricted criterion (in canonical order): ``(met, unknown)`` queries, as its
    kind (``policies.criteria.kinds``) writes them."""
    out: dict[str, tuple[Q, Q]] = {}
    for kind, value in criteria.restricted():
        met, unknown = kind.reverse_clauses(value, today)
        out[kind.key] = (Q(met), Q(unknown))
    return out


def compile_eligible(criteria: Criteria, today: datetime.date | None = None) -> Q:
    """Companies for which every criterion is met (a filter: no scoring)."""
    today = today or local_today()
    mets = [met for met, _unknown in criterion_queries(criteria, today).values()]
    return Q("bool", filter=mets) if mets else Q("bool", filter=[EVERYTHING])


def compile_reverse(
    criteria: Criteria,
    today: datetime.date | None = None,
    *,
    statuses: tuple[str, ...] = (ELIGIBLE, POSSIBLE),
) -> Q:
    """Companies with one of ``statuses``, each reporting its fail/unknown clauses by name."""
    today = today or local_today()
    queries = criterion_queries(criteria, today)
    mets = [met for met, _unknown in queries.values()]
    fails = [
        Q("bool", must_not=[met, unknown], _name=f"fail:{key}")
        for key, (met, unknown) in queries.items()
    ]
    unknowns = [
        Q("bool", filter=[unknown], _name=f"unknown:{key}")
        for key, (_met, unknown) in queries.items()
    ]
    plain_fails = [Q("bool", must_not=[met, unknown]) for met, unknown in queries.values()]
    pairs = [Q("bool", filter=[a, b]) for a, b in itertools.combinations(plain_fails, 2)]

    def any_of(clauses):
        return Q("bool", should=clauses, minimum_should_match=1) if clauses else None

    admit = {
        ELIGIBLE: Q("bool", filter=mets or [EVERYTHING]),
        POSSIBLE: (
            Q("bool", must_not=plain_fails, filter=[any_of(list(unknowns))]) if unknowns else None
        ),
        NEAR: Q("bool", filter=[any_of(plain_fails)], must_not=pairs) if plain_fails else None,
        INELIGIBLE: any_of(pairs),
    }
    wanted = [admit[s] for s in STATUS_ORDER if s in statuses and admit[s] is not None]
    if set(statuses) >= set(STATUS_ORDER):
        status_filter = EVERYTHING
    elif not wanted:
        status_filter = ~EVERYTHING
    else:
        status_filter = wanted[0] if len(wanted) == 1 else any_of(wanted)
    return Q(
        "bool",
        filter=[status_filter],
        should=fails + unknowns,
        minimum_should_match=0,
    )


@dataclass(frozen=True)
class ReverseCandidate:
    """One company as Elasticsearch judged it for a policy."""

    enterprise_id: int
    status: str
    failed: tuple[str, ...]
    unknown: tuple[str, ...]


def _status(matched) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    failed = tuple(sorted(n.split(":", 1)[1] for n in matched if n.startswith("fail:")))
    unknown = tuple(sorted(n.split(":", 1)[1] for n in matched if n.startswith("unknown:")))
    return status_of(len(failed), len(unknown)), failed, unknown


def reverse_match(
    client,
    index: str,
    criteria: Criteria,
    today: datetime.date | None = None,
    *,
    statuses: tuple[str, ...] = (ELIGIBLE, POSSIBLE),
    size: int = 1000,
) -> list[ReverseCandidate]:
    """Up to ``size`` companies with one of ``statuses``, ordered by status then id."""
    today = today or local_today()
    search = (
        Search(using=client, index=index)
        .query(compile_reverse(criteria, today, statuses=statuses))
        .extra(size=size, track_total_hits=False)
        .source(False)
    )
    found = []
    for hit in search.execute().hits:
        status, failed, unknown = _status(list(getattr(hit.meta, "matched_queries", [])))
        if status in statuses:
            found.append(ReverseCandidate(int(hit.meta.id), status, failed, unknown))
    found.sort(key=lambda c: (STATUS_ORDER.index(c.status), c.enterprise_id))
    return found


def eligible_enterprise_ids(
    client, index: str, criteria: Criteria, today: datetime.date | None = None
) -> Iterator[int]:
    """Every company the policy fits (all of them, streamed with a scroll)."""
    query = {"query": compile_eligible(criteria, today).to_dict(), "_source": False}
    # An explicit timeout: scan's default (None) would wait forever on a hung node.
    for hit in scan(client, index=index, query=query, size=2000, scroll="2m", request_timeout=30):
        yield int(hit["_id"])


def count(
    client, index: str, criteria: Criteria, today: datetime.date | None = None, *, status: str
) -> int:
    """How many companies have ``status`` for the policy."""
    query = (
        compile_eligible(criteria, today)
        if status == ELIGIBLE
        else compile_reverse(criteria, today, statuses=(status,))
    )
    return Search(using=client, index=index).query(query).count()
