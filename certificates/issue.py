"""Issuing, revoking and re-issuing certificates; finding them by number or by file.

**Once per application.** ``issue_for_application`` locks the application row and issues only
if the application has no certificate at all (valid or revoked): a retried or duplicated task
returns the certificate already issued, and a revoked certificate is never silently replaced.
A new number for the same award comes only from ``reissue``, which revokes the old certificate
and issues one that points to it, in one transaction. The partial unique constraint (one
unrevoked certificate per application) backs this up in the database.

**What is stored.** The printed facts (``CertificateContent.to_dict``), their signature, the PDF
in private storage (outside ``MEDIA_ROOT``; only the download view serves it) and the SHA-256 of
exactly those bytes, so an uploaded file can be recognised byte for byte.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import APPROVED, Application
from notifications.services import emit
from zoneportal.clock import local_today
from zoneportal.refusals import Refusal

from . import signing
from .content import CertificateContent
from .models import Certificate
from .render import render_pdf

logger = logging.getLogger(__name__)

KIND = "certificate"
NUMBER_ATTEMPTS = 5  # a clash of 60-bit random numbers is ~never; retry a few times anyway


class CertificateError(Refusal):
    """A request that cannot be carried out, with a message for the person who asked."""


def build_content(application, number: str, issued_date) -> CertificateContent:
    """The facts printed on the certificate of ``application``, as they are now."""
    programme = application.programme
    policy = application.policy
    department = policy.department
    enterprise = application.enterprise
    return CertificateContent(
        number=number,
        enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code,
        granted=programme.name,
        granted_en=programme.name_en or "",
        amount=application.amount_approved,
        policy_title=policy.title,
        policy_title_en=getattr(policy, "title_en", "") or "",
        document_number=policy.document_number or None,
        department=department.name if department else "成都高新区管理委员会",
        department_en=(department.name_en if department else "") or "",
        issued_date=issued_date,
    )


def _create(application, *, replaces=None):
    """Render, store and record a new certificate of ``application`` (caller holds the lock)."""
    today = local_today()
    for _attempt in range(NUMBER_ATTEMPTS):
        number = signing.new_certificate_number(today.year)
        if not Certificate.objects.filter(number=number).exists():
            break
    content = build_content(application, number, today)
    signature = content.sign()
    pdf = render_pdf(content, signature=signature)
    certificate = Certificate(
        application=application,
        number=number,
        content=content.to_dict(),
        signature=signature,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        replaces=replaces,
    )
    certificate.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        certificate.pdf.delete(save=False)
        raise
    return certificate


def issue_for_application(application_id: int):
    """The application's certificate: issued now if it has none yet (idempotent).

    Returns ``None`` when the application is not approved (or no longer exists).
    """
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("programme", "programme__page", "enterprise")
            .filter(pk=application_id)
            .first()
        )
        if application is None or application.state not in APPROVED:
            return None
        existing = Certificate.objects.filter(application=application).order_by("-pk").first()
        if existing is not None:
            return existing
        certificate = _create(application)
        transaction.on_commit(lambda: logger.info("issued certificate %s", certificate.number))
        return certificate


# --- Revocation and re-issue ------------------------------------------------------------------
def _locked(certificate_id: int):
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("application", "application__enterprise")
        .get(pk=certificate_id)
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason for the revocation."), code="reason")
    if len(reason) > 500:
        raise CertificateError(_("The reason is too long (500 characters at most)."), "reason")
    return reason


def revoke(certificate, *, by, reason: str):
    """Revoke a valid certificate with a reason; the company's members are told."""
    reason = _reason(reason)
    with transaction.atomic():
        locked = _locked(certificate.pk)
        if locked.revoked_at is not None:
            raise CertificateError(_("This certificate has already been revoked."), "already")
        locked.revoked_at, locked.revoked_by, locked.revoked_reason = timezone.now(), by, reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        _tell_members(locked, replacement=None)
    return locked


def reissue(certificate, *, by, reason: str):
    """Revoke ``certificate`` and issue a new one (new number) that replaces it, atomically."""
    reason = _reason(reason)
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).get(
            pk=certificate.application_id
        )
        locked = _locked(certificate.pk)
        if locked.revoked_at is not None:
            raise CertificateError(_("This certificate has already been revoked."), "already")
        if application.state not in APPROVED:
            raise CertificateError(
                _("The application is no longer approved: there is nothing to re-issue."),
                "not_approved",
            )
        locked.revoked_at, locked.revoked_by, locked.revoked_reason = timezone.now(), by, reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        application = Application.objects.select_related(
            "programme", "programme__page", "enterprise"
        ).get(pk=application.pk)
        new = _create(application, replaces=locked)
        _tell_members(locked, replacement=new)
    return new


def _tell_members(certificate, *, replacement) -> None:
    """A message for each member of the company (once per event), e-mailed as each chose."""
    with translation.override(settings.LANGUAGE_CODE):
        if replacement is None:
            title = _("Certificate %(number)s has been revoked") % {"number": certificate.number}
        else:
            title = _("Certificate %(number)s has been replaced by %(new)s") % {
                "number": certificate.number,
                "new": replacement.number,
            }
        body = _("Reason: %(reason)s") % {"reason": certificate.revoked_reason}
        url = reverse("certificates:mine")
    emit(
        kind=KIND,
        key=f"certificate-revoked:{certificate.pk}",
        title=title,
        body=body,
        url=url,
        enterprise_id=certificate.application.enterprise_id,
    )


# --- Lookups ----------------------------------------------------------------------------------
def find_by_number(text):
    """``(number, certificate)``: the canonical number (None if malformed) and its row (or None)."""
    number = signing.normalise_number(text)
    if number is None:
        return None, None
    return number, Certificate.objects.select_related("application", "replaces").filter(
        number=number
    ).first()


def find_by_pdf(data: bytes):
    digest = hashlib.sha256(data).hexdigest()
    return Certificate.objects.filter(sha256=digest).first()
