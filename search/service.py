"""Policy search as the page and the API use it: Elasticsearch first, the database if need be.

``search_policies(params)`` never raises for a search problem: when the node is down, hung
(the client's request timeout) or answers with an error, it logs a warning and answers from
the database (``search.fallback``) with ``degraded=True``. Results are the live pages
themselves (one query, in the index's order), so a page shows current data even if its
document lags behind.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from elastic_transport import TransportError
from elasticsearch import ApiError

from enterprises.models import Area, Industry
from policies.in_force import EXPIRED, IN_FORCE, UPCOMING
from policies.models import Department, PolicyPage, PolicyType
from zoneportal.clock import local_today

from . import analysis, fallback
from .client import get_client
from .documents import index_name
from .models import SearchQuery
from .queries import (
    FACETS,
    YES,
    PolicyQuery,
    SearchParams,
    facet_counts,
    facet_results,
    listed_codes,
    suggestion_request,
)

logger = logging.getLogger(__name__)
# Set this logger to DEBUG while tuning ranking: each search then logs why its first hits scored.
explain_logger = logging.getLogger("search.explain")


class SearchResponseError(Exception):
    """One of the requests of an ``_msearch`` answered with an error (the call itself did not
    fail: ``_msearch`` reports each request's error in its place)."""


SEARCH_ERRORS = (TransportError, ApiError, SearchResponseError)

FACET_LABELS = {
    "department": _("Issuing department"),
    "type": _("Policy type"),
    "industry": _("For companies in industry"),
    "area": _("For companies in area"),
    "status": _("Status"),
    "open": _("Applications"),
    "apply_free": _("Apply-free"),
}
STATUS_LABELS = {
    IN_FORCE: _("In force"),
    EXPIRED: _("Expired"),
    UPCOMING: _("Not yet in force"),
}
SWITCH_LABELS = {"open": _("Open for applications"), "apply_free": _("Apply-free (免申即享)")}


@dataclass
class Bucket:
    value: str
    label: str
    count: int | None
    selected: bool = False


@dataclass
class FacetResult:
    name: str
    label: str
    buckets: list[Bucket]
    # Policies found with every filter but this facet's own (what relaxing it would give).
    without_count: int | None = None

    @property
    def selected(self) -> list[Bucket]:
        return [b for b in self.buckets if b.selected]


@dataclass
class Hit:
    page: PolicyPage
    highlight: dict[str, list[str]]  # field → safe HTML fragments (<mark> around matches)
    score: float | None = None


@dataclass
class Suggestion:
    title: str
    title_en: str = ""
    url: str = ""


@dataclass
class SearchResult:
    params: SearchParams
    total: int = 0
    page: int = 1
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, FacetResult] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)
    took_ms: int = 0
    degraded: bool = False

    @property
    def num_pages(self) -> int:
        shown = min(self.total, self.params.max_page * self.params.page_size)
        return max(1, -(-shown // self.params.page_size))

    @property
    def ignored_query(self) -> bool:
        """The query had nothing searchable in it (only symbols or emoji)."""
        return bool(self.params.q) and not self.params.searchable

    @property
    def relaxations(self) -> list[FacetResult]:
        """Active filters and how many policies the search finds without each of them."""
        return [
            facet
            for name, facet in self.facets.items()
            if name in self.params.filters and facet.without_count
        ]


# --- reference data for facet labels ----------------------------------------------------


def _reference():
    departments = {str(d.pk): d.display_name for d in Department.objects.all()}
    industries = {
        i.code: f"{i.code} {i.name}"
        for i in Industry.objects.filter(active=True)
        if len(i.code) == 3
    }
    areas = {a.code: a.name for a in Area.objects.all()}
    return departments, industries, areas


# --- search -----------------------------------------------------------------------------


def search_policies(
    params: SearchParams, *, source: str = "page", log: bool = True, last_page: bool = True
):
    """Search policies (see the module docstring). Logs the query when there is one.

    ``last_page``: a page number past the end shows the last page (the search page); without
    it, such a page is empty (the API, whose clients page until a page comes back empty).
    """
    started = time.monotonic()
    today = local_today()
    departments, industries, areas = _reference()
    try:
        result = _elasticsearch(params, today, departments, industries, areas, last_page)
    except SEARCH_ERRORS as exc:
        logger.warning("policy search degraded to the database: %s", _describe(exc))
        result = _database(params, today, departments, industries, areas, last_page)
    result.took_ms = int((time.monotonic() - started) * 1000)
    if log and params.q:
        SearchQuery.objects.create(
            query=analysis.normalise(params.q)[:200],
            filters=params.filters,
            hits=result.total,
            took_ms=result.took_ms,
            degraded=result.degraded,
            source=source,
        )
    return result


def _describe(exc: Exception) -> str:
    status = getattr(getattr(exc, "meta", None), "status", None)
    return f"{type(exc).__name__}{f' {status}' if status else ''}"


def execute(client, builder: PolicyQuery) -> dict:
    """One search as two requests sent together (``_msearch``), which the node runs side by
    side: the hits (scored, highlighted) and the total with the facet counts (not scored).
    Answers what one request with both would (``PolicyQuery.to_dict()``): the same hits, total
    and aggregations, in ``hits`` and ``aggregations`` as a search response has them."""
    explain = explain_logger.isEnabledFor(logging.DEBUG)
    searches = builder.msearch(index_name("policies"))
    if explain:
        searches[1]["explain"] = True
    responses = client.msearch(searches=searches).body["responses"]
    for answer in responses:
        if "error" in answer:
            error = answer["error"]
            reason = error.get("type", "error") if isinstance(error, dict) else str(error)
            raise SearchResponseError(f"{answer.get('status', '')} {reason}".strip())
    hits, facets = responses
    response = {
        **hits,
        "took": max(hits.get("took", 0), facets.get("took", 0)),
        "hits": {**hits["hits"], "total": facets["hits"]["total"]},
        "aggregations": facets.get("aggregations", {}),
    }
    if explain:
        for hit in response["hits"]["hits"][:5]:
            explain_logger.debug(
                "%s %s: %s", hit["_id"], hit.get("_score"), _explanation(hit.get("_explanation"))
            )
    return response


def _explanation(node: dict | None, depth: int = 0, limit: int = 4) -> str:
    """A score explanation, shortened to the clauses that matter."""
    if not node or depth > limit:
        return ""
    text = f"{node.get('value', 0):.3f} {node.get('description', '')[:80]}"
    children = sorted(node.get("details", []), key=lambda d: -d.get("value", 0))[:3]
    inner = "; ".join(filter(None, (_explanation(c, depth + 1, limit) for c in children)))
    return f"{text} [{inner}]" if inner else text


def _elasticsearch(params, today, departments, industries, areas, last_page) -> SearchResult:
    client = get_client()
    builder = PolicyQuery(params, today, industry_codes=industries, area_codes=areas)
    response = execute(client, builder)
    total = response["hits"]["total"]["value"]
    page = params.page
    if last_page and not response["hits"]["hits"] and total and page > 1:
        # Beyond the last page: show the last one (an absurd page number is not an error).
        page = max(1, min(-(-total // params.page_size), params.max_page))
        params = SearchParams(
            q=params.q,
            filters=params.filters,
            sort=params.sort,
            page=page,
            page_size=params.page_size,
        )
        builder = PolicyQuery(
            params, today, industry_codes=industries, area_codes=areas, suggest=False
        )
        response = execute(client, builder)
    result = SearchResult(params=params, total=total, page=page)
    result.hits = _hydrate(response["hits"]["hits"])
    result.facets = _facets(
        response.get("aggregations", {}), params, departments, industries, areas
    )
    result.suggestions = _suggestions(response.get("suggest", {}), params.q)
    return result


def _hydrate(raw_hits: list[dict]) -> list[Hit]:
    ids = [int(h["_id"]) for h in raw_hits]
    pages = PolicyPage.objects.live().public().select_related("department").in_bulk(ids)
    hits = []
    for raw in raw_hits:
        page = pages.get(int(raw["_id"]))
        if page is None:  # unpublished a moment ago; its document is on its way out
            continue
        highlight = {
            name: [analysis.highlight_html(f) for f in fragments]
            for name, fragments in raw.get("highlight", {}).items()
        }
        hits.append(Hit(page=page, highlight=highlight, score=raw.get("_score")))
    return hits


def _facets(aggregations, params, departments, industries, areas) -> dict[str, FacetResult]:
    facets = {}
    results = facet_results(aggregations)
    for name in FACETS:
        aggregation = results.get(name)
        if aggregation is None:
            continue
        selected = set(params.filters.get(name, []))
        codes = {"industry": industries, "area": areas}.get(name, ())
        counts = facet_counts(aggregation, list(codes))
        # A chosen value stays on offer (to be removed again) even when nothing has it now.
        counts += [
            (value, 0) for value in params.filters.get(name, []) if value not in dict(counts)
        ]
        buckets = []
        for value, count in counts:
            label = _label(name, value, departments, industries, areas)
            if label is None or (count == 0 and value not in selected):
                continue
            buckets.append(Bucket(value, label, count, value in selected))
        if name == "industry":
            listed = listed_codes(aggregation)
            buckets = [b for b in buckets if b.value in listed or b.selected]
        if name in ("industry", "area", "department"):
            buckets.sort(key=lambda b: (-b.count, b.value))
        if name == "industry":
            buckets = [b for i, b in enumerate(buckets) if i < 15 or b.selected]
        facets[name] = FacetResult(
            name, str(FACET_LABELS[name]), buckets, aggregation.get("doc_count")
        )
    return facets


def _label(name, value, departments, industries, areas) -> str | None:
    if name == "department":
        return departments.get(value)
    if name == "type":
        return str(PolicyType(value).label) if value in PolicyType.values else None
    if name == "industry":
        return industries.get(value, value)
    if name == "area":
        return areas.get(value, value)
    if name == "status":
        return str(STATUS_LABELS.get(value, value))
    if name in SWITCH_LABELS and value == YES:
        return str(SWITCH_LABELS[name])
    return None


def _suggestions(suggest: dict, q: str, size: int = 5) -> list[Suggestion]:
    normalised = analysis.normalise(q)
    seen, found = set(), []
    for entries in suggest.values():
        for entry in entries:
            for option in entry.get("options", []):
                source = option.get("_source", {})
                title = source.get("title", "")
                if not title or title in seen or analysis.normalise(title) == normalised:
                    continue
                seen.add(title)
                found.append(
                    Suggestion(title, source.get("title_en", ""), source.get("url_path", ""))
                )
    return found[:size]


def _database(params, today, departments, industries, areas, last_page) -> SearchResult:
    total, page, pages, highlights = fallback.database_search(params, today, last_page)
    result = SearchResult(params=params, total=total, page=page, degraded=True)
    result.hits = [Hit(page=p, highlight=highlights.get(p.pk, {})) for p in pages]
    # Without the index there are no counts: the filters are still offered, uncounted.
    options = {
        "department": list(departments.items()),
        "type": [(v, str(label)) for v, label in PolicyType.choices],
        "industry": [],
        "area": list(areas.items()),
        "status": [(v, str(label)) for v, label in STATUS_LABELS.items()],
        "open": [(YES, str(SWITCH_LABELS["open"]))],
        "apply_free": [(YES, str(SWITCH_LABELS["apply_free"]))],
    }
    for name, values in options.items():
        selected = set(params.filters.get(name, []))
        buckets = [Bucket(v, label, None, v in selected) for v, label in values]
        if name == "industry":
            buckets = [
                Bucket(v, industries.get(v, v), None, True) for v in params.filters.get(name, [])
            ]
        result.facets[name] = FacetResult(name, str(FACET_LABELS[name]), buckets)
    return result


# --- suggestions as you type ------------------------------------------------------------


def suggest_titles(q: str, size: int = 8) -> tuple[list[Suggestion], bool]:
    """Titles for what has been typed so far (pinyin and initials too); (titles, degraded)."""
    q = analysis.clean_query(q)[:50]
    if not q or not analysis.has_searchable_text(q):
        return [], False
    try:
        response = get_client().search(
            index=index_name("policies"),
            suggest=suggestion_request(q, size=size),
            source=["title", "title_en", "url_path"],
            size=0,
        )
    except SEARCH_ERRORS as exc:
        logger.warning("title suggestions degraded to the database: %s", _describe(exc))
        term = analysis.normalise(q)
        pages = PolicyPage.objects.live().public().filter(title__icontains=term)[:size]
        return [Suggestion(p.title, p.title_en, p.get_url() or "") for p in pages], True
    return _suggestions(response.body.get("suggest", {}), "", size=size), False
