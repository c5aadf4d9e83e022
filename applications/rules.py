"""The rules of applications, for reading and checking: who may apply, what is complete, what a
reviewer may grant. Nothing here moves an application (``services`` and the table in ``states``
do); everything here answers a question or says no with an ``ApplicationError`` written for the
person who asked.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, Membership, VerificationStatus
from enterprises.services import jsonable
from policies.matching import ELIGIBLE, POSSIBLE, Evaluation, Facts, evaluate
from policies.workdays import as_local_date
from zoneportal.clock import local_today
from zoneportal.refusals import Refusal, is_active_staff
from zoneportal.words import join_sentences

from .models import (
    APPROVED,
    ENDED,
    OTHER_COMMITMENTS,
    Application,
    ApplicationEvent,
    ApplicationState,
    Programme,
    ReferenceCounter,
)

S = ApplicationState
User = get_user_model()
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_COMMENT_CHARS = 4000


class ApplicationError(Refusal):
    """An application cannot do what was asked; the message says why, for the person asking."""


class StaleApplication(ApplicationError):
    """Someone changed the application after the page was opened."""


# --- reading ------------------------------------------------------------------------------
REVIEW_PERMISSION = "applications.review_application"


def is_reviewer(user) -> bool:
    """Active staff holding the review permission (through a group or directly), or superusers."""
    return is_active_staff(user) and user.has_perm(REVIEW_PERMISSION)


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


#: Callables ``(enterprise, group_id, year) -> str | None`` of apps above this one whose
#: benefits count for the no-double-benefit rule (apply-free awards): a message naming the
#: earlier benefit, or None.
OTHER_BENEFITS: list = []


def register_benefit_source(*, committed, earlier) -> None:
    """Let an app above (``fulfilment``) count its grants against budgets and the exclusivity
    rule: ``committed(programme)`` is what it granted from the budget, ``earlier(enterprise,
    group_id, year)`` names a benefit this year in the group, or None."""
    if committed not in OTHER_COMMITMENTS:
        OTHER_COMMITMENTS.append(committed)
    if earlier not in OTHER_BENEFITS:
        OTHER_BENEFITS.append(earlier)


def other_exclusive_benefit(enterprise, programme, today=None) -> str | None:
    """A message naming a benefit of another kind this year in the programme's exclusivity
    group (an apply-free award), or None."""
    group_id = programme.page.specific.exclusivity_group_id
    if group_id is None:
        return None
    year = (today or local_today()).year
    for earlier in OTHER_BENEFITS:
        message = earlier(enterprise, group_id, year)
        if message:
            return message
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
        reasons = join_sentences(c.explanation for c in evaluation.failed)
        problems.append(
            _("Your company does not meet the policy's criteria: %(reasons)s")
            % {"reasons": reasons}
        )
    earlier = earlier_exclusive_approval(enterprise, programme, today)
    if earlier is not None:
        problems.append(exclusivity_message(earlier))
    else:
        other = other_exclusive_benefit(enterprise, programme, today)
        if other:
            problems.append(other)
    return StartCheck(evaluation, problems)


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


def question_missing(application) -> list[str]:
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
    missing += question_missing(a)
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


def member(enterprise, user) -> Membership:
    membership = Membership.objects.filter(enterprise=enterprise, user=user).first()
    if membership is None:
        raise ApplicationError(_("You are not a member of this company."), code="forbidden")
    return membership


def next_reference(now) -> str:
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


def check_actor(application, action, by) -> None:
    if action.role == ApplicationEvent.Role.REVIEWER:
        if by is None or not is_reviewer(by):
            raise ApplicationError(_("Only application reviewers can do this."), code="forbidden")
    elif action.role == ApplicationEvent.Role.APPLICANT:
        if by is None:
            raise ApplicationError(_("Only the applicant can do this."), code="forbidden")
        member(application.enterprise, by)
    elif by is not None:
        # The end of a public notice is the daily job's (finalise_due): a person ending it early
        # would cut the objection period short, and the event would record a person as "system".
        raise ApplicationError(_("Only the system does this."), code="forbidden")


def approved_amount(application, amount, today=None) -> Decimal:
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
    other = other_exclusive_benefit(application.enterprise, programme, today)
    if other:
        raise ApplicationError(other, code="exclusive")
    return amount
