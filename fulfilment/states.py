"""Every state machine of fulfilment, as tables (docs/fulfilment.md draws them).

Each row is an action: who takes it (a staff right, the company, or the system), from which
states, to which state, and whether the company hears of it after the commit (the message is
written to the outbox in the same transaction: ``fulfilment.notify``). ``services`` runs every
change through ``move``, which looks the action up here and refuses anything not in the table;
the checks and changes particular to an action (its effect) are in the service that calls it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from notifications import outbox

from .models import (
    AccountState,
    AwardState,
    BatchState,
    EntryState,
    InstalmentState,
    RosterState,
)
from .rules import ACCEPTANCE, PREPARE, ROSTERS, VERIFY, FulfilmentError

A, AW, B, E, IS, R = AccountState, AwardState, BatchState, EntryState, InstalmentState, RosterState
COMPANY = "company"
SYSTEM = "system"


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    sources: frozenset
    target: str
    by: str  # a permission, COMPANY or SYSTEM
    #: The company hears of it (``fulfilment.notify``, after the commit).
    notify: bool = False


def _table(*actions: Action) -> dict[str, Action]:
    return {a.name: a for a in actions}


ACCOUNT = _table(
    Action("enter", gettext_lazy("Enter the account"), frozenset({""}), A.PENDING, COMPANY),
    Action(
        "change",
        gettext_lazy("Change the account"),
        frozenset({A.PENDING, A.VERIFIED, A.REJECTED}),
        A.PENDING,
        COMPANY,
    ),
    Action("verify", gettext_lazy("Verify"), frozenset({A.PENDING}), A.VERIFIED, VERIFY, True),
    Action("reject", gettext_lazy("Refuse"), frozenset({A.PENDING}), A.REJECTED, VERIFY, True),
)

INSTALMENT = _table(
    Action(
        "release",
        gettext_lazy("Release after acceptance"),
        frozenset({IS.HELD}),
        IS.DUE,
        ACCEPTANCE,
        True,
    ),
    Action(
        "submit",
        gettext_lazy("Submit to the bank"),
        frozenset({IS.DUE}),
        IS.SUBMITTED,
        PREPARE,
        True,
    ),
    Action("pay", gettext_lazy("Paid"), frozenset({IS.SUBMITTED}), IS.PAID, PREPARE, True),
    Action(
        "return",
        gettext_lazy("Returned by the bank"),
        frozenset({IS.SUBMITTED}),
        IS.RETURNED,
        PREPARE,
        True,
    ),
    Action("requeue", gettext_lazy("Pay again"), frozenset({IS.RETURNED}), IS.DUE, PREPARE),
    Action(
        "cancel",
        gettext_lazy("Cancel"),
        frozenset({IS.HELD, IS.DUE, IS.RETURNED}),
        IS.CANCELLED,
        ACCEPTANCE,
    ),
)

BATCH = _table(
    Action(
        "submit", gettext_lazy("Submit to the bank"), frozenset({B.DRAFT}), B.SUBMITTED, PREPARE
    ),
    Action("close", gettext_lazy("Settle"), frozenset({B.SUBMITTED}), B.CLOSED, SYSTEM),
)

AWARD = _table(
    Action("complete", gettext_lazy("Paid in full"), frozenset({AW.ACTIVE}), AW.PAID, SYSTEM),
    Action(
        "recover",
        gettext_lazy("Record a recovery (追回)"),
        frozenset({AW.ACTIVE, AW.PAID}),
        AW.RECOVERING,
        ACCEPTANCE,
        True,
    ),
    Action(
        "settle",
        gettext_lazy("Money returned"),
        frozenset({AW.RECOVERING}),
        AW.RECOVERED,
        ACCEPTANCE,
        True,
    ),
)

ROSTER = _table(
    Action(
        "fill",
        gettext_lazy("Generation finished"),
        frozenset({R.GENERATING}),
        R.DRAFT,
        SYSTEM,
    ),
    Action(
        "fail",
        gettext_lazy("Generation failed"),
        frozenset({R.GENERATING}),
        R.FAILED,
        SYSTEM,
    ),
    Action("retry", gettext_lazy("Try again"), frozenset({R.FAILED}), R.GENERATING, ROSTERS),
    Action("review", gettext_lazy("Mark as reviewed"), frozenset({R.DRAFT}), R.REVIEWED, ROSTERS),
    Action("reopen", gettext_lazy("Back to review"), frozenset({R.REVIEWED}), R.DRAFT, ROSTERS),
    Action(
        "publish", gettext_lazy("Publish (公示)"), frozenset({R.REVIEWED}), R.PUBLISHED, ROSTERS
    ),
    Action("close", pgettext_lazy("roster", "Close"), frozenset({R.PUBLISHED}), R.CLOSED, SYSTEM),
)

ENTRY = _table(
    Action("exclude", gettext_lazy("Exclude"), frozenset({E.LISTED}), E.EXCLUDED, ROSTERS),
    Action("include", gettext_lazy("Include again"), frozenset({E.EXCLUDED}), E.LISTED, ROSTERS),
    Action("offer", gettext_lazy("Offered"), frozenset({E.LISTED}), E.LISTED, SYSTEM, True),
    Action("confirm", gettext_lazy("Confirm"), frozenset({E.LISTED}), E.CONFIRMED, COMPANY, True),
    Action("decline", gettext_lazy("Decline"), frozenset({E.LISTED}), E.DECLINED, COMPANY),
    Action(
        "lapse",
        gettext_lazy("Not confirmed in time"),
        frozenset({E.LISTED}),
        E.LAPSED,
        SYSTEM,
        True,
    ),
)

TABLES = {
    "account": ACCOUNT,
    "instalment": INSTALMENT,
    "batch": BATCH,
    "award": AWARD,
    "roster": ROSTER,
    "entry": ENTRY,
}


def move(kind: str, obj, action_name: str, by=None) -> Action:
    """Move ``obj`` (locked by the caller) by ``action_name`` of table ``kind``: check the
    action exists, the state allows it and ``by`` may take it; set the state. Returns the
    action; the caller records its event and then calls ``announce``."""
    action = TABLES[kind].get(action_name)
    if action is None:
        raise FulfilmentError(_("No such action."), code="unknown_action")
    state = obj.state or ""
    if state not in action.sources:
        raise FulfilmentError(
            _("This cannot be done now: it is “%(state)s” (action: %(action)s).")
            % {"state": obj.get_state_display() if state else "—", "action": action.label},
            code="state",
        )
    if action.by == SYSTEM:
        if by is not None:
            raise FulfilmentError(_("Only the system does this."), code="forbidden")
    elif action.by != COMPANY:
        from .rules import require

        require(by, action.by)
    obj.state = action.target
    return action


def announce(kind: str, action: Action, pk: int) -> None:
    """The company hears of ``action`` after the commit (written to the outbox now); ``pk``
    names what the message is about (an event, so each step is told once)."""
    if action.notify:
        outbox.enqueue("fulfilment.notify", kind=kind, action=action.name, pk=pk)


def allowed(kind: str, state: str, user=None) -> list[Action]:
    """The actions a person may take on an object of ``kind`` in ``state`` (for buttons)."""
    from .rules import may

    return [
        a
        for a in TABLES[kind].values()
        if state in a.sources and a.by not in (SYSTEM, COMPANY) and may(user, a.by)
    ]
