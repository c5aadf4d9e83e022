"""Helpers for the follows and alerts tests: a frozen clock and tagged policies."""

import datetime

from django.utils import timezone

from tests.factories import make_policy


def freeze(monkeypatch, moment: datetime.datetime) -> datetime.datetime:
    """Stop the clock at ``moment``: ``timezone.now`` (and so ``zoneportal.clock.local_today``,
    ``auto_now_add`` and every "now" of the portal) answers it until the test ends."""
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def tagged_policy(tags, **fields):
    """A published policy with ``tags`` (tags are added before the first publication)."""
    page = make_policy(publish=False, **fields)
    page.tags.add(*tags)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def revise(policy, **changes):
    """Publish a new version of ``policy`` with ``changes``."""
    page = policy.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(page, name, value)
    revision = page.save_revision()
    revision.publish()
    policy.refresh_from_db()
    return revision
