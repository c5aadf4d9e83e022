"""Companies, the people in them, and the reference lists that describe an enterprise.

The reference lists (industries, areas, qualification types) are data, seeded by a migration and
extended by staff, because they change with the zone and with national standards.
"""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zoneportal import bounds
from zoneportal.clock import local_today

from . import credit_code
from .facts import completed_years, rd_ratio
from .reference import INDUSTRY_CODE_RE
from .sizing import classify


class UserManager(BaseUserManager):
    """Manager for a user model whose login identifier is the e-mail address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: an enterprise user or a member of zone staff.

    The e-mail address is the login identifier; there is no username.
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self):
        return self.full_name or self.first_name or self.email


class BilingualName(models.Model):
    """A reference entry named in Chinese and English; ``name`` follows the active language."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self):
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class Industry(BilingualName):
    """A GB/T 4754-2017 industry the zone uses: a section letter with a 2-4 digit code.

    Policies name industries by prefix (``I65`` admits ``I6513``), so divisions (letter plus
    two digits) are the entries editors pick from; deeper codes are accepted under them.
    """

    code = models.CharField(_("code"), max_length=5, unique=True)
    section = models.CharField(_("section"), max_length=1)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")


class Area(BilingualName):
    """An area of the zone an enterprise may be located in (south, west, east, biotown)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")


class QualificationType(BilingualName):
    """A qualification an enterprise may hold (HNTE, SRDI, gazelle …), each with a validity."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("qualification type")
        verbose_name_plural = _("qualification types")


def industry_code_error(code: str) -> str | None:
    """Why a GB/T 4754 code is not acceptable for a company, or None."""
    if not INDUSTRY_CODE_RE.match(code):
        return _(
            "%(code)s is not a GB/T 4754 industry code (a section letter and 2-4 digits, "
            "e.g. I6513)."
        ) % {"code": code}
    if not Industry.objects.filter(code=code[:3], active=True).exists():
        return _("%(code)s is not under an industry division the zone uses.") % {"code": code}
    return None


def private_storage():
    """Storage for files that must never be public (proofs): outside MEDIA_ROOT.

    A callable, so the location follows settings at run time (tests use their own folder).
    """
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class CreditStanding(models.TextChoices):
    GOOD = "good", _("Good: no record of serious dishonesty")
    RECORD = "record", _("Listed for serious dishonesty")
    UNKNOWN = "unknown", _("Not stated")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Returned for correction")


class Enterprise(models.Model):
    """A company registered in the portal; its credit code is the natural key.

    Size, years established and R&D ratio are derived from the facts here, never typed in.
    """

    name = models.CharField(_("company name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    registered_address = models.CharField(_("registered address"), max_length=255)
    established = models.DateField(_("date established"))
    registered_capital_wan = models.DecimalField(
        _("registered capital (10,000 CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    industry_code = models.CharField(
        _("industry (GB/T 4754)"),
        max_length=5,
        blank=True,
        help_text=_("A division such as I65, or a deeper code such as I6513."),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("area in the zone"),
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_wan = models.DecimalField(
        _("annual revenue (10,000 CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rd_expense_wan = models.DecimalField(
        _("annual R&D expense (10,000 CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    business_scope = models.TextField(_("business scope"), blank=True)
    credit_standing = models.CharField(
        _("credit standing"),
        max_length=10,
        choices=CreditStanding.choices,
        default=CreditStanding.UNKNOWN,
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    verification_reason = models.TextField(_("reason given by the verifier"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        permissions = [("verify_enterprise", _("Can verify enterprises"))]

    def __str__(self):
        return self.name

    def clean(self):
        """Normalise the credit code and check every fact; each problem on its own field."""
        from django.core.exceptions import ValidationError

        errors = {}
        try:
            self.credit_code = credit_code.validate(self.credit_code or "")
        except ValidationError as exc:
            errors["credit_code"] = exc.messages
        if self.established and self.established > local_today():
            errors["established"] = [_("The date of establishment cannot be in the future.")]
        elif self.established and self.established < bounds.EARLIEST_FOUNDING:
            errors["established"] = [
                _("The date of establishment cannot be before 1 October 1949 (1949-10-01).")
            ]
        if len(self.business_scope or "") > bounds.BUSINESS_SCOPE_MAX_CHARS:
            errors["business_scope"] = [
                _(
                    "The business scope can be at most %(max)d characters long (it has "
                    "%(length)d): copy it as on the business licence."
                )
                % {"max": bounds.BUSINESS_SCOPE_MAX_CHARS, "length": len(self.business_scope)}
            ]
        if self.industry_code:
            self.industry_code = self.industry_code.strip().upper()
            error = industry_code_error(self.industry_code)
            if error:
                errors["industry_code"] = [error]
        limit = bounds.MAX_AMOUNT_WAN  # 10 trillion CNY: a typing slip, not a company
        for field in ("registered_capital_wan", "revenue_wan", "rd_expense_wan"):
            value = getattr(self, field)
            if value is not None and value < 0:
                errors[field] = [_("The amount cannot be negative.")]
            elif value is not None and value > limit:
                errors[field] = [
                    _("This amount is implausibly large; amounts are in units of 10,000 CNY.")
                ]
        if self.employees is not None and self.employees > bounds.MAX_EMPLOYEES:
            errors["employees"] = [_("This number of employees is implausibly large.")]
        if errors:
            raise ValidationError(errors)

    @property
    def rd_above_revenue(self) -> bool:
        """R&D expense above revenue is allowed (start-ups), but worth a warning."""
        return (
            self.rd_expense_wan is not None
            and self.revenue_wan is not None
            and self.rd_expense_wan > self.revenue_wan
        )

    # --- derived facts ------------------------------------------------------------------
    @property
    def size(self) -> str | None:

        return classify(self.industry_code, self.employees, self.revenue_wan)

    def years_established(self, today=None) -> int | None:

        return completed_years(self.established, today)

    @property
    def rd_ratio(self):

        return rd_ratio(self.rd_expense_wan, self.revenue_wan)

    @property
    def good_credit(self) -> bool | None:
        return {CreditStanding.GOOD: True, CreditStanding.RECORD: False}.get(self.credit_standing)

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    def valid_qualifications(self, today=None):

        today = today or local_today()
        return self.qualifications.filter(
            valid_from__lte=today, valid_until__gte=today
        ).select_related("type")


class Membership(models.Model):
    """A person's place in a company: administrator or member. One person, many companies."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("enterprise"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ["enterprise__name", "joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "enterprise"], name="one_membership_each")
        ]

    def __str__(self):
        return f"{self.user} @ {self.enterprise} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    """An invitation by e-mail to join a company: expiring and single-use.

    Only a hash of the token is stored, so a database reader cannot accept invitations.
    """

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("enterprise"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.enterprise}"

    @property
    def is_open(self) -> bool:
        from django.utils import timezone

        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class Qualification(models.Model):
    """A qualification the company holds (HNTE, gazelle …) with its validity and proof.

    It counts for matching only while ``valid_until`` is today or later (Asia/Shanghai).
    """

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="qualifications",
        verbose_name=_("enterprise"),
    )
    type = models.ForeignKey(
        QualificationType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("qualification"),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    proof = models.FileField(
        _("proof"),
        storage=private_storage,
        upload_to="proofs/%Y/%m/",
        blank=True,
    )
    proof_name = models.CharField(_("original file name"), max_length=255, blank=True)
    proof_content_type = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["type__sort_order", "-valid_until"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self):
        return f"{self.type.name} {self.certificate_number}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.valid_from and self.valid_from < bounds.EARLIEST_DOCUMENT_DATE:
            errors["valid_from"] = _("The start of validity cannot be before 1949-10-01.")
        if self.valid_until and self.valid_until > bounds.LATEST_DOCUMENT_DATE:
            errors["valid_until"] = _("The end of validity cannot be after 2099-12-31.")
        elif self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity is before its start.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_until


class VerificationEvent(models.Model):
    """One step in a company's verification history: submitted, verified or rejected."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Returned for correction")

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="verification_events",
        verbose_name=_("enterprise"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verification event")
        verbose_name_plural = _("verification history")

    def __str__(self):
        return f"{self.enterprise} {self.action}"


class ProfileChange(models.Model):
    """Who changed which profile facts, when, from what to what."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("enterprise"),
    )
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    changed_at = models.DateTimeField(_("at"), auto_now_add=True)
    summary = models.CharField(_("what"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("profile change")
        verbose_name_plural = _("profile history")

    def __str__(self):
        return f"{self.enterprise}: {self.summary}"
