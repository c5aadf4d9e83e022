"""The one entry point of matching: ``match_for(facts, today, include_ineligible)``.

Pages ("policies for my company", the policy calculator) and ``POST /api/v1/match`` all call
it. The way it works (docs/architecture.md, "Matching"):

1. Elasticsearch finds the candidates at scale: ``search.matching.match`` over the policies
   alias (``<SEARCH_INDEX_PREFIX>-policies``) returns every policy in force with its status
   and the full-text similarity of the company's business scope to the policy.
2. The database is the truth about what is live: the candidates are kept only if they are
   live, public policies in force today. Each status and the share of criteria met come from
   the index (the named clauses say which criteria fail or are unknown; the two evaluators
   agree — tests/test_match_agreement.py).
3. Results are ordered eligible, possible, near (then ineligible, when asked for), and within a
   status by a score from 0 to 1 that blends criteria fit (the share of criteria met) with the
   text similarity. The score only orders; what a person is shown as 匹配度 is the share of the
   policy's conditions met (``MatchResult.fit_percent``, docs/matching.md).
4. The results a page or the API shows are explained (``MatchOutcome.explain``): the Python
   evaluator (``policies.matching.evaluate``) judges each of their criteria from the database
   with an explanation a person understands; if the index was momentarily stale for one, the
   database's status is the one shown. Explaining all 500 possible results took most of a
   match's time; a page shows 20.

With Elasticsearch down, timing out, or without a policies index, the same evaluation runs in
Python over every policy in force from the database, and the outcome says ``degraded``. Nothing
here raises because of Elasticsearch.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from elastic_transport import TransportError
from elasticsearch import ApiError

from policies.criteria import Criteria, CriteriaError
from policies.matching import (
    ELIGIBLE,
    INELIGIBLE,
    NEAR,
    POSSIBLE,
    STATUS_ORDER,
    Evaluation,
    Facts,
    evaluate,
)
from policies.models import PolicyPage
from zoneportal import bounds, clock

from . import matching
from .client import get_client
from .documents import index_name

logger = logging.getLogger(__name__)

# How much of the score is criteria fit; the rest is text similarity (when there is a scope).
FIT_WEIGHT = 0.75
MAX_RESULTS = 500

# Input limits shared by the API and the calculator form (the profile form has the same).
MAX_EMPLOYEES = 2_000_000
MAX_WAN = Decimal("1000000000")  # 10 trillion CNY: a typing slip, not a company
EARLIEST_ESTABLISHED = bounds.EARLIEST_FOUNDING  # 1949-10-01
MAX_QUALIFICATIONS = 50
MAX_SCOPE_CHARS = 2000

CRITERION_LABELS = {
    "industries": _("Industry"),
    "areas": _("Area in the zone"),
    "sizes": _("Enterprise size"),
    "qualifications_all": _("Required qualifications"),
    "qualifications_any": _("One of these qualifications"),
    "min_years_established": _("Years since establishment"),
    "min_rd_ratio": _("R&D expense / revenue"),
    "min_revenue_wan": _("Minimum annual revenue"),
    "max_revenue_wan": _("Maximum annual revenue"),
    "min_employees": _("Employees"),
    "requires_good_credit": _("Credit record"),
}

# The facts (calculator fields) each criterion reads: where to go to make "unknown" known.
CRITERION_FACTS = {
    "industries": ("industry",),
    "areas": ("area",),
    "sizes": ("industry", "employees", "revenue_wan"),
    "qualifications_all": ("qualifications",),
    "qualifications_any": ("qualifications",),
    "min_years_established": ("established",),
    "min_rd_ratio": ("revenue_wan", "rd_expense_wan"),
    "min_revenue_wan": ("revenue_wan",),
    "max_revenue_wan": ("revenue_wan",),
    "min_employees": ("employees",),
    "requires_good_credit": ("good_credit",),
}

# What to add to make an unknown criterion known (after "Add … to your company information").
CRITERION_NEEDS = {
    "industries": _("your industry"),
    "areas": _("where your company is located"),
    "sizes": _("your industry, employees and annual revenue"),
    "qualifications_all": _("your qualifications"),
    "qualifications_any": _("your qualifications"),
    "min_years_established": _("your date of establishment"),
    "min_rd_ratio": _("your annual revenue and R&D expense"),
    "min_revenue_wan": _("your annual revenue"),
    "max_revenue_wan": _("your annual revenue"),
    "min_employees": _("your number of employees"),
    "requires_good_credit": _("your credit standing"),
}

STATUS_LABELS = {
    ELIGIBLE: _("Eligible"),
    POSSIBLE: _("Possibly eligible"),
    NEAR: _("Nearly eligible"),
    INELIGIBLE: _("Not eligible"),
}


def zone_today() -> datetime.date:
    """The zone's today (a function of this module, so tests can fix it)."""
    return clock.local_today()


@dataclass
class CriterionView:
    """One criterion's result for display: the evaluator's result and a label."""

    key: str
    met: bool | None
    explanation: str
    # For a criterion not met: how to meet it.
    advice: str = ""

    @property
    def label(self):
        return CRITERION_LABELS.get(self.key, self.key)

    @property
    def needs(self):
        return CRITERION_NEEDS.get(self.key, self.label)

    @property
    def state(self) -> str:
        return {True: "met", False: "missing", None: "unknown"}[self.met]

    @property
    def facts(self) -> tuple[str, ...]:
        return CRITERION_FACTS.get(self.key, ())


@dataclass
class MatchResult:
    policy_id: int
    effective_date: datetime.date
    status: str
    score: float
    # The explained criteria; None until ``MatchOutcome.explain`` reads the result.
    criteria: list[CriterionView] | None
    text_score: float = 0.0
    # The page itself, read by ``load_policies`` for the results that are shown (a page of
    # "my matches" lists 20 of up to 500; reading 500 Wagtail pages took longer than matching).
    policy: PolicyPage | None = None
    # Left out when explained: the policy has gone, or its criteria cannot be read.
    hidden: bool = False

    @property
    def apply_free(self) -> bool:
        return bool(self.policy.apply_free)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def failed(self) -> list[CriterionView]:
        return [c for c in self.criteria if c.met is False]

    @property
    def unknown(self) -> list[CriterionView]:
        return [c for c in self.criteria if c.met is None]

    @property
    def to_complete(self) -> list[CriterionView]:
        """The unknown criteria, one per thing to add (both qualification criteria need the
        qualifications only once)."""
        seen, out = set(), []
        for criterion in self.unknown:
            needs = str(criterion.needs)
            if needs not in seen:
                seen.add(needs)
                out.append(criterion)
        return out

    @property
    def met(self) -> list[CriterionView]:
        return [c for c in self.criteria if c.met]

    @property
    def fit_percent(self) -> int:
        """匹配度: the share of the policy's conditions the company meets, in percent (100
        for a policy without conditions). Read once explained; the blended ``score`` orders
        results and is not shown."""
        if not self.criteria:
            return 100
        return round(100 * len(self.met) / len(self.criteria))


@dataclass
class MatchOutcome:
    results: list[MatchResult] = field(default_factory=list)
    degraded: bool = False
    # What was matched, for explaining the results shown.
    facts: Facts | None = None
    day: datetime.date | None = None

    def explain(self, results: list[MatchResult]) -> list[MatchResult]:
        """Judge each criterion of ``results`` in Python from the database, with its
        explanation (one query for those not explained yet). Returns the results that can be
        shown: one whose policy has gone or whose criteria cannot be read is left out."""
        todo = [r for r in results if r.criteria is None]
        if todo:
            # The criteria of pages already read (``load_policies``) are used as they are; the
            # others in one query.
            raw = {
                r.policy_id: r.policy.criteria
                for r in todo
                if r.policy is not None and "criteria" not in r.policy.get_deferred_fields()
            }
            unread = [r.policy_id for r in todo if r.policy_id not in raw]
            if unread:
                raw.update(PolicyPage.objects.filter(pk__in=unread).values_list("pk", "criteria"))
            for result in todo:
                evaluation = None
                if result.policy_id in raw:
                    evaluation = _evaluate_criteria(
                        result.policy_id, raw[result.policy_id], self.facts, self.day
                    )
                if evaluation is None:
                    result.criteria = []
                    result.hidden = True
                    continue
                if evaluation.status != result.status:
                    logger.warning(
                        "index is stale for policy %s: %s in the index, %s in the database",
                        result.policy_id,
                        result.status,
                        evaluation.status,
                    )
                    result.status = evaluation.status
                result.criteria = _views(evaluation)
        return [r for r in results if not r.hidden]

    def by_status(self, status: str) -> list[MatchResult]:
        return [r for r in self.results if r.status == status]

    @property
    def groups(self) -> list[dict]:
        """The non-empty statuses in order, each with its results (for templates)."""
        out = []
        for status in STATUS_ORDER:
            results = self.by_status(status)
            if results:
                out.append({"status": status, "label": STATUS_LABELS[status], "results": results})
        return out

    @property
    def counts(self) -> dict[str, int]:
        return {status: len(self.by_status(status)) for status in STATUS_ORDER}


# --- scoring --------------------------------------------------------------------------------
def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text.lower() if ch.isalnum())
    return {text[i : i + 2] for i in range(len(text) - 1)}


def python_text_similarity(scope: str, page: PolicyPage) -> float:
    """A database-only stand-in for the index's text score: shared character pairs."""
    wanted = _bigrams(scope[:MAX_SCOPE_CHARS])
    if not wanted:
        return 0.0
    have = _bigrams(f"{page.title} {page.title_en} {page.summary} {page.summary_en}")
    return len(wanted & have) / len(wanted)


def _score(fit: float, text: float, has_scope: bool) -> float:
    """Criteria fit (the share met), blended with the text similarity when there is a scope."""
    if not has_scope:
        return round(fit, 4)
    return round(FIT_WEIGHT * fit + (1 - FIT_WEIGHT) * text, 4)


def _views(evaluation: Evaluation) -> list[CriterionView]:
    return [CriterionView(r.key, r.met, r.explanation, r.advice) for r in evaluation.criteria]


def _in_force(today: datetime.date):
    return PolicyPage.objects.live().public().in_force(today).select_related("department")


def _evaluate(page: PolicyPage, facts: Facts, today: datetime.date) -> Evaluation | None:
    return _evaluate_criteria(page.pk, page.criteria, facts, today)


def _evaluate_criteria(pk, raw, facts: Facts, today: datetime.date) -> Evaluation | None:
    try:
        criteria = Criteria.parse(raw or {})
    except CriteriaError:
        logger.error("policy %s has invalid criteria; skipped in matching", pk)
        return None
    return evaluate(criteria, facts, today)


def _rank(results: list[MatchResult]) -> list[MatchResult]:
    results.sort(
        key=lambda r: (
            STATUS_ORDER.index(r.status),
            -r.score,
            -r.effective_date.toordinal(),
            r.policy_id,
        )
    )
    return results


def _finish(rows, facts, include_ineligible) -> list[MatchResult]:
    """rows: (page, evaluation, raw text score). Normalise text, score, filter, rank."""
    has_scope = bool(facts.business_scope.strip())
    best = max((raw for _p, _e, raw in rows), default=0.0)
    results = []
    for page, evaluation, raw in rows:
        if evaluation.status == INELIGIBLE and not include_ineligible:
            continue
        text = raw / best if best > 0 else 0.0
        results.append(
            MatchResult(
                policy_id=page.pk,
                effective_date=page.effective_date,
                policy=page,
                status=evaluation.status,
                score=_score(evaluation.fit, text, has_scope),
                criteria=_views(evaluation),
                text_score=round(text, 4),
            )
        )
    return _rank(results)


# --- the two paths ----------------------------------------------------------------------------
def _match_with_index(facts, day, include_ineligible, limit) -> list[MatchResult]:
    candidates = matching.match(
        get_client(),
        index_name("policies"),
        facts,
        day,
        include_ineligible=include_ineligible,
        size=limit,
    )
    # Live, public and in force now (the index may lag a moment behind an unpublish).
    effective = dict(
        _in_force(day)
        .filter(pk__in=[c.policy_id for c in candidates])
        .values_list("pk", "effective_date")
    )
    kept = [c for c in candidates if c.policy_id in effective]
    if not include_ineligible:
        kept = [c for c in kept if c.status != INELIGIBLE]
    has_scope = bool(facts.business_scope.strip())
    best = max((c.text_score for c in kept), default=0.0)
    results = []
    for candidate in kept:
        text = candidate.text_score / best if best > 0 else 0.0
        results.append(
            MatchResult(
                policy_id=candidate.policy_id,
                effective_date=effective[candidate.policy_id],
                status=candidate.status,
                score=_score(candidate.fit, text, has_scope),
                criteria=None,
                text_score=round(text, 4),
            )
        )
    return _rank(results)


def _match_in_python(facts, day, include_ineligible, limit) -> list[MatchResult]:
    scope = facts.business_scope.strip()
    rows = []
    for page in _in_force(day):
        evaluation = _evaluate(page, facts, day)
        if evaluation is None:
            continue
        text = python_text_similarity(scope, page) if scope else 0.0
        rows.append((page, evaluation, text))
    return _finish(rows, facts, include_ineligible)[:limit]


def load_policies(results: list[MatchResult], fields: tuple[str, ...] = ()) -> list[MatchResult]:
    """Read the pages of ``results`` that are not read yet (one query; their texts, body and
    interpretation, are left out) and return the results whose page is still there.

    ``fields``: only these (``url_path`` for the address), when the caller reads no other."""
    missing = [r.policy_id for r in results if r.policy is None]
    if missing:
        pages = PolicyPage.objects.filter(pk__in=missing)
        if fields:
            pages = pages.only(*fields)
        else:
            pages = pages.select_related("department").defer("body", "interpretation")
        pages = pages.in_bulk()
        for result in results:
            if result.policy is None:
                result.policy = pages.get(result.policy_id)
    return [r for r in results if r.policy is not None]


def match_for(
    facts: Facts,
    today: datetime.date | None = None,
    include_ineligible: bool = False,
    *,
    limit: int = MAX_RESULTS,
    with_policies: bool = True,
) -> MatchOutcome:
    """The policies in force on ``today`` for ``facts``, ranked and explained (never raises
    because of Elasticsearch: the outcome is ``degraded`` when the database answered alone).

    With ``with_policies=False`` a result's ``policy`` may be ``None`` until ``load_policies``
    reads it and ``criteria`` ``None`` until ``outcome.explain`` judges it: a page that shows
    some of the results reads and explains only those."""
    day = today or zone_today()
    try:
        outcome = MatchOutcome(
            _match_with_index(facts, day, include_ineligible, limit), False, facts, day
        )
    except (ApiError, TransportError) as exc:
        logger.warning("matching falls back to the database: %s", exc.__class__.__name__)
        outcome = MatchOutcome(
            _match_in_python(facts, day, include_ineligible, limit), True, facts, day
        )
    if with_policies:
        outcome.results = outcome.explain(load_policies(outcome.results))
    return outcome
