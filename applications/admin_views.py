"""The reviewer's side of applications in the Wagtail admin (项目评审).

Application reviewers (the group ``roles.APPLICATION_REVIEWERS``) and superusers see the
applications that reached them — never drafts, which are the company's private work — in a queue
filtered by programme, state, working days waiting and overdue; open one with its profile
snapshot, answers, documents (previewed in the browser), eligibility explanation and history; act
on it; export the filtered list to CSV or Excel; and read the statistics.

Every change goes through ``services.transition`` (the state machine, the locks, the budget); these
views only check the right, show, and call it. They are also behind Wagtail's "access admin" check
(``register_admin_urls``) and the staff MFA rule (``enterprises.middleware``).
"""

import csv
import datetime
import functools
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from enterprises.admin_views import field_label
from enterprises.models import CreditStanding
from policies.criteria.base import industry_names
from policies.criteria.kinds import size_label
from policies.matching import ELIGIBLE, INELIGIBLE, NEAR, POSSIBLE
from policies.workdays import Calendar
from zoneportal.amounts import format_wan
from zoneportal.clock import ZONE, local_today
from zoneportal.http import content_disposition

from . import services, states
from .admin_forms import ACTION_FORMS, ALL, OPEN, QueueFilterForm
from .models import WITH_REVIEWERS, Application, ApplicationDocument, ApplicationState

S = ApplicationState
PAGE_SIZE = 50
# Shown in the browser; anything else (DOCX, XLSX) is downloaded.
INLINE_TYPES = ("application/pdf", "image/jpeg", "image/png")
ELIGIBILITY_LABELS = {
    ELIGIBLE: gettext_lazy("Eligible"),
    POSSIBLE: gettext_lazy("Possibly eligible"),
    NEAR: gettext_lazy("Nearly eligible"),
    INELIGIBLE: gettext_lazy("Not eligible"),
}
PROFILE_EXTRA_LABELS = {"size": gettext_lazy("Size (derived)")}


# --- who may look ------------------------------------------------------------------------------
def forbidden(request):
    """A 403 page inside the admin (Wagtail would turn PermissionDenied into a redirect)."""
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        raise PermissionDenied
    return TemplateResponse(
        request,
        "wagtailadmin/applications/forbidden.html",
        {"page_title": _("Application review"), "header_icon": "form"},
        status=403,
    )


def reviewer_required(view_func):
    """403 for anyone who is not an application reviewer (superusers are)."""

    @functools.wraps(view_func)
    def wrapped(request, *args, **kwargs):
        if not services.is_reviewer(request.user):
            return forbidden(request)
        return view_func(request, *args, **kwargs)

    return wrapped


def reviewable():
    """Every application a reviewer may see: those ever submitted (never drafts, nor drafts
    withdrawn before submission: they are the company's private work)."""
    return Application.objects.exclude(state=S.DRAFT).exclude(submitted_at__isnull=True)


# --- the queue ---------------------------------------------------------------------------------
def waited_since_cutoff(days: int, today: datetime.date, calendar: Calendar) -> datetime.datetime:
    """The moment before which an application must have arrived to wait more than ``days``.

    ``working_days_between(since, today) > days`` holds exactly for the local dates ``since`` up
    to the latest date ``s`` with ``working_days_between(s, today) == days + 1``; the answer is the
    start of the day after ``s`` in Asia/Shanghai.
    """
    day, counted = today, 0
    while counted < days + 1:
        if calendar.is_working_day(day):
            counted += 1
        day -= datetime.timedelta(days=1)
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, ZONE)


def queue_queryset(filters: dict, today: datetime.date, calendar: Calendar):
    """The filtered applications, those waiting for a reviewer first, oldest waiting first."""
    applications = (
        reviewable()
        .select_related("enterprise", "programme", "programme__page")
        .annotate(
            waiting_since=Coalesce("last_submitted_at", "submitted_at"),
            waiting_rank=Case(
                When(state__in=WITH_REVIEWERS, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
    )
    state = filters["state"]
    if state == OPEN:
        applications = applications.filter(state__in=WITH_REVIEWERS)
    elif state != ALL:
        applications = applications.filter(state=state)
    if filters["programme"] is not None:
        applications = applications.filter(programme=filters["programme"])
    if filters["overdue"]:
        # Application.is_overdue, in SQL.
        applications = applications.filter(state=S.ACCEPTED, due_date__lt=today)
    if filters["waiting_more_than"] is not None:
        cutoff = waited_since_cutoff(filters["waiting_more_than"], today, calendar)
        applications = applications.filter(state__in=WITH_REVIEWERS, waiting_since__lt=cutoff)
    return applications.order_by("waiting_rank", "waiting_since", "pk")


def queue_rows(applications, today, calendar):
    return [
        {
            "application": a,
            "days_waiting": a.days_waiting(today, calendar),
            "overdue": a.is_overdue(today),
        }
        for a in applications
    ]


class ReviewView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "form"

    def get_breadcrumbs_items(self):
        items = [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("application_review:queue"), "label": _("Application review")},
        ]
        if self.page_title != _("Application review"):
            items.append({"url": "", "label": self.get_page_title()})
        return items


class QueueView(ReviewView):
    template_name = "wagtailadmin/applications/queue.html"
    page_title = gettext_lazy("Application review")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = QueueFilterForm(self.request.GET or None)
        filters = form.filters()
        today, calendar = local_today(), Calendar.load()
        applications = queue_queryset(filters, today, calendar)
        page = Paginator(applications, PAGE_SIZE).get_page(self.request.GET.get("p"))
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(
            form=form,
            filters=filters,
            page_obj=page,
            rows=queue_rows(page.object_list, today, calendar),
            total=page.paginator.count,
            overdue_count=reviewable().filter(state=S.ACCEPTED, due_date__lt=today).count(),
            filter_query=query.urlencode(),
        )
        return context


# --- one application ---------------------------------------------------------------------------
def _blank(value) -> bool:
    return value is None or value == "" or value == []


def snapshot_rows(snapshot: dict) -> list[tuple[str, object]]:
    """The profile at submission, labelled like the registration (qualifications apart)."""
    rows = []
    for key, value in snapshot.items():
        if key == "qualifications":
            continue
        label = PROFILE_EXTRA_LABELS.get(key) or field_label(key)
        rows.append((label, "—" if _blank(value) else profile_value(key, value)))
    return rows


def profile_value(key: str, value):
    """A stored profile value as staff read it: names, not codes (小型, not "small")."""
    if key == "size":
        return size_label(value)
    if key == "credit_standing":
        return CreditStanding(value).label if value in CreditStanding.values else value
    if key == "industry_code":
        return industry_names([value])
    if key.endswith("_wan"):
        return format_wan(value)
    return value


def item_labels(programme) -> dict[str, str]:
    """Labels of the documents and questions by block id, for reasons per item."""
    labels = {block_id: doc["name"] for block_id, doc in programme.required_documents()}
    labels.update({block_id: q["label"] for block_id, q in programme.question_list()})
    return labels


def answer_rows(application) -> list[dict]:
    rows = []
    for block_id, question in application.programme.question_list():
        value = application.answers.get(block_id)
        rows.append(
            {
                "id": block_id,
                "label": question["label"],
                "value": "—" if _blank(value) else value,
                "reason": application.return_reasons.get(block_id, ""),
            }
        )
    return rows


def document_rows(application) -> list[dict]:
    """One row per required document (with the file, if any), then files of removed items."""
    files = {d.requirement_id: d for d in application.documents.all()}
    rows = []
    for block_id, requirement in application.programme.required_documents():
        rows.append(
            {
                "id": block_id,
                "label": requirement["name"],
                "required": requirement["required"],
                "document": files.pop(block_id, None),
                "reason": application.return_reasons.get(block_id, ""),
            }
        )
    for block_id, document in files.items():
        rows.append(
            {
                "id": block_id,
                "label": _("(a requirement since removed from the programme)"),
                "required": False,
                "document": document,
                "reason": "",
            }
        )
    for row in rows:
        document = row["document"]
        if document is not None:
            row["url"] = reverse("application_review:document", args=(application.pk, document.pk))
            row["inline"] = document.content_type in INLINE_TYPES
    return rows


def _judged(snapshot: dict):
    return snapshot.get("status"), [(c["key"], c["met"]) for c in snapshot.get("criteria", [])]


def eligibility_context(application) -> dict:
    """The explanation kept at submission, and today's when the verdict has changed since."""
    stored = application.eligibility_snapshot or {}
    evaluation = services.eligibility(application.enterprise, application.programme)
    current = services.eligibility_snapshot(evaluation)
    changed = bool(stored) and _judged(stored) != _judged(current)
    return {
        "stored": stored,
        "stored_label": ELIGIBILITY_LABELS.get(stored.get("status"), stored.get("status")),
        "current": current if (changed or not stored) else None,
        "current_label": ELIGIBILITY_LABELS.get(current["status"], current["status"]),
        "changed": changed,
    }


def history(application, labels) -> list[dict]:
    return [
        {
            "event": event,
            "reasons": [(labels.get(key, key), text) for key, text in event.reasons.items()],
        }
        for event in application.events.select_related("actor")
    ]


class DetailView(ReviewView):
    template_name = "wagtailadmin/applications/detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.application = get_object_or_404(
            reviewable().select_related(
                "enterprise", "programme", "programme__page", "decided_by", "created_by"
            ),
            pk=kwargs["pk"],
        )

    def get_page_title(self):
        a = self.application
        return f"{a.reference} {a.enterprise.name}"

    def action_forms(self, bound=None) -> list[tuple]:
        forms = []
        for action in states.actions_for(self.application.state, states.REVIEWER):
            form_class = ACTION_FORMS.get(action.name)
            if form_class is None:
                continue
            form = bound if bound is not None and bound.action == action.name else None
            forms.append((action, form or form_class(self.application)))
        return forms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        a = self.application
        programme = a.programme
        labels = item_labels(programme)
        today = local_today()
        context.update(
            application=a,
            programme=programme,
            policy=programme.page,
            profile_rows=snapshot_rows(a.profile_snapshot or {}),
            qualifications=(a.profile_snapshot or {}).get("qualifications", []),
            answers=answer_rows(a),
            documents=document_rows(a),
            eligibility=eligibility_context(a),
            history=history(a, labels),
            return_reasons=[(labels.get(k, k), v) for k, v in a.return_reasons.items()],
            budget=programme.budget,
            approved_total=programme.approved_total(),
            remaining_budget=programme.remaining_budget(),
            days_waiting=a.days_waiting(today),
            overdue=a.is_overdue(today),
            action_forms=self.action_forms(kwargs.get("bound_form")),
        )
        return context

    def post(self, request, *args, **kwargs):
        """Take one action; on any refusal show the page again with the reviewer's input."""
        application = self.application
        name = request.POST.get("action", "")
        form_class = ACTION_FORMS.get(name)
        if form_class is None:
            messages.error(request, _("There is no such action."))
            return self.render_again(status=400)
        form = form_class(application, request.POST)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_again(form, status=400)
        try:
            outcome = services.transition(
                application, name, by=request.user, **form.service_arguments()
            )
        except services.ApplicationError as error:
            messages.error(request, error.message)
            conflict = isinstance(error, services.StaleApplication) or error.code in (
                "already",
                "illegal",
            )
            if conflict:
                # The page was out of date: show the application as it is now, with the
                # reviewer's text kept and the current version, so a second look can act.
                self.application.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(self.application.version)
                form = form_class(self.application, data)
                form.is_valid()
            return self.render_again(form, status=409 if conflict else 400)
        messages.success(
            request,
            _("%(reference)s: %(action)s. The applicant has been told.")
            % {
                "reference": outcome.application.reference,
                "action": states.ACTIONS[name].label,
            },
        )
        return redirect("application_review:detail", pk=application.pk)

    def render_again(self, form=None, status=400):
        response = self.render_to_response(self.get_context_data(bound_form=form))
        response.status_code = status
        return response


# --- documents ---------------------------------------------------------------------------------


@never_cache
@reviewer_required
def document(request, pk, doc_pk):
    """Stream one document: PDF and images shown in the browser, office files downloaded."""
    item = get_object_or_404(
        ApplicationDocument.objects.exclude(application__state=S.DRAFT).exclude(
            application__submitted_at__isnull=True
        ),
        pk=doc_pk,
        application_id=pk,
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = item.content_type or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", item.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if content_type.startswith("image/"):
        # An image needs nothing else; a PDF needs the browser's viewer, which a sandbox blocks.
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
        )
    return response


# --- export ------------------------------------------------------------------------------------
def export_columns():
    return [
        _("Reference"),
        _("Company"),
        _("Unified social credit code"),
        _("Programme"),
        _("Policy"),
        _("State"),
        _("Amount requested (yuan)"),
        _("Amount approved (yuan)"),
        _("Submitted"),
        _("Last submitted"),
        _("Days waiting (working days)"),
        _("Promised decision date"),
        _("Overdue"),
        _("Decided"),
    ]


def _local(value):
    return timezone.localtime(value, ZONE).replace(tzinfo=None) if value else None


def export_values(row) -> list:
    a = row["application"]
    return [
        a.reference,
        a.enterprise.name,
        a.enterprise.credit_code,
        a.programme.name,
        a.programme.page.title,
        str(a.get_state_display()),
        a.amount_requested,
        a.amount_approved,
        _local(a.submitted_at),
        _local(a.last_submitted_at),
        row["days_waiting"],
        a.due_date,
        _("Yes") if row["overdue"] else "",
        _local(a.decided_at),
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if not isinstance(value, int | float) and text.startswith(FORMULA_STARTS):
        text = "'" + text  # a company name is never run as a spreadsheet formula
    return text


def _csv(rows, filename):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark tells Excel the file is UTF-8
    writer = csv.writer(buffer)
    writer.writerow(export_columns())
    for row in rows:
        writer.writerow([_csv_cell(v) for v in export_values(row)])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv")
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Content-Disposition"] = content_disposition("attachment", filename)
    return response


def _xlsx(rows, filename):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Applications"))
    bold = Font(bold=True)
    header = []
    for title in export_columns():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = {datetime.datetime: "yyyy-mm-dd hh:mm", datetime.date: "yyyy-mm-dd"}
    for row in rows:
        cells = []
        for value in export_values(row):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it begins with "="
            elif type(value) in formats:
                cell.number_format = formats[type(value)]
            elif value is not None and not isinstance(value, int):
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition("attachment", filename)
    return response


@never_cache
@reviewer_required
def export(request):
    """The queue's filtered list, every page of it, as CSV (``?format=csv``) or Excel (xlsx)."""
    kind = request.GET.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        return HttpResponse(
            _("Choose the format csv or xlsx."), status=400, content_type="text/plain"
        )
    filters = QueueFilterForm(request.GET).filters()
    today, calendar = local_today(), Calendar.load()
    rows = queue_rows(queue_queryset(filters, today, calendar), today, calendar)
    filename = f"applications-{today.isoformat()}.{kind}"
    response = _csv(rows, filename) if kind == "csv" else _xlsx(rows, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- statistics --------------------------------------------------------------------------------
class StatisticsView(ReviewView):
    template_name = "wagtailadmin/applications/statistics.html"
    page_title = gettext_lazy("Application statistics")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = services.statistics(reviewable())
        by_state = stats["by_state"]
        context.update(
            stats=stats,
            states=[
                (value, label, by_state.get(value, 0))
                for value, label in S.choices
                if value != S.DRAFT
            ],
            total=sum(by_state.values()),
            programmes=[
                {
                    **row,
                    "used_percent": (row["approved"] * 100 / row["budget"]) if row["budget"] else 0,
                }
                for row in stats["programmes"]
            ],
        )
        return context


queue = reviewer_required(QueueView.as_view())
detail = reviewer_required(DetailView.as_view())
statistics = reviewer_required(StatisticsView.as_view())
