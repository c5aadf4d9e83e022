"""Apply-free (免申即享) rosters: every company a programme's policy fits, found by reverse
matching over the enterprises index (``search.reverse``), each with the facts that made it fit.

Generation streams the eligible companies (every criterion met; "possible" is not enough, since
nobody applies to confirm the unknown facts) with their indexed facts as evidence, keeps those
the database still knows as verified, and writes the entries in bulk. Companies that already
hold a benefit this year in the policy's exclusivity group (applied or apply-free), or an
award or approval under this programme, are listed as excluded with the reason, so the review
sees them.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from elastic_transport import TransportError
from elasticsearch import NotFoundError
from elasticsearch.dsl import Q
from elasticsearch.helpers import scan

from applications.models import APPROVED, Application
from enterprises.models import Enterprise, VerificationStatus
from policies.matching import ELIGIBLE, Facts, evaluate
from search.client import get_client
from search.documents import index_name
from search.enterprise_index import facts_document
from search.reverse import compile_eligible
from zoneportal.clock import local_today

from . import rules
from .models import Award, EntryState, Roster, RosterEntry, RosterState

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
    """A roster under review for an apply-free programme (see the module docstring)."""
    rules.require(by, rules.ROSTERS)
    today = today or local_today()
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
    if Roster.objects.filter(
        programme=programme,
        state__in=(RosterState.DRAFT, RosterState.REVIEWED, RosterState.PUBLISHED),
    ).exists():
        raise rules.FulfilmentError(
            _("This programme already has a roster in progress."), code="exists"
        )
    criteria = policy.parsed_criteria
    found = None
    if use_index:
        try:
            found = dict(eligible_with_evidence(criteria, today, client=client, index=index))
        except (NotFoundError, TransportError) as exc:
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
    with transaction.atomic():
        roster = Roster.objects.create(
            programme=programme,
            amount=amount,
            confirm_days=confirm_days,
            criteria=criteria.to_dict(),
            generated_by=by,
        )
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
    return roster
