"""The life of an application as an explicit state machine (DOMAIN.md, docs/applications.md).

Every move is an *action* taken by a *role* from one of a set of states to one state. Nothing
else changes an application's state: ``services.transition`` looks the action up here and
refuses anything not in the table.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ApplicationEvent, ApplicationState

S = ApplicationState
APPLICANT = ApplicationEvent.Role.APPLICANT
REVIEWER = ApplicationEvent.Role.REVIEWER
SYSTEM = ApplicationEvent.Role.SYSTEM


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset
    target: str
    role: str


ACTIONS = {
    a.name: a
    for a in (
        Action("submit", _("Submit"), frozenset({S.DRAFT}), S.SUBMITTED, APPLICANT),
        Action(
            "accept",
            _("Accept for review"),
            frozenset({S.SUBMITTED, S.RESUBMITTED}),
            S.ACCEPTED,
            REVIEWER,
        ),
        Action(
            "return",
            _("Return for revision"),
            frozenset({S.SUBMITTED, S.RESUBMITTED, S.ACCEPTED}),
            S.RETURNED,
            REVIEWER,
        ),
        Action("resubmit", _("Resubmit"), frozenset({S.RETURNED}), S.RESUBMITTED, APPLICANT),
        Action("approve", _("Approve"), frozenset({S.ACCEPTED}), S.APPROVED, REVIEWER),
        Action("reject", _("Reject"), frozenset({S.ACCEPTED}), S.REJECTED, REVIEWER),
        Action(
            "withdraw",
            _("Withdraw"),
            frozenset({S.DRAFT, S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.RESUBMITTED}),
            S.WITHDRAWN,
            APPLICANT,
        ),
        Action("finalise", _("End of public notice"), frozenset({S.APPROVED}), S.FINAL, SYSTEM),
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
