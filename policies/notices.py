"""Policies find enterprises: telling the members of fitting companies, once per policy version.

The search for fitting companies runs elsewhere (``search.reverse_tasks`` asks the enterprises
index); this module decides who is told and records it:

- **Once.** A ``PolicyMatchNotice`` (policy, enterprise, criteria fingerprint) is written for
  every company told. A company already told about the policy is not told again: republishing
  without a change tells nobody, and a change of criteria tells only the companies that newly
  fit. The fingerprint (criteria + effective and expiry dates) records which version it was.
- **Per person.** One ``Notification`` per member of each newly fitting company, unless the
  member's ``NotificationPreference`` filters the policy out (policy types, departments, or no
  policy matches at all). A person without a preference row hears everything.
- **E-mail.** Immediately, in a daily digest, or not at all (message centre only), as each
  person chose; the default is immediately. Sending happens in Celery tasks, queued on commit.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zoneportal.http import absolute_url

from .criteria import Criteria
from .models import PolicyMatchNotice, PolicyPage

KIND = "policy_match"
CHUNK = 5000  # ids per IN (...) list: well below PostgreSQL's bind-parameter limit
DIGEST_WINDOW = datetime.timedelta(days=2)


def criteria_fingerprint(policy: PolicyPage) -> str:
    """A hash of what decides who fits: the criteria (normalised) and the dates in force."""
    payload = {
        "criteria": Criteria.parse(policy.criteria or {}).to_dict(),
        "effective_date": policy.effective_date.isoformat() if policy.effective_date else None,
        "expiry_date": policy.expiry_date.isoformat() if policy.expiry_date else None,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def notification_key(policy_id: int, enterprise_id: int, fingerprint: str) -> str:
    return f"policy-match:{policy_id}:{enterprise_id}:{fingerprint[:16]}"


@dataclass
class NoticeOutcome:
    fingerprint: str
    enterprise_ids: list[int] = field(default_factory=list)  # newly told
    notification_ids: list[int] = field(default_factory=list)
    email_now: list[int] = field(default_factory=list)  # notifications to e-mail at once


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _message(policy: PolicyPage, enterprise) -> tuple[str, str]:
    """Title and text of the notification, in the portal's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("A new policy fits %(company)s: %(policy)s") % {
            "company": enterprise.name,
            "policy": policy.title,
        }
        lines = [
            _(
                "%(policy)s (%(number)s, issued by %(department)s) fits %(company)s "
                "on every criterion."
            )
            % {
                "policy": policy.title,
                "number": policy.document_number,
                "department": policy.department.name,
                "company": enterprise.name,
            }
        ]
        if policy.apply_free:
            lines.append(
                _("No application is needed (apply-free): the benefit is granted automatically.")
            )
        else:
            lines.append(_("Read the policy to see what it offers and how to apply."))
        return title[:200], "\n".join(lines)


@transaction.atomic
def notify_fitting(policy: PolicyPage, enterprise_ids) -> NoticeOutcome:
    """Tell the members of the companies in ``enterprise_ids`` not yet told about ``policy``."""
    from enterprises.models import Enterprise, Membership, Notification, NotificationPreference

    # One run per policy at a time: the lock makes "already told?" and the insert one step.
    list(PolicyPage.objects.select_for_update(of=("self",)).filter(pk=policy.pk).values("pk"))
    fingerprint = criteria_fingerprint(policy)
    outcome = NoticeOutcome(fingerprint)
    told = set(
        PolicyMatchNotice.objects.filter(policy=policy).values_list("enterprise_id", flat=True)
    )
    candidates = sorted(set(enterprise_ids) - told)
    if not candidates:
        return outcome

    enterprises = {}
    for chunk in _chunks(candidates):
        enterprises.update(Enterprise.objects.in_bulk(chunk))  # ids the index still had
    new_ids = sorted(enterprises)
    PolicyMatchNotice.objects.bulk_create(
        [
            PolicyMatchNotice(policy=policy, enterprise_id=pk, criteria_fingerprint=fingerprint)
            for pk in new_ids
        ],
        batch_size=1000,
    )
    outcome.enterprise_ids = new_ids

    memberships = []
    for chunk in _chunks(new_ids):
        memberships.extend(
            Membership.objects.filter(enterprise_id__in=chunk, user__is_active=True).only(
                "user_id", "enterprise_id"
            )
        )
    user_ids = {m.user_id for m in memberships}
    preferences = {}
    for chunk in _chunks(user_ids):
        preferences.update(
            {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=chunk)}
        )

    messages = {pk: _message(policy, enterprise) for pk, enterprise in enterprises.items()}
    url = policy.get_url() or ""
    notifications, email_now = [], []
    for membership in memberships:
        preference = preferences.get(membership.user_id)
        if preference is not None and not preference.wants_policy(
            policy.policy_type, policy.department_id
        ):
            continue
        title, body = messages[membership.enterprise_id]
        notifications.append(
            Notification(
                user_id=membership.user_id,
                enterprise_id=membership.enterprise_id,
                kind=KIND,
                key=notification_key(policy.pk, membership.enterprise_id, fingerprint),
                title=title,
                body=body,
                url=url,
            )
        )
        email_now.append(
            preference is None or preference.email == NotificationPreference.Email.IMMEDIATE
        )
    created = Notification.objects.bulk_create(notifications, batch_size=1000)
    outcome.notification_ids = [n.pk for n in created]
    outcome.email_now = [n.pk for n, now in zip(created, email_now, strict=True) if now]
    return outcome


# --- e-mail ---------------------------------------------------------------------------------
def _footer() -> str:
    return _("Read all your messages: %(inbox)s\nChoose what you hear about and how: %(prefs)s") % {
        "inbox": absolute_url(reverse("notifications:inbox")),
        "prefs": absolute_url(reverse("notifications:preferences")),
    }


def email_notification(notification_id: int) -> bool:
    """E-mail one notification to its person unless it has been e-mailed already."""
    from enterprises.models import Notification

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True, user__is_active=True)
            .first()
        )
        if notification is None or not notification.user.email:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            parts = [notification.body]
            if notification.url:
                parts.append(absolute_url(notification.url))
            parts.append(_footer())
            send_mail(notification.title, "\n\n".join(parts), None, [notification.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def send_daily_digests(now: datetime.datetime | None = None) -> int:
    """One e-mail per person who chose the daily digest, listing what has not been e-mailed.

    Only messages of the last two days are listed, so switching to the digest never mails a
    backlog. Returns the number of e-mails sent.
    """
    from enterprises.models import Notification, NotificationPreference

    now = now or timezone.now()
    sent = 0
    user_ids = list(
        NotificationPreference.objects.filter(
            email=NotificationPreference.Email.DAILY, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    for user_id in user_ids:
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(
                    user_id=user_id,
                    emailed_at__isnull=True,
                    created_at__gte=now - DIGEST_WINDOW,
                )
                .order_by("created_at", "pk")
            )
            if not pending or not pending[0].user.email:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Your daily digest: %(count)d new messages") % {"count": len(pending)}
                lines = []
                for note in pending:
                    lines.append(f"• {note.title}")
                    if note.url:
                        lines.append(f"  {absolute_url(note.url)}")
                lines.extend(["", _footer()])
                send_mail(subject, "\n".join(lines), None, [pending[0].user.email])
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            sent += 1
    return sent
