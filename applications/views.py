"""The applicant's pages: start, the task list and its sections, check and submit, status.

Applications are reached only through ``enterprises.access.scoped`` (another company's
application is a 404) and changed only through ``services`` (whose ``ApplicationError`` messages
are shown to the applicant with everything they typed kept, never a 500).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from enterprises import access
from zoneportal.http import content_disposition

from . import services, states
from .forms import (
    AmountForm,
    ApplicantForm,
    ConfirmUnknownsForm,
    DeclarationForm,
    DocumentForm,
    ProjectForm,
    WithdrawForm,
)
from .models import Application, Programme
from .notify import item_label

SECTION_LABELS = {
    "applicant": gettext_lazy("Applicant details"),
    "project": gettext_lazy("Project details"),
    "amount": gettext_lazy("Amount requested"),
    "documents": pgettext_lazy("application", "Documents"),
    "declaration": gettext_lazy("Declaration"),
}
STATUS_LABELS = {
    services.NOT_STARTED: gettext_lazy("Not started"),
    services.IN_PROGRESS: pgettext_lazy("application step", "In progress"),
    services.COMPLETE: gettext_lazy("Complete"),
}


def applicant_view(methods=("GET",)):
    """Login, then the application (``pk``) within the user's companies (else 404), then its
    document (``document_id``, else 404), then the method (405)."""
    allowed = list(methods) + (["HEAD"] if "GET" in methods else [])

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            queryset = access.scoped(
                request.user,
                Application.objects.select_related("programme", "programme__page", "enterprise"),
            )
            application = get_object_or_404(queryset, pk=pk)
            if "document_id" in kwargs:
                kwargs["document"] = get_object_or_404(
                    application.documents.all(), pk=kwargs.pop("document_id")
                )
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            return view(request, application, *args, **kwargs)

        return never_cache(login_required(wrapper))

    return decorator


def _context(request, application, **extra):
    sections = services.sections(application)
    return {
        "application": application,
        "programme": application.programme,
        "policy": application.policy,
        "enterprise": application.enterprise,
        "section": "applications",
        "sections": [
            {
                "key": s.key,
                "label": SECTION_LABELS[s.key],
                "status": s.status,
                "status_label": STATUS_LABELS[s.status],
                "missing": s.missing,
                "reason": application.return_reasons.get(s.key, ""),
            }
            for s in sections
        ],
        "all_complete": all(s.status == services.COMPLETE for s in sections),
        "item_reasons": _item_reasons(application),
        "return_comment": _return_comment(application),
        **extra,
    }


def _item_reasons(application) -> list[tuple[str, str]]:
    """The reviewer's reasons for return, each with the name of what it is about."""
    return [(item_label(application, k), v) for k, v in application.return_reasons.items()]


def _unconfirmed(application) -> list:
    """Criteria the portal cannot check that the applicant has not confirmed (yet)."""
    evaluation = services.eligibility(application.enterprise, application.programme)
    return [c for c in evaluation.unknown if c.key not in application.confirmed_unknowns]


def _return_comment(application) -> str:
    """The reviewer's general comment of the latest return, while the application is returned."""
    if application.state != "returned":
        return ""
    event = application.events.filter(action="return").order_by("-created_at", "-pk").first()
    return event.comment if event else ""


def _edit_guard(request, application):
    """Send the applicant to the status page when the application can no longer be edited."""
    if application.is_editable:
        return None
    messages.info(
        request,
        _("This application is %(state)s and can no longer be changed.")
        % {"state": application.get_state_display()},
    )
    return redirect("applications:detail", pk=application.pk)


def _next_step(request, application, section):
    """ "Save and come back later" returns to the task list; "Continue" goes to the next section."""
    if "save_draft" in request.POST:
        messages.success(request, _("Saved. You can come back to it at any time."))
        return redirect("applications:detail", pk=application.pk)
    order = list(services.SECTIONS)
    index = order.index(section)
    if index + 1 < len(order):
        return redirect(f"applications:{order[index + 1]}", pk=application.pk)
    return redirect("applications:check", pk=application.pk)


def _data(request):
    """The posted data, or None on GET (an empty POST must still bind the form)."""
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


# --- list and start ---------------------------------------------------------------------------
PAGE_SIZE = 20  # applications per page of the list


@never_cache
@login_required
@require_GET
def index(request):
    enterprise = access.current_enterprise(request)
    if enterprise is None:
        return redirect("enterprises:register")
    applications = (
        Application.objects.filter(enterprise=enterprise)
        .select_related("programme", "programme__page")
        .order_by("-updated_at", "-pk")
    )
    page_obj = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/index.html",
        {
            "enterprise": enterprise,
            "section": "applications",
            "applications": page_obj.object_list,
            "page_obj": page_obj,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start(request, programme_id):
    """Check the company against the programme, confirm unknown facts, then create the draft."""
    programme = get_object_or_404(
        Programme.objects.select_related("page").filter(page__live=True), pk=programme_id
    )
    enterprise = access.current_enterprise(request)
    if enterprise is None:
        messages.info(request, _("Register your company first; then you can apply."))
        return redirect("enterprises:register")
    existing = services.live_application(enterprise, programme)
    if existing is not None:
        return redirect("applications:detail", pk=existing.pk)
    check = services.check_company(enterprise, programme)
    form = ConfirmUnknownsForm(_data(request), unknown=check.evaluation.unknown if check.ok else ())
    if request.method == "POST" and check.ok and form.is_valid():
        try:
            application = services.start_application(
                enterprise, programme, by=request.user, confirmed_unknowns=form.confirmed()
            )
        except services.ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/start.html",
        {
            "enterprise": enterprise,
            "section": "applications",
            "programme": programme,
            "policy": programme.page.specific,
            "check": check,
            "form": form,
        },
    )


# --- the task list and the status page --------------------------------------------------------
@applicant_view()
def detail(request, application):
    events = application.events.select_related("actor").exclude(action="start")
    return render(
        request,
        "applications/detail.html",
        _context(
            request,
            application,
            events=events,
            documents=_documents(application),
            can_withdraw=states.allowed("withdraw", application.state, states.APPLICANT),
            certificates=application.certificates.order_by("-issued_at", "-pk"),
        ),
    )


def _documents(application):
    uploaded = {d.requirement_id: d for d in application.documents.all()}
    rows = []
    for block_id, doc in application.programme.required_documents():
        rows.append(
            {
                "id": block_id,
                "doc": doc,
                "file": uploaded.get(block_id),
                "reason": application.return_reasons.get(block_id, ""),
                "accepted": ", ".join(code.upper() for code in doc["accepted"]),
            }
        )
    return rows


def _section_page(request, application, section, form, template, **extra):
    return render(
        request,
        template,
        _context(request, application, form=form, current=section, **extra),
    )


@applicant_view(methods=("GET", "POST"))
def applicant(request, application):
    if (redirect_to := _edit_guard(request, application)) is not None:
        return redirect_to
    form = ApplicantForm(_data(request), instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(
                application, by=request.user, section="applicant", **form.cleaned_data
            )
        except services.ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _next_step(request, application, "applicant")
    return _section_page(request, application, "applicant", form, "applications/applicant.html")


@applicant_view(methods=("GET", "POST"))
def project(request, application):
    if (redirect_to := _edit_guard(request, application)) is not None:
        return redirect_to
    form = ProjectForm(_data(request), instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(
                application,
                by=request.user,
                section="project",
                project_title=form.cleaned_data["project_title"],
                project_summary=form.cleaned_data["project_summary"],
                answers=form.answers(),
            )
        except services.ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _next_step(request, application, "project")
    return _section_page(request, application, "project", form, "applications/project.html")


@applicant_view(methods=("GET", "POST"))
def amount(request, application):
    if (redirect_to := _edit_guard(request, application)) is not None:
        return redirect_to
    initial = {"amount_requested": application.amount_requested}
    form = AmountForm(_data(request), initial=initial, programme=application.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(
                application,
                by=request.user,
                section="amount",
                amount_requested=form.cleaned_data["amount_requested"],
            )
        except services.ApplicationError as exc:
            form.add_error("amount_requested", exc.message)
        else:
            return _next_step(request, application, "amount")
    return _section_page(request, application, "amount", form, "applications/amount.html")


@applicant_view(methods=("GET", "POST"))
def documents(request, application):
    if (redirect_to := _edit_guard(request, application)) is not None:
        return redirect_to
    form = DocumentForm(_data(request), _files(request))
    failed = None
    if request.method == "POST" and ("continue" in request.POST or "save_draft" in request.POST):
        return _next_step(request, application, "documents")
    if request.method == "POST":
        failed = request.POST.get("requirement", "")
        if form.is_valid():
            try:
                document = services.add_document(
                    application,
                    by=request.user,
                    requirement_id=form.cleaned_data["requirement"],
                    upload=form.cleaned_data["file"],
                )
            except services.ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request, _("Uploaded %(name)s.") % {"name": document.original_name}
                )
                return redirect("applications:documents", pk=application.pk)
    return _section_page(
        request,
        application,
        "documents",
        form,
        "applications/documents.html",
        documents=_documents(application),
        failed=failed,
    )


@applicant_view(methods=("POST",))
def document_delete(request, application, document):
    try:
        services.remove_document(application, by=request.user, document_id=document.pk)
    except services.ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file was removed."))
    return redirect("applications:documents", pk=application.pk)


@applicant_view()
def document_download(request, application, document):
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition("attachment", document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@applicant_view(methods=("GET", "POST"))
def declaration(request, application):
    if (redirect_to := _edit_guard(request, application)) is not None:
        return redirect_to
    form = DeclarationForm(
        _data(request),
        initial={"accept": application.declaration_accepted_at is not None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_declaration(application, by=request.user)
        except services.ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _next_step(request, application, "declaration")
    return _section_page(request, application, "declaration", form, "applications/declaration.html")


@applicant_view(methods=("GET", "POST"))
def check(request, application):
    """Check your answers, then submit (or resubmit). A repeated POST shows the confirmation.

    When the profile or the policy changed since the application was started and a criterion
    the portal cannot check appeared, the applicant confirms it here (``confirm`` POST).
    """
    unknown = _unconfirmed(application) if application.is_editable else []
    confirm_form = ConfirmUnknownsForm(
        _data(request) if "confirm" in request.POST else None, unknown=unknown
    )
    if request.method == "POST" and "confirm" in request.POST:
        if confirm_form.is_valid():
            try:
                services.confirm_unknowns(
                    application, by=request.user, keys=confirm_form.confirmed()
                )
            except services.ApplicationError as exc:
                messages.error(request, exc.message)
            return redirect("applications:check", pk=application.pk)
    elif request.method == "POST":
        try:
            outcome = services.submit(application, by=request.user)
        except services.ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("applications:check", pk=application.pk)
        return redirect("applications:submitted", pk=outcome.application.pk)
    if (redirect_to := _edit_guard(request, application)) is not None:
        return redirect_to
    form = ProjectForm(instance=application)
    return render(
        request,
        "applications/check.html",
        _context(
            request,
            application,
            documents=_documents(application),
            confirm_form=confirm_form if unknown else None,
            answers=[
                (field.label, application.answers.get(block_id, ""))
                for (block_id, _q), field in zip(
                    form.questions, form.question_fields(), strict=True
                )
            ],
        ),
    )


@applicant_view()
def submitted(request, application):
    if application.reference is None:
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/submitted.html", _context(request, application))


@applicant_view(methods=("GET", "POST"))
def withdraw(request, application):
    form = WithdrawForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(application, by=request.user, comment=form.cleaned_data["comment"])
        except services.ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The application was withdrawn."))
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/withdraw.html", _context(request, application, form=form))
