"""Wagtail's publish, unpublish, move and delete queue indexing tasks once the data commits.

A saved draft sends none of these signals, so it never reaches the public index. The task is
queued with ``transaction.on_commit``: it runs only if the change was committed, and it reads
the committed row. A broker that is down must not break publishing: the failure is logged and
``search_index status`` / ``rebuild`` find and repair the drift.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from policies.models import Department, PolicyPage

logger = logging.getLogger(__name__)


def _send(task_name: str, page_id: int) -> None:
    from . import tasks

    try:
        getattr(tasks, task_name).delay(page_id)
    except Exception:  # a broker outage must not fail the publish: logged, repaired later
        logger.exception("could not queue %s for page %s", task_name, page_id)


def queue_index(page_id: int, task_name: str = "index_policy") -> None:
    """Queue indexing of one policy page after the current transaction commits."""
    transaction.on_commit(partial(_send, task_name, page_id), robust=True)


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
