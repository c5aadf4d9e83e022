"""Certificate pages: the public check at ``/verify/<number>``, and downloads for the company.

**Verification** is public and shows only what the certificate itself shows. The answer is one
of: valid, revoked (when and why, and the replacement's number if it was re-issued), unknown
(a well-formed number we never issued: 404), malformed (404). A ``?s=`` signature from the QR
code is checked against the stored facts; a wrong one is a warning on the page ("this link was
not made by us"), never a 500. Anyone may upload a PDF (at most 5 MB, must start with
``%PDF-``) to learn whether its SHA-256 is that of a certificate we issued. Lookups and uploads
count against a per-IP limit in the shared cache (``CERTIFICATE_VERIFY_RATE``, 30 a minute):
numbers cannot be harvested. While Redis is unreachable the limit counts per process (logged).

**Downloads** are for the company's members (through ``enterprises.access``) and application
reviewers; anyone else gets a 404 that does not reveal the certificate exists. Every download
is recorded (``CertificateDownload``).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from applications.models import ApplicationState
from applications.services import is_reviewer
from enterprises import access, uploads
from enterprises.middleware import has_active_totp, staff_mfa_required
from zoneportal.http import content_disposition

from . import issue, signing
from .models import Certificate, CertificateDownload

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DEFAULT_RATE = (30, 60)  # lookups per window (seconds), per client IP


def _rate() -> tuple[int, int]:
    return getattr(settings, "CERTIFICATE_VERIFY_RATE", DEFAULT_RATE)


def client_ip(request) -> str:
    """The client's address, behind the trusted proxies (``ALLAUTH_TRUSTED_PROXY_COUNT``).

    The same address allauth's rate limits use: behind a reverse proxy REMOTE_ADDR is the
    proxy's, and counting it would limit every visitor together.
    """
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or "unknown"
    except Exception:  # noqa: BLE001 - a malformed forwarding header is not the visitor's fault
        return request.META.get("REMOTE_ADDR") or "unknown"


def over_limit(request) -> bool:
    """Count one lookup for the client's IP; True once it is over the limit in this window."""
    limit, window = _rate()
    bucket = int(time.time() // window)
    key = f"certificate-verify:{client_ip(request)}:{bucket}"
    added = cache.add(key, 1, timeout=window + 5)
    try:
        count = 1 if added else cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window
        count = 1
    if count is None:
        # A cache that ignores its errors (django-redis' IGNORE_EXCEPTIONS) counted nothing:
        # fail open, never 500, and say so.
        logger.warning("/verify rate limit not applied: the cache is unavailable")
        return False
    if getattr(cache, "using_fallback", False):
        logger.warning(
            "/verify rate limit counted in this process only: the shared cache (Redis) is "
            "unreachable"
        )
    return count > limit


def _too_many(request):
    limit, window = _rate()
    response = render(
        request,
        "certificates/rate_limited.html",
        {"limit": limit, "window": window},
        status=429,
    )
    response["Retry-After"] = str(window)
    return response


def _not_found(request, number_text: str, *, malformed: bool):
    return render(
        request,
        "certificates/not_found.html",
        {"number_text": number_text[:60], "malformed": malformed},
        status=404,
    )


def certificate_status(certificate) -> str:
    """What the check says of a certificate we issued, in one word.

    ``replaced`` (revoked and re-issued under a new number), ``revoked``, ``notice`` (genuine,
    but the approval is still in its public notice (公示): not final, so not called valid),
    or ``valid`` (genuine, the notice over, not revoked).
    """
    if certificate.is_revoked:
        return "replaced" if getattr(certificate, "replaced_by", None) else "revoked"
    if certificate.application.state == ApplicationState.APPROVED:
        return "notice"
    return "valid"


def _verify_context(certificate, signature):
    printed = certificate.printed()
    replaced_by = getattr(certificate, "replaced_by", None) if certificate.is_revoked else None
    signature_state = None
    if signature is not None:
        signature_state = "valid" if printed.verify(signature) else "invalid"
    status = certificate_status(certificate)
    return {
        "certificate": certificate,
        "printed": printed,
        # ``state``: genuine and in force (valid) or revoked; ``status``: what the page says.
        "state": "revoked" if certificate.is_revoked else "valid",
        "status": status,
        "notice_until": certificate.application.notice_until if status == "notice" else None,
        "replaced_by": replaced_by,
        "signature_state": signature_state,
    }


@never_cache
@require_http_methods(["GET", "HEAD"])
def verify(request, number: str):
    if over_limit(request):
        return _too_many(request)
    canonical, certificate = issue.find_by_number(number)
    if canonical is None:
        return _not_found(request, number, malformed=True)
    if certificate is None:
        return _not_found(request, canonical, malformed=False)
    signature = request.GET.get("s")
    context = _verify_context(certificate, signature if signature is not None else None)
    return render(request, "certificates/verify.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_start(request):
    """The form: type a number (GET ?number=) or upload a PDF (POST)."""
    if request.method == "POST":
        if over_limit(request):
            return _too_many(request)
        return _verify_upload(request)
    number = request.GET.get("number")
    if number:
        if over_limit(request):
            return _too_many(request)
        canonical = signing.normalise_number(number)
        if canonical is None:
            return _not_found(request, number, malformed=True)
        return redirect("certificates:verify", number=canonical)
    return render(request, "certificates/verify_start.html", {})


def _verify_upload(request):
    upload = request.FILES.get("file")
    error = None
    if upload is None:
        error = _("Choose a PDF file to check.")
    elif upload.size > MAX_UPLOAD_BYTES:
        error = _("The file is larger than 5 MB: no certificate of ours is that large.")
    else:
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            error = _("The file is larger than 5 MB: no certificate of ours is that large.")
        elif uploads.sniff(data[:16]) is not uploads.PDF:
            error = _("This file is not a PDF.")
    if error:
        return render(request, "certificates/verify_start.html", {"error": error}, status=400)
    certificate = issue.find_by_pdf(data)
    context = {"uploaded": True, "upload_name": upload.name[:100]}
    if certificate is None:
        context["upload_unknown"] = True
        return render(request, "certificates/verify_start.html", context)
    context.update(_verify_context(certificate, None))
    return render(request, "certificates/verify.html", context)


# --- The company's certificates ---------------------------------------------------------------
def _visible_certificates(user):
    """Certificates ``user`` may download: their companies' (members) or all (reviewers)."""
    queryset = Certificate.objects.select_related("application", "application__enterprise")
    # Staff reach every company's certificate only as the admin would let them in: with
    # two-factor authentication (a staff account signs in with its code once it has one).
    if is_reviewer(user) and (not staff_mfa_required() or has_active_totp(user)):
        return queryset, True
    return access.scoped(user, queryset, "application__enterprise"), False


@never_cache
@login_required
def mine(request):

    certificates = access.scoped(
        request.user,
        Certificate.objects.select_related("application__enterprise", "replaces"),
        "application__enterprise",
    ).order_by("-issued_at", "-pk")
    return render(
        request,
        "certificates/mine.html",
        {"certificates": [(c, c.printed()) for c in certificates]},
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def download(request, number: str):

    canonical = signing.normalise_number(number)
    if canonical is None:
        raise Http404
    queryset, as_staff = _visible_certificates(request.user)
    certificate = queryset.filter(number=canonical).first()
    if certificate is None:
        raise Http404
    try:
        handle = certificate.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if request.method == "GET":
        CertificateDownload.objects.create(
            certificate=certificate, user=request.user, as_staff=as_staff
        )
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        "attachment", certificate.download_name(), fallback=f"{certificate.number}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
