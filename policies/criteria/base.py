"""What every criterion kind shares: the kind's interface, value parsers, Elasticsearch helpers.

A *criterion kind* (``policies.criteria.kinds``) is one key of the criteria JSON with everything
about it: how its value is read and validated, how the Python evaluator checks it against a
company's facts and explains the outcome, how it is described on the policy page, which fields it
adds to the policy and enterprise documents, and which Elasticsearch clauses it contributes to
matching (a company's facts against the policies index) and to reverse matching (a policy's
criteria against the enterprises index). The clauses are plain dicts of the Elasticsearch query
DSL, so this package does not depend on ``search``; ``search`` iterates over the kinds.
"""

from __future__ import annotations

import datetime
import math
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language

from enterprises.models import Area, Industry, QualificationType
from zoneportal.words import join_names

# --- Elasticsearch clauses every kind can use --------------------------------------------
MATCH_ALL: dict = {"match_all": {}}
MATCH_NONE: dict = {"bool": {"must_not": [{"match_all": {}}]}}


def absent(field: str) -> dict:
    """Documents without ``field``: in the enterprises index, "this fact is not known"."""
    return {"bool": {"must_not": [{"exists": {"field": field}}]}}


def hundredths(value: Decimal) -> int:
    """A criterion's amount (≤ 2 decimal places) as an exact integer of hundredths."""
    return int(Decimal(value) * 100)


def hundredths_floor(value: Decimal) -> int:
    return math.floor(Decimal(value) * 100)


def hundredths_ceil(value: Decimal) -> int:
    return math.ceil(Decimal(value) * 100)


def industry_prefixes(code: str) -> list[str]:
    """Policy codes that admit this company code: its prefixes of 3 or more characters."""
    code = code.upper()
    return [code[:n] for n in range(3, len(code) + 1)]


def years_cutoff(today: datetime.date, years: int) -> datetime.date:
    """The latest founding date that has completed ``years`` whole years on ``today``."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a common year
        return today.replace(year=today.year - years, day=28)


# --- reading values ----------------------------------------------------------------------
class Invalid(ValueError):
    """A criterion's value is refused; ``messages`` say why (translated)."""

    def __init__(self, *messages: str):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


def to_decimal(raw) -> Decimal | None:
    """A finite decimal from a number or a numeric string; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float | Decimal):
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    if isinstance(raw, str):
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def decimal_to_json(value: Decimal | None):
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


@dataclass(frozen=True)
class ReferenceCodes:
    """The managed lists criteria are checked against (loaded once, not per record)."""

    industry_divisions: frozenset[str]
    areas: frozenset[str]
    qualifications: frozenset[str]

    @classmethod
    def load(cls) -> ReferenceCodes:
        return cls(
            industry_divisions=frozenset(
                code[:3]
                for code in Industry.objects.filter(active=True).values_list("code", flat=True)
            ),
            areas=frozenset(Area.objects.values_list("code", flat=True)),
            qualifications=frozenset(QualificationType.objects.values_list("code", flat=True)),
        )


# --- words -------------------------------------------------------------------------------
NAMES_TTL_SECONDS = 60.0
_names_cache: dict[str, tuple[float, dict]] = {}


def cached_names(model, codes) -> str:
    """Names of reference entries in the active language, joined (cached briefly: the Python
    evaluator explains every criterion of every policy it judges)."""
    label = model._meta.label
    stamp, rows = _names_cache.get(label, (0.0, {}))
    if time.monotonic() - stamp > NAMES_TTL_SECONDS:
        rows = {obj.code: (obj.name_zh, obj.name_en) for obj in model.objects.all()}
        _names_cache[label] = (time.monotonic(), rows)
    english = (get_language() or "").startswith("en")
    names = []
    for code in codes:
        zh, en = rows.get(code, (code, ""))
        names.append(en if english and en else zh)
    return (", " if english else "、").join(names)


def industry_names(codes) -> str:
    """Industries as people read them: the name first, the GB/T 4754 code in brackets
    (软件和信息技术服务业（I65）; "Software and IT services (I65)"). A code deeper than a
    division (I6513) is named after its division; a code outside the list is shown alone."""
    english = (get_language() or "").startswith("en")
    names = []
    for code in codes:
        code = code.upper()
        name = cached_names(Industry, [code[:3]])
        if name == code[:3]:
            names.append(code)
        elif english:
            names.append(f"{name} ({code})")
        else:
            names.append(f"{name}（{code}）")
    return join_names(names)


def current_names(model, codes) -> list[str]:
    """Names of reference entries as the policy page shows them (read fresh)."""
    by_code = {obj.code: obj.name for obj in model.objects.filter(code__in=codes)}
    return [by_code.get(code, code) for code in codes]


def two_places(value: Decimal) -> str:
    """A percentage or an amount of 万元 with at most two decimals, without trailing zeros."""
    return f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"


# --- the interface -----------------------------------------------------------------------
class CriterionKind:
    """One kind of criterion. Subclasses set ``key`` and implement the methods below.

    ``empty`` is the value meaning "no restriction" (the criteria object's default);
    ``annotation`` the type of a value, for ``Criteria``'s field.
    """

    key: str = ""
    empty = None
    annotation: object = object

    # --- the value ----------------------------------------------------------------------
    def parse(self, raw, reference: ReferenceCodes | None):
        """The value of ``raw`` (never ``None``: absent keys are ``empty``); raises
        ``Invalid``. With ``reference``, codes are also checked against the managed lists."""
        raise NotImplementedError

    def relate(self, values: dict) -> list[str]:
        """Messages about this key that depend on other keys' parsed ``values`` (rarely any)."""
        return []

    def to_json(self, value):
        return value

    def restricts(self, value) -> bool:
        return value not in (None, ())

    # --- the editor ---------------------------------------------------------------------
    def form_field(self):
        """The policy editor's form field (``crit_<key>`` on ``policies.forms.PolicyPageForm``)."""
        raise NotImplementedError

    def form_choices(self, current) -> list[tuple[str, str]] | None:
        """The choices of the form field, read when the form is built (None: not a choice);
        ``current`` is the policy's stored value."""
        return None

    # --- Python -------------------------------------------------------------------------
    def check(self, value, facts, today: datetime.date) -> tuple[bool | None, str]:
        """(met, explanation) for the company's ``facts`` (``policies.matching.Facts``);
        ``met`` is None when the fact needed is not known."""
        raise NotImplementedError

    def advice(self, value, facts, today: datetime.date) -> str:
        """For a criterion not met: how the company could meet it (a plain next step)."""
        return ""

    def describe(self, value) -> str:
        """The criterion in words, for the policy page."""
        raise NotImplementedError

    # --- Elasticsearch: policies index (matching) --------------------------------------
    def policy_fields(self, value) -> dict:
        """The ``crit_*`` fields this criterion adds to the policy document."""
        return {}

    def match_clause(self, facts, today: datetime.date) -> dict | None:
        """A query over policy documents matching those whose criterion the facts meet (None:
        the fact is not known; ``MATCH_ALL``/``MATCH_NONE``: met/missed whatever the policy)."""
        raise NotImplementedError

    # --- Elasticsearch: enterprises index (reverse matching) ---------------------------
    def enterprise_fields(self, facts) -> dict:
        """The fields of a company's document this criterion reads (missing facts left out)."""
        return {}

    def reverse_clauses(self, value, today: datetime.date) -> tuple[dict, dict]:
        """(met, unknown): queries over company documents whose fact meets the criterion, and
        whose fact is not known."""
        raise NotImplementedError
