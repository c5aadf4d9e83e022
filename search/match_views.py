"""The pages of matching: "policies for my company" and the anonymous policy calculator.

Both run ``search.match_service.match_for`` at request time, so they always reflect the facts
as they are now (the company's profile from the database, or the calculator's form), and both
show the same grouped, explained results.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from enterprises import access
from policies.matching import Facts

from . import match_service
from .match_forms import CalculatorForm


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
    outcome = match_service.match_for(Facts.from_enterprise(enterprise))
    return render(
        request,
        "matching/my_matches.html",
        {
            "enterprise": enterprise,
            "membership": membership,
            "is_admin": membership.is_admin,
            "section": "matches",
            "outcome": outcome,
        },
    )


@require_GET
def calculator(request):
    """The policy calculator: a short GET form; results appear once something is filled in."""
    form = CalculatorForm(request.GET or None)
    outcome = None
    if form.submitted and form.is_valid():
        outcome = match_service.match_for(form.to_facts())
    return render(request, "matching/calculator.html", {"form": form, "outcome": outcome})
