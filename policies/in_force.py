"""When a policy is in force: the one date rule, for Python, the database and Elasticsearch.

A policy is *in force* on a day when its effective date has come (``effective_date ≤ day``) and
its expiry date, if it has one, has not passed (``day ≤ expiry_date``: the expiry day itself is
still in force). Before its effective date it is *upcoming*; after its expiry date, *expired*.
Days are calendar days in Asia/Shanghai (``zoneportal.clock.local_today``).

A policy may also be *repealed* (废止) from a date (``repealed_on``, perhaps because another
document supersedes it): from that day on it is no longer in force, whatever its expiry date, and
counts as *expired*. Its last day in force is therefore the earlier of its expiry date and the
day before its repeal (``last_day``).

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


def last_day(
    expiry: datetime.date | None, repealed_on: datetime.date | None = None
) -> datetime.date | None:
    """The last day in force: the expiry date, or the day before the repeal if earlier."""
    if repealed_on is None:
        return expiry
    before_repeal = repealed_on - datetime.timedelta(days=1)
    return before_repeal if expiry is None else min(expiry, before_repeal)


def status_on(
    effective: datetime.date,
    expiry: datetime.date | None,
    day: datetime.date,
    repealed_on: datetime.date | None = None,
) -> str:
    """``upcoming``, ``expired`` or ``in_force`` on ``day`` (a repealed policy is expired)."""
    end = last_day(expiry, repealed_on)
    if end is not None and end < day:
        return EXPIRED
    if effective > day:
        return UPCOMING
    return IN_FORCE


def is_in_force(
    effective: datetime.date,
    expiry: datetime.date | None,
    day: datetime.date,
    repealed_on: datetime.date | None = None,
):
    return status_on(effective, expiry, day, repealed_on) == IN_FORCE


def status_filter(status: str, day: datetime.date) -> Q:
    """Policies with ``status`` on ``day``, for a ``PolicyPage`` queryset."""
    ended = Q(expiry_date__lt=day) | Q(repealed_on__lte=day)
    if status == IN_FORCE:
        return Q(effective_date__lte=day) & ~ended
    if status == EXPIRED:
        return ended
    if status == UPCOMING:
        return Q(effective_date__gt=day) & ~ended
    raise ValueError(f"unknown status {status}")


def index_expiry(
    expiry: datetime.date | None, repealed_on: datetime.date | None = None
) -> datetime.date:
    """The last day in force as the policies index stores it (``OPEN_ENDED`` for none)."""
    return last_day(expiry, repealed_on) or OPEN_ENDED


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
        return {
            "bool": {
                "filter": [
                    {"range": {"effective_date": {"gt": iso}}},
                    {"range": {"expiry_date": {"gte": iso}}},
                ]
            }
        }
    raise ValueError(f"unknown status {status}")


def in_force_filter(day: datetime.date) -> Q:
    return status_filter(IN_FORCE, day)


def in_force_clause(day: datetime.date) -> dict:
    return status_clause(IN_FORCE, day)
