"""When a policy is published, find the companies it fits (after the transaction commits).

Imported by ``search.enterprise_index`` (which ``SearchConfig.ready`` imports). Publishing is
the only way a policy's criteria or dates change on the live site, so ``page_published`` covers
both "a new policy" and "its criteria changed"; the task's fingerprint check makes a republish
without a change tell nobody.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from policies.models import PolicyPage

logger = logging.getLogger(__name__)


def _queue(policy_id: int) -> None:
    from .reverse_tasks import notify_fitting_enterprises

    try:
        notify_fitting_enterprises.delay(policy_id)
    except Exception:
        logger.exception("could not queue reverse matching of policy %s", policy_id)


@receiver(page_published, sender=PolicyPage, dispatch_uid="search.policy_published_reverse")
def policy_published(sender, instance, **kwargs):
    policy_id = instance.pk
    transaction.on_commit(lambda: _queue(policy_id), robust=True)
