"""Certificates (资助确认书) issued for approved applications, and every download of one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from enterprises.models import private_storage

from .content import CertificateContent


def certificate_upload_to(instance, filename):
    return f"certificates/{instance.number[5:9]}/{instance.number}.pdf"


class Certificate(models.Model):
    """A certificate issued for an approved application: its printed facts and its PDF.

    ``content`` is the JSON of ``certificates.content.CertificateContent`` (what is
    printed, kept as printed: later edits of the company or policy never change it); the
    signature is over its signed facts, the SHA-256 over exactly the stored PDF. ``replaces``
    points from a re-issued certificate to the revoked one it replaces. Issued by
    ``certificates.issue`` only.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("application"),
    )
    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    content = models.JSONField(_("printed facts"))
    signature = models.CharField(_("signature"), max_length=64)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size"))
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=certificate_upload_to, max_length=200
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",  # no reverse accessor needed on users
        verbose_name=_("revoked by"),
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_application",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def printed(self):
        """The printed facts as a ``CertificateContent``."""
        return CertificateContent.from_dict(self.content)

    def download_name(self) -> str:
        """资助确认书-<company>-<number>.pdf: what the browser saves it as."""
        printed = self.printed()
        return f"{printed.title_zh}-{printed.enterprise_name}-{self.number}.pdf"


class CertificateDownload(models.Model):
    """One download of a certificate's PDF: who and when (an audit record)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",  # read from the certificate's side only
        verbose_name=_("user"),
    )
    as_staff = models.BooleanField(_("as staff"), default=False)
    downloaded_at = models.DateTimeField(_("downloaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        verbose_name = _("certificate download")
        verbose_name_plural = _("certificate downloads")

    def __str__(self):
        return f"{self.certificate_id} {self.user_id} {self.downloaded_at:%Y-%m-%d %H:%M}"
