"""When a policy is in force: the one date rule, for Python, the database and Elasticsearch.

A policy is *in force* on a day when its effective date has come (``effective_date ≤ day``) and
its expiry date, if it has one, has not passed (``day ≤ expiry_date``: the expiry day itself is
still in force). Before its effective date it is *upcoming*; after its expiry date, *expired*.
Days are calendar days in Asia/Shanghai (``zoneportal.clock.local_today``).

The rule is written three ways from the same comparisons, side by side below: on a page's
dates (``status_on``), as a Django ``Q`` for ``PolicyPage`` querysets (``status_filter``), and
as an Elasticsearch clause over the policies index (``status_clause``), where a policy without
an expiry date is indexed with the expiry ``OPEN_ENDED`` (``index_expiry``).
"""

from __future__ import annotations

import datetime

from django.db.models import Q

IN_FORCE, EXPIRED, UPCOMING = "in_force", "expired", "upcoming"
STATUSES = (IN_FORCE, EXPIRED, UPCOMING)

OPEN_ENDED = datetime.date(9999, 12, 31)


def status_on(effective: datetime.date, expiry: datetime.date | None, day: datetime.date) -> str:
    """``upcoming``, ``expired`` or ``in_force`` on ``day``."""
    if effective > day:
        return UPCOMING
    if expiry is not None and expiry < day:
        return EXPIRED
    return IN_FORCE


def is_in_force(effective: datetime.date, expiry: datetime.date | None, day: datetime.date):
    return status_on(effective, expiry, day) == IN_FORCE


def status_filter(status: str, day: datetime.date) -> Q:
    """Policies with ``status`` on ``day``, for a ``PolicyPage`` queryset."""
    if status == IN_FORCE:
        return Q(effective_date__lte=day) & (Q(expiry_date__isnull=True) | Q(expiry_date__gte=day))
    if status == EXPIRED:
        return Q(expiry_date__lt=day)
    if status == UPCOMING:
        return Q(effective_date__gt=day)
    raise ValueError(f"unknown status {status}")


def index_expiry(expiry: datetime.date | None) -> datetime.date:
    """The expiry date as the policies index stores it (``OPEN_ENDED`` for none)."""
    return expiry or OPEN_ENDED


def status_clause(status: str, day: datetime.date) -> dict:
    """Policies with ``status`` on ``day``: a filter over the policies index (plain dict)."""
    iso = day.isoformat()
    if status == IN_FORCE:
        return {
            "bool": {
                "filter": [
                    {"range": {"effective_date": {"lte": iso}}},
                    {"range": {"expiry_date": {"gte": iso}}},
                ]
            }
        }
    if status == EXPIRED:
        return {"range": {"expiry_date": {"lt": iso}}}
    if status == UPCOMING:
        return {"range": {"effective_date": {"gt": iso}}}
    raise ValueError(f"unknown status {status}")


def in_force_filter(day: datetime.date) -> Q:
    return status_filter(IN_FORCE, day)


def in_force_clause(day: datetime.date) -> dict:
    return status_clause(IN_FORCE, day)
