"""Apply-free (免申即享) rosters: every company a programme's policy fits, found by reverse
matching over the enterprises index (``search.reverse``), each with the facts that made it fit.

Generation streams the eligible companies (every criterion met; "possible" is not enough, since
nobody applies to confirm the unknown facts) with their indexed facts as evidence, keeps those
the database still knows as verified, and writes the entries in bulk. Companies that already
hold a benefit this year in the policy's exclusivity group (applied or apply-free), or an
award or approval under this programme, are listed as excluded with the reason, so the review
sees them.

Over the whole zone this takes seconds, too long for a request: the officer's request only
checks and ``start``s the roster ("generating", 正在生成) and writes ``fulfilment.fill_roster`` to
the outbox in the same transaction; the task ``fill``s it (entries and "under review" in one
transaction, once, under the roster's row lock) or records why it could not (``failed``, with a
way to ``retry`` or ``discard``). ``generate`` does both in one call, for the demo, the benchmark
and tests.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from elastic_transport import TransportError
from elasticsearch import ApiError
from elasticsearch.dsl import Q
from elasticsearch.helpers import ScanError, scan

from applications.models import APPROVED, Application, Programme
from enterprises.models import Enterprise, VerificationStatus
from notifications import outbox
from policies.criteria import Criteria
from policies.matching import ELIGIBLE, Facts, evaluate
from search.client import get_client
from search.documents import index_name
from search.enterprise_index import facts_document
from search.reverse import compile_eligible
from zoneportal.clock import local_today

from . import rules, states
from .models import ROSTER_IN_PROGRESS, Award, EntryState, Roster, RosterEntry, RosterState

#: Index fields that are derived or not facts of the company (left out of the evidence).
NOT_EVIDENCE = {"name", "industry_prefixes", "revenue_cents_ceil", "verified"}
CHUNK = 5000
logger = logging.getLogger(__name__)


def eligible_with_evidence(criteria, today, *, client=None, index=None):
    """``(enterprise_id, facts)`` of every verified company the criteria fit (a scroll)."""
    client = client or get_client().options(request_timeout=60)
    index = index or index_name("enterprises")
    query = Q("bool", filter=[compile_eligible(criteria, today), Q("term", verified=True)])
    for hit in scan(
        client,
        index=index,
        query={"query": query.to_dict(), "_source": {"excludes": sorted(NOT_EVIDENCE)}},
        size=5000,
        scroll="2m",
        request_timeout=60,
    ):
        yield int(hit["_id"]), hit.get("_source", {})


def eligible_in_python(criteria, today):
    """The same as ``eligible_with_evidence``, evaluated in Python over every verified company
    (when the index is missing or Elasticsearch is down: slower, same answer)."""
    companies = Enterprise.objects.filter(
        verification_status=VerificationStatus.VERIFIED
    ).select_related("area")
    for enterprise in companies.iterator(chunk_size=500):
        facts = Facts.from_enterprise(enterprise)
        if evaluate(criteria, facts, today).status == ELIGIBLE:
            document = facts_document(facts)
            yield enterprise.pk, {k: v for k, v in document.items() if k not in NOT_EVIDENCE}


def _create(programme, *, by, amount, confirm_days: int) -> Roster:
    """Check everything a roster needs and create it, "generating" (the caller's transaction).

    The programme's row is locked, so two officers cannot both start one."""
    rules.require(by, rules.ROSTERS)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    criteria = _checked(programme, amount=amount, confirm_days=confirm_days)
    _none_in_progress(programme)
    return Roster.objects.create(
        programme=programme,
        amount=amount,
        confirm_days=confirm_days,
        criteria=criteria,
        generated_by=by,
        state=RosterState.GENERATING,
    )


def _checked(programme, *, amount, confirm_days: int) -> dict:
    """The policy's criteria (as stored on the roster), once the roster's terms are checked:
    the policy is apply-free, the amount within the programme's maximum, the days sensible."""
    policy = programme.page.specific
    if not policy.apply_free:
        raise rules.FulfilmentError(
            _("The policy “%(policy)s” is not apply-free (免申即享).")
            % {"policy": policy.display_title},
            code="not_apply_free",
        )
    if not 0 < amount <= programme.max_amount:
        raise rules.FulfilmentError(
            _("The amount must be more than zero and at most the programme's maximum, ¥%(max)s.")
            % {"max": f"{programme.max_amount:,.2f}"},
            code="amount",
        )
    if not 1 <= confirm_days <= 60:
        raise rules.FulfilmentError(_("Give 1 to 60 working days to confirm."), code="days")
    return policy.parsed_criteria.to_dict()


def _none_in_progress(programme) -> None:
    """One roster at a time per programme (the caller holds the programme's row lock)."""
    if Roster.objects.filter(programme=programme, state__in=ROSTER_IN_PROGRESS).exists():
        raise rules.FulfilmentError(
            _("This programme already has a roster in progress."), code="exists"
        )


def start(programme, *, by, amount, confirm_days: int = 10) -> Roster:
    """The officer's request: a checked roster, "generating"; ``fulfilment.fill_roster`` is
    written to the outbox in the same transaction and fills it after the commit."""
    with transaction.atomic():
        roster = _create(programme, by=by, amount=amount, confirm_days=confirm_days)
        outbox.enqueue("fulfilment.fill_roster", roster_id=roster.pk)
    return roster


def generate(
    programme,
    *,
    by,
    amount,
    confirm_days: int = 10,
    today=None,
    client=None,
    index=None,
    use_index=True,
) -> Roster:
    """A roster under review at once: ``start`` and ``fill`` in one transaction, without the
    outbox (the demo, the benchmark, tests). A failure raises and leaves nothing behind."""
    with transaction.atomic():
        roster = _create(programme, by=by, amount=amount, confirm_days=confirm_days)
        fill(roster.pk, today=today, client=client, index=index, use_index=use_index, strict=True)
    roster.refresh_from_db()
    return roster


def fill(roster_id: int, *, today=None, client=None, index=None, use_index=True, strict=False):
    """Write a generating roster's entries and put it under review, in one transaction under
    the roster's row lock; a roster no longer generating (filled by an earlier delivery of the
    task, discarded) is left alone, so running this twice writes each entry once.

    When the work fails, the roster is marked "failed" with the reason (the officer may try
    again or discard it) instead of staying "generating"; ``strict`` raises instead. A lost
    database connection still raises: the outbox tries the task again later.
    """
    with transaction.atomic():
        roster = Roster.objects.select_for_update().filter(pk=roster_id).first()
        if roster is None or roster.state != RosterState.GENERATING:
            return roster
        try:
            with transaction.atomic():
                _write_entries(roster, today=today, client=client, index=index, use_index=use_index)
                states.move("roster", roster, "fill")
                roster.failure = ""
                roster.save(update_fields=["state", "failure"])
        except Exception as exc:
            if strict:
                raise
            logger.exception("roster %s could not be generated", roster_id)
            roster.state = RosterState.GENERATING
            record_failure(roster, f"{type(exc).__name__}: {exc}")
        return roster


def record_failure(roster: Roster, reason: str) -> None:
    """A generating roster (locked by the caller) failed: "failed", with the reason shown."""
    states.move("roster", roster, "fail")
    roster.failure = reason[:2000]
    roster.save(update_fields=["state", "failure"])


@transaction.atomic
def retry(roster: Roster, *, by) -> Roster:
    """Generate a failed roster again (its amount and days, the policy's criteria as they are
    now: a fixed policy can succeed), unless another roster of the programme was started
    meanwhile."""
    rules.require(by, rules.ROSTERS)
    programme = Programme.objects.select_for_update().get(pk=roster.programme_id)
    locked = Roster.objects.select_for_update().get(pk=roster.pk)
    states.move("roster", locked, "retry", by)
    locked.criteria = _checked(programme, amount=locked.amount, confirm_days=locked.confirm_days)
    _none_in_progress(programme)
    locked.failure = ""
    locked.generated_at, locked.generated_by = timezone.now(), by
    locked.save(update_fields=["state", "criteria", "failure", "generated_at", "generated_by"])
    outbox.enqueue("fulfilment.fill_roster", roster_id=locked.pk)
    return locked


@transaction.atomic
def discard(roster: Roster, *, by) -> None:
    """Delete a roster that failed, or that has been "generating" for far too long (its task
    was lost): it has no entries, and the programme may have a new one."""
    rules.require(by, rules.ROSTERS)
    try:
        with transaction.atomic():
            locked = Roster.objects.select_for_update(nowait=True).get(pk=roster.pk)
    except DatabaseError as exc:  # the task holds the row: it is generating right now
        raise rules.FulfilmentError(
            _("The roster is being generated right now. Please wait for it to finish."),
            code="busy",
        ) from exc
    if locked.state != RosterState.FAILED and not locked.is_stale:
        raise rules.FulfilmentError(
            _("Only a roster whose generation failed or never finished can be discarded."),
            code="state",
        )
    locked.delete()


def _write_entries(roster: Roster, *, today=None, client=None, index=None, use_index=True):
    """The eligible verified companies of ``roster``'s criteria as its entries, with evidence;
    those already holding a benefit are listed as excluded, with the reason."""
    today = today or local_today()
    programme = roster.programme
    criteria = Criteria.parse(roster.criteria)
    found = None
    if use_index:
        try:
            found = dict(eligible_with_evidence(criteria, today, client=client, index=index))
        except (ApiError, ScanError, TransportError) as exc:
            logger.warning("reverse matching unavailable (%s): evaluating in Python", exc)
    if found is None:
        found = dict(eligible_in_python(criteria, today))
    verified = (
        set(
            Enterprise.objects.filter(
                pk__in=list(found), verification_status=VerificationStatus.VERIFIED
            ).values_list("pk", flat=True)
        )
        if len(found) < 20_000
        else set(
            Enterprise.objects.filter(verification_status=VerificationStatus.VERIFIED).values_list(
                "pk", flat=True
            )
        )
        & set(found)
    )
    holders = rules.holders_in_group(programme, today.year)
    here = set(Award.objects.filter(programme=programme).values_list("enterprise_id", flat=True))
    here |= set(
        Application.objects.filter(programme=programme, state__in=APPROVED).values_list(
            "enterprise_id", flat=True
        )
    )
    group_reason = _("Already holds a benefit this year in the policy's exclusivity group.")
    here_reason = _("Already granted under this programme.")
    as_of = timezone.now().isoformat()
    keys = criteria.restricted_keys()
    entries = []
    for enterprise_id in sorted(verified):
        reason = (
            here_reason
            if enterprise_id in here
            else (group_reason if enterprise_id in holders else "")
        )
        entries.append(
            RosterEntry(
                roster=roster,
                enterprise_id=enterprise_id,
                state=EntryState.EXCLUDED if reason else EntryState.LISTED,
                reason=reason,
                evidence={"as_of": as_of, "criteria": keys, "facts": found[enterprise_id]},
            )
        )
        if len(entries) >= CHUNK:
            RosterEntry.objects.bulk_create(entries)
            entries = []
    RosterEntry.objects.bulk_create(entries)
