"""Everything that changes an application goes through here.

* starting an application, and the applicant's task list (answers, documents, declaration);
* moving it: ``transition`` takes any action of the table in ``states`` (submit included) under
  a row lock, runs the action's effect, records the event and writes the action's after-commit
  work to the outbox, so two reviewers acting at once cannot both decide and a double-clicked
  submit makes one submission.

The rules that answer questions (who may apply, what is complete, what may be granted) are in
``rules``; their names are importable from here too, as the pages and tests use them.
Errors are ``ApplicationError`` with a message written for the person who caused them.
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.uploads import KINDS, validate_upload
from notifications import outbox
from policies.workdays import as_local_date, working_days_between
from zoneportal.clock import local_today

from . import states
from .models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationState,
    Programme,
)
from .rules import (  # noqa: F401 — the rules' names, as the pages and tests know them
    ANSWER_FIELDS,
    COMPLETE,
    IN_PROGRESS,
    MAX_COMMENT_CHARS,
    MAX_DOCUMENT_BYTES,
    NOT_STARTED,
    REVIEW_PERMISSION,
    SECTIONS,
    ApplicationError,
    Section,
    StaleApplication,
    StartCheck,
    check_actor,
    check_amount,
    check_company,
    earlier_exclusive_approval,
    eligibility,
    eligibility_snapshot,
    exclusivity_message,
    is_reviewer,
    live_application,
    member,
    profile_snapshot,
    reviewers,
    sections,
)

S = ApplicationState


# --- starting ----------------------------------------------------------------------------
def start_application(enterprise, programme, *, by, confirmed_unknowns=()) -> Application:
    """A draft for ``enterprise``, or its live application when there is one (idempotent)."""
    member(enterprise, by)
    existing = live_application(enterprise, programme)
    if existing is not None:
        return existing
    check = check_company(enterprise, programme)
    if not check.ok:
        raise ApplicationError(" ".join(check.problems), code="not_allowed")
    missing = sorted(set(check.unknown_keys) - set(confirmed_unknowns))
    if missing:
        raise ApplicationError(
            _("Please confirm that your company meets the criteria the portal cannot check."),
            code="confirm_unknowns",
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                programme=programme,
                enterprise=enterprise,
                created_by=by,
                contact_name=enterprise.contact_name or by.get_full_name(),
                contact_phone=enterprise.contact_phone,
                contact_email=enterprise.contact_email or by.email,
                confirmed_unknowns=sorted(check.unknown_keys),
            )
            ApplicationEvent.objects.create(
                application=application,
                action="start",
                from_state=S.DRAFT,
                to_state=S.DRAFT,
                actor=by,
                role=ApplicationEvent.Role.APPLICANT,
            )
    except IntegrityError:
        # Two requests raced (a double click): the other one created it.
        existing = live_application(enterprise, programme)
        if existing is None:
            raise
        return existing
    return application


# --- the task list ------------------------------------------------------------------------
def touch(application, section: str) -> None:
    if section not in application.sections_touched:
        application.sections_touched = [*application.sections_touched, section]


def _editable(application: Application, by) -> Application:
    """Lock the application for an applicant's change, refusing if it cannot be changed."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    member(locked.enterprise, by)
    if not locked.is_editable:
        raise ApplicationError(
            _("This application is %(state)s and can no longer be changed.")
            % {"state": locked.get_state_display()},
            code="not_editable",
        )
    return locked


@transaction.atomic
def save_answers(application: Application, *, by, section: str, **values) -> Application:
    """Save one section of a draft (or returned) application."""
    tampered = sorted(set(values) - ANSWER_FIELDS)
    if tampered or section not in SECTIONS:
        # Only the applicant's own answers: never the state, the company or a decision.
        raise ApplicationError(_("These fields cannot be changed here."), code="forbidden")
    locked = _editable(application, by)
    if "amount_requested" in values and values["amount_requested"] is not None:
        check_amount(locked.programme, values["amount_requested"])
    for name, value in values.items():
        setattr(locked, name, value)
    touch(locked, section)
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def confirm_unknowns(application: Application, *, by, keys) -> Application:
    """Record that the applicant confirms criteria the portal cannot check from the profile."""
    locked = _editable(application, by)
    locked.confirmed_unknowns = sorted(set(locked.confirmed_unknowns) | set(keys))
    locked.version += 1
    locked.save(update_fields=["confirmed_unknowns", "version", "updated_at"])
    return locked


@transaction.atomic
def accept_declaration(application: Application, *, by) -> Application:
    locked = _editable(application, by)
    locked.declaration_accepted_at = timezone.now()
    locked.declaration_accepted_by = by
    touch(locked, "declaration")
    locked.version += 1
    locked.save()
    return locked


def _delete_file_on_commit(field_file) -> None:
    """Remove a stored file only once its row's deletion is committed (a rollback keeps both)."""
    storage, name = field_file.storage, field_file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def requirement(application, requirement_id):
    for block_id, doc in application.programme.required_documents():
        if block_id == requirement_id:
            return doc
    raise ApplicationError(_("The programme asks for no such document."), code="unknown_document")


@transaction.atomic
def add_document(application: Application, *, by, requirement_id: str, upload):
    """Store an uploaded file for one required document (replacing an earlier one)."""
    from django.core.exceptions import ValidationError

    locked = _editable(application, by)
    doc = requirement(locked, requirement_id)
    allowed = tuple(code for code in doc["accepted"] if code in KINDS) or ("pdf",)
    try:
        kind = validate_upload(upload, allowed=allowed, max_bytes=MAX_DOCUMENT_BYTES)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="file") from exc
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    old = locked.documents.filter(requirement_id=requirement_id).first()
    if old is not None:
        _delete_file_on_commit(old.file)
        old.delete()
    document = ApplicationDocument(
        application=locked,
        requirement_id=requirement_id,
        original_name=(upload.name or "document")[-255:],
        content_type=kind.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    document.file.save(upload.name or "document", upload, save=False)
    document.save()
    touch(locked, "documents")
    locked.version += 1
    locked.save()
    return document


@transaction.atomic
def remove_document(application: Application, *, by, document_id: int) -> None:
    locked = _editable(application, by)
    document = locked.documents.filter(pk=document_id).first()
    if document is None:
        raise ApplicationError(_("There is no such document."), code="unknown_document")
    _delete_file_on_commit(document.file)
    document.delete()
    locked.version += 1
    locked.save()


# --- moving an application ----------------------------------------------------------------
@dataclass
class Outcome:
    application: Application
    event: ApplicationEvent | None
    already: bool = False  # the same action had already been done (idempotent repeat)


def _illegal(application, action) -> str:
    return _("A %(state)s application cannot be “%(action)s”.") % {
        "state": application.get_state_display(),
        "action": action.label,
    }


def transition(
    application: Application,
    action_name: str,
    *,
    by,
    comment: str = "",
    internal_note: str = "",
    reasons: dict | None = None,
    amount: Decimal | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Outcome:
    """Take an action of the table in ``states``: an applicant's, a reviewer's or the system's.

    The application row is locked (the approve effect locks the programme and the company too,
    for the budget and the exclusivity rule), the state checked inside the lock, the action's
    effect run, and the event and the after-commit work written in the same transaction: of two
    reviewers acting at once, the second finds the state already moved and is refused.
    """
    action = states.ACTIONS.get(action_name)
    if action is None:
        raise ApplicationError(_("There is no such action."), code="illegal")
    now = now or timezone.now()
    comment, internal_note = (comment or "").strip(), (internal_note or "").strip()
    if len(comment) > MAX_COMMENT_CHARS or len(internal_note) > MAX_COMMENT_CHARS:
        raise ApplicationError(_("The comment is too long."), code="too_long")
    reasons = {k: str(v).strip() for k, v in (reasons or {}).items() if str(v).strip()}

    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("programme", "enterprise")
            .get(pk=application.pk)
        )
        check_actor(locked, action, by)
        if locked.state in action.repeat_from and locked.last_submitted_at:
            # A double click or a re-posted form: the first request did the work.
            return Outcome(locked, None, already=True)
        if locked.state not in action.sources:
            if locked.state == action.target:
                raise ApplicationError(
                    _("Someone has already done this: the application is %(state)s.")
                    % {"state": locked.get_state_display()},
                    code="already",
                )
            raise ApplicationError(_illegal(locked, action), code="illegal")
        if expected_version is not None and locked.version != expected_version:
            raise StaleApplication(
                _(
                    "The application changed after you opened it. Please look at it again "
                    "before you act."
                ),
                code="stale",
            )
        from_state = locked.state
        move = states.Move(locked, by, now, comment, internal_note, reasons, amount)
        if action.effect is not None:
            action.effect(move)
        locked.state = action.target
        locked.version += 1
        locked.save()
        event = ApplicationEvent.objects.create(
            application=locked,
            action=action.name,
            from_state=from_state,
            to_state=locked.state,
            actor=by,
            role=action.role,
            comment=comment,
            internal_note=internal_note,
            **move.event,
        )
        for after in action.after_commit:
            outbox.enqueue(after.task, **after.arguments(event))
    return Outcome(locked, event)


def submit(application: Application, *, by, now=None) -> Outcome:
    """Submit a draft or resubmit a returned application. A repeat returns the first result."""
    state = Application.objects.values_list("state", flat=True).get(pk=application.pk)
    return transition(application, states.submission_for(state).name, by=by, now=now)


def withdraw(application, *, by, comment="") -> Outcome:
    return transition(application, "withdraw", by=by, comment=comment)


def finalise_due(today=None) -> int:
    """End the public notice of every approval whose notice period is over (daily)."""
    today = today or local_today()
    done = 0
    for pk in Application.objects.filter(state=S.APPROVED, notice_until__lt=today).values_list(
        "pk", flat=True
    ):
        try:
            transition(Application(pk=pk), "finalise", by=None)
            done += 1
        except ApplicationError:
            continue  # someone else finalised it meanwhile
    return done


def public_notices(today=None):
    """Approvals under public notice (公示), newest first.

    Every approval not yet final: one whose period ended today stays listed until the daily
    task makes it final, so it never drops off the list for a night.
    """
    return (
        Application.objects.filter(state=S.APPROVED)
        .select_related("enterprise", "programme", "programme__page")
        .order_by("-decided_at")
    )


def statistics(queryset=None) -> dict:
    """Counts by state, approved amounts against budget, average review time (working days)."""
    queryset = queryset if queryset is not None else Application.objects.all()
    by_state = dict(
        queryset.values_list("state").annotate(n=models.Count("pk")).values_list("state", "n")
    )
    decided = queryset.filter(decided_at__isnull=False, submitted_at__isnull=False)
    durations = [
        working_days_between(as_local_date(a.submitted_at), as_local_date(a.decided_at))
        for a in decided.only("submitted_at", "decided_at")
    ]
    programmes = []
    for programme in Programme.objects.filter(
        pk__in=queryset.values("programme_id")
    ).select_related("page"):
        approved = programme.approved_total()
        programmes.append(
            {
                "programme": programme,
                "budget": programme.budget,
                "approved": approved,
                "remaining": programme.budget - approved,
                "applications": queryset.filter(programme=programme).count(),
            }
        )
    return {
        "by_state": by_state,
        "average_review_days": (sum(durations) / len(durations)) if durations else None,
        "decided": len(durations),
        "programmes": programmes,
    }
