"""What a person follows (关注), and which programme alerts a company has had.

A **follow** belongs to one person: a policy (told when it changes or is repealed), an issuing
department or a tag (told when a new policy of it is published), or a saved search with its
filters (told when a new policy matches it).

A **programme alert** records that a company was told about a programme at one stage (the
window opened; it closes in 30, 7 or 1 days), so each is told once however often the daily run
runs (a unique constraint backs it up).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from applications.models import Programme
from enterprises.models import Enterprise
from policies.models import Department, PolicyPage


class Follow(models.Model):
    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        DEPARTMENT = "department", _("Issuing department")
        TAG = "tag", _("Tag")
        SEARCH = "search", _("Saved search")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    policy = models.ForeignKey(
        PolicyPage, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # A saved search: {"q": "…", "filters": {"type": ["subsidy"], …}} as the search page reads it.
    query = models.JSONField(_("search"), default=dict, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("followed since"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "policy"], condition=Q(kind="policy"), name="follow_policy_once"
            ),
            models.UniqueConstraint(
                fields=["user", "department"],
                condition=Q(kind="department"),
                name="follow_department_once",
            ),
            models.UniqueConstraint(
                fields=["user", "tag"], condition=Q(kind="tag"), name="follow_tag_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="policy", policy__isnull=False)
                    | Q(kind="department", department__isnull=False)
                    | Q(kind="tag", tag__isnull=False)
                    | Q(kind="search")
                ),
                name="follow_has_its_target",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "policy"]),
            models.Index(fields=["kind", "department"]),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.label}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.POLICY and self.policy_id:
            return self.policy.title
        if self.kind == self.Kind.DEPARTMENT and self.department_id:
            return self.department.display_name
        if self.kind == self.Kind.TAG and self.tag_id:
            return self.tag.name
        return self.name or self.query.get("q", "")


class ProgrammeAlert(models.Model):
    """A company was told about a programme at one stage (``open``, ``close-30/7/1``)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    stage = models.CharField(_("stage"), max_length=10)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme alert")
        verbose_name_plural = _("programme alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "stage", "enterprise"], name="one_programme_alert_per_stage"
            )
        ]

    def __str__(self):
        return f"{self.programme_id}:{self.stage} → {self.enterprise_id}"
