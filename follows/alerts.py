"""Alerts (提醒): what followers and qualifying companies are told, each once per event.

- **A followed policy changed or was repealed** (``policy_published``): when a version is
  published, it is compared with the version before it (``policies.history``); if anything a
  reader sees changed, each follower of the policy is told once per version
  (key ``followed-policy:<policy>:<revision>``).
- **A new policy** of a followed department or tag, or matching a saved search: its first
  version tells each such follower once (key ``followed-new:<policy>``).
- **A programme opens** that a company qualifies for, and **its window closes in 30, 7 or 1
  days** while the company has not applied (``daily_alerts``): the companies the policy's
  criteria fit are found in the enterprises index (``search.reverse``, streamed with a scroll
  and handled in chunks, so memory stays flat with 200,000 companies), and each company is told
  once per programme and stage (``ProgrammeAlert``, unique). A run that was missed catches up:
  a window found 5 days before it closes gets the 7-day reminder, not the 30-day one too.
- **Application status changes** are told by ``applications.notify`` (one message per event).

Everything goes through ``notifications.services.emit_many``: the message centre, and e-mail at
once or in the daily or weekly digest as each person chose. Every function here is idempotent:
a retried task or a second run tells nobody twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from elasticsearch import NotFoundError
from wagtail.models import Revision

from applications.models import Application, Programme
from enterprises.models import Enterprise
from notifications.services import Message, emit_many, members
from policies.history import Version, compare, fingerprint, published_versions
from policies.matching import ELIGIBLE, Facts, evaluate
from policies.models import PolicyPage
from policies.workdays import as_local_date
from search import reverse as reverse_matching
from search.client import get_client
from search.documents import index_name

from .matching import matching_searches
from .models import Follow, ProgrammeAlert

logger = logging.getLogger(__name__)

KIND_POLICY = "followed_policy"
KIND_NEW = "followed_new"
KIND_PROGRAMME = "programme"
CLOSING_DAYS = (30, 7, 1)
OPEN_ALERT_DAYS = 7  # a programme that opened longer ago is not announced as "opening"
CHUNK = 5000


# --- followed policies --------------------------------------------------------------------
def policy_published(policy_id: int, revision_id: int | None = None) -> int:
    """Tell followers about a newly published version (see the module docstring)."""
    policy = PolicyPage.objects.live().select_related("department").filter(pk=policy_id).first()
    if policy is None:
        return 0
    versions = published_versions(policy)
    if revision_id is not None and revision_id not in {v.revision.pk for v in versions}:
        # Wagtail announces the publication before it writes its log entry: without a
        # transaction around the publish (a scheduled publish, a script) the outbox runs this
        # in between. The revision is then the newest published version.
        revision = Revision.objects.filter(pk=revision_id, object_id=str(policy.pk)).first()
        if revision is not None:
            versions.append(Version(len(versions) + 1, revision.created_at, revision))
    if not versions:
        return 0
    position = next(
        (i for i, v in enumerate(versions) if v.revision.pk == revision_id), len(versions) - 1
    )
    current = versions[position]
    if position == 0:
        return _tell_new_policy(policy)
    previous = versions[position - 1]
    if fingerprint(previous.page) == fingerprint(current.page):
        return 0
    return _tell_policy_followers(policy, previous, current)


def _policy_url(policy, suffix: str = "") -> str:
    return (policy.get_url() or "") + suffix


def _tell_policy_followers(policy, previous, current) -> int:
    followers = list(
        Follow.objects.filter(kind=Follow.Kind.POLICY, policy=policy, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not followers:
        return 0
    repealed = current.page.repealed_on and not previous.page.repealed_on
    with translation.override(settings.LANGUAGE_CODE):
        if repealed:
            title = _("A policy you follow is repealed: %(policy)s") % {"policy": policy.title}
            lines = [
                _("%(policy)s is repealed from %(date)s.")
                % {"policy": policy.title, "date": current.page.repealed_on.isoformat()}
            ]
            if current.page.superseded_by_id and policy.superseded_by:
                lines.append(
                    _("It is superseded by %(other)s.") % {"other": policy.superseded_by.title}
                )
        else:
            title = _("A policy you follow has changed: %(policy)s") % {"policy": policy.title}
            lines = []
        changed = [c.label for c in compare(previous.page, current.page)]
        lines.append(_("What changed: %(fields)s.") % {"fields": "、".join(changed)})
        lines.append(_("See the differences in the version history."))
    key = f"followed-policy:{policy.pk}:{current.revision.pk}"
    url = _policy_url(policy, f"history/{current.number}/")
    return len(
        emit_many(
            Message(u, KIND_POLICY, key, title[:200], "\n".join(lines), url) for u in followers
        )
    )


def _tell_new_policy(policy) -> int:
    """Followers of the policy's department or tags, and saved searches that find it."""
    reasons: dict[int, str] = {}
    tag_ids = list(policy.tagged_items.values_list("tag_id", flat=True))
    tags = {t.pk: t.name for t in policy.tags.all()}
    active = Follow.objects.filter(user__is_active=True)
    for user_id in active.filter(
        kind=Follow.Kind.DEPARTMENT, department_id=policy.department_id
    ).values_list("user_id", flat=True):
        reasons.setdefault(user_id, policy.department.name)
    for user_id, tag_id in active.filter(kind=Follow.Kind.TAG, tag_id__in=tag_ids).values_list(
        "user_id", "tag_id"
    ):
        reasons.setdefault(user_id, tags.get(tag_id, ""))
    searches = active.filter(kind=Follow.Kind.SEARCH).exclude(user_id__in=list(reasons))
    if searches.exists():
        for follow in matching_searches(policy.pk, searches.iterator(chunk_size=500)):
            reasons.setdefault(follow.user_id, follow.label)
    if not reasons:
        return 0
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user_id, followed in reasons.items():
            title = _("New policy for “%(followed)s”, which you follow: %(policy)s") % {
                "followed": followed,
                "policy": policy.title,
            }
            body = _("%(policy)s (%(number)s) was published by %(department)s.") % {
                "policy": policy.title,
                "number": policy.document_number,
                "department": policy.department.name,
            }
            key = f"followed-new:{policy.pk}"
            messages.append(Message(user_id, KIND_NEW, key, title[:200], body, _policy_url(policy)))
    return len(emit_many(messages))


# --- programmes: opening, closing ---------------------------------------------------------
def qualifying_enterprises(policy, today) -> Iterator[int]:
    """Every company the policy's criteria fit, streamed (the index; the database without it)."""
    criteria = policy.parsed_criteria
    try:
        yield from reverse_matching.eligible_enterprise_ids(
            get_client(), index_name("enterprises"), criteria, today
        )
    except NotFoundError:
        logger.warning("no enterprises index: evaluating companies in Python")
        for enterprise in Enterprise.objects.select_related("area").iterator(chunk_size=500):
            if evaluate(criteria, Facts.from_enterprise(enterprise), today).status == ELIGIBLE:
                yield enterprise.pk


def closing_stage(days_left: int) -> str | None:
    """``close-30``, ``close-7`` or ``close-1`` for the days left, or None (more than 30)."""
    due = [d for d in CLOSING_DAYS if days_left <= d]
    return f"close-{min(due)}" if due else None


def _batches(values: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _programme_texts(programme, stage: str, days_left: int) -> tuple[str, str]:
    closes = timezone.localtime(programme.closes_at).strftime("%Y-%m-%d %H:%M")
    names = {
        "programme": programme.name,
        "policy": programme.page.title,
        "closes": closes,
        "days": days_left,
    }
    if stage == "open":
        title = _("Applications are open: %(programme)s") % names
        body = _(
            "Your company qualifies for %(policy)s, and its programme %(programme)s is open for "
            "applications until %(closes)s (China Standard Time)."
        )
    else:
        title = _("%(programme)s closes in %(days)d days") % names
        body = _(
            "Your company qualifies for %(policy)s and has not applied to %(programme)s. The "
            "window closes %(closes)s (China Standard Time); apply before then."
        )
    return title[:200], body % names


# One statement per chunk: the companies that exist, have not been told at this stage (and, for a
# closing reminder, have not applied) are recorded, and exactly those come back. The unique
# constraint makes it safe against a second run at the same time (ON CONFLICT DO NOTHING).
_RECORD = """
    INSERT INTO follows_programmealert (programme_id, stage, enterprise_id, created_at)
    SELECT %(programme)s, %(stage)s, e.id, %(now)s
      FROM enterprises_enterprise e
     WHERE e.id = ANY(%(ids)s)
       AND (NOT %(unapplied)s OR NOT EXISTS (
             SELECT 1 FROM applications_application a
              WHERE a.programme_id = %(programme)s AND a.enterprise_id = e.id))
    ON CONFLICT (programme_id, stage, enterprise_id) DO NOTHING
    RETURNING enterprise_id
"""


def record_postgresql(programme, stage: str, enterprise_ids, unapplied: bool) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD,
            {
                "programme": programme.pk,
                "stage": stage,
                "now": timezone.now(),
                "ids": list(enterprise_ids),
                "unapplied": unapplied,
            },
        )
        return sorted(row[0] for row in cursor.fetchall())


def record_portable(programme, stage: str, enterprise_ids, unapplied: bool) -> list[int]:
    """The same as ``record_postgresql`` through the ORM, for the embedded SQLite database of
    ``make demo`` (one writer at a time there, so reading first is safe)."""
    ids = set(enterprise_ids)
    fresh = set(Enterprise.objects.filter(pk__in=ids).values_list("pk", flat=True))
    fresh -= set(
        ProgrammeAlert.objects.filter(
            programme=programme, stage=stage, enterprise_id__in=ids
        ).values_list("enterprise_id", flat=True)
    )
    if unapplied:
        fresh -= set(
            Application.objects.filter(programme=programme, enterprise_id__in=ids).values_list(
                "enterprise_id", flat=True
            )
        )
    ProgrammeAlert.objects.bulk_create(
        [ProgrammeAlert(programme=programme, stage=stage, enterprise_id=pk) for pk in fresh],
        ignore_conflicts=True,
    )
    return sorted(fresh)


@transaction.atomic
def tell_programme(
    programme, stage: str, enterprise_ids: list[int], days_left: int, *, unapplied: bool = False
) -> int:
    """Tell the companies of ``enterprise_ids`` not yet told about ``programme`` at ``stage``
    (``unapplied``: only those without an application to it). Returns how many were told."""
    record = record_postgresql if connection.vendor == "postgresql" else record_portable
    fresh = record(programme, stage, enterprise_ids, unapplied)
    if not fresh:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title, body = _programme_texts(programme, stage, days_left)
        url = reverse("applications:start", args=[programme.pk])
    policy = programme.page
    key = f"programme-{stage}:{programme.pk}"
    messages = (
        Message(user_id, KIND_PROGRAMME, f"{key}:{enterprise_id}", title, body, url, enterprise_id)
        for enterprise_id, user_id in members(fresh)
    )
    emit_many(
        messages,
        wants=lambda p: p.wants_programme(policy.policy_type, policy.department_id),
        new_keys=True,  # the INSERT above returned only companies never told at this stage
    )
    return len(fresh)


def daily_alerts(now: datetime.datetime | None = None, *, chunk: int = CHUNK) -> dict:
    """Once a day: programmes that opened (last 7 days) and programmes closing within 30 days."""
    now = now or timezone.now()
    today = as_local_date(now)
    programmes = (
        Programme.objects.filter(opens_at__lte=now, closes_at__gt=now, page__live=True)
        .select_related("page")
        .order_by("pk")
    )
    summary = {"programmes": 0, "opened": 0, "closing": 0}
    for programme in programmes:
        policy = programme.page
        if not policy.is_in_force(today):
            continue
        days_left = (as_local_date(programme.closes_at) - today).days
        announce = programme.opens_at >= now - datetime.timedelta(days=OPEN_ALERT_DAYS)
        stage = closing_stage(days_left)
        if not announce and stage is None:
            continue
        summary["programmes"] += 1
        for batch in _batches(qualifying_enterprises(policy, today), chunk):
            if announce:
                summary["opened"] += tell_programme(programme, "open", batch, days_left)
            if stage:
                summary["closing"] += tell_programme(
                    programme, stage, batch, days_left, unapplied=True
                )
    logger.info("daily alerts %s", summary)
    return summary
