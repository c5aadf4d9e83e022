"""The rules of fulfilment, for reading and checking: who may act, budgets, the no-double-benefit
rule for apply-free awards, instalment splits. Nothing here changes a state (``services`` does).

Staff are recognised by permission, never by group name:

- ``fulfilment.prepare_payments`` (finance): payment batches, the bank files;
- ``fulfilment.verify_accounts`` (finance): verifying companies' bank accounts;
- ``fulfilment.manage_rosters``: generating, reviewing and publishing apply-free rosters;
- ``fulfilment.check_acceptance``: checking acceptance reports (验收), recording recoveries (追回).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from applications.models import APPROVED, Application, Programme
from policies.workdays import as_local_date
from zoneportal.refusals import Refusal, is_active_staff

from .models import (
    SPENDING,
    ZERO,
    Award,
    AwardSource,
    EntryState,
    Instalment,
    InstalmentState,
)

PREPARE = "fulfilment.prepare_payments"
VERIFY = "fulfilment.verify_accounts"
ROSTERS = "fulfilment.manage_rosters"
ACCEPTANCE = "fulfilment.check_acceptance"
ALL_RIGHTS = (PREPARE, VERIFY, ROSTERS, ACCEPTANCE)
CENT = Decimal("0.01")
MAX_REASON_CHARS = 2000


class FulfilmentError(Refusal):
    """Something cannot be done; the message says why, for the person asking."""


def may(user, right: str) -> bool:
    return is_active_staff(user) and user.has_perm(right)


def is_fulfilment_staff(user) -> bool:
    return any(may(user, right) for right in ALL_RIGHTS)


def require(user, right: str) -> None:
    if not may(user, right):
        raise FulfilmentError(_("You do not have the right to do this."), code="forbidden")


# --- money -------------------------------------------------------------------------------------
def split(amount: Decimal, shares: list[int]) -> list[Decimal]:
    """``amount`` in instalments of ``shares`` per cent, to the cent; the last takes the rest,
    so the parts always add up to the amount exactly."""
    parts = [(amount * share / 100).quantize(CENT, rounding=ROUND_DOWN) for share in shares[:-1]]
    parts.append(amount - sum(parts, ZERO))
    return parts


def apply_free_committed(programme) -> Decimal:
    """What apply-free awards have granted from the programme's budget."""
    total = Award.objects.filter(programme=programme, source=AwardSource.APPLY_FREE).aggregate(
        total=Sum("amount")
    )["total"]
    return total or ZERO


def earlier_apply_free_benefit(enterprise, group_id, year) -> str | None:
    """An apply-free award this year in the exclusivity group, as a message (or None)."""
    award = (
        Award.objects.filter(
            enterprise=enterprise,
            source=AwardSource.APPLY_FREE,
            programme__page__exclusivity_group_id=group_id,
            granted_on__year=year,
        )
        .select_related("programme")
        .first()
    )
    if award is None:
        return None
    return _(
        "Your company already received the apply-free benefit “%(programme)s” on %(date)s. "
        "Policies of one group are not granted twice in a year (从高从优不重复)."
    ) % {"programme": award.programme.display_name, "date": award.granted_on.isoformat()}


def earlier_benefit(enterprise, programme, today) -> str | None:
    """Any benefit this year in the programme's exclusivity group, applied or apply-free."""
    group_id = programme.page.specific.exclusivity_group_id
    if group_id is None:
        return None
    from applications.rules import earlier_exclusive_approval, exclusivity_message

    earlier = earlier_exclusive_approval(enterprise, programme, today)
    if earlier is not None:
        return exclusivity_message(earlier)
    return earlier_apply_free_benefit(enterprise, group_id, today.year)


def holders_in_group(programme, year, enterprise_ids=None) -> set[int]:
    """Companies holding a benefit this year in the programme's exclusivity group (one query
    per kind), for a roster of many companies."""
    group_id = programme.page.specific.exclusivity_group_id
    if group_id is None:
        return set()
    applied = Application.objects.filter(
        state__in=APPROVED, programme__page__exclusivity_group_id=group_id, decided_at__year=year
    )
    free = Award.objects.filter(
        source=AwardSource.APPLY_FREE,
        programme__page__exclusivity_group_id=group_id,
        granted_on__year=year,
    )
    if enterprise_ids is not None:
        applied = applied.filter(enterprise_id__in=enterprise_ids)
        free = free.filter(enterprise_id__in=enterprise_ids)
    return set(applied.values_list("enterprise_id", flat=True)) | set(
        free.values_list("enterprise_id", flat=True)
    )


@dataclass
class Budget:
    programme: Programme
    budget: Decimal
    approved: Decimal  # approved applications + apply-free awards
    paid: Decimal  # instalments paid
    in_flight: Decimal  # instalments with the bank
    recovered: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.approved

    @property
    def unpaid(self) -> Decimal:
        return self.approved - self.paid


def budget(programme) -> Budget:
    spent = Instalment.objects.filter(award__programme=programme).aggregate(
        paid=Sum("amount", filter=Q(state=InstalmentState.PAID)),
        in_flight=Sum("amount", filter=Q(state=InstalmentState.SUBMITTED)),
    )
    recovered = programme.awards.aggregate(total=Sum("recoveries__amount"))["total"]
    return Budget(
        programme=programme,
        budget=programme.budget,
        approved=programme.approved_total() + apply_free_committed(programme),
        paid=spent["paid"] or ZERO,
        in_flight=spent["in_flight"] or ZERO,
        recovered=recovered or ZERO,
    )


def budgets(programmes) -> list[Budget]:
    return [budget(p) for p in programmes]


def check_payment_budget(programme, adding: Decimal) -> None:
    """Paying ``adding`` more (with the bank or paid) would not pass the programme's budget."""
    spent = (
        Instalment.objects.filter(award__programme=programme, state__in=SPENDING).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )
    if spent + adding > programme.budget:
        raise FulfilmentError(
            _(
                "Paying ¥%(amount)s more under “%(programme)s” would pass its budget of "
                "¥%(budget)s (¥%(spent)s already paid or with the bank)."
            )
            % {
                "amount": f"{adding:,.2f}",
                "programme": programme.display_name,
                "budget": f"{programme.budget:,.2f}",
                "spent": f"{spent:,.2f}",
            },
            code="budget",
        )


def open_entry_for(enterprise):
    """The company's roster entries it can still confirm or decline."""
    return enterprise.roster_entries.filter(
        state=EntryState.LISTED, roster__state="published"
    ).select_related("roster", "roster__programme")


def local_date(moment):
    return as_local_date(moment)
