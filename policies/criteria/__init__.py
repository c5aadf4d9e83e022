"""A policy's eligibility criteria as a validated value object.

The criteria are data, stored on the policy as JSON in the shape docs/policy-import.md gives:

    {"industries": ["I65"], "areas": ["south"], "sizes": ["small"],
     "qualifications_all": ["hnte"], "qualifications_any": [],
     "min_years_established": 1, "min_rd_ratio": 3.0, "min_revenue_wan": 500,
     "max_revenue_wan": null, "min_employees": null, "requires_good_credit": true}

An absent key, ``null`` or an empty list means "no restriction". Each key is a *criterion kind*
defined once in ``policies.criteria.kinds`` (parsing, the Python check and its explanation, the
description, the Elasticsearch fields and clauses); ``Criteria`` has one field per kind and
``Criteria.parse`` — the one place that validates such an object, used by the editor's form, the
import command and the API — asks each kind to read its value.
"""

from __future__ import annotations

from dataclasses import field, make_dataclass

from django.utils.translation import gettext as _

from .base import Invalid, ReferenceCodes, to_decimal
from .kinds import ALL_KEYS, KIND_BY_KEY, KINDS, SIZE_CODES

__all__ = [
    "ALL_KEYS",
    "KINDS",
    "KIND_BY_KEY",
    "SIZE_CODES",
    "Criteria",
    "CriteriaError",
    "ReferenceCodes",
    "to_decimal",
]


class CriteriaError(ValueError):
    """Invalid criteria: ``errors`` maps each criteria key to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in errors.items()))


class CriteriaMethods:
    """What ``Criteria`` does; its fields (one per kind, in ``KINDS`` order) are added below."""

    # --- reading ------------------------------------------------------------------------
    @classmethod
    def parse(cls, data, reference: ReferenceCodes | None = None):
        """Validate ``data`` (a dict as in docs/policy-import.md) and return the criteria.

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
            if key not in KIND_BY_KEY:
                errors.setdefault(key, []).append(_("unknown criterion"))
        for kind in KINDS:
            raw = data.get(kind.key)
            if raw is None:
                values[kind.key] = kind.empty
                continue
            try:
                values[kind.key] = kind.parse(raw, reference)
            except Invalid as exc:
                errors.setdefault(kind.key, []).extend(exc.messages)
        for kind in KINDS:
            if kind.key in values:
                for message in kind.relate(values):
                    errors.setdefault(kind.key, []).append(message)
        if errors:
            raise CriteriaError(errors)
        return cls(**values)

    # --- writing ------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The JSON form, every key present (``null`` or ``[]`` for no restriction)."""
        return {kind.key: kind.to_json(getattr(self, kind.key)) for kind in KINDS}

    def restricted(self) -> list[tuple]:
        """(kind, value) of each kind that restricts something, in the canonical order."""
        pairs = [(kind, getattr(self, kind.key)) for kind in KINDS]
        return [(kind, value) for kind, value in pairs if kind.restricts(value)]

    def restricted_keys(self) -> list[str]:
        """The keys that restrict something, in the canonical order (one criterion each)."""
        return [kind.key for kind, _value in self.restricted()]

    @property
    def is_open_to_all(self) -> bool:
        return not self.restricted()


Criteria = make_dataclass(
    "Criteria",
    [(kind.key, kind.annotation, field(default=kind.empty)) for kind in KINDS],
    bases=(CriteriaMethods,),
    frozen=True,
)
Criteria.__module__ = __name__  # where pickle and reprs find it
Criteria.__doc__ = (
    "The eligibility criteria of one policy: one field per criterion kind (``KINDS``). "
    "Empty tuples, ``None`` and ``False`` mean no restriction."
)
