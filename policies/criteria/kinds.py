"""The criterion kinds: each key of the criteria JSON, defined once (see ``base.CriterionKind``).

``KINDS`` is the registry, in the canonical order of the keys (the order of ``crit_keys``, of
``Criteria.restricted_keys`` and of the evaluator's explanations). To add a kind: write its
class here and add it to ``KINDS`` (and to ``DESCRIPTION_ORDER``); declare the fields it
writes in the index mappings of ``search.documents`` (policies) and ``search.enterprise_index``
(enterprises), and place its form field (``crit_<key>``) on ``PolicyPage.eligibility_panels``.
Everything else — parsing, the criteria object, the editor's form field, the Python evaluator,
the policy page, matching and reverse matching — reads the registry.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from enterprises.models import Area, Industry, QualificationType
from enterprises.reference import INDUSTRY_CODE_RE, SIZES
from zoneportal import bounds

from .base import (
    MATCH_ALL,
    MATCH_NONE,
    CriterionKind,
    Invalid,
    absent,
    cached_names,
    current_names,
    decimal_to_json,
    hundredths,
    hundredths_ceil,
    hundredths_floor,
    industry_prefixes,
    to_decimal,
    two_places,
    years_cutoff,
)

SIZE_CODES = tuple(code for code, _zh, _en in SIZES)

# Upper bounds that catch typing slips (an amount in yuan typed where 万元 is meant).
MAX_YEARS = 200
MAX_EMPLOYEES = bounds.MAX_EMPLOYEES  # the same bound as a company's own figure
MAX_WAN = Decimal("100000000")  # 1 trillion CNY


def size_label(code: str) -> str:
    labels = {"micro": _("micro"), "small": _("small"), "medium": _("medium"), "large": _("large")}
    return labels.get(code, code)


# --- families of values ------------------------------------------------------------------
class CodeList(CriterionKind):
    """A list of codes; the company's value must be among them. Empty: no restriction."""

    empty = ()
    annotation = tuple[str, ...]

    def parse(self, raw, reference):
        if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
            raise Invalid(_("must be a list of codes"))
        codes = tuple(dict.fromkeys(v.strip() for v in raw if v.strip()))
        problems = self.check_codes(codes, reference)
        if problems:
            raise Invalid(*problems)
        return codes

    def check_codes(self, codes, reference) -> list[str]:
        return []

    def to_json(self, value):
        return list(value)


class WholeNumber(CriterionKind):
    """A minimum count (inclusive)."""

    annotation = int | None
    upper = 0

    def parse(self, raw, reference):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw):
            raise Invalid(_("must be a whole number"))
        if not 0 <= raw <= self.upper:
            raise Invalid(_("must be between 0 and %(max)s") % {"max": self.upper})
        return int(raw)


class Amount(CriterionKind):
    """A decimal bound with at most two decimal places (inclusive)."""

    annotation = Decimal | None
    upper = Decimal(0)

    def parse(self, raw, reference):
        number = to_decimal(raw)
        if number is None:
            raise Invalid(_("must be a number"))
        if number.as_tuple().exponent < -2:
            # Matching compares in hundredths exactly (fen of 万元, basis points).
            raise Invalid(_("use at most two decimal places"))
        if not Decimal(0) <= number <= self.upper:
            raise Invalid(_("must be between 0 and %(max)s") % {"max": self.upper})
        return number

    def to_json(self, value):
        return decimal_to_json(value)


class Flag(CriterionKind):
    """A requirement that is on or off. Off: no restriction."""

    empty = False
    annotation = bool

    def parse(self, raw, reference):
        if not isinstance(raw, bool):
            raise Invalid(_("must be true or false"))
        return raw

    def restricts(self, value) -> bool:
        return bool(value)


# --- the kinds ---------------------------------------------------------------------------
class Industries(CodeList):
    """GB/T 4754 codes; a listed code admits every code under it (``I65`` admits ``I6513``)."""

    key = "industries"

    def form_field(self):
        return forms.MultipleChoiceField(
            label=gettext_lazy("Industries (GB/T 4754)"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 10}),
            help_text=gettext_lazy(
                "A division admits every code under it (I65 admits I6513). "
                "None selected: every industry."
            ),
        )

    def form_choices(self, current):
        choices = [(i.code, f"{i.code} {i.name_zh}") for i in Industry.objects.filter(active=True)]
        known = {code for code, _label in choices}
        # Deeper codes (C3973) imported under a known division stay selectable.
        return choices + [(code, code) for code in current or [] if code not in known]

    def check_codes(self, codes, reference):
        problems = []
        for code in codes:
            if not INDUSTRY_CODE_RE.match(code):
                problems.append(
                    _("%(code)s is not a GB/T 4754 code (a section letter and 2-4 digits)")
                    % {"code": code}
                )
            elif reference is not None and code[:3] not in reference.industry_divisions:
                problems.append(
                    _("%(code)s is not under an industry division in the managed list")
                    % {"code": code}
                )
        return problems

    def check(self, value, facts, today):
        wanted = ", ".join(value)
        if not facts.industry:
            return None, _("Add your industry code to check this (required: %(codes)s).") % {
                "codes": wanted
            }
        met = any(facts.industry.upper().startswith(code) for code in value)
        text = (
            _("Your industry %(code)s is among %(codes)s.")
            if met
            else _("Your industry %(code)s is not among %(codes)s.")
        )
        return met, text % {"code": facts.industry, "codes": wanted}

    def describe(self, value):
        divisions = {obj.code: obj.name for obj in Industry.objects.all()}
        names = [
            f"{code} {divisions[code[:3]]}" if code[:3] in divisions else code for code in value
        ]
        return _("Industry: %(list)s") % {"list": "; ".join(names)}

    def policy_fields(self, value):
        # The divisions (first three characters), once each: the industry facet counts them.
        return {
            "crit_industries": list(value),
            "crit_divisions": sorted({code[:3] for code in value}),
        }

    def match_clause(self, facts, today):
        if not facts.industry:
            return None
        return {"terms": {"crit_industries": industry_prefixes(facts.industry)}}

    def enterprise_fields(self, facts):
        if not facts.industry:
            return {}
        return {
            "industry": facts.industry.upper(),
            "industry_prefixes": industry_prefixes(facts.industry),
        }

    def reverse_clauses(self, value, today):
        met = {"terms": {"industry_prefixes": [code.upper() for code in value]}}
        return met, absent("industry")


class Areas(CodeList):
    """Areas of the zone (a managed list)."""

    key = "areas"

    def form_field(self):
        return forms.MultipleChoiceField(
            label=gettext_lazy("Areas of the zone"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=gettext_lazy("None selected: anywhere in the zone."),
        )

    def form_choices(self, current):
        return [(a.code, a.name_zh) for a in Area.objects.all()]

    def check_codes(self, codes, reference):
        if reference is None:
            return []
        return [
            _("unknown area %(code)s") % {"code": code}
            for code in codes
            if code not in reference.areas
        ]

    def check(self, value, facts, today):
        wanted = cached_names(Area, value)
        if not facts.area:
            return None, _(
                "Add where the company is located to check this (required: %(areas)s)."
            ) % {"areas": wanted}
        met = facts.area in value
        text = (
            _("Located in %(area)s, which qualifies.")
            if met
            else _("Located in %(area)s; the policy requires %(areas)s.")
        )
        return met, text % {"area": cached_names(Area, [facts.area]), "areas": wanted}

    def describe(self, value):
        return _("Located in: %(list)s") % {"list": ", ".join(current_names(Area, value))}

    def policy_fields(self, value):
        return {"crit_areas": list(value)}

    def match_clause(self, facts, today):
        return {"term": {"crit_areas": facts.area}} if facts.area else None

    def enterprise_fields(self, facts):
        return {"area": facts.area} if facts.area else {}

    def reverse_clauses(self, value, today):
        return {"terms": {"area": list(value)}}, absent("area")


class Sizes(CodeList):
    """Enterprise sizes (micro, small, medium, large), derived from industry, staff, revenue."""

    key = "sizes"

    def form_field(self):
        return forms.MultipleChoiceField(
            label=gettext_lazy("Enterprise sizes"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=gettext_lazy("None selected: any size."),
        )

    def form_choices(self, current):
        return [(code, zh) for code, zh, _en in SIZES]

    def check_codes(self, codes, reference):
        return [
            _("unknown size %(code)s (use %(allowed)s)")
            % {"code": code, "allowed": ", ".join(SIZE_CODES)}
            for code in codes
            if code not in SIZE_CODES
        ]

    def check(self, value, facts, today):
        wanted = ", ".join(size_label(s) for s in value)
        size = facts.size
        if size is None:
            return None, _(
                "Add industry, employees and revenue so the "
                "size can be derived (required: %(sizes)s)."
            ) % {"sizes": wanted}
        met = size in value
        text = (
            _("Your size (%(size)s) qualifies.")
            if met
            else _("Your size is %(size)s; the policy is for %(sizes)s.")
        )
        return met, text % {"size": size_label(size), "sizes": wanted}

    def describe(self, value):
        return _("Enterprise size: %(list)s") % {"list": ", ".join(size_label(s) for s in value)}

    def policy_fields(self, value):
        return {"crit_sizes": list(value)}

    def match_clause(self, facts, today):
        size = facts.size
        return {"term": {"crit_sizes": size}} if size else None

    def enterprise_fields(self, facts):
        size = facts.size
        return {"size": size} if size else {}

    def reverse_clauses(self, value, today):
        return {"terms": {"size": list(value)}}, absent("size")


class Qualifications(CodeList):
    """Qualifications (a managed list) the company must hold valid today."""

    label = ""

    def form_field(self):
        return forms.MultipleChoiceField(
            label=self.label, required=False, widget=forms.CheckboxSelectMultiple
        )

    def form_choices(self, current):
        return [(q.code, q.name_zh) for q in QualificationType.objects.all()]

    def check_codes(self, codes, reference):
        if reference is None:
            return []
        return [
            _("unknown qualification %(code)s") % {"code": code}
            for code in codes
            if code not in reference.qualifications
        ]

    def unknown_text(self, value) -> str:
        return _("Add your qualifications to check this (required: %(names)s).") % {
            "names": cached_names(QualificationType, value)
        }

    def enterprise_fields(self, facts):
        # ``qual_until``: the latest ``valid_until`` per code, compared with today at query time.
        until: dict[str, str] = {}
        for held in facts.qualifications or ():
            date = held.valid_until.isoformat()
            if until.get(held.code, "") < date:
                until[held.code] = date
        return {"quals_stated": facts.qualifications is not None, "qual_until": until}

    @staticmethod
    def valid(code: str, today: datetime.date) -> dict:
        return {"range": {f"qual_until.{code}": {"gte": today.isoformat()}}}

    @staticmethod
    def not_stated() -> dict:
        return {"bool": {"must_not": [{"term": {"quals_stated": True}}]}}


class QualificationsAll(Qualifications):
    key = "qualifications_all"
    label = gettext_lazy("Must hold all of")

    def check(self, value, facts, today):
        held = facts.held(today)
        if held is None:
            return None, self.unknown_text(value)
        missing = [code for code in value if code not in held]
        if not missing:
            return True, _("Holds %(names)s.") % {"names": cached_names(QualificationType, value)}
        return False, _("Does not hold a valid %(names)s.") % {
            "names": cached_names(QualificationType, missing)
        }

    def describe(self, value):
        return _("Holds all of: %(list)s") % {
            "list": ", ".join(current_names(QualificationType, value))
        }

    def policy_fields(self, value):
        return {"crit_quals_all": list(value), "crit_quals_all_count": len(value)}

    def match_clause(self, facts, today):
        held = facts.held(today)
        if held is None:
            return None
        if not held:
            return MATCH_NONE
        return {
            "terms_set": {
                "crit_quals_all": {
                    "terms": sorted(held),
                    "minimum_should_match_field": "crit_quals_all_count",
                }
            }
        }

    def reverse_clauses(self, value, today):
        met = {"bool": {"filter": [self.valid(code, today) for code in value]}}
        return met, self.not_stated()


class QualificationsAny(Qualifications):
    key = "qualifications_any"
    label = gettext_lazy("Must hold at least one of")

    def check(self, value, facts, today):
        held = facts.held(today)
        if held is None:
            return None, self.unknown_text(value)
        met = any(code in held for code in value)
        text = (
            _("Holds at least one of %(names)s.")
            if met
            else _("Holds none of %(names)s (a valid one is needed).")
        )
        return met, text % {"names": cached_names(QualificationType, value)}

    def describe(self, value):
        return _("Holds at least one of: %(list)s") % {
            "list": ", ".join(current_names(QualificationType, value))
        }

    def policy_fields(self, value):
        return {"crit_quals_any": list(value)}

    def match_clause(self, facts, today):
        held = facts.held(today)
        if held is None:
            return None
        if not held:
            return MATCH_NONE
        return {"terms": {"crit_quals_any": sorted(held)}}

    def reverse_clauses(self, value, today):
        met = {
            "bool": {
                "should": [self.valid(code, today) for code in value],
                "minimum_should_match": 1,
            }
        }
        return met, self.not_stated()


class MinYearsEstablished(WholeNumber):
    """Whole years completed since establishment, at least."""

    key = "min_years_established"
    upper = MAX_YEARS

    def form_field(self):
        return forms.IntegerField(
            label=gettext_lazy("Established at least (years)"),
            required=False,
            min_value=0,
            max_value=200,
        )

    def check(self, value, facts, today):
        years = facts.years(today)
        if years is None:
            return None, _(
                "Add the date of establishment to check this (at least %(n)d years)."
            ) % {"n": value}
        met = years >= value
        text = (
            _("Established %(years)d years ago (at least %(n)d required).")
            if met
            else _("Established %(years)d years ago; at least %(n)d are required.")
        )
        return met, text % {"years": years, "n": value}

    def describe(self, value):
        return ngettext(
            "Established at least %(n)s year", "Established at least %(n)s years", value
        ) % {"n": value}

    def policy_fields(self, value):
        return {"crit_min_years": value} if value is not None else {}

    def match_clause(self, facts, today):
        years = facts.years(today)
        return {"range": {"crit_min_years": {"lte": years}}} if years is not None else None

    def enterprise_fields(self, facts):
        # Years completed are compared at query time, with a cut-off date.
        if facts.established is None:
            return {}
        return {"established": facts.established.isoformat()}

    def reverse_clauses(self, value, today):
        cutoff = years_cutoff(today, value)
        return {"range": {"established": {"lte": cutoff.isoformat()}}}, absent("established")


class MinEmployees(WholeNumber):
    key = "min_employees"
    upper = MAX_EMPLOYEES

    def form_field(self):
        return forms.IntegerField(
            label=gettext_lazy("At least (employees)"),
            required=False,
            min_value=0,
            max_value=self.upper,
        )

    def check(self, value, facts, today):
        if facts.employees is None:
            return None, _("Add the number of employees to check this (at least %(n)d).") % {
                "n": value
            }
        met = facts.employees >= value
        text = (
            _("%(employees)d employees (at least %(n)d required).")
            if met
            else _("%(employees)d employees; at least %(n)d are required.")
        )
        return met, text % {"employees": facts.employees, "n": value}

    def describe(self, value):
        return _("At least %(n)s employees") % {"n": value}

    def policy_fields(self, value):
        return {"crit_min_employees": value} if value is not None else {}

    def match_clause(self, facts, today):
        if facts.employees is None:
            return None
        return {"range": {"crit_min_employees": {"lte": facts.employees}}}

    def enterprise_fields(self, facts):
        return {"employees": facts.employees} if facts.employees is not None else {}

    def reverse_clauses(self, value, today):
        return {"range": {"employees": {"gte": value}}}, absent("employees")


class MinRdRatio(Amount):
    """R&D expense as a percentage of revenue, at least; compared in hundredths of a percent."""

    key = "min_rd_ratio"
    upper = Decimal(100)

    def form_field(self):
        return forms.DecimalField(
            label=gettext_lazy("R&D expense at least (percent of revenue)"),
            required=False,
            min_value=0,
            max_value=100,
            decimal_places=2,
            max_digits=5,
        )

    def check(self, value, facts, today):
        ratio = facts.rd_ratio
        if ratio is None:
            return None, _(
                "Add your R&D expense and revenue to check this (at least %(min)s%%)."
            ) % {"min": two_places(value)}
        met = ratio >= value
        text = (
            _("R&D ratio %(ratio)s%% meets the required %(min)s%%.")
            if met
            else _("R&D ratio %(ratio)s%% is below the required %(min)s%%.")
        )
        return met, text % {"ratio": two_places(ratio), "min": two_places(value)}

    def describe(self, value):
        return _("R&D expense at least %(ratio)s%% of revenue") % {"ratio": value}

    def policy_fields(self, value):
        return {"crit_min_rd_bp": hundredths(value)} if value is not None else {}

    def match_clause(self, facts, today):
        ratio = facts.rd_ratio
        if ratio is None:
            return None
        return {"range": {"crit_min_rd_bp": {"lte": hundredths_floor(ratio)}}}

    def enterprise_fields(self, facts):
        # Floored: a minimum has two decimals, so ratio ≥ min ⇔ floor(ratio × 100) ≥ min × 100.
        ratio = facts.rd_ratio
        return {"rd_ratio_bp": hundredths_floor(ratio)} if ratio is not None else {}

    def reverse_clauses(self, value, today):
        met = {"range": {"rd_ratio_bp": {"gte": hundredths(value)}}}
        return met, absent("rd_ratio_bp")


class Revenue(Amount):
    """Annual revenue in 万元, compared in hundredths (fen of 万元)."""

    upper = MAX_WAN
    label = ""

    def form_field(self):
        return forms.DecimalField(
            label=self.label, required=False, min_value=0, decimal_places=2, max_digits=14
        )

    def unknown(self):
        return None, _("Add your annual revenue to check this.")

    def enterprise_fields(self, facts):
        # Floored and ceiled: equal for profile values, which have two decimals.
        if facts.revenue_wan is None:
            return {}
        return {
            "revenue_cents": hundredths_floor(facts.revenue_wan),
            "revenue_cents_ceil": hundredths_ceil(facts.revenue_wan),
        }


class MinRevenue(Revenue):
    key = "min_revenue_wan"
    label = gettext_lazy("Annual revenue at least (10,000 CNY)")

    def check(self, value, facts, today):
        if facts.revenue_wan is None:
            return self.unknown()
        revenue = Decimal(facts.revenue_wan)
        met = revenue >= value
        text = (
            _("Revenue %(revenue)s × 10,000 CNY reaches the required %(bound)s.")
            if met
            else _("Revenue %(revenue)s × 10,000 CNY is below the required %(bound)s.")
        )
        return met, text % {"revenue": two_places(revenue), "bound": two_places(value)}

    def describe(self, value):
        return _("Annual revenue at least %(amount)s × 10,000 CNY") % {"amount": value}

    def policy_fields(self, value):
        return {"crit_min_revenue_cents": hundredths(value)} if value is not None else {}

    def match_clause(self, facts, today):
        if facts.revenue_wan is None:
            return None
        return {"range": {"crit_min_revenue_cents": {"lte": hundredths_floor(facts.revenue_wan)}}}

    def reverse_clauses(self, value, today):
        met = {"range": {"revenue_cents": {"gte": hundredths(value)}}}
        return met, absent("revenue_cents")


class MaxRevenue(Revenue):
    key = "max_revenue_wan"
    label = gettext_lazy("Annual revenue at most (10,000 CNY)")

    def relate(self, values):
        low, high = values.get(MinRevenue.key), values.get(self.key)
        if low is not None and high is not None and low > high:
            return [
                _("the maximum revenue (%(high)s) is below the minimum (%(low)s)")
                % {"high": high, "low": low}
            ]
        return []

    def check(self, value, facts, today):
        if facts.revenue_wan is None:
            return self.unknown()
        revenue = Decimal(facts.revenue_wan)
        met = revenue <= value
        text = (
            _("Revenue %(revenue)s × 10,000 CNY is within the limit of %(bound)s.")
            if met
            else _("Revenue %(revenue)s × 10,000 CNY is above the limit of %(bound)s.")
        )
        return met, text % {"revenue": two_places(revenue), "bound": two_places(value)}

    def describe(self, value):
        return _("Annual revenue at most %(amount)s × 10,000 CNY") % {"amount": value}

    def policy_fields(self, value):
        return {"crit_max_revenue_cents": hundredths(value)} if value is not None else {}

    def match_clause(self, facts, today):
        if facts.revenue_wan is None:
            return None
        return {"range": {"crit_max_revenue_cents": {"gte": hundredths_ceil(facts.revenue_wan)}}}

    def reverse_clauses(self, value, today):
        met = {"range": {"revenue_cents_ceil": {"lte": hundredths(value)}}}
        return met, absent("revenue_cents_ceil")


class RequiresGoodCredit(Flag):
    """A good credit record (no serious dishonesty), as the company states it."""

    key = "requires_good_credit"

    def form_field(self):
        return forms.BooleanField(
            label=gettext_lazy("Requires a good credit record (no serious dishonesty)"),
            required=False,
        )

    def check(self, value, facts, today):
        if facts.good_credit is None:
            return None, _("State your credit standing to check this.")
        if facts.good_credit:
            return True, _("Good credit record.")
        return False, _("The policy requires a good credit record.")

    def describe(self, value):
        return _("A good credit record (no serious dishonesty)")

    def match_clause(self, facts, today):
        if facts.good_credit is None:
            return None
        return MATCH_ALL if facts.good_credit else MATCH_NONE

    def enterprise_fields(self, facts):
        return {"good_credit": facts.good_credit} if facts.good_credit is not None else {}

    def reverse_clauses(self, value, today):
        return {"term": {"good_credit": True}}, absent("good_credit")


# --- the registry ------------------------------------------------------------------------
KINDS: tuple[CriterionKind, ...] = (
    Industries(),
    Areas(),
    Sizes(),
    QualificationsAll(),
    QualificationsAny(),
    MinYearsEstablished(),
    MinEmployees(),
    MinRdRatio(),
    MinRevenue(),
    MaxRevenue(),
    RequiresGoodCredit(),
)
KIND_BY_KEY: dict[str, CriterionKind] = {kind.key: kind for kind in KINDS}
ALL_KEYS: tuple[str, ...] = tuple(KIND_BY_KEY)

# The policy page lists the figures in this order (people read staff before money).
DESCRIPTION_ORDER: tuple[str, ...] = (
    "industries",
    "areas",
    "sizes",
    "qualifications_all",
    "qualifications_any",
    "min_years_established",
    "min_employees",
    "min_revenue_wan",
    "max_revenue_wan",
    "min_rd_ratio",
    "requires_good_credit",
)
