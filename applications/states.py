"""The life of an application, as one table (docs/applications.md has the diagram).

Every move is an *action* taken by a *role* from one of a set of states to one state, with its
*effect* (what it checks and changes, inside the application's row lock) and its *after-commit*
work (written to the outbox in the same transaction) declared beside it. Nothing else changes an
application's state: ``services.transition`` looks the action up here, refuses anything not in
the table, and runs exactly what the row says.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies.workdays import as_local_date, promised_date
from zoneportal.words import join_names

from . import rules
from .models import WAITING, Application, ApplicationEvent, ApplicationState

S = ApplicationState
APPLICANT = ApplicationEvent.Role.APPLICANT
REVIEWER = ApplicationEvent.Role.REVIEWER
SYSTEM = ApplicationEvent.Role.SYSTEM


@dataclass
class Move:
    """One action under way: the locked application and what the actor gave."""

    application: Application
    by: object
    now: datetime.datetime
    comment: str = ""
    internal_note: str = ""
    reasons: dict = field(default_factory=dict)
    amount: Decimal | None = None
    #: Extra fields of the event this move records (reasons, amount).
    event: dict = field(default_factory=dict)

    @property
    def today(self) -> datetime.date:
        return as_local_date(self.now)


@dataclass(frozen=True)
class After:
    """Work for after the commit: an outbox task and its arguments from the recorded event."""

    task: str
    arguments: Callable[[ApplicationEvent], dict]


#: Every member of the company hears about the change (``applications.notify``).
NOTIFY = After("applications.notify_event", lambda event: {"event_id": event.pk})
#: The approval's certificate is issued (``certificates.issue``).
ISSUE_CERTIFICATE = After(
    "certificates.issue", lambda event: {"application_id": event.application_id}
)
#: A final approval becomes an award to be paid (``fulfilment.create_award``).
CREATE_AWARD = After(
    "fulfilment.create_award", lambda event: {"application_id": event.application_id}
)


# --- the effects ------------------------------------------------------------------------------
def submit(move: Move) -> None:
    """Complete, allowed, confirmed: then a reference, the dates and the snapshots."""
    a, resubmission = move.application, move.application.state == S.RETURNED
    incomplete = [s for s in rules.sections(a) if s.status != rules.COMPLETE]
    if incomplete:
        missing = join_names(m for s in incomplete for m in s.missing)
        raise rules.ApplicationError(
            _("The application is not complete. Still missing: %(missing)s") % {"missing": missing},
            code="incomplete",
        )
    rules.check_amount(a.programme, a.amount_requested)
    check = rules.check_company(
        a.enterprise, a.programme, now=move.now, for_resubmission=resubmission
    )
    if not check.ok:
        raise rules.ApplicationError(" ".join(check.problems), code="not_allowed")
    if sorted(set(check.unknown_keys) - set(a.confirmed_unknowns)):
        raise rules.ApplicationError(
            _(
                "Your company's profile changed: please confirm again that it meets the "
                "criteria the portal cannot check."
            ),
            code="confirm_unknowns",
        )
    if a.reference is None:
        a.reference = rules.next_reference(move.now)
    a.submitted_at = a.submitted_at or move.now
    a.last_submitted_at = move.now
    a.profile_snapshot = rules.profile_snapshot(a.enterprise)
    a.eligibility_snapshot = rules.eligibility_snapshot(check.evaluation)


def accept(move: Move) -> None:
    """The review clock starts: a decision is promised in the programme's working days."""
    a = move.application
    promised = promised_date(move.today, a.programme.review_days)
    a.accepted_at = move.now
    a.due_date, a.due_date_complete = promised.date, promised.complete
    a.return_reasons = {}


def return_for_revision(move: Move) -> None:
    """Back to the applicant with what to correct; the review clock stops."""
    a = move.application
    if not move.reasons and not move.comment:
        raise rules.ApplicationError(
            _(
                "Say what the applicant must correct: a reason for a document or question, "
                "or a comment."
            ),
            code="reasons",
        )
    a.return_reasons = move.reasons
    a.due_date = None  # a new promised date is set when it is accepted again
    a.declaration_accepted_at = None  # the applicant declares again on resubmission
    a.sections_touched = [s for s in a.sections_touched if s != "declaration"]
    move.event["reasons"] = move.reasons


def approve(move: Move) -> None:
    """An amount within the request, the budget and the exclusivity rule; the public notice."""
    a = move.application
    amount = rules.approved_amount(a, move.amount, move.today)
    a.amount_approved = amount
    a.decided_at, a.decided_by = move.now, move.by
    a.decision_reason = move.comment
    a.notice_until = promised_date(move.today, a.programme.notice_days).date
    move.event["amount"] = amount


def reject(move: Move) -> None:
    a = move.application
    if not move.comment:
        raise rules.ApplicationError(_("Give the reason for the rejection."), code="reasons")
    a.decided_at, a.decided_by = move.now, move.by
    a.decision_reason = move.comment


def finalise(move: Move) -> None:
    move.application.finalised_at = move.now


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset
    target: str
    role: str
    effect: Callable[[Move], None] | None = None
    after_commit: tuple[After, ...] = (NOTIFY,)
    #: A repeat from these states (a double click) returns the first result instead of failing.
    repeat_from: frozenset = frozenset()


ACTIONS = {
    a.name: a
    for a in (
        Action(
            "submit",
            gettext_lazy("Submit"),
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            APPLICANT,
            effect=submit,
            repeat_from=WAITING,
        ),
        Action(
            "accept",
            gettext_lazy("Accept for review"),
            WAITING,
            S.ACCEPTED,
            REVIEWER,
            effect=accept,
        ),
        Action(
            "return",
            gettext_lazy("Return for revision"),
            WAITING | {S.ACCEPTED},
            S.RETURNED,
            REVIEWER,
            effect=return_for_revision,
        ),
        Action(
            "resubmit",
            gettext_lazy("Resubmit"),
            frozenset({S.RETURNED}),
            S.RESUBMITTED,
            APPLICANT,
            effect=submit,
            repeat_from=WAITING,
        ),
        Action(
            "approve",
            gettext_lazy("Approve"),
            frozenset({S.ACCEPTED}),
            S.APPROVED,
            REVIEWER,
            effect=approve,
            after_commit=(NOTIFY, ISSUE_CERTIFICATE),
        ),
        Action(
            "reject",
            gettext_lazy("Reject"),
            frozenset({S.ACCEPTED}),
            S.REJECTED,
            REVIEWER,
            effect=reject,
        ),
        Action(
            "withdraw",
            gettext_lazy("Withdraw"),
            frozenset({S.DRAFT, S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.RESUBMITTED}),
            S.WITHDRAWN,
            APPLICANT,
        ),
        Action(
            "finalise",
            gettext_lazy("End of public notice"),
            frozenset({S.APPROVED}),
            S.FINAL,
            SYSTEM,
            effect=finalise,
            after_commit=(NOTIFY, CREATE_AWARD),
        ),
    )
}

REVIEWER_ACTIONS = tuple(name for name, a in ACTIONS.items() if a.role == REVIEWER)
APPLICANT_ACTIONS = tuple(name for name, a in ACTIONS.items() if a.role == APPLICANT)


def allowed(action: str, state: str, role: str) -> bool:
    a = ACTIONS.get(action)
    return a is not None and a.role == role and state in a.sources


def actions_for(state: str, role: str) -> list[Action]:
    """What ``role`` may do to an application in ``state``, in table order."""
    return [a for a in ACTIONS.values() if a.role == role and state in a.sources]


def submission_for(state: str) -> Action:
    """The applicant's "submit" button: a returned application is resubmitted."""
    return ACTIONS["resubmit" if state == S.RETURNED else "submit"]
