"""Fulfilment (兑现): the money after an approval, and apply-free (免申即享) rosters.

Amounts are ``Decimal`` in **yuan (元)** with two decimals, as the programme's budget and the
application's approved amount are; pages print them in yuan (``¥``) and totals also in 万元.

- ``BankAccount``: a company's settlement account, verified by finance staff; every change is an
  ``BankAccountEvent`` (audited) and needs verifying again.
- ``PaymentPlan``: how a programme pays: instalment shares (50/50 …) and whether the last one
  waits for an acceptance (验收).
- ``Award``: money granted to a company under a programme, from a final application or a
  confirmed roster entry; paid in ``Instalment`` rows, gathered in ``PaymentBatch`` rows that
  finance exports to the bank and whose result file it imports.
- ``AcceptanceReport`` (验收) and ``Recovery`` (追回) against an award.
- ``Roster`` / ``RosterEntry``: the apply-free list of eligible companies, with evidence.

The state machines are the tables in ``states``; the state groups are defined here.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import private_storage

AMOUNT = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")
#: A roster still being generated this long after it was asked for may be discarded.
STALE_AFTER = datetime.timedelta(minutes=30)


class AccountState(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not accepted")


class BankAccount(models.Model):
    """A company's settlement account (one per company; a change is verified again)."""

    State = AccountState

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="bank_account",
        verbose_name=_("enterprise"),
    )
    account_name = models.CharField(_("account name"), max_length=200)
    bank_name = models.CharField(_("bank and branch"), max_length=200)
    account_number = models.CharField(_("account number"), max_length=34)
    state = models.CharField(
        _("state"), max_length=10, choices=AccountState.choices, default=AccountState.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        permissions = [("verify_accounts", _("Can verify companies' bank accounts"))]

    def __str__(self):
        return f"{self.account_name} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return "•••• " + self.account_number[-4:]

    @property
    def is_verified(self) -> bool:
        return self.state == AccountState.VERIFIED

    def details(self) -> dict:
        return {
            "account_name": self.account_name,
            "bank_name": self.bank_name,
            "account_number": self.account_number,
        }


class BankAccountEvent(models.Model):
    """The audit trail of an account: entered, changed, verified, refused (before and after)."""

    account = models.ForeignKey(BankAccount, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.account_id}: {self.action}"


class PaymentPlan(models.Model):
    """How a programme's awards are paid (none: one instalment, no acceptance)."""

    programme = models.OneToOneField(
        "applications.Programme",
        on_delete=models.CASCADE,
        related_name="payment_plan",
        verbose_name=_("programme"),
    )
    shares = models.JSONField(
        _("instalments (per cent)"),
        default=list,
        help_text=_("The share of each instalment in per cent, e.g. [50, 50]; they add up to 100."),
    )
    requires_acceptance = models.BooleanField(
        _("the last instalment waits for acceptance (验收)"), default=False
    )

    class Meta:
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")

    def __str__(self):
        return str(self.programme)

    def clean(self):
        from django.core.exceptions import ValidationError

        shares = self.shares
        if (
            not isinstance(shares, list)
            or not shares
            or not all(isinstance(s, int) and 0 < s <= 100 for s in shares)
            or sum(shares) != 100
        ):
            raise ValidationError(
                {"shares": _("Give whole per cents above zero that add up to 100, e.g. [50, 50].")}
            )
        if self.requires_acceptance and len(shares) < 2:
            raise ValidationError(
                {"requires_acceptance": _("Acceptance needs at least two instalments.")}
            )


class AwardSource(models.TextChoices):
    APPLICATION = "application", _("Application")
    APPLY_FREE = "apply_free", _("Apply-free (免申即享)")


class AwardState(models.TextChoices):
    ACTIVE = "active", _("Being paid")
    PAID = "paid", _("Paid in full")
    RECOVERING = "recovering", _("Recovery demanded")
    RECOVERED = "recovered", _("Recovered")


class Award(models.Model):
    """Money granted to a company under a programme (from an application or a roster)."""

    Source = AwardSource
    State = AwardState

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="awards"
    )
    programme = models.ForeignKey(
        "applications.Programme", on_delete=models.PROTECT, related_name="awards"
    )
    source = models.CharField(_("source"), max_length=12, choices=AwardSource.choices)
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award",
    )
    roster_entry = models.OneToOneField(
        "RosterEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="award"
    )
    amount = models.DecimalField(_("amount (yuan)"), **AMOUNT)
    granted_on = models.DateField(_("granted on"))
    state = models.CharField(
        _("state"), max_length=12, choices=AwardState.choices, default=AwardState.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-granted_on", "-pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        permissions = [
            ("check_acceptance", _("Can check acceptance reports and record recoveries")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(
                condition=(
                    Q(source="application", application__isnull=False, roster_entry__isnull=True)
                    | Q(source="apply_free", application__isnull=True, roster_entry__isnull=False)
                ),
                name="award_has_one_source",
            ),
        ]
        indexes = [models.Index(fields=["programme", "state"])]

    def __str__(self):
        return f"{self.enterprise} · {self.programme} · {self.amount}"


class InstalmentState(models.TextChoices):
    HELD = "held", _("Awaiting acceptance")
    DUE = "due", _("To be paid")
    SUBMITTED = "submitted", _("Submitted to the bank")
    PAID = "paid", _("Paid")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


IS = InstalmentState
#: Not yet paid and still to be paid (what a recovery cancels).
OUTSTANDING = frozenset({IS.HELD, IS.DUE, IS.RETURNED})
#: With the bank or paid: counted against the budget's payments.
SPENDING = frozenset({IS.SUBMITTED, IS.PAID})


class Instalment(models.Model):
    State = InstalmentState

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    amount = models.DecimalField(_("amount (yuan)"), **AMOUNT)
    state = models.CharField(_("state"), max_length=10, choices=InstalmentState.choices)
    needs_acceptance = models.BooleanField(default=False)
    batch = models.ForeignKey(
        "PaymentBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instalments",
    )
    #: The account it was (or is being) paid to, as it was when the batch was submitted.
    account = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    returned_reason = models.TextField(_("reason returned"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["award_id", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="one_instalment_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]
        indexes = [models.Index(fields=["state", "batch"])]

    def __str__(self):
        return f"{self.award_id}/{self.number}"

    @property
    def reference(self) -> str:
        """The line's reference in the bank files: ``FF-<award>-<number>``."""
        return f"FF-{self.award_id}-{self.number}"


class InstalmentEvent(models.Model):
    instalment = models.ForeignKey(Instalment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=10, choices=InstalmentState.choices)
    to_state = models.CharField(max_length=10, choices=InstalmentState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(blank=True)
    result_import = models.ForeignKey(
        "ResultImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.instalment_id}: {self.from_state} → {self.to_state}"


class BatchState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SUBMITTED = "submitted", _("Submitted to the bank")
    CLOSED = "closed", _("Settled")


class PaymentBatch(models.Model):
    """Instalments paid together: prepared, exported for the finance system, settled by the
    bank's result file."""

    State = BatchState

    number = models.CharField(_("batch number"), max_length=20, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=BatchState.choices, default=BatchState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        permissions = [("prepare_payments", _("Can prepare payment batches and import results"))]

    def __str__(self):
        return self.number


class ResultImport(models.Model):
    """One bank result file applied to a batch (a refused file leaves no row)."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    paid = models.PositiveIntegerField()
    returned = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.batch_id}: {self.file_name}"


class AcceptanceState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting the check")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


def acceptance_upload_to(instance, filename):
    import uuid

    return f"acceptance/{instance.award_id}/{uuid.uuid4().hex}"


class AcceptanceReport(models.Model):
    """A company's acceptance report (验收报告) for an award, and the staff's check."""

    State = AcceptanceState

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="acceptance_reports")
    file = models.FileField(upload_to=acceptance_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(
        max_length=10, choices=AcceptanceState.choices, default=AcceptanceState.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return self.original_name


class Recovery(models.Model):
    """A recovery (追回) recorded against a paid award, and when the money came back."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="recoveries")
    amount = models.DecimalField(_("amount (yuan)"), **AMOUNT)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    settled_on = models.DateField(_("money returned on"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive")
        ]

    def __str__(self):
        return f"{self.award_id}: {self.amount}"


class RosterState(models.TextChoices):
    GENERATING = "generating", _("Being generated")
    FAILED = "failed", _("Generation failed")
    DRAFT = "draft", _("Under review")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published (公示)")
    CLOSED = "closed", _("Closed")


#: A programme has at most one roster in these states at a time.
ROSTER_IN_PROGRESS = (
    RosterState.GENERATING,
    RosterState.DRAFT,
    RosterState.REVIEWED,
    RosterState.PUBLISHED,
)


class Roster(models.Model):
    """An apply-free (免申即享) roster: the companies a programme's policy fits, by reverse
    matching, each offered ``amount`` without an application."""

    State = RosterState

    programme = models.ForeignKey(
        "applications.Programme", on_delete=models.PROTECT, related_name="rosters"
    )
    amount = models.DecimalField(_("amount per company (yuan)"), **AMOUNT)
    confirm_days = models.PositiveSmallIntegerField(_("working days to confirm"), default=10)
    state = models.CharField(max_length=10, choices=RosterState.choices, default=RosterState.DRAFT)
    criteria = models.JSONField(_("criteria at generation"), default=dict)
    #: Why the last generation failed (state "failed"), for the officer's page.
    failure = models.TextField(blank=True)
    generated_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    confirm_until = models.DateField(_("confirm by"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        verbose_name = _("apply-free roster")
        verbose_name_plural = _("apply-free rosters")
        permissions = [("manage_rosters", _("Can generate, review and publish apply-free rosters"))]

    def __str__(self):
        return f"{self.programme} ({self.generated_at:%Y-%m-%d})"

    @property
    def is_stale(self) -> bool:
        """Still being generated long after it was asked for (a worker lost on the way)."""
        return (
            self.state == RosterState.GENERATING
            and timezone.now() - self.generated_at > STALE_AFTER
        )


class EntryState(models.TextChoices):
    LISTED = "listed", _("Listed")
    EXCLUDED = "excluded", _("Excluded")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Not confirmed in time")


class RosterEntry(models.Model):
    State = EntryState

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="roster_entries"
    )
    state = models.CharField(max_length=10, choices=EntryState.choices, default=EntryState.LISTED)
    #: The company's facts the criteria read, as the index held them at generation.
    evidence = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    account = models.JSONField(default=dict, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["roster_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "enterprise"], name="one_entry_per_company")
        ]
        indexes = [models.Index(fields=["enterprise", "state"])]

    def __str__(self):
        return f"{self.roster_id}: {self.enterprise_id}"


class BatchCounter(models.Model):
    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"
