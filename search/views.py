"""The policy search page and title suggestions as you type.

Everything about the search is in the URL (``q``, the filters, ``sort``, ``page``), so a result
list can be bookmarked and shared. Bad input never fails: unknown filters and values are
dropped, page numbers are clamped, long queries are cut, and an unavailable index means
answers from the database with a notice (``search.service``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from policies.in_force import IN_FORCE
from policies.models import PolicyType

from .queries import FACETS, SORTS, SearchParams, clean_filters
from .service import search_policies, suggest_titles

SORT_LABELS = {
    "relevance": _("Relevance"),
    "newest": _("Newest"),
    "expiring": _("Expiring soon"),
}


def _page_number(raw: str | None) -> int:
    raw = (raw or "").strip()
    if not raw.isdigit() or len(raw) > 7:
        return 10**7 if raw.isdigit() else 1  # absurd numbers are clamped later
    return int(raw)


#: ``status=all``: every policy, whatever its status (without ``status``, only those in force).
ALL_STATUSES = "all"


def all_statuses(query) -> bool:
    return ALL_STATUSES in query.getlist("status")


def params_from_query(query) -> SearchParams:
    """SearchParams from a request's GET parameters (validated, never raises).

    Policies in force only, unless the URL says otherwise: ``status=…`` chooses statuses,
    ``status=all`` lifts the filter."""
    filters = clean_filters(
        {name: query.getlist(name) for name in FACETS},
        policy_types=PolicyType.values,
    )
    if "status" not in filters and not all_statuses(query):
        filters["status"] = [IN_FORCE]
    return SearchParams(
        q=query.get("q", ""),
        filters=filters,
        sort=query.get("sort", ""),
        page=_page_number(query.get("page")),
    )


class Links:
    """Query strings for the page's links, each a change of the current search.

    The status filter defaults to "in force": a link that leaves no status chosen says
    ``status=all``, and only "clear" (``fresh=True``) returns to the default."""

    def __init__(self, params: SearchParams):
        self.params = params

    def build(self, *, q=None, filters=None, sort=None, page=1, fresh=False) -> str:
        pairs: list[tuple[str, str]] = []
        q = self.params.q if q is None else q
        if q:
            pairs.append(("q", q))
        chosen = self.params.filters if filters is None else filters
        for name, values in chosen.items():
            pairs.extend((name, value) for value in values)
        if not fresh and not chosen.get("status"):
            pairs.append(("status", ALL_STATUSES))
        sort = self.params.sort if sort is None else sort
        default = "relevance" if self.params.searchable else "newest"
        if sort and sort != default:
            pairs.append(("sort", sort))
        if page and page > 1:
            pairs.append(("page", str(page)))
        return "?" + urlencode(pairs)

    def toggle(self, name: str, value: str) -> str:
        filters = {k: list(v) for k, v in self.params.filters.items()}
        values = filters.setdefault(name, [])
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        return self.build(filters={k: v for k, v in filters.items() if v})

    def without(self, name: str) -> str:
        return self.build(filters={k: v for k, v in self.params.filters.items() if k != name})


def _page_window(current: int, last: int, width: int = 2) -> list[int | None]:
    """Page numbers around the current one, with None where numbers are left out."""
    shown = {1, last, *range(current - width, current + width + 1)}
    numbers = sorted(n for n in shown if 1 <= n <= last)
    window: list[int | None] = []
    for number in numbers:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


@require_GET
def search(request):
    params = params_from_query(request.GET)
    result = search_policies(params, source="page")
    links = Links(result.params)
    for facet in result.facets.values():
        for bucket in facet.buckets:
            bucket.url = links.toggle(facet.name, bucket.value)
        facet.clear_url = links.without(facet.name)
    context = {
        "params": result.params,
        "result": result,
        "links": links,
        "sorts": [
            (value, SORT_LABELS[value], links.build(sort=value), value == result.params.sort)
            for value in SORTS
        ],
        "pages": [
            (number, links.build(page=number) if number else None)
            for number in _page_window(result.page, result.num_pages)
        ],
        "previous_url": links.build(page=result.page - 1) if result.page > 1 else None,
        "next_url": links.build(page=result.page + 1) if result.page < result.num_pages else None,
        "suggestions": [
            (s, links.build(q=s.title, filters={}, sort="", fresh=True)) for s in result.suggestions
        ],
        "clear_url": links.build(filters={}, fresh=True),
        "first_number": (result.page - 1) * result.params.page_size + 1,
    }
    return render(request, "search/search.html", context)


def _in_language(url: str, language: str) -> str:
    """A stored URL (default language, unprefixed) in the active language (``/en/…``)."""
    if not url.startswith("/"):
        return url
    # translate_url resolves in the active language; stored URLs resolve in the default one.
    with override(settings.LANGUAGE_CODE):
        return translate_url(url, language)


@require_GET
def suggest(request):
    """``[{"title", "title_en", "url"}, …]`` for what has been typed (pinyin works too)."""
    suggestions, _degraded = suggest_titles(request.GET.get("q", ""))
    language = get_language()
    english = (language or "").startswith("en")
    return JsonResponse(
        [
            {
                "title": s.title,
                "title_en": s.title_en,
                "url": _in_language(s.url, language),
                "label": s.title_en if english and s.title_en else s.title,
            }
            for s in suggestions
        ],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
