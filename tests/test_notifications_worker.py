"""Policies find enterprises for real: publish → on_commit → Redis → a Celery worker → the
enterprises index → notifications, and a criteria change tells only the newly fitting."""

import pytest

from enterprises.models import Area
from notifications.models import Notification, PolicyMatchNotice
from policies.models import PolicyPage
from search.documents import index_name
from tests.factories import make_enterprise, make_member, make_policy, make_user
from tests.matching_support import (  # noqa: F401
    admin_client,
    celery_worker_process,
    enterprises_index,
    eventually,
    policies_index,
    real_tasks,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def indexed(enterprise_id):
    found = (
        admin_client()
        .options(ignore_status=404)
        .get(index=index_name("enterprises"), id=str(enterprise_id))
    )
    return found.body.get("found")


def told(email):
    return Notification.objects.filter(user__email=email).count()


def test_publish_and_a_criteria_change_through_a_real_worker(
    enterprises_index,  # noqa: F811
    policies_index,  # noqa: F811
    real_tasks,  # noqa: F811
):
    south = make_enterprise(
        make_user("south-admin@test.example"),
        industry_code="I65",
        area=Area.objects.get(code="south"),
    )
    make_member(south, "south-member@test.example")
    west = make_enterprise(
        make_user("west-admin@test.example"),
        industry_code="I6513",
        area=Area.objects.get(code="west"),
    )
    # Saving the companies queued their indexing (on commit) to the worker.
    eventually(lambda: indexed(south.pk) and indexed(west.pk))

    policy = make_policy(
        title="工人通知的政策", criteria={"industries": ["I65"], "areas": ["south"]}
    )
    eventually(lambda: told("south-admin@test.example") and told("south-member@test.example"))
    eventually(lambda: Notification.objects.filter(emailed_at__isnull=False).count() == 2)
    assert told("west-admin@test.example") == 0

    # The criteria change: only the newly fitting company (west) is told.
    draft = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    draft.criteria = {"industries": ["I65"]}
    draft.save_revision().publish()
    eventually(lambda: told("west-admin@test.example") == 1)

    # Republished unchanged: nobody. A later policy that fits south proves the queue was run.
    PolicyPage.objects.get(pk=policy.pk).save_revision().publish()
    sentinel = make_policy(title="哨兵政策", criteria={"areas": ["south"]})
    eventually(lambda: PolicyMatchNotice.objects.filter(policy=sentinel).exists())
    assert PolicyMatchNotice.objects.filter(policy=policy).count() == 2
    assert told("south-admin@test.example") == 2  # the first policy once, the sentinel once
    assert told("west-admin@test.example") == 1
