"""The life of an enquiry, as one table (docs/enquiries.md has the diagram).

Every move is an *action* taken by a *role* from a set of states to one state (``None``: the
state stays, e.g. an extension or a 督办), with its *effect* (what it checks and changes, inside
the enquiry's row lock) declared beside it. Every action's event is announced through the
outbox (``enquiries.notify_event``) in the same transaction. Nothing else changes an enquiry:
``services.transition`` looks the action up here and refuses anything not in the table.

    submitted ──accept──> accepted ──answer──> answered ──rate──> closed
      ^  │                 │   ^                   │
      │  └──transfer──┐    │   └─answer─ reopened <┘ rate_and_reopen (first 不满意 or worse)
    route             v    │
      └──────── transferred <┘ transfer (the third one: back to the dispatcher)

Extensions and 督办 keep the state and move the deadline.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies.workdays import add_working_days, as_local_date, working_days_between

from . import rules
from .models import POOR_RATING, Enquiry, EnquiryEvent, EnquiryState

S = EnquiryState
R = EnquiryEvent.Role
OPEN = frozenset({S.SUBMITTED, S.ACCEPTED, S.TRANSFERRED, S.REOPENED})


@dataclass
class Move:
    """One action under way: the locked enquiry and what the actor gave."""

    enquiry: Enquiry
    by: object
    now: datetime.datetime
    comment: str = ""
    department: object = None
    due_date: datetime.date | None = None
    days: int | None = None
    rating: int | None = None
    #: Extra fields of the event this move records.
    event: dict | None = None

    @property
    def today(self) -> datetime.date:
        return as_local_date(self.now)

    def record(self, **fields) -> None:
        self.event = {**(self.event or {}), **fields}


def _need_comment(move: Move, message) -> None:
    if not move.comment:
        raise rules.EnquiryError(message, code="comment")


# --- the effects ------------------------------------------------------------------------------
def route(move: Move) -> None:
    """The dispatcher gives the enquiry to a department, which then accepts it."""
    e = move.enquiry
    if move.department is None:
        raise rules.EnquiryError(_("Choose the department that will handle it."), code="department")
    move.record(from_department=e.department, to_department=move.department)
    e.department = move.department


def accept(move: Move) -> None:
    """受理: the answer clock starts, in working days by kind (kept across transfers)."""
    e = move.enquiry
    if e.department_id is None:
        raise rules.EnquiryError(
            _("The dispatcher must first route this enquiry to a department."), code="department"
        )
    e.accepted_at = e.accepted_at or move.now
    if e.due_date is None:
        e.due_date = add_working_days(move.today, rules.answer_days(e.kind))
    move.record(due_date=e.due_date)


def transfer(move: Move) -> None:
    """转办 to another department with a reason; after two, back to the dispatcher."""
    e = move.enquiry
    _need_comment(move, _("Say why the enquiry goes to another department."))
    if e.transfer_count >= rules.MAX_TRANSFERS:
        target = None  # the dispatcher decides where it belongs
    else:
        if move.department is None or move.department.pk == e.department_id:
            raise rules.EnquiryError(
                _("Choose another department to transfer it to."), code="department"
            )
        target = move.department
    move.record(from_department=e.department, to_department=target)
    e.department = target
    e.transfer_count += 1


def answer(move: Move) -> None:
    """答复: the first answer is what the performance page counts; a second one rectifies."""
    e = move.enquiry
    _need_comment(move, _("Write the answer."))
    e.answer = move.comment
    e.answered_at = move.now
    if e.first_answered_at is None:
        e.first_answered_at = move.now
        e.answer_working_days = max(0, working_days_between(e.submitted_at, move.now))
        e.answered_on_time = e.due_date is None or move.today <= e.due_date
    if e.state == S.REOPENED:
        e.rectified = True
    e.extension_days, e.extension_reason = None, ""
    e.flag = ""


def _rating(move: Move) -> int:
    if move.rating not in (1, 2, 3, 4, 5):
        raise rules.EnquiryError(_("Choose a rating."), code="rating")
    return move.rating


def _rate(move: Move) -> None:
    e = move.enquiry
    e.rating, e.rating_comment, e.rated_at = _rating(move), move.comment, move.now
    if e.first_rating is None:
        e.first_rating = e.rating
    move.record(due_date=None)


def may_reopen(enquiry: Enquiry, rating: int) -> bool:
    return rating <= POOR_RATING and enquiry.reopen_count == 0


def rate(move: Move) -> None:
    """评价 and close: a good rating, or a poor one after the one reopening."""
    if may_reopen(move.enquiry, _rating(move)):
        raise rules.EnquiryError(_("A poor rating reopens the enquiry."), code="reopen")
    _rate(move)
    move.enquiry.closed_at = move.now


def rate_and_reopen(move: Move) -> None:
    """不满意 or worse, the first time: reopened for rectification within 15 working days."""
    e = move.enquiry
    if not may_reopen(e, _rating(move)):
        raise rules.EnquiryError(_("Only a first poor rating reopens an enquiry."), code="reopen")
    _rate(move)
    e.reopen_count += 1
    e.rectify_due = add_working_days(move.today, settings.ENQUIRY_RECTIFY_DAYS)
    e.flag = ""
    move.record(due_date=e.rectify_due)


def _current_due(e: Enquiry) -> datetime.date | None:
    return e.rectify_due if e.state == S.REOPENED else e.due_date


def _set_due(e: Enquiry, day: datetime.date) -> None:
    if e.state == S.REOPENED:
        e.rectify_due = day
    else:
        e.due_date = day
    e.flag = ""


def request_extension(move: Move) -> None:
    """延期申请: a number of working days and a reason, for a supervisor to approve."""
    e = move.enquiry
    _need_comment(move, _("Give the reason for the extension."))
    if not move.days or not 1 <= move.days <= 30:
        raise rules.EnquiryError(_("An extension is 1 to 30 working days."), code="days")
    if e.extension_days:
        raise rules.EnquiryError(_("An extension is already waiting for approval."), code="pending")
    e.extension_days, e.extension_reason = move.days, move.comment[:500]


def approve_extension(move: Move) -> None:
    e = move.enquiry
    if not e.extension_days:
        raise rules.EnquiryError(_("No extension is waiting for approval."), code="pending")
    due = add_working_days(_current_due(e) or move.today, e.extension_days)
    _set_due(e, due)
    e.extension_days, e.extension_reason = None, ""
    move.record(due_date=due)


def refuse_extension(move: Move) -> None:
    e = move.enquiry
    if not e.extension_days:
        raise rules.EnquiryError(_("No extension is waiting for approval."), code="pending")
    _need_comment(move, _("Give the reason for refusing the extension."))
    e.extension_days, e.extension_reason = None, ""


def supervise(move: Move) -> None:
    """督办: recorded, the department told, a new deadline set."""
    _need_comment(move, _("Say what the department must do."))
    if move.due_date is None or move.due_date < move.today:
        raise rules.EnquiryError(_("Set a new deadline from today on."), code="due_date")
    _set_due(move.enquiry, move.due_date)
    move.record(due_date=move.due_date, to_department=move.enquiry.department)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset
    target: str | None  # None: the state stays
    role: str
    effect: Callable[[Move], None] | None = None


ACTIONS = {
    a.name: a
    for a in (
        Action(
            "route",
            gettext_lazy("Route to a department"),
            frozenset({S.SUBMITTED, S.TRANSFERRED}),
            S.SUBMITTED,
            R.DISPATCHER,
            route,
        ),
        Action(
            "accept",
            gettext_lazy("Accept"),
            frozenset({S.SUBMITTED, S.TRANSFERRED}),
            S.ACCEPTED,
            R.HANDLER,
            accept,
        ),
        Action(
            "transfer",
            gettext_lazy("Transfer"),
            frozenset({S.SUBMITTED, S.TRANSFERRED, S.ACCEPTED}),
            S.TRANSFERRED,
            R.HANDLER,
            transfer,
        ),
        Action(
            "answer",
            gettext_lazy("Answer"),
            frozenset({S.ACCEPTED, S.REOPENED}),
            S.ANSWERED,
            R.HANDLER,
            answer,
        ),
        Action(
            "request_extension",
            gettext_lazy("Ask for an extension"),
            frozenset({S.ACCEPTED, S.REOPENED}),
            None,
            R.HANDLER,
            request_extension,
        ),
        Action(
            "approve_extension",
            gettext_lazy("Approve the extension"),
            frozenset({S.ACCEPTED, S.REOPENED}),
            None,
            R.SUPERVISOR,
            approve_extension,
        ),
        Action(
            "refuse_extension",
            gettext_lazy("Refuse the extension"),
            frozenset({S.ACCEPTED, S.REOPENED}),
            None,
            R.SUPERVISOR,
            refuse_extension,
        ),
        Action(
            "supervise",
            gettext_lazy("Supervise (督办)"),
            OPEN,
            None,
            R.SUPERVISOR,
            supervise,
        ),
        Action(
            "rate",
            gettext_lazy("Rate"),
            frozenset({S.ANSWERED}),
            S.CLOSED,
            R.ASKER,
            rate,
        ),
        Action(
            "rate_and_reopen",
            gettext_lazy("Rate and ask for rectification"),
            frozenset({S.ANSWERED}),
            S.REOPENED,
            R.ASKER,
            rate_and_reopen,
        ),
    )
}

STAFF_ACTIONS = tuple(n for n, a in ACTIONS.items() if a.role != R.ASKER)


def actions_for(state: str, role: str) -> list[Action]:
    return [a for a in ACTIONS.values() if a.role == role and state in a.sources]
