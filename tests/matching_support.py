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
def _database_url(settings_dict) -> str:
    from urllib.parse import quote

    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{user}:{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker (solo pool) on this test process's queue, database and prefix.

    Yields the path of its log. Tests using it must be transactional, so the worker sees
    committed rows.
    """
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="zoneportal.settings.test",
        DATABASE_URL=_database_url(connection.settings_dict),
        ZP_TEST_INDEX_PREFIX=settings.SEARCH_INDEX_PREFIX,
        ZP_TEST_TASKS_EAGER="false",
        PYTHONUNBUFFERED="1",
    )
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "zoneportal",
        "worker",
        "--pool=solo",
        "-Q",
        settings.CELERY_TASK_DEFAULT_QUEUE,
        "--loglevel=INFO",
        "--without-mingle",
        "--without-gossip",
        "-n",
        f"{settings.SEARCH_INDEX_PREFIX}-matching@%h",
    ]
    root = Path(__file__).resolve().parent.parent
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while "ready." not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start:\n" + log_path.read_text())
            time.sleep(0.3)
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def real_tasks(celery_worker_process):
    """This process sends tasks to the broker (the worker runs them) instead of running them."""
    from zoneportal.celery import app

    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True


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
