"""The message centre (站内消息) and what each person wants to hear, and how.

Words, used the same way in code and on pages: a *message* (消息) is an entry in a person's
message centre, perhaps also e-mailed; a *push* (推送) is a message telling a company that a
policy fits it; a *public notice* (公示) is something else entirely (applications' approval
notice) and is not made here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from policies.models import PolicyPage


class Notification(models.Model):
    """A message in a person's message centre (站内消息), optionally also e-mailed.

    ``key`` identifies what the message is about (e.g. ``policy-match:<policy>:<version>``) so
    the same event never notifies the same person twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("enterprise"),
    )
    kind = models.CharField(_("kind"), max_length=30)
    key = models.CharField(max_length=120)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("in-app message")
        verbose_name_plural = _("in-app messages")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """What a person wants to hear about, and how (at once, a daily digest, or not by e-mail)."""

    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("E-mail me at once")
        DAILY = "daily", _("One daily digest")
        WEEKLY = "weekly", _("One weekly digest (Mondays)")
        NONE = "none", _("No e-mail (message centre only)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.CharField(
        _("e-mail"), max_length=10, choices=Email.choices, default=Email.IMMEDIATE
    )
    # Empty lists mean "all": policy types and department ids of interest for policy matches.
    policy_types = models.JSONField(_("policy types"), default=list, blank=True)
    department_ids = models.JSONField(_("departments"), default=list, blank=True)
    policy_matches = models.BooleanField(_("push me new policies that fit"), default=True)
    programme_alerts = models.BooleanField(
        _("programmes my company qualifies for: opening and closing reminders"), default=True
    )

    class Meta:
        verbose_name = _("message settings")
        verbose_name_plural = _("message settings")

    def __str__(self):
        return f"{self.user}: {self.email}"

    def wants_policy(self, policy_type: str, department_id: int) -> bool:
        if not self.policy_matches:
            return False
        if self.policy_types and policy_type not in self.policy_types:
            return False
        return not (self.department_ids and department_id not in self.department_ids)

    def wants_programme(self, policy_type: str, department_id: int) -> bool:
        """Programme alerts (a window opens, a window closes soon), within the policy filters."""
        if not self.programme_alerts:
            return False
        if self.policy_types and policy_type not in self.policy_types:
            return False
        return not (self.department_ids and department_id not in self.department_ids)


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
        Enterprise,
        on_delete=models.CASCADE,
        related_name="policy_match_notices",
        verbose_name=_("enterprise"),
    )
    criteria_fingerprint = models.CharField(_("criteria fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("pushed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("policy push")
        verbose_name_plural = _("policy pushes")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "enterprise", "criteria_fingerprint"],
                name="one_notice_per_policy_version",
            )
        ]

    def __str__(self):
        return f"{self.policy_id} → {self.enterprise_id} ({self.criteria_fingerprint[:8]})"


class OutboxMessage(models.Model):
    """Work that must happen after a commit (an e-mail, a message, a task), written in the commit.

    A row is written in the same transaction as the change that causes it, so the work is
    neither lost when the broker is down nor done for a change that was rolled back. The relay
    (``notifications.outbox``) hands each row to the queue once the transaction commits, and
    again until the work has been done (``done_at``, set in the transaction of the work itself);
    every task it names is idempotent, so a row run twice still has its effect once.
    """

    task = models.CharField(_("task"), max_length=100)
    kwargs = models.JSONField(_("arguments"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    dispatched_at = models.DateTimeField(_("handed to the queue at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(done_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self):
        return f"{self.task} {self.kwargs}"


class OutgoingEmail(models.Model):
    """An e-mail to an address (an invitation, a sign-up confirmation), sent at most once.

    Its text may hold a one-time link, so the body is cleared once it has been sent.
    """

    to = models.JSONField(_("recipients"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self):
        return self.subject
