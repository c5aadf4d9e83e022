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
from zoneportal.amounts import format_wan

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
    industry_names,
    industry_prefixes,
    join_names,
    to_decimal,
    two_places,
    years_cutoff,
)

SIZE_CODES = tuple(code for code, _zh, _en in SIZES)

# Upper bounds that catch typing slips (an amount in yuan typed where 万元 is meant).
MAX_YEARS = 200
MAX_EMPLOYEES = bounds.MAX_EMPLOYEES  # the same bound as a company's own figure
MAX_WAN = Decimal("100000000")  # 1 trillion CNY


def anniversary(established: datetime.date, years: int) -> datetime.date:
    """The day a company founded on ``established`` completes ``years`` whole years."""
    try:
        return established.replace(year=established.year + years)
    except ValueError:  # founded on 29 February
        return established.replace(year=established.year + years, month=3, day=1)


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
        wanted = industry_names(value)
        if not facts.industry:
            return None, _("Your industry is not known; the policy is for %(names)s.") % {
                "names": wanted
            }
        met = any(facts.industry.upper().startswith(code) for code in value)
        text = (
            _("Your industry is %(yours)s, which the policy covers.")
            if met
            else _("Your industry is %(yours)s; the policy is only for %(names)s.")
        )
        return met, text % {"yours": industry_names([facts.industry]), "names": wanted}

    def advice(self, value, facts, today):
        return _(
            "If your industry is recorded wrongly, correct it and match again; otherwise "
            "this policy is not for your company."
        )

    def describe(self, value):
        return _("Industry: %(list)s") % {"list": industry_names(value)}

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
                "Where your company is located is not known; the policy is for %(areas)s."
            ) % {"areas": wanted}
        met = facts.area in value
        text = (
            _("Your company is located in %(area)s, which the policy covers.")
            if met
            else _("Your company is located in %(area)s; the policy is only for %(areas)s.")
        )
        return met, text % {"area": cached_names(Area, [facts.area]), "areas": wanted}

    def advice(self, value, facts, today):
        return _(
            "If your location is recorded wrongly, correct it and match again; otherwise "
            "this policy is not for your company."
        )

    def describe(self, value):
        return _("Located in: %(list)s") % {"list": join_names(current_names(Area, value))}

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
        wanted = join_names([size_label(s) for s in value])
        size = facts.size
        if size is None:
            return None, _(
                "Your enterprise size cannot be worked out yet (it follows from industry, "
                "employees and revenue); the policy is for %(sizes)s."
            ) % {"sizes": wanted}
        met = size in value
        text = (
            _("Your company is a %(size)s enterprise, which the policy covers.")
            if met
            else _("Your company is a %(size)s enterprise; the policy is only for %(sizes)s.")
        )
        return met, text % {"size": size_label(size), "sizes": wanted}

    def advice(self, value, facts, today):
        return _(
            "The size follows from your industry, employees and annual revenue under the "
            "national standard. If one of them is recorded wrongly, correct it and match again."
        )

    def describe(self, value):
        return _("Enterprise size: %(list)s") % {"list": join_names([size_label(s) for s in value])}

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
        return _("Your qualifications are not stated; the policy asks for %(names)s.") % {
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
            return True, _("Your company holds %(names)s, as the policy asks.") % {
                "names": cached_names(QualificationType, value)
            }
        return False, _("Your company does not hold a valid %(names)s.") % {
            "names": cached_names(QualificationType, missing)
        }

    def advice(self, value, facts, today):
        held = facts.held(today) or frozenset()
        missing = [code for code in value if code not in held]
        return _(
            "Once recognised as %(names)s, your company meets this condition. If it already "
            "is, add the qualification and its validity to your company information."
        ) % {"names": cached_names(QualificationType, missing)}

    def describe(self, value):
        return _("Holds all of: %(list)s") % {
            "list": join_names(current_names(QualificationType, value))
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
            _("Your company holds one of %(names)s, as the policy asks.")
            if met
            else _("Your company holds none of %(names)s; the policy asks for one of them.")
        )
        return met, text % {"names": cached_names(QualificationType, value)}

    def advice(self, value, facts, today):
        return _(
            "Once recognised as any one of %(names)s, your company meets this condition. If "
            "it already is, add the qualification and its validity to your company information."
        ) % {"names": cached_names(QualificationType, value)}

    def describe(self, value):
        return _("Holds at least one of: %(list)s") % {
            "list": join_names(current_names(QualificationType, value))
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
                "Your date of establishment is not known; the policy asks for at least "
                "%(n)d years since establishment."
            ) % {"n": value}
        met = years >= value
        text = (
            _("Your company was established %(years)d years ago; the policy asks for %(n)d.")
            if met
            else _(
                "Your company was established %(years)d years ago; the policy asks for at "
                "least %(n)d."
            )
        )
        return met, text % {"years": years, "n": value}

    def advice(self, value, facts, today):
        day = anniversary(facts.established, value)
        return _("Your company meets this condition from %(date)s.") % {"date": day.isoformat()}

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
            return None, _(
                "Your number of employees is not known; the policy asks for at least %(n)d."
            ) % {"n": value}
        met = facts.employees >= value
        text = (
            _("Your company has %(employees)d employees; the policy asks for at least %(n)d.")
            if met
            else _(
                "Your company has %(employees)d employees, fewer than the %(n)d the policy "
                "asks for."
            )
        )
        return met, text % {"employees": facts.employees, "n": value}

    def advice(self, value, facts, today):
        return _(
            "With %(gap)d more employees your company meets this condition; update the "
            "figure when it changes."
        ) % {"gap": value - facts.employees}

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
                "Your R&D expense and revenue are not both known; the policy asks for R&D "
                "expense of at least %(min)s%% of revenue."
            ) % {"min": two_places(value)}
        met = ratio >= value
        text = (
            _("R&D ratio %(ratio)s%% meets the required %(min)s%%.")
            if met
            else _("R&D ratio %(ratio)s%% is below the required %(min)s%%.")
        )
        return met, text % {"ratio": two_places(ratio), "min": two_places(value)}

    def advice(self, value, facts, today):
        needed = Decimal(facts.revenue_wan) * value / 100
        return _(
            "With annual revenue of %(revenue)s, R&D expense of at least %(needed)s meets "
            "this condition (now %(expense)s)."
        ) % {
            "revenue": format_wan(facts.revenue_wan),
            "needed": format_wan(two_places(needed)),
            "expense": format_wan(facts.rd_expense_wan),
        }

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
        return None, _("Your annual revenue is not known.")

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
    label = gettext_lazy("Annual revenue at least (in 10,000 CNY)")

    def check(self, value, facts, today):
        if facts.revenue_wan is None:
            return self.unknown()
        revenue = Decimal(facts.revenue_wan)
        met = revenue >= value
        text = (
            _("Your annual revenue is %(revenue)s; the policy asks for at least %(bound)s.")
            if met
            else _("Your annual revenue is %(revenue)s, below the %(bound)s the policy asks for.")
        )
        return met, text % {"revenue": format_wan(revenue), "bound": format_wan(value)}

    def advice(self, value, facts, today):
        return _(
            "Once your annual revenue reaches %(bound)s, your company meets this condition."
        ) % {"bound": format_wan(value)}

    def describe(self, value):
        return _("Annual revenue at least %(amount)s") % {"amount": format_wan(value)}

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
    label = gettext_lazy("Annual revenue at most (in 10,000 CNY)")

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
            _("Your annual revenue is %(revenue)s, within the policy's limit of %(bound)s.")
            if met
            else _("Your annual revenue is %(revenue)s, above the policy's limit of %(bound)s.")
        )
        return met, text % {"revenue": format_wan(revenue), "bound": format_wan(value)}

    def advice(self, value, facts, today):
        return _(
            "If your annual revenue is recorded wrongly, correct it and match again; "
            "otherwise this policy is not for your company."
        )

    def describe(self, value):
        return _("Annual revenue at most %(amount)s") % {"amount": format_wan(value)}

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
            return None, _("Your credit standing is not stated; the policy asks for a good record.")
        if facts.good_credit:
            return True, _("Your company has a good credit record, as the policy asks.")
        return False, _(
            "Your company is listed for serious dishonesty; the policy asks for a good credit "
            "record."
        )

    def advice(self, value, facts, today):
        return _(
            "Once the listing is lifted through credit repair (信用修复), your company meets "
            "this condition; then update your credit standing."
        )

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
