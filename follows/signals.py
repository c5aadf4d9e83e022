"""A published policy is compared with its previous version after the commit (the outbox).

Publishing is the only way a policy changes on the live site (the admin, scheduled publishing,
the bulk import all send ``page_published``), so this one receiver sees every version.
"""

from django.dispatch import receiver
from wagtail.signals import page_published

from notifications import outbox
from policies.models import PolicyPage


@receiver(page_published, sender=PolicyPage, dispatch_uid="follows.policy_published")
def policy_published(sender, instance, revision=None, **kwargs):
    revision_id = revision.pk if revision is not None else instance.live_revision_id
    outbox.enqueue("follows.policy_published", policy_id=instance.pk, revision_id=revision_id)
