"""Wagtail's publish, unpublish, move and delete queue indexing tasks once the data commits.

A saved draft sends none of these signals, so it never reaches the public index. The task is
written to the outbox in the publishing transaction: it runs only if the change was committed,
it reads the committed row, and with the broker or Elasticsearch down it waits and is tried
again until it has run (``notifications.outbox``); ``search_index status`` / ``rebuild`` remain
the repair for anything else.
"""

from __future__ import annotations

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from notifications import outbox
from policies.models import Department, PolicyPage

logger = logging.getLogger(__name__)


def queue_index(page_id: int, task_name: str = "index_policy") -> None:
    """Index one policy page (or remove it) after the current transaction commits."""
    outbox.enqueue(f"search.{task_name}", page_id=page_id)


@receiver(page_published, sender=PolicyPage, dispatch_uid="search.policy_published")
@receiver(page_unpublished, sender=PolicyPage, dispatch_uid="search.policy_unpublished")
def policy_published_or_unpublished(sender, instance, **kwargs):
    queue_index(instance.pk)


@receiver(post_delete, sender=PolicyPage, dispatch_uid="search.policy_deleted")
def policy_deleted(sender, instance, **kwargs):
    queue_index(instance.pk, "remove_policy")


@receiver(post_page_move, dispatch_uid="search.page_moved")
def page_moved(sender, instance, **kwargs):
    """A moved policy (or a moved ancestor of policies) has a new URL: index it again.

    ``instance`` may be a plain ``Page``, so the policies are found in the tree (itself
    included); an unpublished one is queued too, harmlessly (its task only deletes).
    """
    policies = PolicyPage.objects.descendant_of(instance, inclusive=True)
    for page_id in policies.values_list("pk", flat=True):
        queue_index(page_id)


@receiver(post_save, sender=Department, dispatch_uid="search.department_saved")
def department_saved(sender, instance, created, **kwargs):
    """Documents carry the department's name: a renamed department re-indexes its policies."""
    if created:
        return
    for page_id in instance.policies.live().values_list("pk", flat=True):
        queue_index(page_id)
