"""Criteria in words a person reads on the policy page ("Holds: High and New Technology …")."""

from .criteria import KIND_BY_KEY, Criteria
from .criteria.kinds import DESCRIPTION_ORDER


def describe_criteria(criteria: Criteria) -> list[str]:
    """One line per restricting criterion, each as its kind words it."""
    lines = []
    for key in DESCRIPTION_ORDER:
        kind, value = KIND_BY_KEY[key], getattr(criteria, key)
        if kind.restricts(value):
            lines.append(kind.describe(value))
    return lines
