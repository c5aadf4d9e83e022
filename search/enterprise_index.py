"""The enterprises index: the facts reverse matching ("policies find enterprises") reads.

One document per company, built from the database (the truth) through the same ``Facts`` the
Python evaluator uses, so both evaluators read the same values. Each criterion kind
(``policies.criteria.kinds``) writes the fields it reads; the mapping below declares them:

- ``industry`` and ``industry_prefixes`` (``I6513`` → ``I65``, ``I651``, ``I6513``): a policy
  code admits the company when it is one of its prefixes;
- ``area``; ``size`` (derived with the size table; absent when it cannot be derived);
- ``employees``; ``revenue_cents`` and ``revenue_cents_ceil`` (revenue in hundredths of 万元,
  floored and ceiled: equal for profile values, which have two decimals);
- ``rd_ratio_bp`` (R&D ratio in hundredths of a percent, floored: a policy's minimum has at
  most two decimals, so ``ratio ≥ min`` exactly when ``floor(ratio × 100) ≥ min × 100``);
- ``established`` (years completed are compared at query time, as a cut-off date);
- ``qual_until``: an object of dates, the latest ``valid_until`` per qualification code (a
  qualification counts while that date is today or later, decided at query time);
  ``quals_stated`` says whether qualifications are known at all;
- ``good_credit`` (absent when not stated) and ``verified``.

A missing fact is simply absent from the document, so "unknown" is ``must_not exists``.
Profile and qualification changes queue ``index_enterprise`` on commit; the task re-reads the
row, deletes the document when the row is gone, and writes through ``search.indexing`` with
external versioning (the row's ``updated_at`` in microseconds; a qualification change moves it
on) so an older read never overwrites a newer one.
"""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from elasticsearch.dsl import Boolean, Date, Document, Keyword, Long, MetaField, Object

from enterprises.models import Enterprise, Qualification
from notifications import outbox
from policies.criteria import KINDS
from policies.matching import Facts

from . import indexing
from .registry import IndexKind, register

# Policies find enterprises: the publish signal and its tasks live beside this index (importing
# them here registers the signal handler and the Celery tasks).
from . import reverse_signals  # noqa: F401  isort: skip
from .reverse_tasks import RETRY_OPTIONS  # isort: skip

logger = logging.getLogger(__name__)

KIND = "enterprises"


class EnterpriseDocument(Document):
    """One company's matching facts (see the module docstring)."""

    name = Keyword(index=False)
    industry = Keyword()
    industry_prefixes = Keyword()
    area = Keyword()
    size = Keyword()
    employees = Long()
    revenue_cents = Long()
    revenue_cents_ceil = Long()
    rd_ratio_bp = Long()
    established = Date()
    quals_stated = Boolean()
    qual_until = Object(dynamic=True)  # {"hnte": "2027-12-31", …}: dates by the template below
    good_credit = Boolean()
    verified = Boolean()

    class Meta:
        dynamic = MetaField("strict")
        dynamic_templates = MetaField(
            [
                {
                    "qualification_dates": {
                        "path_match": "qual_until.*",
                        "mapping": {"type": "date"},
                    }
                }
            ]
        )

    class Index:
        name = "enterprises"  # replaced per environment by ``index_name``
        # Deletes are remembered for 10 minutes, so a rebuild streaming rows read before a
        # deletion cannot bring the document back (as for policies).
        settings = {"number_of_shards": 1, "number_of_replicas": 0, "gc_deletes": "10m"}


# --- documents ----------------------------------------------------------------------------
def facts_document(facts: Facts, **extra) -> dict:
    """The document source for a company's ``Facts`` (missing facts are left out): the fields
    each criterion kind reads (``policies.criteria.kinds``), plus ``extra``."""
    doc: dict = dict(extra)
    for kind in KINDS:
        doc.update(kind.enterprise_fields(facts))
    return doc


def enterprise_queryset():
    return Enterprise.objects.select_related("area").order_by("pk")


def enterprise_to_document(enterprise: Enterprise) -> dict:
    return facts_document(
        Facts.from_enterprise(enterprise),
        name=enterprise.name,
        verified=enterprise.is_verified,
    )


def enterprise_version(enterprise: Enterprise) -> int:
    """A document's external version: the row's ``updated_at`` in microseconds."""
    return int(enterprise.updated_at.timestamp() * 1_000_000)


def read_version() -> int:
    """Now, in microseconds: later than any ``updated_at`` already committed."""
    return time.time_ns() // 1000


ENTERPRISES = register(
    IndexKind(
        name=KIND,
        document=EnterpriseDocument,
        queryset=enterprise_queryset,
        to_document=enterprise_to_document,
        version=enterprise_version,
    )
)


# --- writing ------------------------------------------------------------------------------
def sync_enterprise(enterprise_id: int, *, client=None) -> str:
    """Make the index agree with the database for one company; returns what was done.

    Versions: a company's document is written at ``enterprise_version`` (its ``updated_at``,
    which qualification changes bump too); a deleted company is removed at the time of reading,
    which is later than any version its document can have had.
    """
    enterprise = enterprise_queryset().filter(pk=enterprise_id).first()
    if enterprise is None:
        return indexing.delete(ENTERPRISES, enterprise_id, read_version(), client=client)
    return indexing.upsert(ENTERPRISES, enterprise, client=client)


@shared_task(bind=True, name="search.enterprise_index.index_enterprise", **RETRY_OPTIONS)
def index_enterprise(self, enterprise_id: int) -> str:
    """Bring the company's document in line with the database (idempotent)."""
    try:
        return sync_enterprise(enterprise_id)
    except indexing.RETRYABLE:
        if not self.request.is_eager:
            raise  # autoretry_for: tried again later with backoff
        logger.warning(
            "Elasticsearch unavailable: enterprise %s not indexed now; "
            "`manage.py search_index rebuild` repairs the index",
            enterprise_id,
        )
        return "deferred"


# --- keeping it true ----------------------------------------------------------------------
def queue_index(enterprise_id: int | None) -> None:
    """Re-index one company once the current transaction commits (through the outbox)."""
    if enterprise_id is None:
        return
    outbox.enqueue("search.enterprise_index.index_enterprise", enterprise_id=enterprise_id)


@receiver(post_save, sender=Enterprise, dispatch_uid="search.enterprise_saved")
@receiver(post_delete, sender=Enterprise, dispatch_uid="search.enterprise_deleted")
def _enterprise_changed(sender, instance, **kwargs):
    queue_index(instance.pk)


@receiver(post_save, sender=Qualification, dispatch_uid="search.qualification_saved")
@receiver(post_delete, sender=Qualification, dispatch_uid="search.qualification_deleted")
def _qualification_changed(sender, instance, **kwargs):
    # The company's facts changed: move its version on, so the new document wins.
    Enterprise.objects.filter(pk=instance.enterprise_id).update(updated_at=timezone.now())
    queue_index(instance.enterprise_id)
