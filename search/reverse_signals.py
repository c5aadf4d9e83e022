"""When a policy is published, find the companies it fits (after the commit, via the outbox).

Imported by ``search.enterprise_index`` (which ``SearchConfig.ready`` imports). Publishing is
the only way a policy's criteria or dates change on the live site, so ``page_published`` covers
both "a new policy" and "its criteria changed"; the task's fingerprint check makes a republish
without a change tell nobody.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver
from wagtail.signals import page_published

from notifications import outbox
from policies.models import PolicyPage

logger = logging.getLogger(__name__)


@receiver(page_published, sender=PolicyPage, dispatch_uid="search.policy_published_reverse")
def policy_published(sender, instance, **kwargs):
    outbox.enqueue("search.reverse_tasks.notify_fitting_enterprises", policy_id=instance.pk)
