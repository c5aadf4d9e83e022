"""Certificates in the Wagtail admin, for application reviewers: find, inspect, revoke, re-issue.

Revoking and re-issuing go through ``certificates.issue`` (a reason is required; the
company's members are notified); an error is shown on the page, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications.admin_views import reviewer_required

from . import issue
from .models import Certificate

PAGE_SIZE = 50


@reviewer_required
def index(request):
    query = (request.GET.get("q") or "").strip()[:100]
    certificates = Certificate.objects.select_related("application__enterprise").order_by(
        "-issued_at", "-pk"
    )
    if query:
        certificates = certificates.filter(
            Q(number__icontains=query)
            | Q(application__enterprise__name__icontains=query)
            | Q(application__enterprise__credit_code__iexact=query)
        )
    return TemplateResponse(
        request,
        "wagtailadmin/certificates/index.html",
        {
            "page_title": _("Certificates"),
            "header_icon": "doc-full",
            "certificates": certificates[:PAGE_SIZE],
            "q": query,
        },
    )


@reviewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request, pk: int):
    certificate = get_object_or_404(
        Certificate.objects.select_related("application__enterprise", "replaces", "revoked_by"),
        pk=pk,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "revoke":
                issue.revoke(certificate, by=request.user, reason=reason)
                messages.success(request, _("The certificate has been revoked."))
                return redirect("certificate_admin:detail", pk=certificate.pk)
            if action == "reissue":
                new = issue.reissue(certificate, by=request.user, reason=reason)
                messages.success(
                    request, _("Certificate %(number)s has been issued.") % {"number": new.number}
                )
                return redirect("certificate_admin:detail", pk=new.pk)
            messages.error(request, _("There is no such action."))
        except issue.CertificateError as exc:
            messages.error(request, exc.message)
    return TemplateResponse(
        request,
        "wagtailadmin/certificates/detail.html",
        {
            "page_title": certificate.number,
            "header_icon": "doc-full",
            "certificate": certificate,
            "printed": certificate.printed(),
            "replaced_by": getattr(certificate, "replaced_by", None),
            "downloads": certificate.downloads.select_related("user")[:50],
        },
    )
