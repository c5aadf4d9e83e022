"""Enterprise enquiries and requests (诉求): asked by a company's member, tracked to the end.

An ``Enquiry`` moves only through ``services.transition`` and the table in ``states``; each move
is an ``EnquiryEvent`` (the asker's timeline). The columns the public performance page counts
(month, department, on time, working days to answer, rating, rectified) are written when the
enquiry is answered or rated, so the page aggregates without recounting working days.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises.models import Enterprise, private_storage


class EnquiryKind(models.TextChoices):
    POLICY = "policy", _("Policy question")
    DIFFICULTY = "difficulty", _("Request or difficulty")
    COMPLAINT = "complaint", _("Complaint or suggestion")


class EnquiryState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", pgettext_lazy("enquiry", "Accepted")
    TRANSFERRED = "transferred", _("Transferred")
    ANSWERED = "answered", _("Answered")
    REOPENED = "reopened", _("Reopened for rectification")
    CLOSED = "closed", _("Closed")


class Rating(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


#: 不满意 or worse: a poor rating (差评), which reopens the enquiry once.
POOR_RATING = Rating.DISSATISFIED
#: States in which the enquiry waits for staff.
OPEN = frozenset({"submitted", "accepted", "transferred", "reopened"})


class Enquiry(models.Model):
    number = models.CharField(_("tracking number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=EnquiryKind.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=EnquiryState.choices, default=EnquiryState.SUBMITTED
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="enquiries", verbose_name=_("company")
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enquiries",
        verbose_name=_("asked by"),
    )
    policy = models.ForeignKey(
        "policies.PolicyPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("policy"),
    )
    programme = models.ForeignKey(
        "applications.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("programme"),
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("application"),
    )
    #: The department handling it; none means the dispatcher (分派) triages it.
    department = models.ForeignKey(
        "policies.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("department"),
    )
    subject = models.CharField(_("subject"), max_length=100)
    text = models.TextField(_("your question or request"))
    faq_consent = models.BooleanField(
        _("may be published anonymously as a question and answer"), default=False
    )

    submitted_at = models.DateTimeField(_("submitted"))
    accept_due = models.DateField(_("to be accepted by"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    due_date = models.DateField(_("answer due"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    transfer_count = models.PositiveSmallIntegerField(default=0)
    # An extension asked by the handler, waiting for a supervisor's approval.
    extension_days = models.PositiveSmallIntegerField(null=True, blank=True)
    extension_reason = models.CharField(max_length=500, blank=True)

    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=Rating.choices, null=True, blank=True
    )
    rating_comment = models.CharField(_("comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rectify_due = models.DateField(_("rectification due"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # For the performance page and the queue, written by the transitions and the daily task.
    first_answered_at = models.DateTimeField(null=True, blank=True)
    answer_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_on_time = models.BooleanField(null=True)
    first_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rectified = models.BooleanField(default=False)
    flag = models.CharField(max_length=10, blank=True)  # "", "due_soon", "overdue"

    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        permissions = [
            ("handle_enquiry", "Can handle enquiries of the departments one belongs to"),
            ("dispatch_enquiry", "Can triage enquiries and route them to departments"),
            ("supervise_enquiry", "Can supervise enquiries and approve extensions"),
        ]
        indexes = [
            models.Index(fields=["state", "department"]),
            # The performance page selects a year of enquiries by submission date. (A covering
            # index with the counted columns measured no faster, and SQLite has none.)
            models.Index(fields=["submitted_at"], name="enquiry_performance_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN


class EnquiryEvent(models.Model):
    class Role(models.TextChoices):
        ASKER = "asker", _("Asker")
        HANDLER = "handler", _("Handling department")
        DISPATCHER = "dispatcher", _("Dispatcher")
        SUPERVISOR = "supervisor", _("Supervisor")
        SYSTEM = "system", _("System")

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    comment = models.TextField(blank=True)
    from_department = models.ForeignKey(
        "policies.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_department = models.ForeignKey(
        "policies.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.enquiry_id} {self.action}"


def enquiry_upload_to(instance, filename):
    return f"enquiries/{instance.enquiry_id}/{uuid.uuid4().hex}"


class EnquiryAttachment(models.Model):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=enquiry_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.original_name


class DepartmentHandler(models.Model):
    """A staff member who handles a department's enquiries (sees its queue, is told of it)."""

    department = models.ForeignKey(
        "policies.Department",
        on_delete=models.CASCADE,
        related_name="enquiry_handlers",
        verbose_name=_("department"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enquiry_departments",
        verbose_name=_("staff member"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "user"], name="one_handler_row")
        ]
        verbose_name = _("enquiry handler")
        verbose_name_plural = _("enquiry handlers")

    def __str__(self):
        return f"{self.department} · {self.user}"


class EnquiryCounter(models.Model):
    """The last tracking number given out in a year (ZX-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class FAQ(models.Model):
    """A question and answer (问答) shown on a policy page and found by search.

    Staff write it from an answered policy question whose asker consented, rewritten so that no
    company or person is named (``services.publish_faq``); the enquiry stays private.
    """

    policy = models.ForeignKey(
        "policies.PolicyPage",
        on_delete=models.CASCADE,
        related_name="faqs",
        verbose_name=_("policy"),
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"))
    enquiry = models.ForeignKey(
        Enquiry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="faqs",
        verbose_name=_("from enquiry"),
    )
    published = models.BooleanField(_("published"), default=True)
    published_at = models.DateTimeField(_("published on"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["published_at", "pk"]
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        indexes = [models.Index(fields=["policy", "published"], name="faq_policy_idx")]

    def __str__(self):
        return self.question[:50]
