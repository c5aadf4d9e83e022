"""Fixtures and helpers for the matching, reverse-matching and notification tests.

Each test gets fresh indices behind the real aliases the portal reads
(``<SEARCH_INDEX_PREFIX>-policies`` and ``-enterprises``), created with the real mappings and
filled through the real document builders (``search.policy_index``,
``search.enterprise_index``); they are deleted when the test ends. Import the fixtures into a
test module to use them.
"""

from __future__ import annotations

import uuid

import pytest

from search import indexing
from search.client import get_client
from search.documents import index_name
from tests.workers import celery_worker, tasks_sent_to_the_broker


def admin_client():
    """The portal's client with a generous timeout: index administration on a busy node."""
    return get_client().options(request_timeout=30)


def _fresh(kind: str):
    client = admin_client()
    alias = index_name(kind)
    # Whatever an earlier test (or a publish signal) left behind goes first.
    for name in indexing.concrete_indices(kind, client):
        client.indices.delete(index=name, ignore_unavailable=True)
    if client.indices.exists(index=alias):
        client.indices.delete(index=alias)
    concrete = f"{alias}-t{uuid.uuid4().hex[:10]}"
    indexing.create_index(kind, concrete, client=client, aliases={alias: {}})
    return client, alias, concrete


@pytest.fixture
def policies_index(db):
    """A fresh policies index; returns a function that indexes pages (and refreshes)."""
    from search.policy_index import POLICIES, policy_queryset

    client, alias, concrete = _fresh("policies")

    def index(*pages):
        for page in policy_queryset().filter(pk__in=[p.pk for p in pages]):
            indexing.upsert(POLICIES, page, client=client)
        client.indices.refresh(index=alias)

    index.alias = alias
    yield index
    client.indices.delete(index=concrete, ignore_unavailable=True)


@pytest.fixture
def enterprises_index(db):
    """A fresh enterprises index; returns a function that indexes companies (and refreshes)."""
    from search.enterprise_index import sync_enterprise

    client, alias, concrete = _fresh("enterprises")

    def index(*enterprises):
        for enterprise in enterprises:
            sync_enterprise(enterprise.pk, client=client)
        client.indices.refresh(index=alias)

    index.alias = alias
    yield index
    client.indices.delete(index=concrete, ignore_unavailable=True)


def index_all_policies(index):
    """Index every live policy in the database (what ``search_index rebuild`` would do)."""
    from policies.models import PolicyPage

    index(*PolicyPage.objects.live())


# --- a real Celery worker -------------------------------------------------------------------
@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker for the module; yields the path of its log."""
    with celery_worker(tmp_path_factory.mktemp("worker"), "matching") as log_path:
        yield log_path


@pytest.fixture
def real_tasks(celery_worker_process):
    with tasks_sent_to_the_broker():
        yield celery_worker_process


def eventually(condition, timeout: float = 60):
    """Wait until ``condition()`` is truthy (and return it), or fail after ``timeout`` s."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError("the worker did not get there in time")
