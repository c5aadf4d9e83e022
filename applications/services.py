"""Everything that changes an application goes through here.

The rules live in one place so the applicant's pages, the reviewer's admin, the Celery tasks and
the tests all get the same answers:

* who may start an application (a verified company, inside the window, eligible by the policy's
  criteria, not already holding an approval in the policy's exclusivity group this year);
* what a complete application is (the task-list sections);
* how an application moves (``states.ACTIONS``), under a row lock, so two reviewers acting at
  once cannot both decide and a double-clicked submit makes one submission.

Errors are ``ApplicationError`` with a message written for the person who caused them.
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, Membership, VerificationStatus
from enterprises.services import jsonable
from enterprises.uploads import KINDS, validate_upload
from notifications import outbox
from policies.matching import ELIGIBLE, POSSIBLE, Evaluation, Facts, evaluate
from policies.workdays import as_local_date, promised_date, working_days_between
from zoneportal.clock import local_today

from . import states
from .models import (
    APPROVED,
    ENDED,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationState,
    Programme,
    ReferenceCounter,
)

S = ApplicationState
User = get_user_model()
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_COMMENT_CHARS = 4000


class ApplicationError(Exception):
    """An application cannot do what was asked; the message says why, for the person asking."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = str(message)
        self.code = code


class StaleApplication(ApplicationError):
    """Someone changed the application after the page was opened."""


# --- reading ------------------------------------------------------------------------------
REVIEW_PERMISSION = "applications.review_application"


def is_reviewer(user) -> bool:
    """Active staff holding the review permission (through a group or directly), or superusers."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.has_perm(REVIEW_PERMISSION)


def reviewers():
    """Everyone ``is_reviewer`` lets in, superusers aside (they review only when they act)."""
    permission = Permission.objects.get(
        content_type__app_label="applications", codename="review_application"
    )
    return list(
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
        .order_by("pk")
    )


def live_application(enterprise, programme) -> Application | None:
    return (
        Application.objects.filter(enterprise=enterprise, programme=programme)
        .exclude(state__in=ENDED)
        .first()
    )


def eligibility(enterprise, programme, today=None) -> Evaluation:
    policy = programme.page.specific
    return evaluate(policy.parsed_criteria, Facts.from_enterprise(enterprise), today)


def earlier_exclusive_approval(enterprise, programme, today=None) -> Application | None:
    """An approval this year in the same exclusivity group (从高从优不重复), if any."""
    group_id = programme.page.specific.exclusivity_group_id
    if group_id is None:
        return None
    year = (today or local_today()).year
    candidates = (
        Application.objects.filter(
            enterprise=enterprise,
            state__in=APPROVED,
            programme__page__exclusivity_group_id=group_id,
        )
        .select_related("programme", "programme__page")
        .order_by("decided_at")
    )
    for application in candidates:
        if application.decided_at and as_local_date(application.decided_at).year == year:
            return application
    return None


def exclusivity_message(earlier: Application) -> str:
    group = earlier.policy.exclusivity_group
    return _(
        "Your company already holds an approval this year in the group “%(group)s”: "
        "%(reference)s, %(programme)s under “%(policy)s”, approved on %(date)s. "
        "Policies of one group are not granted twice in a year (从高从优不重复)."
    ) % {
        "group": group.display_name if group else "",
        "reference": earlier.reference,
        "programme": earlier.programme.display_name,
        "policy": earlier.policy.display_title,
        "date": as_local_date(earlier.decided_at).isoformat(),
    }


@dataclass
class StartCheck:
    """Whether a company may start (or submit) an application, and what to show it."""

    evaluation: Evaluation
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unknown_keys(self) -> list[str]:
        return [c.key for c in self.evaluation.unknown]


def check_company(enterprise, programme, *, now=None, for_resubmission=False) -> StartCheck:
    """Every rule that decides whether ``enterprise`` may apply to ``programme`` now."""
    now = now or timezone.now()
    today = as_local_date(now)
    problems = []
    if enterprise.verification_status != VerificationStatus.VERIFIED:
        problems.append(
            _("Only verified companies can apply. Your company's profile is not verified yet.")
        )
    if not for_resubmission:
        state = programme.window_state(now)
        if state == "upcoming":
            problems.append(
                _("The programme opens for applications at %(time)s (China Standard Time).")
                % {"time": timezone.localtime(programme.opens_at).strftime("%Y-%m-%d %H:%M")}
            )
        elif state == "closed":
            problems.append(
                _("The programme closed for applications at %(time)s (China Standard Time).")
                % {"time": timezone.localtime(programme.closes_at).strftime("%Y-%m-%d %H:%M")}
            )
    if not programme.page.live:
        problems.append(_("The policy of this programme is no longer published."))
    evaluation = eligibility(enterprise, programme, today)
    if evaluation.status not in (ELIGIBLE, POSSIBLE):
        reasons = "; ".join(c.explanation for c in evaluation.failed)
        problems.append(
            _("Your company does not meet the policy's criteria: %(reasons)s")
            % {"reasons": reasons}
        )
    earlier = earlier_exclusive_approval(enterprise, programme, today)
    if earlier is not None:
        problems.append(exclusivity_message(earlier))
    return StartCheck(evaluation, problems)


# --- starting ----------------------------------------------------------------------------
def _member(enterprise, user) -> Membership:
    membership = Membership.objects.filter(enterprise=enterprise, user=user).first()
    if membership is None:
        raise ApplicationError(_("You are not a member of this company."), code="forbidden")
    return membership


def start_application(enterprise, programme, *, by, confirmed_unknowns=()) -> Application:
    """A draft for ``enterprise``, or its live application when there is one (idempotent)."""
    _member(enterprise, by)
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
NOT_STARTED, IN_PROGRESS, COMPLETE = "not_started", "in_progress", "complete"
SECTIONS = ("applicant", "project", "amount", "documents", "declaration")
# What an applicant may write with ``save_answers``; everything else moves through the services.
ANSWER_FIELDS = frozenset(
    {
        "contact_name",
        "contact_phone",
        "contact_email",
        "project_title",
        "project_summary",
        "answers",
        "amount_requested",
    }
)


@dataclass
class Section:
    key: str
    status: str
    missing: list[str]


def _question_missing(application) -> list[str]:
    missing = []
    for block_id, question in application.programme.question_list():
        value = application.answers.get(block_id)
        if question["required"] and value in (None, "", []):
            missing.append(question["label"])
    return missing


def sections(application) -> list[Section]:
    """The task-list sections with their status and what each still lacks."""
    a, touched = application, set(application.sections_touched)
    result = []

    def add(key, missing, started):
        if not missing:
            status = COMPLETE
        elif started or key in touched:
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        result.append(Section(key, status, missing))

    missing = []
    if not a.contact_name:
        missing.append(_("contact person"))
    if not a.contact_phone:
        missing.append(_("contact phone"))
    if not a.contact_email:
        missing.append(_("contact e-mail"))
    add("applicant", missing, "applicant" in touched)

    missing = []
    if not a.project_title:
        missing.append(_("project title"))
    if not a.project_summary:
        missing.append(_("project summary"))
    missing += _question_missing(a)
    add("project", missing, bool(a.project_title or a.project_summary or a.answers))

    missing = [] if a.amount_requested else [_("amount requested")]
    add("amount", missing, False)

    uploaded = set(a.documents.values_list("requirement_id", flat=True))
    missing = [
        doc["name"]
        for block_id, doc in a.programme.required_documents()
        if doc["required"] and block_id not in uploaded
    ]
    add("documents", missing, bool(uploaded))

    missing = [] if a.declaration_accepted_at else [_("the declaration")]
    add("declaration", missing, False)
    return result


def touch(application, section: str) -> None:
    if section not in application.sections_touched:
        application.sections_touched = [*application.sections_touched, section]


def _editable(application: Application, by) -> Application:
    """Lock the application for an applicant's change, refusing if it cannot be changed."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _member(locked.enterprise, by)
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


def check_amount(programme: Programme, amount: Decimal) -> None:
    if amount <= 0:
        raise ApplicationError(_("The amount must be more than zero."), code="amount")
    if amount > programme.max_amount:
        raise ApplicationError(
            _("The amount is more than the programme's maximum of ¥%(max)s per company.")
            % {"max": f"{programme.max_amount:,.2f}"},
            code="amount",
        )
    if amount > programme.budget:
        raise ApplicationError(
            _("The amount is more than the programme's total budget."), code="amount"
        )


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
def _next_reference(now) -> str:
    year = as_local_date(now).year
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"CDHT-{year}-{counter.last:06d}"


def profile_snapshot(enterprise: Enterprise) -> dict:
    """The company's profile as it stands, kept with the application at submission."""
    fields = [
        "name",
        "credit_code",
        "legal_representative",
        "registered_address",
        "established",
        "registered_capital_wan",
        "industry_code",
        "employees",
        "revenue_wan",
        "rd_expense_wan",
        "business_scope",
        "credit_standing",
    ]
    data = {name: jsonable(getattr(enterprise, name)) for name in fields}
    data["area"] = enterprise.area.name_zh if enterprise.area_id else None
    data["size"] = enterprise.size
    data["qualifications"] = [
        {
            "type": q.type.name_zh,
            "certificate_number": q.certificate_number,
            "valid_until": q.valid_until.isoformat(),
        }
        for q in enterprise.qualifications.select_related("type")
    ]
    return data


def eligibility_snapshot(evaluation: Evaluation) -> dict:
    return {
        "status": evaluation.status,
        "criteria": [
            {"key": c.key, "met": c.met, "explanation": c.explanation} for c in evaluation.criteria
        ],
    }


@dataclass
class Outcome:
    application: Application
    event: ApplicationEvent | None
    already: bool = False  # the same action had already been done (idempotent repeat)


def _record(application, action, from_state, by, role, **extra) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        action=action.name if hasattr(action, "name") else action,
        from_state=from_state,
        to_state=application.state,
        actor=by,
        role=role,
        **extra,
    )


def _after_commit(event: ApplicationEvent) -> None:
    outbox.enqueue("applications.notify_event", event_id=event.pk)


def submit(application: Application, *, by, now=None) -> Outcome:
    """Submit a draft or resubmit a returned application. A repeat returns the first result."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        _member(locked.enterprise, by)
        if locked.state in (S.SUBMITTED, S.RESUBMITTED) and locked.last_submitted_at:
            # A double click or a re-posted form: the first request did the work.
            return Outcome(locked, None, already=True)
        resubmission = locked.state == S.RETURNED
        action = states.ACTIONS["resubmit" if resubmission else "submit"]
        if locked.state not in action.sources:
            raise ApplicationError(_illegal(locked, action), code="illegal")
        incomplete = [s for s in sections(locked) if s.status != COMPLETE]
        if incomplete:
            missing = "; ".join(", ".join(str(m) for m in s.missing) for s in incomplete)
            raise ApplicationError(
                _("The application is not complete. Still missing: %(missing)s")
                % {"missing": missing},
                code="incomplete",
            )
        check_amount(locked.programme, locked.amount_requested)
        check = check_company(
            locked.enterprise, locked.programme, now=now, for_resubmission=resubmission
        )
        if not check.ok:
            raise ApplicationError(" ".join(check.problems), code="not_allowed")
        unconfirmed = sorted(set(check.unknown_keys) - set(locked.confirmed_unknowns))
        if unconfirmed:
            raise ApplicationError(
                _(
                    "Your company's profile changed: please confirm again that it meets the "
                    "criteria the portal cannot check."
                ),
                code="confirm_unknowns",
            )
        from_state = locked.state
        locked.state = action.target
        if locked.reference is None:
            locked.reference = _next_reference(now)
        locked.submitted_at = locked.submitted_at or now
        locked.last_submitted_at = now
        locked.profile_snapshot = profile_snapshot(locked.enterprise)
        locked.eligibility_snapshot = eligibility_snapshot(check.evaluation)
        locked.version += 1
        locked.save()
        event = _record(locked, action, from_state, by, states.APPLICANT)
        _after_commit(event)
    return Outcome(locked, event)


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
    """Take a reviewer's, an applicant's or the system's action (not submit: see ``submit``).

    The application row (and, to approve, the programme row, for the budget) is locked, the
    state checked inside the lock, and the event recorded in the same transaction: of two
    reviewers acting at once, the second finds the state already moved and is refused.
    """
    action = states.ACTIONS.get(action_name)
    if action is None or action.name in ("submit", "resubmit"):
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
        _check_actor(locked, action, by)
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
        extra = {}
        today = as_local_date(now)
        if action.name == "accept":
            promised = promised_date(today, locked.programme.review_days)
            locked.accepted_at = now
            locked.due_date = promised.date
            locked.due_date_complete = promised.complete
            locked.return_reasons = {}
        elif action.name == "return":
            if not reasons and not comment:
                raise ApplicationError(
                    _(
                        "Say what the applicant must correct: a reason for a document or question, "
                        "or a comment."
                    ),
                    code="reasons",
                )
            locked.return_reasons = reasons
            # The review clock stops: a new promised date is set when it is accepted again.
            locked.due_date = None
            locked.declaration_accepted_at = None  # the applicant declares again on resubmission
            locked.sections_touched = [s for s in locked.sections_touched if s != "declaration"]
            extra["reasons"] = reasons
        elif action.name == "approve":
            amount = _approved_amount(locked, amount, today)
            locked.amount_approved = amount
            locked.decided_at, locked.decided_by = now, by
            locked.decision_reason = comment
            notice = promised_date(today, locked.programme.notice_days)
            locked.notice_until = notice.date
            extra["amount"] = amount
        elif action.name == "reject":
            if not comment:
                raise ApplicationError(_("Give the reason for the rejection."), code="reasons")
            locked.decided_at, locked.decided_by = now, by
            locked.decision_reason = comment
        elif action.name == "finalise":
            locked.finalised_at = now
        locked.state = action.target
        locked.version += 1
        locked.save()
        event = _record(
            locked,
            action,
            from_state,
            by,
            action.role,
            comment=comment,
            internal_note=internal_note,
            **extra,
        )
        if action.name == "approve":
            _on_approved(locked)
        _after_commit(event)
    return Outcome(locked, event)


def _check_actor(application, action, by) -> None:
    if action.role == states.REVIEWER:
        if by is None or not is_reviewer(by):
            raise ApplicationError(_("Only application reviewers can do this."), code="forbidden")
    elif action.role == states.APPLICANT:
        if by is None:
            raise ApplicationError(_("Only the applicant can do this."), code="forbidden")
        _member(application.enterprise, by)
    elif by is not None:
        # The end of a public notice is the daily job's (finalise_due): a person ending it early
        # would cut the objection period short, and the event would record a person as "system".
        raise ApplicationError(_("Only the system does this."), code="forbidden")


def _approved_amount(application, amount, today=None) -> Decimal:
    if amount is None:
        raise ApplicationError(_("Give the amount approved."), code="amount")
    amount = Decimal(amount)
    if amount <= 0:
        raise ApplicationError(_("The amount approved must be more than zero."), code="amount")
    if amount > application.amount_requested:
        raise ApplicationError(
            _("The amount approved is more than the ¥%(requested)s requested.")
            % {"requested": f"{application.amount_requested:,.2f}"},
            code="amount",
        )
    # Lock the programme so two approvals cannot both spend the last of the budget.
    programme = Programme.objects.select_for_update().get(pk=application.programme_id)
    remaining = programme.remaining_budget()
    if amount > remaining:
        raise ApplicationError(
            _("The amount approved is more than the ¥%(remaining)s left in the budget.")
            % {"remaining": f"{remaining:,.2f}"},
            code="budget",
        )
    # Lock the company too: two approvals in one exclusivity group (different programmes, so
    # different programme locks) must not both pass the check below.
    Enterprise.objects.select_for_update().only("pk").get(pk=application.enterprise_id)
    earlier = earlier_exclusive_approval(application.enterprise, programme, today)
    if earlier is not None and earlier.pk != application.pk:
        raise ApplicationError(exclusivity_message(earlier), code="exclusive")
    return amount


def _on_approved(application) -> None:
    """The certificate of an approval is issued once the approval commits."""
    outbox.enqueue("certificates.issue", application_id=application.pk)


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
