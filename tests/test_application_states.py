"""The state machine: every action × state × role, generated from ``states.ACTIONS``.

For each (action, state) one application is put in that state, then every role tries the
action: the legal try succeeds (inside a savepoint that is rolled back, so the next role starts
from the same state) and records who, when and the comment; every illegal try raises
``ApplicationError`` with a message and leaves the application and its history as they were.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone, translation

from applications import services, states
from applications.models import Application, ApplicationEvent, ApplicationState
from tests.factories import (
    make_application,
    make_programme,
    make_reviewer,
    make_user,
    make_verified_enterprise,
)

pytestmark = pytest.mark.django_db

S = ApplicationState
STATES = [s.value for s in ApplicationState]
ROLES = ["applicant", "other_company", "reviewer", "staff", "system"]
TABLE_ROLE = {"applicant": states.APPLICANT, "reviewer": states.REVIEWER, "system": states.SYSTEM}
SUBMIT_ACTIONS = ("submit", "resubmit")  # taken through ``services.submit``
COMMENT = "请补充审计报告的附注。"
NOTE = "内部：与财务局核对过。"


class Rollback(Exception):
    pass


@pytest.fixture
def people(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    enterprise = make_verified_enterprise()
    other = make_verified_enterprise()
    return {
        "enterprise": enterprise,
        "applicant": enterprise.memberships.get().user,
        "other_company": other.memberships.get().user,
        "reviewer": make_reviewer(),
        "staff": make_user("staff-no-group@zone.example", is_staff=True),
        "system": None,
    }


def put_in_state(state, people) -> Application:
    """An application of ``people["enterprise"]`` brought to ``state`` through the services."""
    applicant, reviewer = people["applicant"], people["reviewer"]
    programme = make_programme()
    application = make_application(people["enterprise"], programme, user=applicant)
    if state == S.DRAFT:
        return application
    if state == S.WITHDRAWN:
        return services.withdraw(application, by=applicant).application
    services.submit(application, by=applicant)
    if state == S.SUBMITTED:
        return Application.objects.get(pk=application.pk)
    services.transition(application, "accept", by=reviewer)
    if state == S.RETURNED or state == S.RESUBMITTED:
        services.transition(application, "return", by=reviewer, comment="补正")
        # The applicant corrects and declares again: ready to be resubmitted.
        services.accept_declaration(application, by=applicant)
        if state == S.RESUBMITTED:
            services.submit(application, by=applicant)
    elif state == S.REJECTED:
        services.transition(application, "reject", by=reviewer, comment="不符合")
    elif state in (S.APPROVED, S.FINAL):
        services.transition(application, "approve", by=reviewer, amount="100000")
        if state == S.FINAL:
            services.transition(application, "finalise", by=None)
    application = Application.objects.get(pk=application.pk)
    assert application.state == state
    return application


def expected(action, state, role) -> str:
    """``done``, ``already`` (an idempotent repeat of a submission) or ``refused``."""
    if action in SUBMIT_ACTIONS:
        # ``submit`` takes a draft to submitted and a returned application to resubmitted.
        if role == "applicant":
            if state in states.ACTIONS["submit"].sources | states.ACTIONS["resubmit"].sources:
                return "done"
            if state in (S.SUBMITTED, S.RESUBMITTED):
                return "already"
        return "refused"
    legal = role in TABLE_ROLE and states.allowed(action, state, TABLE_ROLE[role])
    return "done" if legal else "refused"


def attempt(application, action, by):
    if action in SUBMIT_ACTIONS:
        return services.submit(application, by=by)
    return services.transition(
        application,
        action,
        by=by,
        comment=COMMENT,
        internal_note=NOTE,
        reasons={"doc-audit": "扫描件不清晰"},
        amount=Decimal("100000"),
    )


def snapshot(application):
    row = Application.objects.get(pk=application.pk)
    return (
        row.state,
        row.version,
        row.reference,
        row.amount_approved,
        row.decided_at,
        ApplicationEvent.objects.filter(application=row).count(),
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(states.ACTIONS))
def test_every_action_in_every_state_by_every_role(action, state, people):
    application = put_in_state(state, people)
    before = snapshot(application)
    for role in ROLES:
        by = people[role]
        outcome_expected = expected(action, state, role)
        started = timezone.now()
        if outcome_expected == "refused":
            with pytest.raises(services.ApplicationError) as caught, transaction.atomic():
                attempt(application, action, by)
            assert caught.value.message.strip(), (action, state, role)
            assert caught.value.code in {"illegal", "forbidden", "already"}, (
                action,
                state,
                role,
                caught.value.code,
                caught.value.message,
            )
            assert snapshot(application) == before, (action, state, role)
            continue
        try:
            with transaction.atomic():
                outcome = attempt(application, action, by)
                if outcome_expected == "already":
                    assert outcome.already and outcome.event is None
                    assert snapshot(application) == before
                    raise Rollback
                event = outcome.event
                target = states.ACTIONS[event.action].target
                assert outcome.application.state == target
                assert Application.objects.get(pk=application.pk).state == target
                assert event.from_state == state and event.to_state == target
                assert event.actor == by
                assert event.role == states.ACTIONS[event.action].role
                assert started <= event.created_at <= timezone.now()
                if action not in SUBMIT_ACTIONS:
                    assert event.action == action
                    assert event.comment == COMMENT
                    assert event.internal_note == NOTE
                raise Rollback
        except Rollback:
            pass
        assert snapshot(application) == before, (action, state, role)


def test_the_matrix_has_legal_moves_for_every_role_of_the_table():
    """Every action of the table is legal somewhere, so the matrix above is not vacuous."""
    for name, action in states.ACTIONS.items():
        assert action.sources, name
        assert action.target in STATES
        assert action.target not in action.sources
    assert not states.actions_for(S.REJECTED, states.REVIEWER)
    assert not states.actions_for(S.WITHDRAWN, states.APPLICANT)
    assert not states.actions_for(S.FINAL, states.SYSTEM)


def test_submit_is_a_transition_of_the_same_table(people):
    """Submitting goes through the one table like every other action (no side door)."""
    application = put_in_state(S.DRAFT, people)
    for name in ("resubmit", "no-such-action"):
        with pytest.raises(services.ApplicationError):
            services.transition(application, name, by=people["applicant"])
    assert Application.objects.get(pk=application.pk).state == S.DRAFT
    outcome = services.transition(application, "submit", by=people["applicant"])
    assert outcome.application.state == S.SUBMITTED and outcome.application.reference
    assert services.transition(application, "submit", by=people["applicant"]).already


def test_illegal_messages_say_what_and_why(people):
    application = put_in_state(S.DRAFT, people)
    with translation.override("en"):
        with pytest.raises(services.ApplicationError) as caught:
            services.transition(application, "approve", by=people["reviewer"], amount="1")
        assert caught.value.message == "A Draft application cannot be “Approve”."
        with pytest.raises(services.ApplicationError) as caught:
            services.transition(application, "withdraw", by=people["reviewer"])
        assert caught.value.message == "You are not a member of this company."
        with pytest.raises(services.ApplicationError) as caught:
            services.transition(application, "accept", by=people["staff"])
        assert caught.value.message == "Only application reviewers can do this."


def test_internal_note_is_kept_apart_from_the_comment(people):
    application = put_in_state(S.ACCEPTED, people)
    outcome = services.transition(
        application,
        "return",
        by=people["reviewer"],
        comment="请重新上传审计报告。",
        internal_note="怀疑报告被修改过，已请审计局核实。",
        reasons={"doc-audit": "缺少签章页"},
    )
    event = outcome.event
    assert event.comment == "请重新上传审计报告。"
    assert event.internal_note == "怀疑报告被修改过，已请审计局核实。"
    assert event.reasons == {"doc-audit": "缺少签章页"}
    assert outcome.application.return_reasons == {"doc-audit": "缺少签章页"}
    # The applicant's message carries the comment and the reasons, never the internal note.
    from applications.notify import _event_message

    title, body = _event_message(event)
    assert "请重新上传审计报告" in body and "缺少签章页" in body
    assert "审计局" not in body and "审计局" not in title


def test_return_needs_a_reason_and_reject_a_comment(people):
    application = put_in_state(S.ACCEPTED, people)
    reviewer = people["reviewer"]
    with pytest.raises(services.ApplicationError) as caught:
        services.transition(application, "return", by=reviewer, internal_note="only internal")
    assert caught.value.code == "reasons"
    with pytest.raises(services.ApplicationError) as caught:
        services.transition(application, "reject", by=reviewer, internal_note="only internal")
    assert caught.value.code == "reasons"
    assert Application.objects.get(pk=application.pk).state == S.ACCEPTED
    assert not application.events.filter(action__in=["return", "reject"]).exists()


def test_a_stale_page_is_refused(people):
    application = put_in_state(S.SUBMITTED, people)
    version = application.version
    services.transition(application, "accept", by=people["reviewer"], expected_version=version)
    with pytest.raises(services.ApplicationError) as caught:
        services.transition(
            application,
            "return",
            by=people["reviewer"],
            comment="x",
            expected_version=version,
        )
    assert caught.value.code == "stale"


def test_a_submission_repeated_after_acceptance_is_refused_not_repeated(people):
    application = put_in_state(S.ACCEPTED, people)
    with pytest.raises(services.ApplicationError):
        services.submit(application, by=people["applicant"])
    assert application.events.filter(action="submit").count() == 1


def test_tampered_fields_cannot_change_the_state_or_the_company(people):
    """``save_answers`` takes the applicant's fields only: no state, company or decision."""
    application = put_in_state(S.DRAFT, people)
    other = make_verified_enterprise()
    for field, value in (
        ("state", S.APPROVED),
        ("enterprise", other),
        ("enterprise_id", other.pk),
        ("amount_approved", Decimal("500000")),
        ("reference", "CDHT-2026-999999"),
        ("decided_at", timezone.now() - datetime.timedelta(days=1)),
    ):
        with pytest.raises(services.ApplicationError):
            services.save_answers(
                application, by=people["applicant"], section="project", **{field: value}
            )
    row = Application.objects.get(pk=application.pk)
    assert row.state == S.DRAFT and row.enterprise_id == people["enterprise"].pk
    assert row.amount_approved is None and row.reference is None
