"""The Python evaluator of eligibility: each criterion met, missed or unknown, with reasons.

This is one of the two evaluators of the one eligibility model (the other compiles the same
criteria into an Elasticsearch query, in ``search``). It is the reference: it explains each
criterion to a person, and the test suite proves the Elasticsearch path always agrees with it.
Each criterion is checked and explained by its kind (``policies.criteria.kinds``).

Rules (docs/search.md, "Matching"): each restricting key is one criterion; a missing
fact makes its criterion unknown; thresholds are inclusive; R&D ratio is computed exactly;
industry codes match by prefix; a qualification counts while ``valid_until`` ≥ today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from enterprises.facts import completed_years, rd_ratio
from enterprises.sizing import classify
from zoneportal.clock import local_today

from .criteria import Criteria

ELIGIBLE, POSSIBLE, NEAR, INELIGIBLE = "eligible", "possible", "near", "ineligible"
STATUS_ORDER = (ELIGIBLE, POSSIBLE, NEAR, INELIGIBLE)


@dataclass(frozen=True)
class HeldQualification:
    code: str
    valid_until: datetime.date


@dataclass(frozen=True)
class Facts:
    """What matching knows about a company. ``None`` means "not known"."""

    industry: str | None = None
    area: str | None = None
    established: datetime.date | None = None
    employees: int | None = None
    revenue_wan: Decimal | None = None
    rd_expense_wan: Decimal | None = None
    # None: not stated (qualification criteria unknown); an empty tuple: holds none.
    qualifications: tuple[HeldQualification, ...] | None = None
    good_credit: bool | None = None
    business_scope: str = ""

    @classmethod
    def from_enterprise(cls, enterprise) -> Facts:
        return cls(
            industry=enterprise.industry_code or None,
            area=enterprise.area.code if enterprise.area_id else None,
            established=enterprise.established,
            employees=enterprise.employees,
            revenue_wan=enterprise.revenue_wan,
            rd_expense_wan=enterprise.rd_expense_wan,
            # A qualification not yet in force is not held (its validity has not begun).
            qualifications=tuple(
                HeldQualification(q.type.code, q.valid_until)
                for q in enterprise.qualifications.select_related("type")
                if q.valid_from <= local_today()
            ),
            good_credit=enterprise.good_credit,
            business_scope=enterprise.business_scope,
        )

    # --- derived --------------------------------------------------------------------------
    @property
    def size(self) -> str | None:
        return classify(self.industry, self.employees, self.revenue_wan)

    @property
    def rd_ratio(self) -> Decimal | None:
        return rd_ratio(self.rd_expense_wan, self.revenue_wan)

    def years(self, today: datetime.date) -> int | None:
        return completed_years(self.established, today)

    def held(self, today: datetime.date) -> frozenset[str] | None:
        """Codes of the qualifications valid today; None when not stated."""
        if self.qualifications is None:
            return None
        return frozenset(q.code for q in self.qualifications if q.valid_until >= today)


@dataclass(frozen=True)
class CriterionResult:
    key: str
    met: bool | None
    explanation: str
    # For a criterion not met: how to meet it ("" otherwise).
    advice: str = ""


@dataclass
class Evaluation:
    status: str
    criteria: list[CriterionResult] = field(default_factory=list)

    @property
    def failed(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.met is False]

    @property
    def unknown(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.met is None]

    @property
    def fit(self) -> float:
        """Share of criteria met (1.0 for a policy without criteria)."""
        if not self.criteria:
            return 1.0
        return sum(1 for c in self.criteria if c.met) / len(self.criteria)


def status_of(failed: int, unknown: int) -> str:
    """The status from counts of failed and unknown criteria (docs/matching.md)."""
    if failed == 0:
        return ELIGIBLE if unknown == 0 else POSSIBLE
    return NEAR if failed == 1 else INELIGIBLE


def evaluate(criteria: Criteria, facts: Facts, today: datetime.date | None = None) -> Evaluation:
    today = today or local_today()
    results = []
    for kind, value in criteria.restricted():
        met, explanation = kind.check(value, facts, today)
        advice = kind.advice(value, facts, today) if met is False else ""
        results.append(CriterionResult(kind.key, met, explanation, advice))
    failed = sum(1 for r in results if r.met is False)
    unknown = sum(1 for r in results if r.met is None)
    return Evaluation(status=status_of(failed, unknown), criteria=results)
