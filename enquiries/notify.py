"""Telling people about enquiries, only through ``notifications.services.emit``.

The company's members hear of every step the asker's timeline shows; the handling department
(its ``DepartmentHandler`` people, or the dispatchers when it has none) hears of what it must
act on. Each message is keyed by the event, so a retried task tells nobody twice.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.services import emit

from . import rules
from .models import EnquiryEvent

KIND = "enquiry"
#: Which events the company hears of, and which the handling department does.
TO_COMPANY = {"submit", "accept", "transfer", "answer", "approve_extension"}
TO_DEPARTMENT = {
    "submit",
    "route",
    "transfer",
    "rate_and_reopen",
    "supervise",
    "approve_extension",
    "refuse_extension",
}


def _title(event: EnquiryEvent) -> str:
    e = event.enquiry
    names = {"number": e.number, "subject": e.subject}
    titles = {
        "submit": _("Enquiry %(number)s received: %(subject)s"),
        "route": _("Enquiry %(number)s routed to your department: %(subject)s"),
        "accept": _("Enquiry %(number)s accepted: %(subject)s"),
        "transfer": _("Enquiry %(number)s transferred: %(subject)s"),
        "answer": _("Enquiry %(number)s answered: %(subject)s"),
        "rate_and_reopen": _("Enquiry %(number)s reopened for rectification: %(subject)s"),
        "supervise": _("Supervision (督办) of enquiry %(number)s: %(subject)s"),
        "approve_extension": _("Enquiry %(number)s: the deadline is extended"),
        "refuse_extension": _("Enquiry %(number)s: the extension is refused"),
    }
    return titles[event.action] % names


def notify_event(event_id: int) -> int:
    event = (
        EnquiryEvent.objects.select_related("enquiry", "enquiry__department")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    e = event.enquiry
    told = 0
    with translation.override(settings.LANGUAGE_CODE):
        title = _title(event) if event.action in TO_COMPANY | TO_DEPARTMENT else ""
        body = event.comment if event.action != "submit" else e.text[:500]
        if event.action in TO_COMPANY:
            told += len(
                emit(
                    kind=KIND,
                    key=f"enquiry-event:{event.pk}",
                    title=title,
                    body=body if event.action == "answer" else "",
                    url=reverse("enquiries:detail", args=[e.pk]),
                    enterprise_id=e.enterprise_id,
                )
            )
        if event.action in TO_DEPARTMENT:
            told += len(
                emit(
                    kind=KIND,
                    key=f"enquiry-event-staff:{event.pk}",
                    title=title,
                    body=body,
                    url=reverse("enquiry_admin:detail", args=[e.pk]),
                    user_ids=rules.handlers_of(e.department_id),
                )
            )
    return told


def tell_flagged(flagged: dict, today) -> int:
    """Tell each department about its enquiries flagged today (due soon, overdue)."""
    from .models import Enquiry

    told = 0
    with translation.override(settings.LANGUAGE_CODE):
        for flag, ids in flagged.items():
            for e in Enquiry.objects.filter(pk__in=ids):
                title = (
                    _("Enquiry %(number)s is overdue")
                    if flag == "overdue"
                    else _("Enquiry %(number)s is due within one working day")
                ) % {"number": e.number}
                told += len(
                    emit(
                        kind=KIND,
                        key=f"enquiry-{flag}:{e.pk}:{today.isoformat()}",
                        title=title,
                        url=reverse("enquiry_admin:detail", args=[e.pk]),
                        user_ids=rules.handlers_of(e.department_id),
                    )
                )
    return told
