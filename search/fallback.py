"""Search from the database when Elasticsearch is down or too slow ("degrade, don't fail").

Slower and simpler than the index, but it answers: live, public policies; every filter the
page offers (industry and area in Python over the criteria, which is fine for the number of
policies a zone publishes); Chinese found as substrings (``icontains`` over title, English
title, summary and document number, after the same Traditional → Simplified normalisation as
the index); a crude ranking (title matches first); highlights marked in Python.
"""

from __future__ import annotations

import datetime
import html
import re

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from policies.in_force import in_force_filter, status_filter
from policies.models import PolicyPage
from policies.windows import open_filter

from . import analysis
from .queries import SearchParams


def query_terms(q: str) -> list[str]:
    """The space-separated terms of a query, normalised; each must be found."""
    return [t for t in analysis.normalise(q).split(" ") if analysis.has_searchable_text(t)][:5]


def _admits_industry(criteria: dict, code: str) -> bool:
    listed = criteria.get("industries") or []
    return not listed or any(code.startswith(c) or c.startswith(code) for c in listed)


def _admits_area(criteria: dict, code: str) -> bool:
    listed = criteria.get("areas") or []
    return not listed or code in listed


def database_search(params: SearchParams, today: datetime.date, last_page: bool = True):
    """(total, page number shown, pages of that page, highlights by page id)."""
    policies = PolicyPage.objects.live().public().select_related("department")
    terms = query_terms(params.q) if params.searchable else []
    for term in terms:
        policies = policies.filter(
            Q(title__icontains=term)
            | Q(title_en__icontains=term)
            | Q(summary__icontains=term)
            | Q(summary_en__icontains=term)
            | Q(document_number__icontains=term)
        )
    filters = params.filters
    if "department" in filters:
        policies = policies.filter(department_id__in=[int(v) for v in filters["department"]])
    if "type" in filters:
        policies = policies.filter(policy_type__in=filters["type"])
    if "status" in filters:
        condition = Q()
        for value in filters["status"]:
            condition |= status_filter(value, today)
        policies = policies.filter(condition)
    if "apply_free" in filters:
        policies = policies.filter(apply_free=True)
    if "open" in filters:
        # A policy with two open programmes is found once.
        policies = policies.filter(open_filter(timezone.now())).distinct()
    if "industry" in filters or "area" in filters:
        keep = []
        for pk, criteria in policies.values_list("pk", "criteria"):
            criteria = criteria or {}
            if "industry" in filters and not any(
                _admits_industry(criteria, code) for code in filters["industry"]
            ):
                continue
            if "area" in filters and not any(
                _admits_area(criteria, code) for code in filters["area"]
            ):
                continue
            keep.append(pk)
        policies = policies.filter(pk__in=keep)

    if params.sort == "newest" or (params.sort == "relevance" and not terms):
        policies = policies.order_by("-effective_date", "-pk")
    elif params.sort == "expiring":
        policies = policies.annotate(
            in_force=Case(
                When(in_force_filter(today), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        ).order_by("-in_force", "expiry_date", "-effective_date", "-pk")
    else:
        policies = policies.annotate(
            rank=Case(
                When(title__icontains=terms[0], then=Value(3)),
                When(document_number__icontains=terms[0], then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("-rank", "-effective_date", "-pk")

    total = policies.count()
    page_number = params.page
    if last_page:
        page_number = min(page_number, max(1, -(-total // params.page_size)))
    start = (page_number - 1) * params.page_size
    pages = list(policies[start : start + params.page_size])
    highlights = {
        page.pk: {
            "title": [mark_terms(page.title, terms)] if terms else [],
            "summary": [mark_terms(page.summary, terms)] if terms else [],
        }
        for page in pages
    }
    return total, page_number, pages, highlights


def mark_terms(text: str, terms: list[str]) -> str:
    """``text`` as safe HTML with each occurrence of the terms in <mark> (case-insensitive)."""
    if not terms:
        return html.escape(text, quote=False)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    parts, position = [], 0
    for found in pattern.finditer(text):
        parts.append(html.escape(text[position : found.start()], quote=False))
        parts.append("<mark>" + html.escape(text[found.start() : found.end()], quote=False))
        parts.append("</mark>")
        position = found.end()
    parts.append(html.escape(text[position:], quote=False))
    return "".join(parts)
