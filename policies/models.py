"""Policies: the issuing departments, the policy index and PolicyPage with its criteria."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
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
from wagtail.url_routing import RouteResult

from cms.blocks import BodyBlock
from cms.models import PortalPage, is_english
from zoneportal import bounds
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
    # Whom to ask about its policies: shown on every policy page of the department.
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=250, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=100, blank=True)
    office_hours_en = models.CharField(_("office hours (English)"), max_length=120, blank=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name_en if is_english() and self.name_en else self.name

    def bilingual(self, field):
        """``field`` in the active language: the English one when there is one."""
        english = getattr(self, f"{field}_en", "") if is_english() else ""
        return english or getattr(self, field)

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.address or self.office_hours)


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

    def route(self, request, path_components):
        """A policy is read in one query with its department (Wagtail reads the generic row,
        then the specific one, then the page reads its department): the policy page can show
        its questions and answers (``enquiries``) within the same number of queries."""
        if path_components:
            try:
                page = (
                    PolicyPage.objects.child_of(self)
                    .select_related("department")
                    .get(slug=path_components[0])
                )
            except PolicyPage.DoesNotExist:
                return super().route(request, path_components)  # another kind of page, or 404
            page._cached_parent_obj = self
            return page.route(request, path_components[1:])
        return super().route(request, path_components)

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

    ``criteria`` holds the structured criteria exactly as docs/matching.md specifies; the admin
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
    # Repeal (废止): from this day on the policy is no longer in force (policies.in_force).
    repealed_on = models.DateField(
        _("repealed on"),
        null=True,
        blank=True,
        help_text=_("废止: the first day on which the policy is no longer in force."),
    )
    superseded_by = models.ForeignKey(
        "policies.PolicyPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
        help_text=_("The policy that replaces this one (give the repeal date too)."),
    )

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
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("repealed_on"), FieldPanel("superseded_by")])],
            heading=_("Repeal (废止)"),
        ),
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

    # --- the published versions (历史版本): <policy>/history/ and <policy>/history/<n>/ ------
    def route(self, request, path_components):
        if path_components and path_components[0] == "history" and self.live:
            rest = path_components[1:]
            if not rest:
                return RouteResult(self, kwargs={"history": True})
            if len(rest) == 1 and rest[0].isdigit() and len(rest[0]) < 7:
                return RouteResult(self, kwargs={"history": True, "version": int(rest[0])})
        return super().route(request, path_components)

    def serve(self, request, *args, history=False, version=None, **kwargs):
        if history:
            return self.serve_history(request, version)
        return super().serve(request, *args, **kwargs)

    def serve_history(self, request, number=None):
        from .history import compare, published_versions

        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        versions = published_versions(self)
        context = {"page": self, "self": self, "versions": versions[::-1]}
        if number is not None:
            if not 1 <= number <= len(versions):
                raise Http404
            current = versions[number - 1]
            previous = versions[number - 2] if number > 1 else None
            context.update(
                {
                    "version": current,
                    "previous": previous,
                    "changes": compare(previous.page if previous else None, current.page),
                }
            )
        return TemplateResponse(request, "policies/policy_history.html", context)

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
        return is_in_force(
            self.effective_date, self.expiry_date, today or local_today(), self.repealed_on
        )

    @property
    def status(self) -> str:
        return status_on(self.effective_date, self.expiry_date, local_today(), self.repealed_on)

    def is_repealed(self, today=None) -> bool:
        return self.repealed_on is not None and self.repealed_on <= (today or local_today())

    def clean(self):
        super().clean()
        errors = {}
        for name in ("effective_date", "expiry_date"):
            day = getattr(self, name)
            if day and not bounds.EARLIEST_DOCUMENT_DATE <= day <= bounds.LATEST_DOCUMENT_DATE:
                errors[name] = _("The date must be between 1949-10-01 and 2099-12-31.")
        if (
            "expiry_date" not in errors
            and self.expiry_date
            and self.effective_date
            and self.expiry_date < self.effective_date
        ):
            errors["expiry_date"] = _("The expiry date is before the effective date.")
        if self.repealed_on and not (
            bounds.EARLIEST_DOCUMENT_DATE <= self.repealed_on <= bounds.LATEST_DOCUMENT_DATE
        ):
            errors["repealed_on"] = _("The date must be between 1949-10-01 and 2099-12-31.")
        if self.superseded_by_id and not self.repealed_on:
            errors["repealed_on"] = _("Give the date from which the superseded policy is repealed.")
        if self.superseded_by_id and self.pk and self.superseded_by_id == self.pk:
            errors["superseded_by"] = _("A policy cannot supersede itself.")
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


class HolidayCalendarDay(models.Model):
    """A staff override of one day of the holiday calendar.

    The official calendar comes from the ``chinesecalendar`` package (see ``policies.workdays``);
    a row here wins over it for its date. A ``holiday`` (法定节假日) is a day off even on a
    weekday; a ``workday`` (调休上班日) is a make-up working day even on a Saturday or Sunday.
    Staff add rows for a local day off, or for next year's notice before the package has it; a
    year in neither is treated as "weekends only" and flagged. The 2025 and 2026 rows seeded by
    migration 0006 agree with the package (``tests/test_workdays.py`` checks it).
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
