"""The pages of matching: "policies for my company" and the anonymous policy calculator.

Both run ``search.match_service.match_for`` on the facts as they are now (the company's profile
from the database, or the calculator's form), and both show the same grouped, explained results,
a page at a time. The outcome is kept for a short while per facts (``outcome_for``), under the
page cache's generation, so a publish shows at once.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from enterprises import access
from policies.matching import ELIGIBLE, NEAR, POSSIBLE, Facts
from zoneportal import page_cache

from . import match_service
from .match_forms import CalculatorForm

logger = logging.getLogger(__name__)


def outcome_for(request, facts: Facts) -> match_service.MatchOutcome:
    """``match_for(facts)``, kept in the cache for ``MATCH_CACHE_SECONDS`` under the page
    cache's generation (every publish, unpublish or move starts a new one), the language (the
    explanations are written in it) and the zone's day: paging through the results, or coming
    back to them, does not match again. Other facts (a changed profile) are another key. A
    degraded outcome is not kept; a cache outage matches each time."""
    seconds = getattr(settings, "MATCH_CACHE_SECONDS", 0)
    if not seconds:
        return match_service.match_for(facts, with_policies=False)
    digest = hashlib.sha256(repr(facts).encode()).hexdigest()
    key = (
        f"matches:{page_cache.generation(request)}:{get_language()}:"
        f"{match_service.zone_today().isoformat()}:{digest}"
    )
    try:
        outcome = cache.get(key)
    except Exception:  # served uncached
        logger.warning("match cache unavailable", exc_info=True)
        outcome = None
    if outcome is None:
        outcome = match_service.match_for(facts, with_policies=False)
        if not outcome.degraded:
            try:
                cache.set(key, outcome, seconds)
            except Exception:
                logger.warning("match cache unavailable", exc_info=True)
    return outcome


# Results per page. The eligible and possibly eligible policies are one list (eligible first,
# ``?page=``); the near misses are a second list with its own pages (``?near_page=``).
PER_PAGE = 20


def paged_results(request, outcome: match_service.MatchOutcome | None) -> dict:
    """The template context for the results: totals per status over every result, and only
    this page's results, grouped by status (rendering hundreds of explained cards made the page
    hundreds of kilobytes and hundreds of milliseconds)."""
    if outcome is None:
        return {"outcome": None}
    fits = [r for r in outcome.results if r.status in (ELIGIBLE, POSSIBLE)]
    near = [r for r in outcome.results if r.status == NEAR]
    fits_page = Paginator(fits, PER_PAGE).get_page(request.GET.get("page"))
    near_page = Paginator(near, PER_PAGE).get_page(request.GET.get("near_page"))
    # Only the results shown are read from the database (one query).
    shown = {id(r) for r in outcome.explain(match_service.load_policies([*fits_page, *near_page]))}
    counts = outcome.counts
    groups = []
    for status, page, results in (
        (ELIGIBLE, fits_page, [r for r in fits_page if r.status == ELIGIBLE and id(r) in shown]),
        (POSSIBLE, fits_page, [r for r in fits_page if r.status == POSSIBLE and id(r) in shown]),
        (NEAR, near_page, [r for r in near_page if id(r) in shown]),
    ):
        if results:
            groups.append(
                {
                    "status": status,
                    "label": match_service.STATUS_LABELS[status],
                    "results": results,
                    "total": counts[status],
                    # The page links go after the last group shown from each list.
                    "page_obj": page,
                    "page_param": "near_page" if status == NEAR else "page",
                }
            )
    for index, group in enumerate(groups):
        # The number of the group's first result within its status (the list's "start").
        before = sum(
            len(g["results"]) for g in groups[:index] if g["page_obj"] is group["page_obj"]
        )
        skipped = counts[ELIGIBLE] if group["status"] == POSSIBLE else 0
        group["start"] = group["page_obj"].start_index() + before - skipped
        following = groups[index + 1] if index + 1 < len(groups) else None
        group["paginate"] = following is None or following["page_obj"] is not group["page_obj"]
    return {"outcome": outcome, "counts": counts, "groups": groups}


@require_GET
@login_required
@never_cache
def my_matches(request):
    """The policies in force for the company the user is working for, grouped and explained."""
    enterprise = access.current_enterprise(request)
    if enterprise is None:
        messages.info(request, _("Register your company first to see the policies that fit it."))
        return redirect("enterprises:register")
    membership = access.membership_for(request.user, enterprise.pk)
    outcome = outcome_for(request, Facts.from_enterprise(enterprise))
    return render(
        request,
        "matching/my_matches.html",
        {
            "enterprise": enterprise,
            "membership": membership,
            "is_admin": membership.is_admin,
            "section": "matches",
            **paged_results(request, outcome),
        },
    )


@require_GET
def calculator(request):
    """The policy calculator: a short GET form; results appear once something is filled in."""
    form = CalculatorForm(request.GET or None)
    outcome = None
    if form.submitted and form.is_valid():
        outcome = outcome_for(request, form.to_facts())
    return render(
        request, "matching/calculator.html", {"form": form, **paged_results(request, outcome)}
    )
