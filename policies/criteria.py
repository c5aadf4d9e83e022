"""A policy's eligibility criteria as a validated value object.

The criteria are data, stored on the policy as JSON exactly in the shape of INTERFACES.md:

    {"industries": ["I65"], "areas": ["south"], "sizes": ["small"],
     "qualifications_all": ["hnte"], "qualifications_any": [],
     "min_years_established": 1, "min_rd_ratio": 3.0, "min_revenue_wan": 500,
     "max_revenue_wan": null, "min_employees": null, "requires_good_credit": true}

An absent key, ``null`` or an empty list means "no restriction". ``Criteria.parse`` is the one
place that validates such an object; the editor's form, the import command and the API use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from enterprises.reference import INDUSTRY_CODE_RE, SIZES

LIST_KEYS = ("industries", "areas", "sizes", "qualifications_all", "qualifications_any")
INTEGER_KEYS = ("min_years_established", "min_employees")
DECIMAL_KEYS = ("min_rd_ratio", "min_revenue_wan", "max_revenue_wan")
BOOLEAN_KEYS = ("requires_good_credit",)
ALL_KEYS = LIST_KEYS + INTEGER_KEYS + DECIMAL_KEYS + BOOLEAN_KEYS

SIZE_CODES = tuple(code for code, _zh, _en in SIZES)

# Upper bounds that catch typing slips (an amount in yuan typed where 万元 is meant).
MAX_YEARS = 200
MAX_EMPLOYEES = 10_000_000
MAX_WAN = Decimal("100000000")  # 1 trillion CNY


class CriteriaError(ValueError):
    """Invalid criteria: ``errors`` maps each criteria key to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in errors.items()))


@dataclass(frozen=True)
class ReferenceCodes:
    """The managed lists criteria are checked against (loaded once, not per record)."""

    industry_divisions: frozenset[str]
    areas: frozenset[str]
    qualifications: frozenset[str]

    @classmethod
    def load(cls) -> ReferenceCodes:
        from enterprises.models import Area, Industry, QualificationType

        return cls(
            industry_divisions=frozenset(
                code[:3]
                for code in Industry.objects.filter(active=True).values_list("code", flat=True)
            ),
            areas=frozenset(Area.objects.values_list("code", flat=True)),
            qualifications=frozenset(QualificationType.objects.values_list("code", flat=True)),
        )


@dataclass(frozen=True)
class Criteria:
    """The eligibility criteria of one policy. Empty tuples and ``None`` mean no restriction."""

    industries: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    qualifications_all: tuple[str, ...] = ()
    qualifications_any: tuple[str, ...] = ()
    min_years_established: int | None = None
    min_rd_ratio: Decimal | None = None
    min_revenue_wan: Decimal | None = None
    max_revenue_wan: Decimal | None = None
    min_employees: int | None = None
    requires_good_credit: bool = False

    # --- reading ------------------------------------------------------------------------
    @classmethod
    def parse(cls, data, reference: ReferenceCodes | None = None) -> Criteria:
        """Validate ``data`` (a dict as in INTERFACES.md) and return the criteria.

        Raises ``CriteriaError`` naming every wrong key. With ``reference``, codes are also
        checked against the managed lists.
        """
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise CriteriaError({"criteria": [_("must be an object")]})
        errors: dict[str, list[str]] = {}
        values: dict = {}

        for key in data:
            if key not in ALL_KEYS:
                errors.setdefault(key, []).append(_("unknown criterion"))

        for key in LIST_KEYS:
            raw = data.get(key)
            if raw is None:
                values[key] = ()
                continue
            if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
                errors.setdefault(key, []).append(_("must be a list of codes"))
                continue
            cleaned = tuple(dict.fromkeys(v.strip() for v in raw if v.strip()))
            values[key] = cleaned

        for key in INTEGER_KEYS:
            raw = data.get(key)
            if raw is None:
                values[key] = None
                continue
            if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw):
                errors.setdefault(key, []).append(_("must be a whole number"))
                continue
            upper = MAX_YEARS if key == "min_years_established" else MAX_EMPLOYEES
            if not 0 <= raw <= upper:
                errors.setdefault(key, []).append(
                    _("must be between 0 and %(max)s") % {"max": upper}
                )
                continue
            values[key] = int(raw)

        for key in DECIMAL_KEYS:
            raw = data.get(key)
            if raw is None:
                values[key] = None
                continue
            number = _to_decimal(raw)
            if number is None:
                errors.setdefault(key, []).append(_("must be a number"))
                continue
            upper = Decimal(100) if key == "min_rd_ratio" else MAX_WAN
            if number.as_tuple().exponent < -2:
                # Matching compares in hundredths exactly (fen of 万元, basis points).
                errors.setdefault(key, []).append(_("use at most two decimal places"))
                continue
            if not Decimal(0) <= number <= upper:
                errors.setdefault(key, []).append(
                    _("must be between 0 and %(max)s") % {"max": upper}
                )
                continue
            values[key] = number

        raw_credit = data.get("requires_good_credit")
        if raw_credit is None:
            values["requires_good_credit"] = False
        elif isinstance(raw_credit, bool):
            values["requires_good_credit"] = raw_credit
        else:
            errors.setdefault("requires_good_credit", []).append(_("must be true or false"))

        for code in values.get("industries", ()):
            if not INDUSTRY_CODE_RE.match(code):
                errors.setdefault("industries", []).append(
                    _("%(code)s is not a GB/T 4754 code (a section letter and 2-4 digits)")
                    % {"code": code}
                )
            elif reference is not None and code[:3] not in reference.industry_divisions:
                errors.setdefault("industries", []).append(
                    _("%(code)s is not under an industry division in the managed list")
                    % {"code": code}
                )
        for code in values.get("sizes", ()):
            if code not in SIZE_CODES:
                errors.setdefault("sizes", []).append(
                    _("unknown size %(code)s (use %(allowed)s)")
                    % {"code": code, "allowed": ", ".join(SIZE_CODES)}
                )
        if reference is not None:
            for code in values.get("areas", ()):
                if code not in reference.areas:
                    errors.setdefault("areas", []).append(
                        _("unknown area %(code)s") % {"code": code}
                    )
            for key in ("qualifications_all", "qualifications_any"):
                for code in values.get(key, ()):
                    if code not in reference.qualifications:
                        errors.setdefault(key, []).append(
                            _("unknown qualification %(code)s") % {"code": code}
                        )

        low, high = values.get("min_revenue_wan"), values.get("max_revenue_wan")
        if low is not None and high is not None and low > high:
            errors.setdefault("max_revenue_wan", []).append(
                _("the maximum revenue (%(high)s) is below the minimum (%(low)s)")
                % {"high": high, "low": low}
            )

        if errors:
            raise CriteriaError(errors)
        return cls(**values)

    # --- writing ------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The JSON form, every key present (``null`` or ``[]`` for no restriction)."""
        out: dict = {}
        for key in LIST_KEYS:
            out[key] = list(getattr(self, key))
        for key in INTEGER_KEYS:
            out[key] = getattr(self, key)
        for key in DECIMAL_KEYS:
            out[key] = _decimal_to_json(getattr(self, key))
        out["requires_good_credit"] = self.requires_good_credit
        return out

    def restricted_keys(self) -> list[str]:
        """The keys that restrict something, in the canonical order (one criterion each)."""
        keys = []
        for key in ALL_KEYS:
            value = getattr(self, key)
            if key in BOOLEAN_KEYS:
                if value:
                    keys.append(key)
            elif value not in (None, ()):
                keys.append(key)
        return keys

    @property
    def is_open_to_all(self) -> bool:
        return not self.restricted_keys()


def _to_decimal(raw) -> Decimal | None:
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


def _decimal_to_json(value: Decimal | None):
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
