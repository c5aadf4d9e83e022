"""The staff side of enquiries in the Wagtail admin: queues per department, acting, 督办.

Handlers see their departments' enquiries; dispatchers and supervisors see all (the queue's
department filter gives each department its own queue). Every change goes through
``services.transition``; these views check the right, show, and call it.
"""

import contextlib
import datetime
import functools

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from policies.models import Department
from zoneportal.clock import local_today

from . import rules, services, states
from .models import FAQ, Enquiry, EnquiryKind, EnquiryState

PAGE_SIZE = 100


def staff_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not rules.is_enquiry_staff(request.user):
            return TemplateResponse(
                request,
                "wagtailadmin/enquiries/forbidden.html",
                {"page_title": _("Enquiries")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


@staff_required
def queue(request):
    today = local_today()
    enquiries = rules.visible_to_staff(
        request.user, Enquiry.objects.select_related("department", "enterprise")
    )
    state = request.GET.get("state", "open")
    if state == "open":
        enquiries = enquiries.filter(state__in=states.OPEN)
    elif state in EnquiryState.values:
        enquiries = enquiries.filter(state=state)
    department = request.GET.get("department", "")
    if department == "none":
        enquiries = enquiries.filter(department__isnull=True)
    elif department.isdigit() and len(department) < 19:
        enquiries = enquiries.filter(department_id=int(department))
    kind = request.GET.get("kind", "")
    if kind in EnquiryKind.values:
        enquiries = enquiries.filter(kind=kind)
    if request.GET.get("flag") in (services.DUE_SOON, services.OVERDUE):
        enquiries = enquiries.filter(flag=request.GET["flag"])
    rows = []
    for e in enquiries.order_by("submitted_at")[:PAGE_SIZE]:
        due = services.current_due(e)
        rows.append({"enquiry": e, "due": due, "overdue": due is not None and due < today})
    return TemplateResponse(
        request,
        "wagtailadmin/enquiries/queue.html",
        {
            "page_title": _("Enquiries"),
            "rows": rows,
            "states": EnquiryState.choices,
            "kinds": EnquiryKind.choices,
            "departments": Department.objects.all(),
            "filters": {
                "state": state,
                "department": department,
                "kind": kind,
                "flag": request.GET.get("flag", ""),
            },
            "can_dispatch": rules.is_dispatcher(request.user),
        },
    )


@staff_required
@require_http_methods(["POST"])
def bulk_route(request):
    """The dispatcher routes the ticked enquiries to one department (bulk assign)."""
    if not rules.is_dispatcher(request.user):
        return redirect("enquiry_admin:queue")
    department = Department.objects.filter(pk=_int(request.POST.get("department"))).first()
    done = 0
    for pk in request.POST.getlist("enquiry"):
        enquiry = rules.visible_to_staff(request.user).filter(pk=_int(pk)).first()
        if enquiry is None:
            continue
        try:
            services.transition(enquiry, "route", by=request.user, department=department)
            done += 1
        except services.EnquiryError as exc:
            messages.error(request, f"{enquiry.number}: {exc.message}")
    if done:
        messages.success(request, _("%(n)s enquiries routed.") % {"n": done})
    return redirect("enquiry_admin:queue")


def _int(value):
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request, pk):
    enquiry = get_object_or_404(
        rules.visible_to_staff(request.user, Enquiry.objects.select_related("department")), pk=pk
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        due = None
        with contextlib.suppress(ValueError):
            due = datetime.date.fromisoformat(request.POST.get("due_date", ""))
        try:
            if action not in states.STAFF_ACTIONS:
                raise services.EnquiryError(_("There is no such action."))
            services.transition(
                enquiry,
                action,
                by=request.user,
                comment=request.POST.get("comment", ""),
                department=Department.objects.filter(
                    pk=_int(request.POST.get("department"))
                ).first(),
                due_date=due,
                days=_int(request.POST.get("days")),
            )
        except services.EnquiryError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Done."))
        return redirect("enquiry_admin:detail", enquiry.pk)
    role_ok = {
        "handler": rules.may_handle(request.user, enquiry),
        "dispatcher": rules.is_dispatcher(request.user),
        "supervisor": rules.is_supervisor(request.user),
    }
    actions = [
        a
        for a in states.ACTIONS.values()
        if a.name in states.STAFF_ACTIONS and enquiry.state in a.sources and role_ok[a.role]
    ]
    return TemplateResponse(
        request,
        "wagtailadmin/enquiries/detail.html",
        {
            "page_title": enquiry.number,
            "enquiry": enquiry,
            "events": enquiry.events.select_related("actor", "to_department"),
            "actions": actions,
            "due": services.current_due(enquiry),
            "departments": Department.objects.all(),
            "faq": _faq_panel(request.user, enquiry),
        },
    )


def _faq_panel(user, enquiry):
    """What the detail page offers about publishing the enquiry as a question and answer."""
    if enquiry.kind != EnquiryKind.POLICY or enquiry.state not in services.FAQ_STATES:
        return None
    published = enquiry.faqs.first()
    if published is not None:
        return {"published": published}
    if not enquiry.faq_consent:
        return {"no_consent": True}
    if enquiry.policy_id is None or not services.may_publish_faq(user, enquiry):
        return None
    return {"form": True}


@staff_required
@require_http_methods(["POST"])
def publish_faq(request, pk):
    """Publish the enquiry, as rewritten by the staff member, as a question and answer."""
    enquiry = get_object_or_404(rules.visible_to_staff(request.user), pk=pk)
    try:
        services.publish_faq(
            enquiry,
            by=request.user,
            question=request.POST.get("question", ""),
            answer=request.POST.get("answer", ""),
        )
    except services.EnquiryError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Published on the policy page as a question and answer."))
    return redirect("enquiry_admin:detail", enquiry.pk)


@staff_required
def supervision(request):
    """督办: every department's open work as of today, the overdue enquiries by name."""
    if not (rules.is_supervisor(request.user) or rules.is_dispatcher(request.user)):
        return redirect("enquiry_admin:queue")
    return TemplateResponse(
        request,
        "wagtailadmin/enquiries/supervision.html",
        {
            "page_title": _("Supervision"),
            "rows": services.open_work_by_department(local_today()),
            "today": local_today(),
        },
    )


def _faqs_for(user):
    """The questions and answers ``user`` may correct: a supervisor all, others their
    departments' (through the enquiry each came from)."""
    faqs = FAQ.objects.select_related("policy", "enquiry").order_by("-published_at", "-pk")
    if rules.is_supervisor(user):
        return faqs
    return faqs.filter(enquiry__in=rules.visible_to_staff(user))


@staff_required
def faqs(request):
    return TemplateResponse(
        request,
        "wagtailadmin/enquiries/faqs.html",
        {"page_title": _("Questions and answers"), "faqs": _faqs_for(request.user)[:PAGE_SIZE]},
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_faq(request, pk):
    """Correct a published question and answer, or take it off the policy page."""
    faq = get_object_or_404(_faqs_for(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.edit_faq(
                faq,
                by=request.user,
                question=request.POST.get("question", ""),
                answer=request.POST.get("answer", ""),
                published=request.POST.get("published") == "on",
            )
        except services.EnquiryError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The question and answer is saved."))
            return redirect("enquiry_admin:faqs")
        return redirect("enquiry_admin:edit_faq", faq.pk)
    return TemplateResponse(
        request,
        "wagtailadmin/enquiries/faq_edit.html",
        {"page_title": _("Edit the question and answer"), "faq": faq},
    )
