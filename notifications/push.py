"""Pushes (推送): telling the members of fitting companies about a policy, once per version.

The search for fitting companies runs in ``search.reverse_tasks`` (it asks the enterprises
index); this module decides who is told and records it:

- **Once.** A ``PolicyMatchNotice`` (policy, enterprise, criteria fingerprint) is written for
  every company told. A company already told about the policy is not told again: republishing
  without a change tells nobody, and a change of criteria tells only the companies that newly
  fit. The fingerprint (criteria + effective and expiry dates) records which version it was.
- **Per person.** One message per member of each newly fitting company, unless the member's
  preference filters the policy out (policy types, departments, or no pushes at all). A person
  without a preference row hears everything. E-mail as each person chose (``services.emit_many``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from policies.criteria import Criteria
from policies.models import PolicyPage

from .models import PolicyMatchNotice
from .services import Message, chunks, emit_many, members

KIND = "policy_match"


def criteria_fingerprint(policy: PolicyPage) -> str:
    """A hash of what decides who fits: the criteria (normalised) and the dates in force."""
    payload = {
        "criteria": Criteria.parse(policy.criteria or {}).to_dict(),
        "effective_date": policy.effective_date.isoformat() if policy.effective_date else None,
        "expiry_date": policy.expiry_date.isoformat() if policy.expiry_date else None,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def notification_key(policy_id: int, enterprise_id: int, fingerprint: str) -> str:
    return f"policy-match:{policy_id}:{enterprise_id}:{fingerprint[:16]}"


@dataclass
class PushOutcome:
    fingerprint: str
    enterprise_ids: list[int] = field(default_factory=list)  # newly told
    notification_ids: list[int] = field(default_factory=list)


def _message(policy: PolicyPage, enterprise) -> tuple[str, str]:
    """Title and text of the push, in the portal's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("A new policy fits %(company)s: %(policy)s") % {
            "company": enterprise.name,
            "policy": policy.title,
        }
        lines = [
            _(
                "%(policy)s (%(number)s, issued by %(department)s) fits %(company)s "
                "on every criterion."
            )
            % {
                "policy": policy.title,
                "number": policy.document_number,
                "department": policy.department.name,
                "company": enterprise.name,
            }
        ]
        if policy.apply_free:
            lines.append(
                _("No application is needed (apply-free): the benefit is granted automatically.")
            )
        else:
            lines.append(_("Read the policy to see what it offers and how to apply."))
        return title[:200], "\n".join(lines)


@transaction.atomic
def push_policy(policy: PolicyPage, enterprise_ids) -> PushOutcome:
    """Tell the members of the companies in ``enterprise_ids`` not yet told about ``policy``."""
    # One run per policy at a time: the lock makes "already told?" and the insert one step.
    list(PolicyPage.objects.select_for_update(of=("self",)).filter(pk=policy.pk).values("pk"))
    fingerprint = criteria_fingerprint(policy)
    outcome = PushOutcome(fingerprint)
    told = set(
        PolicyMatchNotice.objects.filter(policy=policy).values_list("enterprise_id", flat=True)
    )
    candidates = sorted(set(enterprise_ids) - told)
    if not candidates:
        return outcome

    enterprises = {}
    for chunk in chunks(candidates):
        enterprises.update(Enterprise.objects.in_bulk(chunk))  # ids the index still had
    new_ids = sorted(enterprises)
    PolicyMatchNotice.objects.bulk_create(
        [
            PolicyMatchNotice(policy=policy, enterprise_id=pk, criteria_fingerprint=fingerprint)
            for pk in new_ids
        ],
        batch_size=1000,
    )
    outcome.enterprise_ids = new_ids

    texts = {pk: _message(policy, enterprise) for pk, enterprise in enterprises.items()}
    url = policy.get_url() or ""
    messages = []
    for enterprise_id, user_id in members(new_ids):
        title, body = texts[enterprise_id]
        key = notification_key(policy.pk, enterprise_id, fingerprint)
        messages.append(Message(user_id, KIND, key, title, body, url, enterprise_id))
    outcome.notification_ids = emit_many(
        messages, wants=lambda p: p.wants_policy(policy.policy_type, policy.department_id)
    )
    return outcome
