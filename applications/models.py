"""Programmes (申报项目) under a policy and companies' applications to them (项目申报)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable

from cms.models import is_english
from enterprises.models import private_storage
from policies.models import PolicyPage
from policies.workdays import as_local_date, working_days_between
from zoneportal import bounds
from zoneportal.clock import local_today

ACCEPTED_FILE_KINDS = [
    ("pdf", "PDF"),
    ("jpeg", "JPEG"),
    ("png", "PNG"),
    ("docx", "DOCX (Word)"),
    ("xlsx", "XLSX (Excel)"),
]


class RequiredDocumentBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("name"), max_length=100)
    name_en = blocks.CharBlock(label=_("name (English)"), max_length=200, required=False)
    description = blocks.TextBlock(label=_("description"), required=False)
    required = blocks.BooleanBlock(label=_("required"), required=False, default=True)
    accepted = blocks.MultipleChoiceBlock(
        label=_("accepted file types"),
        choices=ACCEPTED_FILE_KINDS,
        default=["pdf"],
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")


class QuestionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("question"), max_length=200)
    label_en = blocks.CharBlock(label=_("question (English)"), max_length=300, required=False)
    help_text = blocks.CharBlock(label=_("help text"), max_length=300, required=False)
    kind = blocks.ChoiceBlock(
        label=_("kind of answer"),
        choices=[("text", _("Text")), ("number", _("Number")), ("choice", _("Choice"))],
        default="text",
    )
    choices = blocks.TextBlock(
        label=_("choices"),
        required=False,
        help_text=_("For a choice question: one choice per line."),
    )
    required = blocks.BooleanBlock(label=_("required"), required=False, default=True)

    class Meta:
        icon = "help"
        label = _("Question")


class Programme(Orderable):
    """A call for applications (申报项目) under a policy, edited with the policy."""

    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), help_text=_("China Standard Time."))
    closes_at = models.DateTimeField(_("closes at"), help_text=_("China Standard Time."))
    max_amount = models.DecimalField(
        _("maximum amount per company (yuan)"), max_digits=14, decimal_places=2
    )
    budget = models.DecimalField(_("total budget (yuan)"), max_digits=16, decimal_places=2)
    review_days = models.PositiveSmallIntegerField(
        _("promised review time (working days)"),
        default=15,
        help_text=_("Counted in working days from the day an application is accepted."),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("public notice period (working days)"), default=5
    )
    objection_contact = models.CharField(
        _("contact for objections"),
        max_length=200,
        blank=True,
        help_text=_("Telephone or e-mail shown on the public notice (公示)."),
    )
    documents = StreamField(
        [("document", RequiredDocumentBlock())],
        blank=True,
        verbose_name=_("required documents"),
    )
    questions = StreamField(
        [("question", QuestionBlock())], blank=True, verbose_name=_("extra questions")
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldRowPanel([FieldPanel("max_amount"), FieldPanel("budget")]),
        FieldRowPanel(
            [FieldPanel("review_days"), FieldPanel("notice_days"), FieldPanel("objection_contact")]
        ),
        FieldPanel("documents"),
        FieldPanel("questions"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.name_en if is_english() and self.name_en else self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The window closes before it opens.")
        if self.max_amount is not None and self.max_amount <= 0:
            errors["max_amount"] = _("The maximum amount must be more than zero.")
        for name in ("max_amount", "budget"):
            if getattr(self, name) is not None and getattr(self, name) > bounds.MAX_AMOUNT_YUAN:
                errors[name] = _("The amount cannot be more than ¥1,000,000,000,000.")
        for name in ("opens_at", "closes_at"):
            moment = getattr(self, name)
            earliest, latest = bounds.EARLIEST_DOCUMENT_DATE, bounds.LATEST_DOCUMENT_DATE
            if moment and not earliest <= timezone.localdate(moment) <= latest:
                errors[name] = _("The date must be between 1949-10-01 and 2099-12-31.")
        if (
            self.budget is not None
            and self.max_amount is not None
            and self.budget < self.max_amount
        ):
            errors["budget"] = _("The budget is smaller than the maximum amount for one company.")
        if errors:
            raise ValidationError(errors)

    def window_state(self, now=None) -> str:
        """``upcoming``, ``open`` or ``closed`` by the server's clock."""
        now = now or timezone.now()
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"

    def is_open(self, now=None) -> bool:
        return self.window_state(now) == "open"

    def required_documents(self) -> list:
        """(id, value) of each required-document block, in order."""
        return [(block.id, block.value) for block in self.documents]

    def question_list(self) -> list:
        return [(block.id, block.value) for block in self.questions]

    def approved_total(self):
        total = self.applications.filter(state__in=APPROVED).aggregate(
            total=models.Sum("amount_approved")
        )["total"]
        return total or Decimal("0")

    def committed_elsewhere(self):
        """What other apps have granted from this budget (apply-free awards, ``fulfilment``)."""
        return sum((committed(self) for committed in OTHER_COMMITMENTS), Decimal("0"))

    def remaining_budget(self):
        return self.budget - self.approved_total() - self.committed_elsewhere()


#: Callables ``programme -> Decimal`` of apps above this one that spend a programme's budget
#: (registered with ``rules.register_benefit_source``).
OTHER_COMMITMENTS: list = []


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted for review")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved (public notice)")
    FINAL = "final", _("Approved (final)")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The groups of states, defined here and nowhere else.
S = ApplicationState
#: The applicant can change the answers.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
#: With the reviewers, waiting to be accepted.
WAITING = frozenset({S.SUBMITTED, S.RESUBMITTED})
#: With the reviewers: waiting or under review (the review queue's "open").
WITH_REVIEWERS = WAITING | {S.ACCEPTED}
#: Approved, during or after the public notice: the award stands.
APPROVED = frozenset({S.APPROVED, S.FINAL})
#: A decision has been taken.
DECIDED = APPROVED | {S.REJECTED}
#: No longer holding the company's one place in the programme.
ENDED = frozenset({S.REJECTED, S.WITHDRAWN})


class Application(models.Model):
    """A company's application to a programme (项目申报), from draft to decision."""

    State = ApplicationState

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("programme"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("enterprise"),
    )
    reference = models.CharField(
        _("reference number"), max_length=20, unique=True, null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ApplicationState.choices, default="draft"
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The applicant's answers, section by section.
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    project_title = models.CharField(_("project title"), max_length=200, blank=True)
    project_summary = models.TextField(_("project summary"), blank=True)
    answers = models.JSONField(_("answers to the extra questions"), default=dict, blank=True)
    amount_requested = models.DecimalField(
        _("amount requested (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    declaration_accepted_at = models.DateTimeField(_("declaration accepted at"), null=True)
    declaration_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sections_touched = models.JSONField(default=list, blank=True)
    confirmed_unknowns = models.JSONField(
        _("facts the applicant confirmed"), default=list, blank=True
    )

    # Kept at submission: the profile and the eligibility explanation as they were then.
    profile_snapshot = models.JSONField(_("profile at submission"), default=dict, blank=True)
    eligibility_snapshot = models.JSONField(
        _("eligibility at submission"), default=dict, blank=True
    )

    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_date = models.DateField(_("promised decision date"), null=True, blank=True)
    due_date_complete = models.BooleanField(default=True, editable=False)
    return_reasons = models.JSONField(_("reasons for return"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    amount_approved = models.DecimalField(
        _("amount approved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("final at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        permissions = [("review_application", _("Can review applications and decide them"))]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "enterprise"],
                condition=~Q(state__in=sorted(state.value for state in ENDED)),
                name="one_live_application_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gt=0),
                name="application_amount_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["enterprise", "state"]),
        ]

    def __str__(self):
        return self.reference or _("Draft application %(pk)s") % {"pk": self.pk}

    @property
    def policy(self) -> PolicyPage:
        return self.programme.page.specific

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def is_decided(self) -> bool:
        return self.state in DECIDED

    def is_overdue(self, today=None) -> bool:
        today = today or local_today()
        return (
            self.state == ApplicationState.ACCEPTED
            and self.due_date is not None
            and today > self.due_date
        )

    def days_waiting(self, today=None, calendar=None) -> int | None:
        """Working days since the application last reached the reviewers (None if not there).

        ``calendar``: a loaded ``workdays.Calendar`` to share across a list (one query, not one
        per row).
        """
        if self.state not in WITH_REVIEWERS:
            return None
        since = self.last_submitted_at or self.submitted_at
        if since is None:
            return None
        return working_days_between(as_local_date(since), today or local_today(), calendar)


def application_upload_to(instance, filename):
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class ApplicationDocument(models.Model):
    """A file an applicant uploaded for one of the programme's required documents."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement_id = models.CharField(max_length=64)
    file = models.FileField(
        _("file"), upload_to=application_upload_to, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement_id"], name="one_file_per_requirement"
            )
        ]

    def __str__(self):
        return self.original_name


class ApplicationEvent(models.Model):
    """One step in an application's life: who, when, from which state to which, and why.

    ``comment`` and ``reasons`` are shown to the applicant; ``internal_note`` only to staff.
    """

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        REVIEWER = "reviewer", _("Reviewer")
        SYSTEM = "system", _("System")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(_("from"), max_length=12, choices=ApplicationState.choices)
    to_state = models.CharField(_("to"), max_length=12, choices=ApplicationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    comment = models.TextField(_("comment"), blank=True)
    reasons = models.JSONField(_("reasons per item"), default=dict, blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.application_id}: {self.from_state} → {self.to_state}"


class ReferenceCounter(models.Model):
    """The last application reference number given out in a year (CDHT-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")

    def __str__(self):
        return f"{self.year}: {self.last}"
