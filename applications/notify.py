"""Telling people about applications: state changes, reminders, and the reviewers' digest.

Every message is a ``Notification`` in the person's message centre, keyed by what it is about, so
the same event, reminder or digest never reaches the same person twice (the unique key makes a
retried task harmless). Everything goes out through ``notifications.services.emit``, which
e-mails each person as they chose: at once, in the daily digest, or not at all.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from notifications.services import emit
from policies.workdays import add_working_days, as_local_date
from zoneportal.clock import local_today
from zoneportal.http import absolute_url

from . import services
from .models import WAITING, Application, ApplicationEvent, ApplicationState

S = ApplicationState
KIND = "application"
REMINDER_DAYS = (7, 1)  # drafts are reminded this many days before the window closes
RETURNED_REMINDER_WORKING_DAYS = 5


def application_url(application) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("applications:detail", args=[application.pk])


def _tell_members(application, key: str, title: str, body: str) -> int:
    """One message per member of the company (once per key); the number of messages made."""
    return len(
        emit(
            kind=KIND,
            key=key,
            title=title,
            body=body,
            url=application_url(application),
            enterprise_id=application.enterprise_id,
        )
    )


def _event_message(event: ApplicationEvent) -> tuple[str, str]:
    a = event.application
    names = {
        "reference": a.reference or _("(draft)"),
        "programme": a.programme.name,
        "company": a.enterprise.name,
    }
    titles = {
        "submit": _("Application %(reference)s submitted: %(programme)s"),
        "resubmit": _("Application %(reference)s resubmitted: %(programme)s"),
        "accept": _("Application %(reference)s accepted for review"),
        "return": _("Application %(reference)s returned for revision"),
        "approve": _("Application %(reference)s approved"),
        "reject": _("Application %(reference)s not approved"),
        "withdraw": _("Application %(reference)s withdrawn"),
        "finalise": _("Application %(reference)s: public notice ended, approval final"),
    }
    title = titles.get(event.action, _("Application %(reference)s updated")) % names
    lines = [
        _("%(company)s — %(programme)s") % names,
        # The event's own state: the task may run after later changes (a busy worker, a retry).
        _("New state: %(state)s") % {"state": event.get_to_state_display()},
    ]
    if event.action == "accept" and a.due_date:
        lines.append(
            _("The reviewers promise a decision by %(date)s.") % {"date": a.due_date.isoformat()}
        )
    if event.action == "approve":
        lines.append(
            _("Amount approved: ¥%(amount)s. The approval is under public notice until %(date)s.")
            % {"amount": f"{a.amount_approved:,.2f}", "date": a.notice_until.isoformat()}
        )
    if event.action == "return":
        lines.append(_("Please correct the application and submit it again."))
        for item, reason in (event.reasons or {}).items():
            lines.append(f"• {item_label(a, item)}: {reason}")
    if event.comment:
        lines.append(_("Comment: %(comment)s") % {"comment": event.comment})
    return title, "\n".join(lines)


def item_label(application, item: str) -> str:
    """The name of the document or question a reviewer's reason is about."""
    for block_id, doc in application.programme.required_documents():
        if block_id == item:
            return doc["name"]
    for block_id, question in application.programme.question_list():
        if block_id == item:
            return question["label"]
    labels = {
        "applicant": _("Applicant details"),
        "project": _("Project details"),
        "amount": _("Amount requested"),
        "documents": pgettext("application", "Documents"),
        "declaration": _("Declaration"),
    }
    return str(labels.get(item, item))


def notify_event(event_id: int) -> int:
    """Tell the company's members about one state change. Returns the messages made."""
    event = (
        ApplicationEvent.objects.select_related(
            "application", "application__programme", "application__enterprise"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title, body = _event_message(event)
    return _tell_members(event.application, f"application-event:{event.pk}", title, body)


# --- reminders -------------------------------------------------------------------------------
def send_reminders(now: datetime.datetime | None = None) -> int:
    """Drafts before the window closes (7 and 1 days), and returned applications left waiting.

    Run daily; each reminder has its own key, so running it twice sends nothing new.
    """
    now = now or timezone.now()
    today = as_local_date(now)
    sent = 0
    drafts = Application.objects.filter(
        state=S.DRAFT,
        programme__closes_at__gt=now,
        programme__closes_at__lte=now + datetime.timedelta(days=max(REMINDER_DAYS)),
    ).select_related("programme", "enterprise")
    with translation.override(settings.LANGUAGE_CODE):
        for application in drafts:
            days_left = (as_local_date(application.programme.closes_at) - today).days
            threshold = min(d for d in REMINDER_DAYS if days_left <= d)
            closes = timezone.localtime(application.programme.closes_at).strftime("%Y-%m-%d %H:%M")
            title = _("Your draft application to %(programme)s: the window closes %(closes)s") % {
                "programme": application.programme.name,
                "closes": closes,
            }
            body = _(
                "The application of %(company)s to %(programme)s is still a draft. Finish and "
                "submit it before %(closes)s (China Standard Time); drafts are not considered."
            ) % {
                "company": application.enterprise.name,
                "programme": application.programme.name,
                "closes": closes,
            }
            key = f"application-reminder:{application.pk}:closing-{threshold}"
            sent += _tell_members(application, key, title, body)

        returned = Application.objects.filter(state=S.RETURNED).select_related(
            "programme", "enterprise"
        )
        for application in returned:
            last = application.events.filter(action="return").order_by("-created_at").first()
            if last is None:
                continue
            due = add_working_days(as_local_date(last.created_at), RETURNED_REMINDER_WORKING_DAYS)
            if today < due:
                continue
            title = _("Application %(reference)s is waiting for your corrections") % {
                "reference": application.reference
            }
            body = _(
                "The reviewers returned the application of %(company)s to %(programme)s on "
                "%(date)s. Correct it and submit it again so the review can go on."
            ) % {
                "company": application.enterprise.name,
                "programme": application.programme.name,
                "date": as_local_date(last.created_at).isoformat(),
            }
            key = f"application-reminder:{application.pk}:returned-{last.pk}"
            sent += _tell_members(application, key, title, body)
    return sent


def send_reviewer_digest(today: datetime.date | None = None) -> int:
    """One e-mail a day to each reviewer: new work waiting for acceptance and overdue reviews."""
    today = today or local_today()
    waiting = list(
        Application.objects.filter(state__in=WAITING)
        .select_related("enterprise", "programme")
        .order_by("last_submitted_at")
    )
    overdue = list(
        Application.objects.filter(state=S.ACCEPTED, due_date__lt=today)
        .select_related("enterprise", "programme")
        .order_by("due_date")
    )
    if not waiting and not overdue:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Review digest %(date)s: %(new)d waiting, %(overdue)d overdue") % {
            "date": today.isoformat(),
            "new": len(waiting),
            "overdue": len(overdue),
        }
        lines = [_("Waiting to be accepted:")] if waiting else []
        lines += [f"• {a.reference} {a.enterprise.name} — {a.programme.name}" for a in waiting]
        if overdue:
            lines.append(_("Overdue (past the promised decision date):"))
            lines += [
                f"• {a.reference} {a.enterprise.name} — {a.programme.name} ({a.due_date})"
                for a in overdue
            ]
        queue = reverse("application_review:queue")
        lines += ["", absolute_url(queue)]
        body = "\n".join(lines)
        reviewers = [reviewer.pk for reviewer in services.reviewers()]
        sent = len(
            emit(
                kind="review_digest",
                key=f"review-digest:{today.isoformat()}",
                title=title,
                body=body,
                url=queue,
                user_ids=reviewers,
            )
        )
    return sent
