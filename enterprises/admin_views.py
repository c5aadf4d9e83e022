"""The enterprise verification queue in the Wagtail admin.

Enterprise verifiers (the group with ``enterprises.verify_enterprise``) and superusers see the
registrations waiting for them, look at a registration with its members, qualifications and
proofs, and verify it or return it for correction with a reason. The state changes are the
service functions in ``enterprises.services`` (they record the history and e-mail the company);
these views only check the right, show, and call them.

Every view here is also behind Wagtail's own "access admin" check (``register_admin_urls``) and
the staff MFA rule (``enterprises.middleware``).
"""

import functools

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zoneportal.clock import local_today

from . import services
from .models import (
    Enterprise,
    Industry,
    Qualification,
    VerificationEvent,
    VerificationStatus,
)

PERMISSION = "enterprises.verify_enterprise"
PAGE_SIZE = 50
ALL = "all"


def can_verify(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(PERMISSION)


def forbidden(request):
    """A 403 page inside the admin (Wagtail would turn PermissionDenied into a redirect)."""
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        raise PermissionDenied
    return TemplateResponse(
        request,
        "wagtailadmin/enterprises/forbidden.html",
        {"page_title": _("Enterprise verification"), "header_icon": "tasks"},
        status=403,
    )


def verifier_required(view_func):
    """403 for anyone without the right to verify enterprises (superusers have every right)."""

    @functools.wraps(view_func)
    def wrapped(request, *args, **kwargs):
        if not can_verify(request.user):
            return forbidden(request)
        return view_func(request, *args, **kwargs)

    return wrapped


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Verification status"),
        choices=[*VerificationStatus.choices, (ALL, _("All"))],
        required=False,
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Company name or unified social credit code"),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning the registration"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The company sees this text and corrects its registration accordingly."),
        error_messages={"required": _("Please give the reason, so the company can correct it.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason


def queue_queryset():
    """Companies with ``submitted_at``: when they last asked to be verified."""
    last_submitted = (
        VerificationEvent.objects.filter(
            enterprise=OuterRef("pk"), action=VerificationEvent.Action.SUBMITTED
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Enterprise.objects.annotate(
        submitted_at=Coalesce(Subquery(last_submitted), F("created_at")),
        member_count=Count("memberships", distinct=True),
        qualification_count=Count("qualifications", distinct=True),
    ).select_related("area")


@method_decorator(verifier_required, name="dispatch")
class QueueView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtailadmin/enterprises/verification_queue.html"
    page_title = _("Enterprise verification")
    header_icon = "tasks"
    breadcrumbs_items = []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = QueueFilterForm(self.request.GET or None)
        form.is_valid()  # an unknown status or an overlong search is simply ignored
        cleaned = getattr(form, "cleaned_data", {})
        status = cleaned.get("status") or VerificationStatus.PENDING
        query = (cleaned.get("q") or "").strip()

        companies = queue_queryset()
        if status != ALL:
            companies = companies.filter(verification_status=status)
        if query:
            code = "".join(query.split()).upper()
            companies = companies.filter(Q(name__icontains=query) | Q(credit_code__icontains=code))
        if status == VerificationStatus.PENDING:
            companies = companies.order_by("submitted_at", "pk")  # longest waiting first
        else:
            companies = companies.order_by("-submitted_at", "-pk")

        page = Paginator(companies, PAGE_SIZE).get_page(self.request.GET.get("p"))
        counts = dict(Enterprise.objects.values_list("verification_status").annotate(n=Count("pk")))
        context.update(
            form=form,
            status=status,
            query=query,
            page_obj=page,
            companies=page.object_list,
            pending_count=counts.get(VerificationStatus.PENDING, 0),
            status_tabs=[
                (value, label, counts.get(value, 0)) for value, label in VerificationStatus.choices
            ]
            + [(ALL, _("All"), sum(counts.values()))],
        )
        return context


def profile_rows(enterprise: Enterprise) -> list[tuple[str, object]]:
    """Every registration fact, labelled, in the order of the registration form."""
    industry = None
    if enterprise.industry_code:
        industry = Industry.objects.filter(code=enterprise.industry_code[:3]).first()
    field = Enterprise._meta.get_field

    def row(name, value=None):
        value = getattr(enterprise, name) if value is None else value
        return (field(name).verbose_name, value)

    industry_text = enterprise.industry_code
    if industry is not None:
        industry_text = f"{enterprise.industry_code} {industry.name}"
    return [
        row("name"),
        row("credit_code"),
        row("legal_representative"),
        row("registered_address"),
        row("established"),
        row("registered_capital_wan"),
        row("industry_code", industry_text),
        row("area", enterprise.area.name if enterprise.area else ""),
        row("employees"),
        row("revenue_wan"),
        row("rd_expense_wan"),
        row("business_scope"),
        row("credit_standing", enterprise.get_credit_standing_display()),
        row("contact_name"),
        row("contact_phone"),
        row("contact_email"),
        row("created_at"),
        row("updated_at"),
    ]


SIZE_LABELS = {"micro": _("micro"), "small": _("small"), "medium": _("medium"), "large": _("large")}


def derived_rows(enterprise: Enterprise) -> list[tuple[str, object]]:
    size = enterprise.size
    ratio = enterprise.rd_ratio
    return [
        (_("Size (derived)"), SIZE_LABELS.get(size, size) if size else ""),
        (_("Years since establishment"), enterprise.years_established()),
        (_("R&D ratio (percent of revenue)"), f"{ratio:.2f}%" if ratio is not None else ""),
    ]


def field_label(name: str) -> str:
    """The verbose name of an Enterprise field, for the keys of a ProfileChange."""
    try:
        return str(Enterprise._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@method_decorator(verifier_required, name="dispatch")
class DetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtailadmin/enterprises/verification_detail.html"
    header_icon = "tasks"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.enterprise = get_object_or_404(
            Enterprise.objects.select_related("area"), pk=kwargs["pk"]
        )

    def get_page_title(self):
        return self.enterprise.name

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {
                "url": reverse("enterprise_verification:queue"),
                "label": _("Enterprise verification"),
            },
            {"url": "", "label": self.enterprise.name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.enterprise
        today = local_today()
        qualifications = [
            (q, q.is_valid_on(today))
            for q in enterprise.qualifications.select_related("type").order_by(
                "type__sort_order", "-valid_until"
            )
        ]
        context.update(
            enterprise=enterprise,
            profile_rows=profile_rows(enterprise),
            derived_rows=derived_rows(enterprise),
            members=enterprise.memberships.select_related("user").order_by("joined_at"),
            qualifications=qualifications,
            events=enterprise.verification_events.select_related("actor"),
            changes=[
                (change, [field_label(key) for key in change.changes])
                for change in enterprise.changes.select_related("user")[:20]
            ],
            reject_form=kwargs.get("reject_form") or RejectForm(),
            is_pending=enterprise.verification_status == VerificationStatus.PENDING,
        )
        return context

    def post(self, request, *args, **kwargs):
        """The reject form comes back here when its reason is missing (see ``reject``)."""
        return self.get(request, *args, **kwargs)


@require_POST
@verifier_required
def verify(request, pk):
    enterprise = get_object_or_404(Enterprise, pk=pk)
    try:
        services.verify_enterprise(enterprise, by=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("enterprise_verification:detail", pk=enterprise.pk)
    messages.success(
        request,
        _("%(name)s is verified. Its members have been told by e-mail.") % {"name": enterprise},
    )
    return redirect("enterprise_verification:queue")


@require_POST
@verifier_required
def reject(request, pk):
    enterprise = get_object_or_404(Enterprise, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        # Show the registration again with the error beside the reason field (status 400).
        view = DetailView.as_view()
        response = view(request, pk=pk, reject_form=form)
        response.status_code = 400
        return response
    try:
        services.reject_enterprise(enterprise, by=request.user, reason=form.cleaned_data["reason"])
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("enterprise_verification:detail", pk=enterprise.pk)
    messages.success(
        request,
        _("%(name)s was returned for correction. Its members have been told by e-mail.")
        % {"name": enterprise},
    )
    return redirect("enterprise_verification:queue")


class ProofDownloadView(View):
    """Stream one qualification's proof to a verifier, as an attachment with its original name."""

    @method_decorator(verifier_required)
    def get(self, request, pk, qualification_id):
        qualification = get_object_or_404(
            Qualification.objects.select_related("enterprise"),
            pk=qualification_id,
            enterprise_id=pk,
        )
        if not qualification.proof:
            raise Http404
        try:
            handle = qualification.proof.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        filename = qualification.proof_name or qualification.proof.name.rsplit("/", 1)[-1]
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=filename,
            content_type=qualification.proof_content_type or "application/octet-stream",
        )
        response["Cache-Control"] = "private, no-store"
        return response


queue = QueueView.as_view()
detail = DetailView.as_view()
proof = ProofDownloadView.as_view()
