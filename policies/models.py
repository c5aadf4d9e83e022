"""Policies: the issuing departments, the policy index and PolicyPage with its criteria."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models import PortalPage, is_english
from enterprises.models import private_storage
from zoneportal.clock import local_today

from .criteria import Criteria, CriteriaError
from .describe import describe_criteria
from .forms import PolicyPageForm
from .in_force import EXPIRED, IN_FORCE, in_force_filter, is_in_force, status_filter, status_on


class Department(models.Model):
    """An issuing department of the zone (成都高新区科技创新局 …): a managed list."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name_en if is_english() and self.name_en else self.name


class PolicyType(models.TextChoices):
    SUBSIDY = "subsidy", _("Direct subsidy")
    AWARD = "award", _("Award")
    SPACE = "space", _("Rent or space support")
    TALENT = "talent", _("Talent")
    FINANCE = "finance", _("Finance and loan interest support")
    TAX = "tax", _("Tax incentive")


class PolicyIndexPage(PortalPage):
    """The list of published policies, filterable by department, type and status."""

    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["policies.PolicyPage"]

    class Meta:
        verbose_name = _("policy index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        policies = PolicyPage.objects.child_of(self).live().public().select_related("department")
        q = request.GET.get("q", "").strip()[:100]
        department = request.GET.get("department", "")
        policy_type = request.GET.get("type", "")
        status = request.GET.get("status", IN_FORCE)
        today = local_today()
        if q:
            policies = policies.filter(
                Q(title__icontains=q)
                | Q(title_en__icontains=q)
                | Q(document_number__icontains=q)
                | Q(summary__icontains=q)
            )
        if department.isdigit():
            policies = policies.filter(department_id=int(department))
        if policy_type in PolicyType.values:
            policies = policies.filter(policy_type=policy_type)
        if status in (IN_FORCE, EXPIRED):
            policies = policies.filter(status_filter(status, today))
        policies = policies.order_by("-effective_date", "-pk")
        context.update(
            {
                "page_obj": Paginator(policies, 20).get_page(request.GET.get("page")),
                "departments": Department.objects.all(),
                "policy_types": PolicyType.choices,
                "filters": {
                    "q": q,
                    "department": department,
                    "type": policy_type,
                    "status": status,
                },
                "today": today,
            }
        )
        return context


class PolicyPageQuerySet(PageQuerySet):
    def in_force(self, today=None):
        """Policies whose effective date has come and whose expiry (if any) has not passed."""
        return self.filter(in_force_filter(today or local_today()))


PolicyPageManager = PageManager.from_queryset(PolicyPageQuerySet)


class PolicyPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "policies.PolicyPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class PolicyPage(PortalPage):
    """One policy (惠企政策): the document, its interpretation and its eligibility criteria.

    ``criteria`` holds the structured criteria exactly as INTERFACES.md specifies; the admin
    form edits it through one field per criterion and validates it with ``Criteria.parse``.
    ``external_id`` is the key of bulk imports, so importing a file twice never duplicates.
    """

    external_id = models.CharField(
        _("external id"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Key used by bulk imports. Leave empty for policies written here."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="policies",
        verbose_name=_("issuing department"),
    )
    document_number = models.CharField(
        _("document number"), max_length=100, help_text="成高管发〔2024〕3号"
    )
    policy_type = models.CharField(_("policy type"), max_length=10, choices=PolicyType.choices)
    effective_date = models.DateField(_("effective date"))
    expiry_date = models.DateField(
        _("expiry date"), null=True, blank=True, help_text=_("Leave empty if open-ended.")
    )
    summary = models.TextField(_("summary"))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("policy text"), blank=True)
    interpretation = RichTextField(
        _("interpretation"),
        blank=True,
        features=["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"],
        help_text=_("The plain-language interpretation (政策解读)."),
    )
    apply_free = models.BooleanField(
        _("apply-free"),
        default=False,
        help_text=_("免申即享: granted to every eligible enterprise without an application."),
    )
    max_amount_wan = models.DecimalField(
        _("maximum amount (10,000 CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    criteria = models.JSONField(_("eligibility criteria"), default=dict, blank=True)
    exclusivity_group = models.ForeignKey(
        "policies.ExclusivityGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("exclusivity group"),
        help_text=_(
            "A company may hold only one approval a year among the policies of a group "
            "(从高从优不重复)."
        ),
    )
    tags = ClusterTaggableManager(through=PolicyPageTag, blank=True, verbose_name=_("tags"))

    objects = PolicyPageManager()
    base_form_class = PolicyPageForm

    search_fields = Page.search_fields + [
        index.SearchField("title_en"),
        index.SearchField("document_number"),
        index.SearchField("summary"),
        index.FilterField("policy_type"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        MultiFieldPanel(
            [
                FieldPanel("department"),
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("policy_type")]),
                FieldRowPanel([FieldPanel("effective_date"), FieldPanel("expiry_date")]),
                FieldRowPanel([FieldPanel("apply_free"), FieldPanel("max_amount_wan")]),
            ],
            heading=_("The document"),
        ),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        FieldPanel("body"),
        FieldPanel("interpretation"),
        InlinePanel("attachments", heading=_("Attachments"), label=_("Attachment")),
        FieldPanel("tags"),
    ]
    eligibility_panels = [
        MultiFieldPanel(
            [
                FieldPanel("crit_industries"),
                FieldPanel("crit_areas"),
                FieldPanel("crit_sizes"),
            ],
            heading=_("Who: industry, area, size"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("crit_qualifications_all"),
                FieldPanel("crit_qualifications_any"),
            ],
            heading=_("Qualifications"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("crit_min_years_established"), FieldPanel("crit_min_employees")]
                ),
                FieldRowPanel(
                    [FieldPanel("crit_min_revenue_wan"), FieldPanel("crit_max_revenue_wan")]
                ),
                FieldPanel("crit_min_rd_ratio"),
                FieldPanel("crit_requires_good_credit"),
            ],
            heading=_("Figures and credit"),
        ),
    ]
    application_panels = [
        FieldPanel("exclusivity_group"),
        InlinePanel("programmes", heading=_("Programmes"), label=_("Programme")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(eligibility_panels, heading=_("Eligibility")),
            ObjectList(application_panels, heading=_("Applications")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    parent_page_types = ["policies.PolicyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["criteria_lines"] = describe_criteria(self.parsed_criteria)
        programmes = list(self.programmes.all())
        now = timezone.now()
        for programme in programmes:
            programme.window = programme.window_state(now)
        context["programmes"] = programmes
        return context

    # --- derived facts ------------------------------------------------------------------
    @property
    def parsed_criteria(self) -> Criteria:
        return Criteria.parse(self.criteria or {})

    def is_in_force(self, today=None) -> bool:
        return is_in_force(self.effective_date, self.expiry_date, today or local_today())

    @property
    def status(self) -> str:
        return status_on(self.effective_date, self.expiry_date, local_today())

    def clean(self):
        super().clean()
        errors = {}
        if self.expiry_date and self.effective_date and self.expiry_date < self.effective_date:
            errors["expiry_date"] = _("The expiry date is before the effective date.")
        try:
            self.criteria = Criteria.parse(self.criteria or {}).to_dict()
        except CriteriaError as exc:
            errors["criteria"] = str(exc)
        if errors:
            raise ValidationError(errors)


class PolicyAttachment(Orderable):
    """A document attached to a policy (the original file, forms, templates)."""

    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="attachments")
    # No reverse accessor from documents: Wagtail's usage report already lists where a
    # document is used, and a documents-to-policies accessor would only invite unscoped queries.
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")

    @property
    def display_title(self):
        return self.title or self.document.title


class PolicyMatchNotice(models.Model):
    """A company was told that a version of a policy fits it ("policies find enterprises").

    The fingerprint is a hash of the policy's criteria and its effective and expiry dates, so a
    republish without a change finds every notice already there and tells nobody again.
    """

    policy = models.ForeignKey(
        PolicyPage,
        on_delete=models.CASCADE,
        related_name="match_notices",
        verbose_name=_("policy"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="policy_match_notices",
        verbose_name=_("enterprise"),
    )
    criteria_fingerprint = models.CharField(_("criteria fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("notified at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("policy match notice")
        verbose_name_plural = _("policy match notices")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "enterprise", "criteria_fingerprint"],
                name="one_notice_per_policy_version",
            )
        ]

    def __str__(self):
        return f"{self.policy_id} → {self.enterprise_id} ({self.criteria_fingerprint[:8]})"


class HolidayCalendarDay(models.Model):
    """One day of the State Council's holiday calendar that differs from a plain week.

    A ``holiday`` (法定节假日) is a day off even on a weekday; a ``workday`` (调休上班日) is a
    make-up working day even on a Saturday or Sunday. Every other date is a working day from
    Monday to Friday. Staff extend the calendar each year when 国务院办公厅 publishes it; a year
    with no rows at all is treated as "weekends only" and flagged (see ``policies.workdays``).
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday (法定节假日)")
        WORKDAY = "workday", _("make-up working day (调休上班日)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=50, help_text=_("The festival, e.g. 春节 or 国庆节.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar days")

    def __str__(self):
        return f"{self.date.isoformat()} {self.name} ({self.get_kind_display()})"


# --- programmes and applications (申报项目与项目申报) -----------------------------------------
class ExclusivityGroup(models.Model):
    """Policies of which a company may hold only one approval a year (从高从优不重复)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Shown to applicants when an earlier approval blocks a new application."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("exclusivity group")
        verbose_name_plural = _("exclusivity groups")

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.name_en if is_english() and self.name_en else self.name


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
        total = self.applications.filter(state__in=Application.DECIDED_APPROVED).aggregate(
            total=models.Sum("amount_approved")
        )["total"]
        return total or Decimal("0")

    def remaining_budget(self):
        return self.budget - self.approved_total()


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


class Application(models.Model):
    """A company's application to a programme (项目申报), from draft to decision."""

    State = ApplicationState
    # States that no longer hold the company's one place in the programme.
    ENDED = (ApplicationState.REJECTED, ApplicationState.WITHDRAWN)
    DECIDED_APPROVED = (ApplicationState.APPROVED, ApplicationState.FINAL)

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
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "enterprise"],
                condition=~Q(state__in=["rejected", "withdrawn"]),
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
        return self.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)

    @property
    def is_decided(self) -> bool:
        return self.state in (
            ApplicationState.APPROVED,
            ApplicationState.FINAL,
            ApplicationState.REJECTED,
        )

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
        from .workdays import as_local_date, working_days_between

        if self.state not in (
            ApplicationState.SUBMITTED,
            ApplicationState.RESUBMITTED,
            ApplicationState.ACCEPTED,
        ):
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


# --- Certificates (issue 6) -------------------------------------------------------------------
def certificate_upload_to(instance, filename):
    return f"certificates/{instance.number[5:9]}/{instance.number}.pdf"


class Certificate(models.Model):
    """A certificate issued for an approved application: its printed facts and its PDF.

    ``content`` is the JSON of ``policies.certificates.content.CertificateContent`` (what is
    printed, kept as printed: later edits of the company or policy never change it); the
    signature is over its signed facts, the SHA-256 over exactly the stored PDF. ``replaces``
    points from a re-issued certificate to the revoked one it replaces. Issued by
    ``policies.certificates.issue`` only.
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
        from .certificates.content import CertificateContent

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
