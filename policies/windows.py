"""When a programme (申报项目) is open for applications: the one rule, for each place it is used.

A programme's window is open from ``opens_at`` (included) until ``closes_at`` (excluded), by the
server's clock. Here the rule is written for the database (``open_filter``, through a policy's
``programmes``) and for Elasticsearch: each policy document holds its programmes' windows as a
``date_range`` field (``index_window``), and "open now" is a query on it at search time
(``open_clause``), so results stay right as windows open and close without re-indexing.
``Programme.window_state`` is the same rule on one programme.
"""

from __future__ import annotations

import datetime

from django.db.models import Q


def _iso(moment: datetime.datetime) -> str:
    # Elasticsearch dates have millisecond resolution.
    return moment.isoformat(timespec="milliseconds")


def index_window(opens_at: datetime.datetime, closes_at: datetime.datetime) -> dict | None:
    """One window as a value of a ``date_range`` field (None for a window that never opens)."""
    if closes_at <= opens_at:
        return None
    return {"gte": _iso(opens_at), "lt": _iso(closes_at)}


def open_clause(field: str, now: datetime.datetime) -> dict:
    """Documents with a window in ``field`` that is open at ``now`` (a plain dict).

    ``now`` is taken to the minute (windows are set in whole minutes): the same search within a
    minute is then the same request, which Elasticsearch's shard request cache can answer (a
    new timestamp every time would make every facet request a cache miss)."""
    return {"term": {field: _iso(now.replace(second=0, microsecond=0))}}


def open_filter(now: datetime.datetime, prefix: str = "programmes__") -> Q:
    """Policies (with the default ``prefix``) that have a programme open at ``now``."""
    return Q(**{f"{prefix}opens_at__lte": now, f"{prefix}closes_at__gt": now})
