"""Everything that changes fulfilment goes through here, under row locks, through the tables of
``states`` (which check the state and the right and queue the company's message).

Errors are ``FulfilmentError`` with a message for the person who caused them; a refused change
changes nothing (each service is one transaction).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationState, Programme
from enterprises.models import Enterprise, Membership
from enterprises.uploads import validate_upload
from policies.workdays import add_working_days, as_local_date
from zoneportal.clock import local_today

from . import rules, states
from .models import (
    AcceptanceReport,
    AcceptanceState,
    AccountState,
    Award,
    AwardSource,
    AwardState,
    BankAccount,
    BankAccountEvent,
    BatchCounter,
    BatchState,
    EntryState,
    Instalment,
    InstalmentEvent,
    InstalmentState,
    PaymentBatch,
    PaymentPlan,
    Recovery,
    Roster,
    RosterEntry,
    RosterState,
)
from .rules import FulfilmentError

IS = InstalmentState
MAX_ACCEPTANCE_BYTES = 20 * 1024 * 1024
ACCOUNT_NUMBER = re.compile(r"^[0-9]{8,30}$")


def _member(enterprise, user, *, admin=False) -> Membership:
    membership = Membership.objects.filter(enterprise=enterprise, user=user).first()
    if membership is None or (admin and not membership.is_admin):
        raise FulfilmentError(
            _("Only your company's administrator can do this.")
            if admin
            else _("Only the company's members can do this."),
            code="forbidden",
        )
    return membership


def _reason(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise FulfilmentError(_("Give the reason."), code="reason")
    if len(text) > rules.MAX_REASON_CHARS:
        raise FulfilmentError(_("The reason is too long (at most 2,000 characters)."))
    return text


# --- bank accounts -----------------------------------------------------------------------------
def same_name(a: str, b: str) -> bool:
    """Names compared as a bank compares them: spaces ignored, full-width brackets as half."""

    def norm(s):
        return re.sub(r"\s+", "", s or "").replace("（", "(").replace("）", ")")

    return norm(a) == norm(b)


@transaction.atomic
def save_account(
    enterprise: Enterprise, *, by, account_name: str, bank_name: str, account_number: str
) -> BankAccount:
    """Enter or change the company's settlement account (its administrator only). The name must
    be the company's; a change is verified again; before and after are kept."""
    _member(enterprise, by, admin=True)
    account_name, bank_name = account_name.strip(), bank_name.strip()
    account_number = re.sub(r"[\s-]", "", account_number or "")
    if not same_name(account_name, enterprise.name):
        raise FulfilmentError(
            _("The account name must be your company's name, “%(name)s”.")
            % {"name": enterprise.name},
            code="account_name",
        )
    if not ACCOUNT_NUMBER.match(account_number):
        raise FulfilmentError(_("The account number is 8 to 30 digits."), code="account_number")
    if not bank_name:
        raise FulfilmentError(_("Give the bank and branch."), code="bank_name")
    account = BankAccount.objects.select_for_update().filter(enterprise=enterprise).first()
    after = {"account_name": account_name, "bank_name": bank_name, "account_number": account_number}
    if account is None:
        account = BankAccount(enterprise=enterprise, state="", **after)
        action = states.move("account", account, "enter", by)
        before = {}
    else:
        before = account.details()
        if before == after:
            return account
        action = states.move("account", account, "change", by)
        for name, value in after.items():
            setattr(account, name, value)
    account.reason = ""
    account.updated_by = by
    account.verified_by, account.verified_at = None, None
    account.version += 1
    account.save()
    BankAccountEvent.objects.create(
        account=account, action=action.name, actor=by, before=before, after=after
    )
    return account


@transaction.atomic
def decide_account(account: BankAccount, *, by, verify: bool, version: int, reason: str = ""):
    """Finance verifies the account (it matches the company's documents) or refuses it."""
    locked = BankAccount.objects.select_for_update().get(pk=account.pk)
    if locked.version != version:
        raise FulfilmentError(
            _("The account changed after you opened it; check it again."), code="stale"
        )
    action = states.move("account", locked, "verify" if verify else "reject", by)
    if not verify:
        locked.reason = _reason(reason, "account")
    else:
        locked.verified_by, locked.verified_at = by, timezone.now()
    locked.save()
    event = BankAccountEvent.objects.create(
        account=locked, action=action.name, actor=by, after=locked.details(), comment=reason
    )
    states.announce("account", action, event.pk)
    return locked


# --- awards ------------------------------------------------------------------------------------
def plan_for(programme) -> tuple[list[int], bool]:
    plan = PaymentPlan.objects.filter(programme=programme).first()
    if plan is None or not plan.shares:
        return [100], False
    return list(plan.shares), plan.requires_acceptance


def _create_award(*, enterprise_id, programme, amount, today, **source) -> Award:
    shares, acceptance = plan_for(programme)
    award = Award.objects.create(
        enterprise_id=enterprise_id, programme=programme, amount=amount, granted_on=today, **source
    )
    parts = rules.split(amount, shares)
    Instalment.objects.bulk_create(
        Instalment(
            award=award,
            number=n,
            amount=part,
            needs_acceptance=acceptance and n == len(parts),
            state=IS.HELD if acceptance and n == len(parts) else IS.DUE,
        )
        for n, part in enumerate(parts, start=1)
    )
    return award


@transaction.atomic
def create_award_for_application(application_id: int) -> Award | None:
    """The award of a final approval (idempotent: one award per application)."""
    application = Application.objects.select_for_update().filter(pk=application_id).first()
    if application is None or application.state != ApplicationState.FINAL:
        return None
    existing = Award.objects.filter(application=application).first()
    if existing is not None:
        return existing
    award = _create_award(
        enterprise_id=application.enterprise_id,
        programme=application.programme,
        amount=application.amount_approved,
        today=as_local_date(application.decided_at or timezone.now()),
        source=AwardSource.APPLICATION,
        application=application,
    )
    states.outbox.enqueue("fulfilment.notify", kind="award", action="create", pk=award.pk)
    return award


def create_missing_awards() -> int:
    """Awards for every final application that has none yet (the daily sweep)."""
    ids = Application.objects.filter(state=ApplicationState.FINAL, award__isnull=True).values_list(
        "pk", flat=True
    )
    return sum(1 for pk in list(ids) if create_award_for_application(pk) is not None)


def _instalment_event(instalment, action, from_state, by, comment=""):
    return InstalmentEvent.objects.create(
        instalment=instalment,
        action=action.name,
        from_state=from_state,
        to_state=instalment.state,
        actor=by,
        comment=comment,
    )


def _move_instalment(instalment, name, by, comment="", *, system=False):
    before = instalment.state
    action = states.move("instalment", instalment, name, None if system else by)
    instalment.version += 1
    instalment.save()
    event = _instalment_event(instalment, action, before, by, comment)
    states.announce("instalment", action, event.pk)
    return event


def _complete_paid(award_ids) -> int:
    """Awards whose every instalment is paid (or cancelled) are paid in full (one query)."""
    done = list(
        Award.objects.select_for_update()
        .filter(pk__in=list(award_ids), state=AwardState.ACTIVE)
        .exclude(instalments__state__in=(IS.HELD, IS.DUE, IS.SUBMITTED, IS.RETURNED))
    )
    for award in done:
        states.move("award", award, "complete")
    Award.objects.bulk_update(done, ["state"], batch_size=1000)
    return len(done)


# --- batches -----------------------------------------------------------------------------------
def _next_batch_number(today) -> str:
    counter, _created = BatchCounter.objects.select_for_update().get_or_create(year=today.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PB-{today.year}-{counter.last:04d}"


@transaction.atomic
def create_batch(*, by, note: str = "") -> PaymentBatch:
    rules.require(by, rules.PREPARE)
    return PaymentBatch.objects.create(
        number=_next_batch_number(local_today()), created_by=by, note=note.strip()[:200]
    )


def _draft_batch(batch, by) -> PaymentBatch:
    rules.require(by, rules.PREPARE)
    locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.state != BatchState.DRAFT:
        raise FulfilmentError(
            _("Batch %(number)s has been submitted and can no longer be changed.")
            % {"number": locked.number},
            code="state",
        )
    return locked


@transaction.atomic
def add_to_batch(batch, instalment_ids, *, by) -> int:
    """Put instalments that are to be paid (and in no other batch) into a draft batch."""
    locked = _draft_batch(batch, by)
    rows = Instalment.objects.select_for_update().filter(
        pk__in=list(instalment_ids), state=IS.DUE, batch__isnull=True
    )
    return rows.update(batch=locked)


@transaction.atomic
def remove_from_batch(batch, instalment_ids, *, by) -> int:
    locked = _draft_batch(batch, by)
    return (
        Instalment.objects.select_for_update()
        .filter(pk__in=list(instalment_ids), batch=locked, state=IS.DUE)
        .update(batch=None)
    )


@transaction.atomic
def submit_batch(batch, *, by) -> PaymentBatch:
    """Submit a draft batch to the bank: every company's account verified, every programme
    within its budget; each instalment keeps the account it is paid to."""
    locked = _draft_batch(batch, by)
    instalments = list(
        Instalment.objects.select_for_update()
        .filter(batch=locked)
        .select_related("award", "award__enterprise", "award__programme")
        .order_by("pk")
    )
    if not instalments:
        raise FulfilmentError(_("The batch is empty."), code="empty")
    accounts = {
        a.enterprise_id: a
        for a in BankAccount.objects.filter(
            enterprise_id__in={i.award.enterprise_id for i in instalments}
        )
    }
    unverified = sorted(
        {
            i.award.enterprise.name
            for i in instalments
            if i.award.enterprise_id not in accounts
            or not accounts[i.award.enterprise_id].is_verified
        }
    )
    if unverified:
        raise FulfilmentError(
            _(
                "These companies have no verified bank account yet: %(names)s. Remove them from "
                "the batch or verify their accounts first."
            )
            % {"names": "、".join(unverified)},
            code="account",
        )
    by_programme: dict[int, tuple[Programme, Decimal]] = {}
    for i in instalments:
        programme, total = by_programme.get(i.award.programme_id, (i.award.programme, Decimal(0)))
        by_programme[i.award.programme_id] = (programme, total + i.amount)
    for programme_id in sorted(by_programme):
        Programme.objects.select_for_update().filter(pk=programme_id).first()
        programme, total = by_programme[programme_id]
        rules.check_payment_budget(programme, total)
    now = timezone.now()
    for i in instalments:
        i.account = accounts[i.award.enterprise_id].details()
        i.submitted_at = now
        _move_instalment(i, "submit", by)
    states.move("batch", locked, "submit", by)
    locked.submitted_by, locked.submitted_at = by, now
    locked.save()
    return locked


def _close_if_settled(batch: PaymentBatch) -> None:
    if (
        batch.state == BatchState.SUBMITTED
        and not batch.instalments.filter(state=IS.SUBMITTED).exists()
    ):
        states.move("batch", batch, "close")
        batch.closed_at = timezone.now()
        batch.save()


@transaction.atomic
def requeue(instalment, *, by) -> Instalment:
    """A returned instalment is to be paid again (in a new batch, once the cause is fixed)."""
    locked = Instalment.objects.select_for_update().get(pk=instalment.pk)
    locked.batch = None
    _move_instalment(locked, "requeue", by)
    return locked


def _write_results(instalments) -> None:
    """One ``UPDATE … FROM (VALUES …)`` per 2,000 settled lines (``bulk_update``'s CASE per
    column is many times slower at 10,000 lines). SQLite (the embedded demo) takes the ORM's."""
    if connection.vendor != "postgresql":
        fields = ["state", "paid_on", "bank_reference", "returned_reason", "version"]
        Instalment.objects.bulk_update(instalments, fields, batch_size=500)
        return
    table = Instalment._meta.db_table
    for start in range(0, len(instalments), 2000):
        chunk = instalments[start : start + 2000]
        values = ", ".join(["(%s, %s, %s::date, %s, %s)"] * len(chunk))
        params = []
        for i in chunk:
            params += [i.pk, i.state, i.paid_on, i.bank_reference, i.returned_reason]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS i SET state = v.state, paid_on = v.paid_on, "  # noqa: S608
                "bank_reference = v.ref, returned_reason = v.reason, version = i.version + 1 "
                f"FROM (VALUES {values}) AS v(id, state, paid_on, ref, reason) WHERE i.id = v.id",
                params,
            )


@transaction.atomic
def apply_results(batch, results, *, by, file_name: str, sha256: str):
    """Apply checked bank results (``bankfiles.check_results``) to a submitted batch, all of
    them or none: paid lines are paid, failed lines returned with the bank's reason."""
    from .models import ResultImport

    rules.require(by, rules.PREPARE)
    locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.state != BatchState.SUBMITTED:
        raise FulfilmentError(_("Only a submitted batch takes a result file."), code="state")
    ids = [r.instalment_id for r in results]
    rows = {
        i.pk: i for i in Instalment.objects.select_for_update().filter(pk__in=ids, batch=locked)
    }
    paid = returned = 0
    awards = set()
    events = []
    now_version = {}
    for r in results:
        i = rows.get(r.instalment_id)
        if i is None or i.state != IS.SUBMITTED:
            raise FulfilmentError(
                _("Line %(reference)s is no longer with the bank; nothing was applied.")
                % {"reference": r.reference},
                code="state",
            )
        before = i.state
        action = states.move("instalment", i, "pay" if r.paid else "return", by)
        if r.paid:
            i.paid_on, i.bank_reference = r.date, r.bank_reference
            paid += 1
        else:
            i.returned_reason = r.reason
            returned += 1
        i.version += 1
        now_version[i.pk] = i
        awards.add(i.award_id)
        events.append(
            InstalmentEvent(
                instalment=i,
                action=action.name,
                from_state=before,
                to_state=i.state,
                actor=by,
                comment=r.reason,
            )
        )
    _write_results(list(now_version.values()))
    result = ResultImport.objects.create(
        batch=locked,
        file_name=file_name[:255],
        sha256=sha256,
        rows=len(results),
        paid=paid,
        returned=returned,
        imported_by=by,
    )
    for event in events:
        event.result_import = result
    InstalmentEvent.objects.bulk_create(events, batch_size=1000)
    # One outbox row for the whole file: its task tells each company of each line.
    states.outbox.enqueue("fulfilment.notify_import", import_id=result.pk)
    _complete_paid(sorted(awards))
    _close_if_settled(locked)
    return result


# --- acceptance (验收) and recovery (追回) -----------------------------------------------------
@transaction.atomic
def submit_acceptance(award: Award, *, by, upload, summary: str = "") -> AcceptanceReport:
    _member(award.enterprise, by)
    locked = Award.objects.select_for_update().get(pk=award.pk)
    if not locked.instalments.filter(state=IS.HELD).exists():
        raise FulfilmentError(_("No instalment of this award waits for acceptance."), code="state")
    if locked.acceptance_reports.filter(state=AcceptanceState.SUBMITTED).exists():
        raise FulfilmentError(
            _("Your acceptance report is being checked; wait for the result."), code="pending"
        )
    try:
        validate_upload(upload, allowed=("pdf",), max_bytes=MAX_ACCEPTANCE_BYTES)
    except ValidationError as exc:
        raise FulfilmentError(" ".join(exc.messages), code="file") from exc
    report = AcceptanceReport(
        award=locked,
        original_name=upload.name[:255],
        summary=(summary or "").strip()[:4000],
        submitted_by=by,
    )
    report.file.save(upload.name, upload, save=False)
    report.save()
    return report


@transaction.atomic
def check_acceptance(report: AcceptanceReport, *, by, passed: bool, comment: str = ""):
    """Staff check an acceptance report: passed releases the held instalment for payment."""
    rules.require(by, rules.ACCEPTANCE)
    locked = AcceptanceReport.objects.select_for_update().get(pk=report.pk)
    if locked.state != AcceptanceState.SUBMITTED:
        raise FulfilmentError(_("This report has already been checked."), code="state")
    if not passed:
        comment = _reason(comment, "acceptance")
    locked.state = AcceptanceState.PASSED if passed else AcceptanceState.FAILED
    locked.checked_by, locked.checked_at, locked.comment = by, timezone.now(), comment
    locked.save()
    if passed:
        for i in Instalment.objects.select_for_update().filter(award=locked.award, state=IS.HELD):
            _move_instalment(i, "release", by, comment)
    else:
        from notifications import outbox

        outbox.enqueue("fulfilment.notify", kind="acceptance", action="fail", pk=locked.pk)
    return locked


@transaction.atomic
def record_recovery(award: Award, *, by, amount, reason: str) -> Recovery:
    """A recovery (追回) against a paid award: at most what was paid; what is still unpaid is
    cancelled."""
    rules.require(by, rules.ACCEPTANCE)
    locked = Award.objects.select_for_update().get(pk=award.pk)
    try:
        amount = Decimal(str(amount)).quantize(rules.CENT)
    except (InvalidOperation, ValueError) as exc:
        raise FulfilmentError(_("Give the amount to recover."), code="amount") from exc
    paid = sum(
        locked.instalments.filter(state=IS.PAID).values_list("amount", flat=True), Decimal(0)
    )
    if paid <= 0:
        raise FulfilmentError(_("Nothing has been paid under this award yet."), code="state")
    if not 0 < amount <= paid:
        raise FulfilmentError(
            _("The amount to recover must be more than zero and at most the ¥%(paid)s paid.")
            % {"paid": f"{paid:,.2f}"},
            code="amount",
        )
    reason = _reason(reason, "recovery")
    action = states.move("award", locked, "recover", by)
    locked.save(update_fields=["state"])
    for i in Instalment.objects.select_for_update().filter(
        award=locked, state__in=(IS.HELD, IS.DUE, IS.RETURNED)
    ):
        i.batch = None
        _move_instalment(i, "cancel", by, reason)
    recovery = Recovery.objects.create(award=locked, amount=amount, reason=reason, recorded_by=by)
    states.announce("award", action, recovery.pk)
    return recovery


@transaction.atomic
def settle_recovery(recovery: Recovery, *, by, on: datetime.date | None = None) -> Recovery:
    locked = Recovery.objects.select_for_update().get(pk=recovery.pk)
    award = Award.objects.select_for_update().get(pk=locked.award_id)
    action = states.move("award", award, "settle", by)
    award.save(update_fields=["state"])
    locked.settled_on = on or local_today()
    locked.save(update_fields=["settled_on"])
    states.announce("award", action, locked.pk)
    return locked


# --- rosters (免申即享) -------------------------------------------------------------------------
def _roster(roster, by) -> Roster:
    rules.require(by, rules.ROSTERS)
    return Roster.objects.select_for_update().get(pk=roster.pk)


@transaction.atomic
def set_entry(entry: RosterEntry, *, by, include: bool, reason: str = "") -> RosterEntry:
    """During review, take a company off the roster (with a reason) or put it back."""
    roster = _roster(entry.roster, by)
    if roster.state != RosterState.DRAFT:
        raise FulfilmentError(_("Only a roster under review can be changed."), code="state")
    locked = RosterEntry.objects.select_for_update().get(pk=entry.pk, roster=roster)
    states.move("entry", locked, "include" if include else "exclude", by)
    locked.reason = "" if include else _reason(reason, "entry")
    locked.decided_by, locked.decided_at = by, timezone.now()
    locked.save()
    return locked


@transaction.atomic
def move_roster(roster: Roster, action: str, *, by) -> Roster:
    """Review, reopen or publish a roster. Publishing checks the budget for every listed
    company, sets the confirmation deadline in working days and tells each company.
    (Generation has its own home, ``rosters``: start, fill, retry, discard.)"""
    if action not in ("review", "reopen", "publish"):
        raise FulfilmentError(_("No such action."), code="unknown_action")
    locked = _roster(roster, by)
    if action == "publish":
        listed = locked.entries.filter(state=EntryState.LISTED).count()
        if not listed:
            raise FulfilmentError(_("No company is listed on the roster."), code="empty")
        programme = Programme.objects.select_for_update().get(pk=locked.programme_id)
        needed = locked.amount * listed
        remaining = programme.remaining_budget()
        if needed > remaining:
            raise FulfilmentError(
                _(
                    "The roster offers ¥%(needed)s (%(count)s companies × ¥%(amount)s); only "
                    "¥%(remaining)s is left in the budget. Exclude companies or lower the amount."
                )
                % {
                    "needed": f"{needed:,.2f}",
                    "count": listed,
                    "amount": f"{locked.amount:,.2f}",
                    "remaining": f"{remaining:,.2f}",
                },
                code="budget",
            )
        locked.published_at = timezone.now()
        locked.confirm_until = add_working_days(local_today(), locked.confirm_days)
        from notifications import outbox

        outbox.enqueue("fulfilment.offer_roster", roster_id=locked.pk)
    elif action == "review":
        locked.reviewed_by, locked.reviewed_at = by, timezone.now()
    states.move("roster", locked, action, by)
    locked.save()
    return locked


def _entry_for_company(entry, by) -> RosterEntry:
    locked = RosterEntry.objects.select_for_update().select_related("roster").get(pk=entry.pk)
    _member(locked.enterprise, by, admin=True)
    if locked.roster.state != RosterState.PUBLISHED:
        raise FulfilmentError(_("This roster is not open for confirmation."), code="state")
    return locked


@transaction.atomic
def confirm_entry(entry: RosterEntry, *, by, declaration: bool, today=None) -> Award:
    """The company confirms its place: its bank account, the declaration; the award follows
    at once (no application), within the budget and the no-double-benefit rule."""
    today = today or local_today()
    locked = _entry_for_company(entry, by)
    if locked.state == EntryState.CONFIRMED:
        return locked.award  # a double click
    if not declaration:
        raise FulfilmentError(_("Tick the declaration to confirm."), code="declaration")
    if today > locked.roster.confirm_until:
        raise FulfilmentError(
            _("The time to confirm ended on %(date)s.")
            % {"date": locked.roster.confirm_until.isoformat()},
            code="late",
        )
    account = BankAccount.objects.filter(enterprise_id=locked.enterprise_id).first()
    if account is None or account.state == AccountState.REJECTED:
        raise FulfilmentError(
            _("Enter your company's bank account first; the money is paid into it."),
            code="account",
        )
    programme = Programme.objects.select_for_update().get(pk=locked.roster.programme_id)
    Enterprise.objects.select_for_update().only("pk").get(pk=locked.enterprise_id)
    earlier = rules.earlier_benefit(locked.enterprise, programme, today)
    if earlier:
        raise FulfilmentError(earlier, code="exclusive")
    if locked.roster.amount > programme.remaining_budget():
        raise FulfilmentError(
            _("The programme's budget is used up; the zone will contact you."), code="budget"
        )
    action = states.move("entry", locked, "confirm", by)
    locked.account = account.details()
    locked.declared_at = locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save()
    award = _create_award(
        enterprise_id=locked.enterprise_id,
        programme=programme,
        amount=locked.roster.amount,
        today=today,
        source=AwardSource.APPLY_FREE,
        roster_entry=locked,
    )
    states.announce("entry", action, locked.pk)
    return award


@transaction.atomic
def decline_entry(entry: RosterEntry, *, by, reason: str = "") -> RosterEntry:
    locked = _entry_for_company(entry, by)
    states.move("entry", locked, "decline", by)
    locked.reason = (reason or "").strip()[:2000]
    locked.decided_by, locked.decided_at = by, timezone.now()
    locked.save()
    return locked


def lapse_due(today=None) -> int:
    """Entries not confirmed by their deadline lapse; a roster with none left open closes."""
    today = today or local_today()
    lapsed = 0
    for roster_id in list(
        Roster.objects.filter(state=RosterState.PUBLISHED, confirm_until__lt=today).values_list(
            "pk", flat=True
        )
    ):
        with transaction.atomic():
            roster = Roster.objects.select_for_update().get(pk=roster_id)
            for entry in RosterEntry.objects.select_for_update().filter(
                roster=roster, state=EntryState.LISTED
            ):
                action = states.move("entry", entry, "lapse")
                entry.decided_at = timezone.now()
                entry.save(update_fields=["state", "decided_at"])
                states.announce("entry", action, entry.pk)
                lapsed += 1
            states.move("roster", roster, "close")
            roster.closed_at = timezone.now()
            roster.save(update_fields=["state", "closed_at"])
    return lapsed


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
