"""Which profile facts policy matching still needs from a company.

Matching reads a fixed set of facts (industry, area, size inputs, R&D, age, credit standing,
qualifications). A fact that is absent makes every criterion that depends on it "unknown", so
the company is shown what to fill in, as a list and as a percentage.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import CreditStanding, Enterprise


@dataclass(frozen=True)
class Fact:
    """One fact matching reads: ``field`` is the profile field (or ``qualifications``)."""

    key: str
    label: str
    hint: str
    field: str | None  # the profile form field that fills it in; None for qualifications


# The facts in the order a person would fill them in.
FACTS = (
    Fact(
        "industry",
        _("Industry (GB/T 4754)"),
        _("Needed for industry criteria and for the size band."),
        "industry_code",
    ),
    Fact("area", _("Area in the zone"), _("Needed for policies limited to one area."), "area"),
    Fact(
        "employees",
        _("Employees"),
        _("Needed for the size band and employee thresholds."),
        "employees",
    ),
    Fact(
        "revenue",
        _("Annual revenue"),
        _("Needed for the size band, revenue thresholds and the R&D ratio."),
        "revenue_wan",
    ),
    Fact(
        "rd_expense",
        _("Annual R&D expense"),
        _("Needed for R&D ratio criteria."),
        "rd_expense_wan",
    ),
    Fact(
        "established",
        _("Date established"),
        _("Needed for criteria on years since establishment."),
        "established",
    ),
    Fact(
        "credit_standing",
        _("Credit standing"),
        _("Many policies require no record of serious dishonesty."),
        "credit_standing",
    ),
    Fact(
        "qualifications",
        _("Qualifications"),
        _(
            "Add the qualifications the company holds (HNTE, SRDI …) with their validity; "
            "expired ones do not count."
        ),
        None,
    ),
)


@dataclass(frozen=True)
class Completeness:
    present: tuple[Fact, ...]
    missing: tuple[Fact, ...]

    @property
    def total(self) -> int:
        return len(self.present) + len(self.missing)

    @property
    def percent(self) -> int:
        """Share of the facts present, rounded down (100 only when nothing is missing)."""
        if not self.total:
            return 100
        return len(self.present) * 100 // self.total

    @property
    def complete(self) -> bool:
        return not self.missing


def _has(enterprise: Enterprise, fact: Fact, today: datetime.date | None) -> bool:
    if fact.key == "qualifications":
        return enterprise.valid_qualifications(today).exists()
    if fact.key == "credit_standing":
        return enterprise.credit_standing in (CreditStanding.GOOD, CreditStanding.RECORD)
    if fact.key == "area":
        return enterprise.area_id is not None
    value = getattr(enterprise, fact.field)
    return value is not None and value != ""


def missing_facts(enterprise: Enterprise, today: datetime.date | None = None) -> list[Fact]:
    """The facts matching needs that the profile does not have (in ``FACTS`` order)."""
    return [fact for fact in FACTS if not _has(enterprise, fact, today)]


def completeness(enterprise: Enterprise, today: datetime.date | None = None) -> Completeness:
    missing = missing_facts(enterprise, today)
    present = tuple(fact for fact in FACTS if fact not in missing)
    return Completeness(present=present, missing=tuple(missing))
