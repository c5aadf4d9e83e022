"""Everything that changes an enquiry goes through here.

* ``ask``: a member of a company asks; the tracking number and the receipt at once, routed to
  the linked policy's (or programme's) department, else to the dispatcher;
* ``transition``: any action of the table in ``states`` under a row lock, with its event and the
  announcement written to the outbox in the same transaction;
* ``rate``: the asker's rating picks ``rate`` or, for a first poor rating, ``rate_and_reopen``;
* ``flag_due``: the daily flags (due within a working day, overdue);
* ``publish_faq``: staff publish an answered policy question, anonymised and with the asker's
  consent, as a question and answer (问答) on the policy page; the policy is reindexed;
* ``edit_faq``: staff correct a published question and answer, or take it off the page.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.uploads import validate_upload
from notifications import outbox
from policies.workdays import Calendar, add_working_days, as_local_date, working_days_between
from zoneportal.clock import local_today

from . import rules, states
from .models import FAQ, Enquiry, EnquiryAttachment, EnquiryEvent, EnquiryKind, EnquiryState
from .rules import EnquiryError

S = EnquiryState
R = EnquiryEvent.Role
ATTACHMENT_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx")


def _announce(event: EnquiryEvent) -> None:
    outbox.enqueue("enquiries.notify_event", event_id=event.pk)


def routed_department(policy=None, programme=None, application=None):
    """The linked policy's issuing department, if any: else the dispatcher triages."""
    if application is not None:
        programme = programme or application.programme
    if programme is not None:
        policy = policy or programme.page
    if policy is not None and policy.department_id:
        return policy.department
    return None


def ask(
    enterprise,
    *,
    by,
    kind: str,
    subject: str,
    text: str,
    policy=None,
    programme=None,
    application=None,
    attachments=(),
    faq_consent: bool = False,
    now: datetime.datetime | None = None,
) -> Enquiry:
    """A new enquiry with its tracking number, routed, and its first event (the receipt)."""
    rules.member(enterprise, by)
    subject, text = (subject or "").strip(), (text or "").strip()
    if kind not in EnquiryKind.values:
        raise EnquiryError(_("Choose the kind of enquiry."), code="kind")
    if not subject or not text:
        raise EnquiryError(_("Write a subject and your question."), code="text")
    if len(subject) > 100 or len(text) > rules.MAX_TEXT_CHARS:
        raise EnquiryError(
            _("The subject is at most 100 characters and the text at most %(n)s.")
            % {"n": rules.MAX_TEXT_CHARS},
            code="too_long",
        )
    if application is not None and application.enterprise_id != enterprise.pk:
        raise EnquiryError(_("That application is not your company's."), code="forbidden")
    if len(attachments) > rules.MAX_ATTACHMENTS:
        raise EnquiryError(
            _("Attach at most %(n)s files.") % {"n": rules.MAX_ATTACHMENTS}, code="file"
        )
    kinds = []
    for upload in attachments:
        try:
            kinds.append(
                validate_upload(
                    upload, allowed=ATTACHMENT_KINDS, max_bytes=rules.MAX_ATTACHMENT_BYTES
                )
            )
        except ValidationError as exc:
            raise EnquiryError(" ".join(exc.messages), code="file") from exc
    now = now or timezone.now()
    department = routed_department(policy, programme, application)
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            number=rules.next_number(now),
            kind=kind,
            enterprise=enterprise,
            asker=by,
            policy=policy,
            programme=programme,
            application=application,
            department=department,
            subject=subject,
            text=text,
            faq_consent=faq_consent,
            submitted_at=now,
            accept_due=add_working_days(as_local_date(now), settings.ENQUIRY_ACCEPT_DAYS),
        )
        for upload, kind_ in zip(attachments, kinds, strict=True):
            attachment = EnquiryAttachment(
                enquiry=enquiry,
                original_name=(upload.name or "attachment")[-255:],
                content_type=kind_.content_type,
                size=upload.size,
            )
            upload.seek(0)
            attachment.file.save(upload.name or "attachment", upload, save=False)
            attachment.save()
        event = EnquiryEvent.objects.create(
            enquiry=enquiry,
            action="submit",
            to_state=S.SUBMITTED,
            actor=by,
            role=R.ASKER,
            to_department=department,
            due_date=enquiry.accept_due,
        )
        _announce(event)
    return enquiry


def check_actor(enquiry: Enquiry, action: states.Action, by) -> None:
    allowed = {
        R.ASKER: lambda: by is not None and enquiry.enterprise.memberships.filter(user=by).exists(),
        R.HANDLER: lambda: rules.may_handle(by, enquiry),
        R.DISPATCHER: lambda: rules.is_dispatcher(by),
        R.SUPERVISOR: lambda: rules.is_supervisor(by),
        R.SYSTEM: lambda: by is None,
    }[action.role]()
    if not allowed:
        raise EnquiryError(_("You may not do this to this enquiry."), code="forbidden")


@dataclass
class Outcome:
    enquiry: Enquiry
    event: EnquiryEvent


def transition(
    enquiry: Enquiry,
    action_name: str,
    *,
    by,
    comment: str = "",
    department=None,
    due_date: datetime.date | None = None,
    days: int | None = None,
    rating: int | None = None,
    now: datetime.datetime | None = None,
) -> Outcome:
    action = states.ACTIONS.get(action_name)
    if action is None:
        raise EnquiryError(_("There is no such action."), code="illegal")
    comment = (comment or "").strip()
    if len(comment) > rules.MAX_COMMENT_CHARS * 2:
        raise EnquiryError(_("The text is too long."), code="too_long")
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Enquiry.objects.select_for_update(of=("self",))
            .select_related("enterprise", "department")
            .get(pk=enquiry.pk)
        )
        check_actor(locked, action, by)
        if locked.state not in action.sources:
            raise EnquiryError(
                _("An enquiry that is %(state)s cannot be “%(action)s”.")
                % {"state": locked.get_state_display(), "action": action.label},
                code="illegal",
            )
        from_state = locked.state
        move = states.Move(locked, by, now, comment, department, due_date, days, rating)
        if action.effect is not None:
            action.effect(move)
        if action.target is not None:
            locked.state = action.target
        locked.version += 1
        locked.save()
        event = EnquiryEvent.objects.create(
            enquiry=locked,
            action=action.name,
            from_state=from_state,
            to_state=locked.state,
            actor=by,
            role=action.role,
            comment=comment,
            **(move.event or {}),
        )
        _announce(event)
    return Outcome(locked, event)


def rate(enquiry: Enquiry, *, by, rating: int, comment: str = "") -> Outcome:
    """The asker's rating: a first 不满意 or worse reopens the enquiry for rectification."""
    fresh = Enquiry.objects.get(pk=enquiry.pk)
    name = "rate_and_reopen" if states.may_reopen(fresh, rating or 5) else "rate"
    return transition(enquiry, name, by=by, rating=rating, comment=comment)


def current_due(enquiry: Enquiry) -> datetime.date | None:
    """The date the enquiry waits for now: acceptance, the answer, or the rectification."""
    if enquiry.state == S.REOPENED:
        return enquiry.rectify_due
    if enquiry.state in (S.SUBMITTED, S.TRANSFERRED) and enquiry.due_date is None:
        return enquiry.accept_due
    if enquiry.state in states.OPEN:
        return enquiry.due_date
    return None


DUE_SOON, OVERDUE = "due_soon", "overdue"


def flag_due(today: datetime.date | None = None) -> dict:
    """Flag open enquiries due within one working day, and overdue ones (daily).

    Returns the ids newly flagged per flag, for the task to tell the departments.
    """
    today = today or local_today()
    calendar = Calendar.load()
    soon_until = add_working_days(today, 1, calendar)
    newly = {DUE_SOON: [], OVERDUE: []}
    for enquiry in Enquiry.objects.filter(state__in=states.OPEN).only(
        "pk", "state", "due_date", "accept_due", "rectify_due", "flag"
    ):
        flag = _flag_for(current_due(enquiry), today, soon_until)
        if flag != enquiry.flag:
            Enquiry.objects.filter(pk=enquiry.pk).update(flag=flag)
            if flag:
                newly[flag].append(enquiry.pk)
    return newly


def _flag_for(due: datetime.date | None, today: datetime.date, soon_until: datetime.date) -> str:
    if due is not None and due < today:
        return OVERDUE
    if due is not None and due <= soon_until:
        return DUE_SOON
    return ""


@dataclass
class DepartmentWork:
    """One department's open work, for the supervisors' overview (督办)."""

    department: object  # a Department, or None for the dispatcher's tray
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    reopened: int = 0
    extensions: int = 0
    late: list = None  # the overdue enquiries, the longest overdue first: (enquiry, due, days)

    def __post_init__(self):
        self.late = self.late or []


def open_work_by_department(today: datetime.date | None = None) -> list[DepartmentWork]:
    """Open enquiries per department, counted as of ``today`` (not the last daily flags).

    Departments with overdue work first (most overdue first), then by open work; the
    dispatcher's tray (not yet routed) is the row whose department is None.
    """
    today = today or local_today()
    calendar = Calendar.load()
    soon_until = add_working_days(today, 1, calendar)
    rows: dict = {}
    open_enquiries = (
        Enquiry.objects.filter(state__in=states.OPEN)
        .select_related("department")
        .only(
            "pk",
            "number",
            "subject",
            "state",
            "due_date",
            "accept_due",
            "rectify_due",
            "extension_days",
            "department__name",
        )
        .order_by("pk")
    )
    for enquiry in open_enquiries:
        row = rows.setdefault(enquiry.department_id, DepartmentWork(enquiry.department))
        due = current_due(enquiry)
        flag = _flag_for(due, today, soon_until)
        row.open += 1
        row.reopened += enquiry.state == S.REOPENED
        row.extensions += bool(enquiry.extension_days)
        if flag == OVERDUE:
            row.overdue += 1
            row.late.append((enquiry, due, working_days_between(due, today, calendar)))
        elif flag == DUE_SOON:
            row.due_soon += 1
    for row in rows.values():
        row.late.sort(key=lambda late: (late[1], late[0].pk))
    return sorted(rows.values(), key=lambda r: (-r.overdue, -r.open, r.department is None))


#: The states in which an answered policy question may become a question and answer.
FAQ_STATES = frozenset({S.ANSWERED, S.CLOSED})
MAX_FAQ_QUESTION_CHARS = 1000


def may_publish_faq(user, enquiry: Enquiry) -> bool:
    """The enquiry's handling department (or a dispatcher) or a supervisor."""
    return rules.may_handle(user, enquiry) or rules.is_supervisor(user)


def publish_faq(enquiry: Enquiry, *, by, question: str, answer: str, now=None) -> FAQ:
    """Publish an answered policy question as a question and answer on its policy page.

    Only a 政策咨询 that is answered (or rated and closed), linked to a policy, whose asker
    consented; by a handler of its department or a supervisor. The staff member writes the
    question and answer without company or person names (the form starts from the enquiry's
    text and answer). The policy's search document is rewritten with it (through the outbox).
    """
    question, answer = (question or "").strip(), (answer or "").strip()
    with transaction.atomic():
        locked = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        _check_faq(locked, by, question, answer)
        faq = FAQ.objects.create(
            policy_id=locked.policy_id,
            question=question,
            answer=answer,
            enquiry=locked,
            published_at=now or timezone.now(),
            published_by=by,
        )
        outbox.enqueue("search.index_policy", page_id=locked.policy_id)
    return faq


def may_edit_faq(user, faq: FAQ) -> bool:
    """Who may publish the enquiry's FAQ may correct it; a supervisor may edit any."""
    if rules.is_supervisor(user):
        return True
    return faq.enquiry is not None and may_publish_faq(user, faq.enquiry)


def edit_faq(faq: FAQ, *, by, question: str, answer: str, published: bool) -> FAQ:
    """Correct a published question and answer, or take it off (and put it back on) the page.

    The same checks on the text as publishing; the policy's search document follows (through
    the outbox), so an unpublished FAQ is no longer found.
    """
    question, answer = (question or "").strip(), (answer or "").strip()
    with transaction.atomic():
        locked = (
            FAQ.objects.select_for_update(of=("self",)).select_related("enquiry").get(pk=faq.pk)
        )
        if not may_edit_faq(by, locked):
            raise EnquiryError(_("You may not do this to this question and answer."), "forbidden")
        _check_faq_text(question, answer)
        locked.question, locked.answer, locked.published = question, answer, bool(published)
        locked.save(update_fields=["question", "answer", "published"])
        outbox.enqueue("search.index_policy", page_id=locked.policy_id)
    return locked


def _check_faq_text(question: str, answer: str) -> None:
    if not question or not answer:
        raise EnquiryError(_("Write the question and the answer."), code="text")
    if len(question) > MAX_FAQ_QUESTION_CHARS or len(answer) > rules.MAX_TEXT_CHARS:
        raise EnquiryError(
            _("The question is at most %(q)s characters and the answer at most %(a)s.")
            % {"q": MAX_FAQ_QUESTION_CHARS, "a": rules.MAX_TEXT_CHARS},
            code="too_long",
        )


def _check_faq(enquiry: Enquiry, by, question: str, answer: str) -> None:
    """The rules of ``publish_faq``, checked on the locked row."""
    if not may_publish_faq(by, enquiry):
        raise EnquiryError(_("You may not do this to this enquiry."), code="forbidden")
    if enquiry.kind != EnquiryKind.POLICY:
        raise EnquiryError(_("Only policy questions can be published as FAQs."), code="kind")
    if enquiry.state not in FAQ_STATES:
        raise EnquiryError(_("Only answered questions can be published as FAQs."), code="state")
    if not enquiry.faq_consent:
        raise EnquiryError(
            _("The asker did not agree to publication, so this question cannot be published."),
            code="consent",
        )
    if enquiry.policy_id is None:
        raise EnquiryError(_("Link the question to a policy before publishing it."), code="policy")
    _check_faq_text(question, answer)
    if enquiry.faqs.exists():
        raise EnquiryError(_("This question is already published."), code="published")
