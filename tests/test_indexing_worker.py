"""The indexing path for real: Wagtail signals → on_commit → Redis → a Celery worker → the node.

A real worker process (``celery -A zoneportal worker --pool=solo``) is started against the test
database, the test Redis broker (on a queue of this test process's own) and this process's
index prefix. Tests are transactional so the worker sees committed rows.
"""

import datetime
import time

import pytest
from django.conf import settings

from policies.models import PolicyPage
from search import indexing
from search.client import get_client
from tests.factories import make_policy
from tests.services import paused, port_of
from tests.workers import celery_worker, tasks_sent_to_the_broker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ES_PORT = port_of(settings.ELASTICSEARCH_URL)
WAIT = 60  # seconds a worker gets to bring the index in line


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A Celery worker process for this module; its log file is returned."""
    # A hung node fails an attempt fast, so the retries show in the log.
    with celery_worker(
        tmp_path_factory.mktemp("worker"), "indexing", ZP_TEST_WRITE_TIMEOUT="2"
    ) as log_path:
        yield log_path


@pytest.fixture
def real_tasks(worker):
    with tasks_sent_to_the_broker():
        yield worker


def document(page_id):
    response = (
        get_client()
        .options(ignore_status=404)
        .get(index=indexing.alias_of("policies"), id=str(page_id))
    )
    return response.body["_source"] if response.body.get("found") else None


def eventually(condition, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError("the worker did not bring the index in line in time")


def test_publish_draft_unpublish_delete_through_a_real_worker(search_index, real_tasks):
    page = make_policy(title="工人索引的政策")
    assert eventually(lambda: document(page.pk))["title"] == "工人索引的政策"

    # A saved draft queues nothing; the index keeps the published version.
    draft = PolicyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.title = "草稿标题"
    draft.save_revision()
    republished = make_policy(title="用于确认队列已处理的政策")  # runs after anything queued
    eventually(lambda: document(republished.pk))
    assert document(page.pk)["title"] == "工人索引的政策"

    PolicyPage.objects.get(pk=page.pk).unpublish()
    eventually(lambda: document(page.pk) is None)

    PolicyPage.objects.get(pk=republished.pk).delete()
    eventually(lambda: document(republished.pk) is None)


def test_quick_successive_publishes_end_at_the_newest(search_index, real_tasks):
    page = make_policy(title="版本0")
    for n in range(1, 4):
        draft = PolicyPage.objects.get(pk=page.pk).get_latest_revision_as_object()
        draft.title = f"版本{n}"
        draft.save_revision().publish()
    eventually(lambda: (document(page.pk) or {}).get("title") == "版本3")
    time.sleep(1)  # any task still in flight must not bring an older title back
    assert document(page.pk)["title"] == "版本3"


def test_a_hung_node_while_publishing_is_retried_until_it_answers(search_index, real_tasks):
    log = real_tasks
    start = len(log.read_text(errors="replace"))
    with paused(ES_PORT):
        # Not yet in force, so that the reverse-matching task the publish also queues finishes
        # without asking the node (its scan has no timeout: it would hold the solo worker).
        page = make_policy(title="节点暂停时发布的政策", effective_date=datetime.date(2099, 1, 1))
        # Long enough for the first attempts to time out (2 s each) and be retried.
        deadline = time.monotonic() + 30
        while "Retry in" not in log.read_text(errors="replace")[start:]:
            if time.monotonic() > deadline:
                raise AssertionError(
                    "no retry in the worker's log:\n" + log.read_text(errors="replace")[start:]
                )
            time.sleep(0.5)
    assert eventually(lambda: document(page.pk), timeout=90)["title"] == "节点暂停时发布的政策"
