"""The Python evaluator of eligibility: each criterion met, missed or unknown, with reasons.

This is one of the two evaluators of the one eligibility model (the other compiles the same
criteria into an Elasticsearch query, in ``search``). It is the reference: it explains each
criterion to a person, and the test suite proves the Elasticsearch path always agrees with it.

Rules (INTERFACES.md, "Matching semantics"): each restricting key is one criterion; a missing
fact makes its criterion unknown; thresholds are inclusive; R&D ratio is computed exactly;
industry codes match by prefix; a qualification counts while ``valid_until`` ≥ today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

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
    """The status from counts of failed and unknown criteria (INTERFACES.md)."""
    if failed == 0:
        return ELIGIBLE if unknown == 0 else POSSIBLE
    return NEAR if failed == 1 else INELIGIBLE


def evaluate(criteria: Criteria, facts: Facts, today: datetime.date | None = None) -> Evaluation:
    today = today or local_today()
    results = [_judge(key, criteria, facts, today) for key in criteria.restricted_keys()]
    failed = sum(1 for r in results if r.met is False)
    unknown = sum(1 for r in results if r.met is None)
    return Evaluation(status=status_of(failed, unknown), criteria=results)


# --- one criterion each -------------------------------------------------------------------
_NAMES_TTL_SECONDS = 60.0
_names_cache: dict[str, tuple[float, dict]] = {}


def _names(model, codes) -> str:
    """Names of reference entries in the active language (cached briefly: evaluation is hot)."""
    import time

    label = model._meta.label
    stamp, rows = _names_cache.get(label, (0.0, {}))
    if time.monotonic() - stamp > _NAMES_TTL_SECONDS:
        rows = {obj.code: (obj.name_zh, obj.name_en) for obj in model.objects.all()}
        _names_cache[label] = (time.monotonic(), rows)
    english = (get_language() or "").startswith("en")
    names = []
    for code in codes:
        zh, en = rows.get(code, (code, ""))
        names.append(en if english and en else zh)
    return (", " if english else "、").join(names)


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def _wan(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"


def _size_label(code):
    labels = {"micro": _("micro"), "small": _("small"), "medium": _("medium"), "large": _("large")}
    return labels.get(code, code)


def _judge(key: str, c: Criteria, f: Facts, today: datetime.date) -> CriterionResult:
    from enterprises.models import Area, QualificationType

    if key == "industries":
        wanted = ", ".join(c.industries)
        if not f.industry:
            return CriterionResult(
                key,
                None,
                _("Add your industry code to check this (required: %(codes)s).")
                % {"codes": wanted},
            )
        met = any(f.industry.upper().startswith(code) for code in c.industries)
        text = (
            _("Your industry %(code)s is among %(codes)s.")
            if met
            else _("Your industry %(code)s is not among %(codes)s.")
        )
        return CriterionResult(key, met, text % {"code": f.industry, "codes": wanted})

    if key == "areas":
        wanted = _names(Area, c.areas)
        if not f.area:
            return CriterionResult(
                key,
                None,
                _("Add where the company is located to check this (required: %(areas)s).")
                % {"areas": wanted},
            )
        met = f.area in c.areas
        text = (
            _("Located in %(area)s, which qualifies.")
            if met
            else _("Located in %(area)s; the policy requires %(areas)s.")
        )
        return CriterionResult(key, met, text % {"area": _names(Area, [f.area]), "areas": wanted})

    if key == "sizes":
        wanted = ", ".join(_size_label(s) for s in c.sizes)
        size = f.size
        if size is None:
            return CriterionResult(
                key,
                None,
                _(
                    "Add industry, employees and revenue so the "
                    "size can be derived (required: %(sizes)s)."
                )
                % {"sizes": wanted},
            )
        met = size in c.sizes
        text = (
            _("Your size (%(size)s) qualifies.")
            if met
            else _("Your size is %(size)s; the policy is for %(sizes)s.")
        )
        return CriterionResult(key, met, text % {"size": _size_label(size), "sizes": wanted})

    if key in ("qualifications_all", "qualifications_any"):
        codes = getattr(c, key)
        wanted = _names(QualificationType, codes)
        held = f.held(today)
        if held is None:
            return CriterionResult(
                key,
                None,
                _("Add your qualifications to check this (required: %(names)s).")
                % {"names": wanted},
            )
        if key == "qualifications_all":
            missing = [code for code in codes if code not in held]
            if not missing:
                return CriterionResult(key, True, _("Holds %(names)s.") % {"names": wanted})
            return CriterionResult(
                key,
                False,
                _("Does not hold a valid %(names)s.")
                % {"names": _names(QualificationType, missing)},
            )
        met = any(code in held for code in codes)
        text = (
            _("Holds at least one of %(names)s.")
            if met
            else _("Holds none of %(names)s (a valid one is needed).")
        )
        return CriterionResult(key, met, text % {"names": wanted})

    if key == "min_years_established":
        years = f.years(today)
        if years is None:
            return CriterionResult(
                key,
                None,
                _("Add the date of establishment to check this (at least %(n)d years).")
                % {"n": c.min_years_established},
            )
        met = years >= c.min_years_established
        text = (
            _("Established %(years)d years ago (at least %(n)d required).")
            if met
            else _("Established %(years)d years ago; at least %(n)d are required.")
        )
        return CriterionResult(key, met, text % {"years": years, "n": c.min_years_established})

    if key == "min_rd_ratio":
        ratio = f.rd_ratio
        if ratio is None:
            return CriterionResult(
                key,
                None,
                _("Add your R&D expense and revenue to check this (at least %(min)s%%).")
                % {"min": _pct(c.min_rd_ratio)},
            )
        met = ratio >= c.min_rd_ratio
        text = (
            _("R&D ratio %(ratio)s%% meets the required %(min)s%%.")
            if met
            else _("R&D ratio %(ratio)s%% is below the required %(min)s%%.")
        )
        return CriterionResult(key, met, text % {"ratio": _pct(ratio), "min": _pct(c.min_rd_ratio)})

    if key in ("min_revenue_wan", "max_revenue_wan"):
        bound = getattr(c, key)
        if f.revenue_wan is None:
            return CriterionResult(key, None, _("Add your annual revenue to check this."))
        revenue = Decimal(f.revenue_wan)
        if key == "min_revenue_wan":
            met = revenue >= bound
            text = (
                _("Revenue %(revenue)s × 10,000 CNY reaches the required %(bound)s.")
                if met
                else _("Revenue %(revenue)s × 10,000 CNY is below the required %(bound)s.")
            )
        else:
            met = revenue <= bound
            text = (
                _("Revenue %(revenue)s × 10,000 CNY is within the limit of %(bound)s.")
                if met
                else _("Revenue %(revenue)s × 10,000 CNY is above the limit of %(bound)s.")
            )
        return CriterionResult(key, met, text % {"revenue": _wan(revenue), "bound": _wan(bound)})

    if key == "min_employees":
        if f.employees is None:
            return CriterionResult(
                key,
                None,
                _("Add the number of employees to check this (at least %(n)d).")
                % {"n": c.min_employees},
            )
        met = f.employees >= c.min_employees
        text = (
            _("%(employees)d employees (at least %(n)d required).")
            if met
            else _("%(employees)d employees; at least %(n)d are required.")
        )
        return CriterionResult(key, met, text % {"employees": f.employees, "n": c.min_employees})

    if key == "requires_good_credit":
        if f.good_credit is None:
            return CriterionResult(key, None, _("State your credit standing to check this."))
        if f.good_credit:
            return CriterionResult(key, True, _("Good credit record."))
        return CriterionResult(key, False, _("The policy requires a good credit record."))

    raise ValueError(f"unknown criterion {key}")
