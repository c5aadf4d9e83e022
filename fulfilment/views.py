"""The company's fulfilment pages (bank account, ledger 兑现台账, apply-free offers, acceptance
reports) and the public ones (totals, published rosters).

Company objects are reached only through ``enterprises.access`` (another company's offer or
award is a 404, for staff too: they work in the admin); changes go through ``services``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from enterprises import access
from zoneportal.http import content_disposition

from . import ledger, services
from .models import Award, BankAccount, EntryState, Roster, RosterEntry, RosterState
from .rules import FulfilmentError


class AccountForm(forms.Form):
    account_name = forms.CharField(label=gettext_lazy("Account name"), max_length=200)
    bank_name = forms.CharField(label=gettext_lazy("Bank and branch"), max_length=200)
    account_number = forms.CharField(label=gettext_lazy("Account number"), max_length=40)


class ConfirmForm(forms.Form):
    declaration = forms.BooleanField(
        label=gettext_lazy(
            "I declare that the company's information is true, that it has not received this "
            "benefit in another way, and that it will repay any amount found to be granted wrongly."
        ),
        required=False,
    )


class AcceptanceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Acceptance report (PDF)"))
    summary = forms.CharField(
        label=gettext_lazy("Summary"), widget=forms.Textarea, required=False, max_length=4000
    )


def _company(request):
    enterprise = access.current_enterprise(request)
    if enterprise is None:
        raise Http404
    return enterprise


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request):
    """The company's settlement account: its administrator enters or changes it."""
    enterprise = _company(request)
    membership = access.membership_for(request.user, enterprise.pk)
    current = BankAccount.objects.filter(enterprise=enterprise).first()
    initial = current.details() if current else {"account_name": enterprise.name}
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_account(enterprise, by=request.user, **form.cleaned_data)
        except FulfilmentError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("The account is saved; the zone's finance staff will verify it.")
            )
            return redirect("fulfilment:account")
    return render(
        request,
        "fulfilment/account.html",
        {
            "enterprise": enterprise,
            "account": current,
            "form": form,
            "is_admin": membership.is_admin,
            "events": current.events.order_by("-created_at")[:20] if current else [],
            "section": "fulfilment",
        },
    )


@never_cache
@login_required
@require_GET
def ledger_view(request):
    """The company's ledger (惠企政策兑现台账): every award, instalment and recovery."""
    enterprise = _company(request)
    rows = ledger.company_ledger(enterprise)
    if request.GET.get("format") == "csv":
        response = HttpResponse(ledger.ledger_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(
            "attachment", f"ledger-{enterprise.credit_code}.csv"
        )
        return response
    offers = access.scoped(
        request.user,
        RosterEntry.objects.filter(state=EntryState.LISTED, roster__state=RosterState.PUBLISHED),
    ).select_related("roster__programme")
    return render(
        request,
        "fulfilment/ledger.html",
        {
            "enterprise": enterprise,
            "awards": rows,
            "totals": ledger.ledger_totals(rows),
            "offers": offers,
            "section": "fulfilment",
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer(request, pk):
    """An apply-free offer: the evidence, then confirm (account, declaration) or decline."""
    entry = get_object_or_404(
        access.scoped(request.user, RosterEntry.objects.select_related("roster__programme__page")),
        pk=pk,
        roster__state__in=(RosterState.PUBLISHED, RosterState.CLOSED),
    )
    if entry.state == EntryState.EXCLUDED:
        raise Http404
    account_row = BankAccount.objects.filter(enterprise=entry.enterprise).first()
    form = ConfirmForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "decline":
                services.decline_entry(
                    entry, by=request.user, reason=request.POST.get("reason", "")
                )
                messages.info(request, _("You declined the benefit."))
            else:
                services.confirm_entry(
                    entry, by=request.user, declaration=request.POST.get("declaration") == "on"
                )
                messages.success(
                    request, _("Confirmed. The money will be paid into your company's account.")
                )
            return redirect("fulfilment:offer", pk=entry.pk)
        except FulfilmentError as exc:
            messages.error(request, exc.message)
        entry.refresh_from_db()
    return render(
        request,
        "fulfilment/offer.html",
        {
            "enterprise": entry.enterprise,
            "entry": entry,
            "roster": entry.roster,
            "account": account_row,
            "form": form,
            "award": getattr(entry, "award", None) if entry.state == EntryState.CONFIRMED else None,
            "section": "fulfilment",
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def acceptance(request, pk):
    """Upload the acceptance report (验收报告) that the last instalment waits for."""
    award = get_object_or_404(
        access.scoped(request.user, Award.objects.select_related("programme", "enterprise")),
        pk=pk,
    )
    form = AcceptanceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_acceptance(
                award,
                by=request.user,
                upload=form.cleaned_data["file"],
                summary=form.cleaned_data["summary"],
            )
        except FulfilmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your acceptance report is submitted for checking."))
            return redirect("fulfilment:acceptance", pk=award.pk)
    return render(
        request,
        "fulfilment/acceptance.html",
        {
            "enterprise": award.enterprise,
            "award": award,
            "form": form,
            "reports": award.acceptance_reports.all(),
            "instalments": award.instalments.all(),
            "section": "fulfilment",
        },
    )


@require_GET
def totals(request):
    """Public totals per policy, department and year, with a chart drawn on the server."""
    year = request.GET.get("year", "")
    data = ledger.public_totals(int(year) if year.isdigit() and len(year) == 4 else None)
    if request.GET.get("format") == "csv":
        response = HttpResponse(ledger.totals_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(
            "attachment", f"fulfilment-{data['year']}.csv"
        )
        return response
    return render(request, "fulfilment/totals.html", {"data": data, "chart": ledger.chart(data)})


@require_GET
def rosters(request):
    """Published apply-free rosters (公示): which companies are offered what."""
    published = Roster.objects.filter(
        state__in=(RosterState.PUBLISHED, RosterState.CLOSED)
    ).select_related("programme__page")
    return render(request, "fulfilment/rosters.html", {"rosters": published[:50]})


@require_GET
def roster(request, pk):
    item = get_object_or_404(
        Roster.objects.select_related("programme__page"),
        pk=pk,
        state__in=(RosterState.PUBLISHED, RosterState.CLOSED),
    )
    entries = (
        item.entries.exclude(state=EntryState.EXCLUDED)
        .select_related("enterprise")
        .only("state", "enterprise__name", "enterprise__credit_code")
        .order_by("enterprise__name")
    )
    return render(
        request,
        "fulfilment/roster.html",
        {"roster": item, "entries": entries[:2000], "count": entries.count()},
    )
