"""The staff side of fulfilment in the Wagtail admin: budgets, accounts to verify, payment
batches and the bank files, acceptance checks and recoveries, apply-free rosters.

Each view checks its permission (``rules``); every change goes through ``services`` (or
``rosters`` / ``bankfiles``), which check it again.
"""

import functools
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Programme
from zoneportal.http import content_disposition

from . import bankfiles, rosters, rules, services, states
from .models import (
    STALE_AFTER,
    AcceptanceReport,
    AccountState,
    Award,
    BankAccount,
    BatchState,
    EntryState,
    Instalment,
    InstalmentState,
    PaymentBatch,
    Recovery,
    Roster,
)
from .rules import FulfilmentError

PAGE_SIZE = 100


def needs(*rights):
    """Staff holding any of ``rights`` (any fulfilment right when none is named)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            allowed = (
                any(rules.may(request.user, r) for r in rights)
                if rights
                else rules.is_fulfilment_staff(request.user)
            )
            if not allowed:
                return TemplateResponse(
                    request,
                    "wagtailadmin/fulfilment/forbidden.html",
                    {"page_title": _("Fulfilment")},
                    status=403,
                )
            return view(request, *args, **kwargs)

        return never_cache(wrapped)

    return decorator


def _ids(request, name="instalment"):
    return [int(v) for v in request.POST.getlist(name) if v.isdigit() and len(v) < 19]


@needs()
def overview(request):
    """Budgets per programme: approved vs paid vs remaining, and what waits for whom."""
    programmes = Programme.objects.select_related("page").order_by("-pk")[:200]
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/overview.html",
        {
            "page_title": _("Fulfilment"),
            "budgets": rules.budgets(programmes),
            "pending_accounts": BankAccount.objects.filter(state=AccountState.PENDING).count(),
            "due": Instalment.objects.filter(state=InstalmentState.DUE, batch__isnull=True).count(),
            "returned": Instalment.objects.filter(state=InstalmentState.RETURNED).count(),
            "acceptance": AcceptanceReport.objects.filter(state="submitted").count(),
        },
    )


# --- accounts ----------------------------------------------------------------------------------
@needs(rules.VERIFY)
def accounts(request):
    state = request.GET.get("state", AccountState.PENDING)
    rows = BankAccount.objects.select_related("enterprise").order_by("-updated_at")
    if state in AccountState.values:
        rows = rows.filter(state=state)
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/accounts.html",
        {
            "page_title": _("Bank accounts"),
            "accounts": rows[:200],
            "state": state,
            "states": AccountState.choices,
        },
    )


@needs(rules.VERIFY)
@require_http_methods(["GET", "HEAD", "POST"])
def account(request, pk):
    item = get_object_or_404(BankAccount.objects.select_related("enterprise"), pk=pk)
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", "-1"))
        except ValueError:
            version = -1
        try:
            services.decide_account(
                item,
                by=request.user,
                verify=request.POST.get("action") == "verify",
                version=version,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Done."))
        except FulfilmentError as exc:
            messages.error(request, exc.message)
        return redirect("fulfilment_admin:account", pk=item.pk)
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/account.html",
        {
            "page_title": _("Bank account"),
            "account": item,
            "events": item.events.select_related("actor"),
            "actions": states.allowed("account", item.state, request.user),
        },
    )


# --- payments ----------------------------------------------------------------------------------
@needs(rules.PREPARE)
def instalments(request):
    """Instalments to be paid (not in a batch) and returned ones, to gather into a batch."""
    state = request.GET.get("state", InstalmentState.DUE)
    rows = Instalment.objects.select_related(
        "award__enterprise", "award__programme", "batch"
    ).order_by("award__programme_id", "pk")
    if state in InstalmentState.values:
        rows = rows.filter(state=state)
    if state == InstalmentState.DUE:
        rows = rows.filter(batch__isnull=True)
    programme = request.GET.get("programme", "")
    if programme.isdigit() and len(programme) < 19:
        rows = rows.filter(award__programme_id=int(programme))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/instalments.html",
        {
            "page_title": _("Instalments"),
            "page": page,
            "state": state,
            "states": InstalmentState.choices,
            "drafts": PaymentBatch.objects.filter(state=BatchState.DRAFT),
        },
    )


@needs(rules.PREPARE)
@require_POST
def requeue(request, pk):
    try:
        services.requeue(get_object_or_404(Instalment, pk=pk), by=request.user)
        messages.success(request, _("The instalment is to be paid again."))
    except FulfilmentError as exc:
        messages.error(request, exc.message)
    return redirect(f"{_url('instalments')}?state=returned")


def _url(name, **kwargs):
    from django.urls import reverse

    return reverse(f"fulfilment_admin:{name}", kwargs=kwargs or None)


@needs(rules.PREPARE)
@require_http_methods(["GET", "HEAD", "POST"])
def batches(request):
    if request.method == "POST":
        try:
            batch = services.create_batch(by=request.user, note=request.POST.get("note", ""))
        except FulfilmentError as exc:
            messages.error(request, exc.message)
            return redirect("fulfilment_admin:batches")
        ids = _ids(request)
        if ids:
            services.add_to_batch(batch, ids, by=request.user)
        return redirect("fulfilment_admin:batch", pk=batch.pk)
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/batches.html",
        {"page_title": _("Payment batches"), "batches": PaymentBatch.objects.all()[:200]},
    )


@needs(rules.PREPARE)
@require_http_methods(["GET", "HEAD", "POST"])
def batch(request, pk):
    item = get_object_or_404(PaymentBatch, pk=pk)
    report = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                services.add_to_batch(item, _ids(request), by=request.user)
            elif action == "remove":
                services.remove_from_batch(item, _ids(request), by=request.user)
            elif action == "submit":
                services.submit_batch(item, by=request.user)
                messages.success(request, _("The batch is submitted; download it for the bank."))
            elif action == "results" and request.FILES.get("file"):
                report, applied = bankfiles.import_results(
                    item, request.FILES["file"], by=request.user
                )
                if applied is not None:
                    messages.success(
                        request,
                        _("Result file applied: %(paid)s paid, %(returned)s returned.")
                        % {"paid": applied.paid, "returned": applied.returned},
                    )
                    return redirect("fulfilment_admin:batch", pk=item.pk)
                messages.error(request, _("The result file was refused; nothing was applied."))
            if report is None:
                return redirect("fulfilment_admin:batch", pk=item.pk)
        except FulfilmentError as exc:
            messages.error(request, exc.message)
            return redirect("fulfilment_admin:batch", pk=item.pk)
    rows = item.instalments.select_related("award__enterprise", "award__programme")
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/batch.html",
        {
            "page_title": item.number,
            "batch": item,
            "instalments": rows,
            "report": report,
            "imports": item.imports.all(),
            "total": sum((i.amount for i in rows), Decimal(0)),
        },
        status=422 if report is not None else 200,
    )


@needs(rules.PREPARE)
def export(request, pk):
    item = get_object_or_404(
        PaymentBatch, pk=pk, state__in=(BatchState.SUBMITTED, BatchState.CLOSED)
    )
    response = HttpResponse(bankfiles.export_batch(item), content_type=bankfiles.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition("attachment", f"{item.number}.xlsx")
    return response


# --- awards: acceptance and recovery -------------------------------------------------------------
@needs(rules.ACCEPTANCE)
def acceptance_queue(request):
    reports = AcceptanceReport.objects.filter(state="submitted").select_related(
        "award__enterprise", "award__programme"
    )
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/acceptance.html",
        {"page_title": _("Acceptance reports"), "reports": reports},
    )


@needs(rules.ACCEPTANCE)
@require_http_methods(["GET", "HEAD", "POST"])
def award(request, pk):
    item = get_object_or_404(
        Award.objects.select_related("enterprise", "programme__page", "application"), pk=pk
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("pass", "fail"):
                report = get_object_or_404(
                    AcceptanceReport, pk=request.POST.get("report", "0"), award=item
                )
                services.check_acceptance(
                    report,
                    by=request.user,
                    passed=action == "pass",
                    comment=request.POST.get("comment", ""),
                )
            elif action == "recover":
                services.record_recovery(
                    item,
                    by=request.user,
                    amount=request.POST.get("amount", ""),
                    reason=request.POST.get("reason", ""),
                )
            elif action == "settle":
                recovery = get_object_or_404(
                    Recovery, pk=request.POST.get("recovery", "0"), award=item
                )
                services.settle_recovery(recovery, by=request.user)
            messages.success(request, _("Done."))
        except (FulfilmentError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("fulfilment_admin:award", pk=item.pk)
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/award.html",
        {
            "page_title": str(item),
            "award": item,
            "instalments": item.instalments.all(),
            "reports": item.acceptance_reports.all(),
            "recoveries": item.recoveries.all(),
        },
    )


@needs(rules.ACCEPTANCE)
def acceptance_file(request, pk):
    from django.http import FileResponse

    report = get_object_or_404(AcceptanceReport, pk=pk)
    return FileResponse(
        report.file.open("rb"), content_type="application/pdf", filename=report.original_name
    )


# --- rosters -----------------------------------------------------------------------------------
@needs(rules.ROSTERS)
@require_http_methods(["GET", "HEAD", "POST"])
def roster_list(request):
    programmes = Programme.objects.filter(page__apply_free=True).select_related("page")
    if request.method == "POST":
        programme = get_object_or_404(Programme, pk=request.POST.get("programme", "0") or "0")
        try:
            amount = Decimal(request.POST.get("amount", ""))
            days = int(request.POST.get("confirm_days", "10"))
            roster = rosters.start(programme, by=request.user, amount=amount, confirm_days=days)
            return redirect("fulfilment_admin:roster", pk=roster.pk)
        except (InvalidOperation, ValueError):
            messages.error(request, _("Give the amount and the working days as numbers."))
        except FulfilmentError as exc:
            messages.error(request, exc.message)
        return redirect("fulfilment_admin:rosters")
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/rosters.html",
        {
            "page_title": _("Apply-free rosters"),
            "rosters": Roster.objects.select_related("programme").all()[:200],
            "programmes": programmes,
        },
    )


@needs(rules.ROSTERS)
@require_http_methods(["GET", "HEAD", "POST"])
def roster(request, pk):
    item = get_object_or_404(Roster.objects.select_related("programme__page"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("exclude", "include"):
                entry = get_object_or_404(item.entries, pk=request.POST.get("entry", "0") or "0")
                services.set_entry(
                    entry,
                    by=request.user,
                    include=action == "include",
                    reason=request.POST.get("reason", ""),
                )
            elif action == "retry":
                rosters.retry(item, by=request.user)
            elif action == "discard":
                rosters.discard(item, by=request.user)
                messages.success(request, _("The roster was discarded."))
                return redirect("fulfilment_admin:rosters")
            else:
                services.move_roster(item, action, by=request.user)
            messages.success(request, _("Done."))
        except FulfilmentError as exc:
            messages.error(request, exc.message)
        return redirect("fulfilment_admin:roster", pk=item.pk)
    entries = item.entries.select_related("enterprise").order_by("state", "pk")
    state = request.GET.get("state", "")
    if state in EntryState.values:
        entries = entries.filter(state=state)
    counts = dict(item.entries.order_by().values_list("state").annotate(n=Count("pk")))
    return TemplateResponse(
        request,
        "wagtailadmin/fulfilment/roster.html",
        {
            "page_title": str(item),
            "roster": item,
            "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
            "counts": counts,
            "actions": states.allowed("roster", item.state, request.user),
            "stale_minutes": int(STALE_AFTER.total_seconds() // 60),
        },
    )
