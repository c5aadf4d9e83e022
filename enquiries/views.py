"""The company's enquiry pages: ask, my enquiries, the timeline, rate; the public performance.

Enquiries are reached only through ``enterprises.access.scoped`` (another company's enquiry is
a 404, for staff too: they work in the admin) and changed only through ``services``.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from applications.models import Application, Programme
from enterprises import access
from policies.models import PolicyPage
from zoneportal.http import content_disposition

from . import performance as perf
from . import services
from .forms import AskForm, RateForm
from .models import Enquiry, EnquiryState


def company_view(methods=("GET",)):
    """Login, then the enquiry (``pk``) within the user's companies (else 404), then its
    attachment (else 404), then the method (405): another company's is a 404 whatever the
    method."""
    allowed = list(methods) + (["HEAD"] if "GET" in methods else [])

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            queryset = access.scoped(
                request.user, Enquiry.objects.select_related("enterprise", "department", "policy")
            )
            enquiry = get_object_or_404(queryset, pk=pk)
            if "attachment_id" in kwargs:  # the attachment must be this enquiry's
                kwargs["attachment_id"] = get_object_or_404(
                    enquiry.attachments, pk=kwargs["attachment_id"]
                )
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            return view(request, enquiry, *args, **kwargs)

        return never_cache(login_required(wrapper))

    return decorator


def _linked(request):
    """The policy, programme or application named in the query string, if it exists."""
    links = {}
    value = request.GET.get("policy") or request.POST.get("policy") or ""
    if value.isdigit() and len(value) < 19:
        links["policy"] = PolicyPage.objects.live().filter(pk=int(value)).first()
    value = request.GET.get("programme") or request.POST.get("programme") or ""
    if value.isdigit() and len(value) < 19:
        links["programme"] = Programme.objects.select_related("page").filter(pk=int(value)).first()
    value = request.GET.get("application") or request.POST.get("application") or ""
    if value.isdigit() and len(value) < 19:
        links["application"] = (
            access.scoped(request.user, Application.objects).filter(pk=int(value)).first()
        )
    return {k: v for k, v in links.items() if v is not None}


PAGE_SIZE = 20  # enquiries per page of the list


@never_cache
@login_required
@require_GET
def index(request):
    enterprise = access.current_enterprise(request)
    enquiries = access.scoped(request.user, Enquiry.objects.select_related("department"))
    page_obj = Paginator(enquiries.order_by("-submitted_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "enquiries/index.html",
        {
            "enterprise": enterprise,
            "enquiries": page_obj.object_list,
            "page_obj": page_obj,
            "section": "enquiries",
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ask(request):
    enterprise = access.current_enterprise(request)
    if enterprise is None:
        messages.info(request, _("Register or join your company first; then you can ask."))
        return redirect("enterprises:dashboard")
    links = _linked(request)
    initial = {}
    if links.get("policy") or links.get("programme"):
        initial["kind"] = "policy"
    form = AskForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiry = services.ask(
                enterprise,
                by=request.user,
                kind=data["kind"],
                subject=data["subject"],
                text=data["text"],
                attachments=data["attachments"],
                faq_consent=data["faq_consent"],
                **links,
            )
        except services.EnquiryError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "We have received your enquiry. Its tracking number is %(number)s; "
                    "we will accept it by %(date)s."
                )
                % {"number": enquiry.number, "date": enquiry.accept_due.isoformat()},
            )
            return redirect("enquiries:detail", enquiry.pk)
    return render(
        request,
        "enquiries/ask.html",
        {"enterprise": enterprise, "form": form, "links": links, "section": "enquiries"},
    )


STAGES = [
    ("accept", pgettext_lazy("enquiry", "Accepted")),
    ("transfer", gettext_lazy("Transferred")),
    ("handle", gettext_lazy("In hand")),
    ("answer", gettext_lazy("Answered")),
    ("rate", gettext_lazy("Rated")),
]


def stages(enquiry: Enquiry, events) -> list[dict]:
    """受理 → 转办 → 办理 → 答复 → 评价: which stage is done."""
    done = {e.action for e in events}
    S = EnquiryState
    reached = {
        "accept": "accept" in done,
        "transfer": "transfer" in done,
        "handle": enquiry.state in (S.ACCEPTED, S.ANSWERED, S.REOPENED, S.CLOSED),
        "answer": "answer" in done,
        "rate": bool(done & {"rate", "rate_and_reopen"}),
    }
    return [{"key": k, "label": str(label), "done": reached[k]} for k, label in STAGES]


@company_view(("GET",))
def detail(request, enquiry):
    events = list(enquiry.events.select_related("to_department").all())
    return render(
        request,
        "enquiries/detail.html",
        {
            "enterprise": enquiry.enterprise,
            "enquiry": enquiry,
            "events": [
                e for e in events if e.action not in ("request_extension", "refuse_extension")
            ],
            "stages": stages(enquiry, events),
            "due": services.current_due(enquiry),
            "can_rate": enquiry.state == EnquiryState.ANSWERED,
            "section": "enquiries",
        },
    )


@company_view(("GET", "POST"))
def rate(request, enquiry):
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.rate(
                enquiry,
                by=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except services.EnquiryError as exc:
            form.add_error(None, exc.message)
        else:
            if outcome.enquiry.state == EnquiryState.REOPENED:
                messages.info(
                    request,
                    _(
                        "Thank you. We are sorry the answer did not help: the department will "
                        "look at it again by %(date)s."
                    )
                    % {"date": outcome.enquiry.rectify_due.isoformat()},
                )
            else:
                messages.success(request, _("Thank you for your rating."))
            return redirect("enquiries:detail", enquiry.pk)
    return render(
        request,
        "enquiries/rate.html",
        {
            "enterprise": enquiry.enterprise,
            "enquiry": enquiry,
            "form": form,
            "section": "enquiries",
        },
    )


@company_view(("GET",))
def attachment(request, enquiry, attachment_id):
    item = attachment_id  # looked up by ``company_view``
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = content_disposition("inline", item.original_name)
    return response


@require_GET
def performance(request):
    """Public: aggregates only, per month and department; SVG charts; CSV download."""
    data = perf.table(request.GET.get("year"))
    if request.GET.get("format") == "csv":
        response = HttpResponse(perf.csv_text(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(
            "attachment", f"enquiries-{data['year']}.csv"
        )
        return response
    return render(
        request, "enquiries/performance.html", {"data": data, "charts": perf.charts(data)}
    )
