"""A real Celery worker process for tests of the task path (signals → on_commit → Redis → worker).

The worker runs against this test process's database, Redis queue and index prefix; tests that
use it must be transactional, so the worker sees committed rows.
"""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def database_url(settings_dict) -> str:
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{user}:{password}@{host}:{port}/{settings_dict['NAME']}"


@contextlib.contextmanager
def celery_worker(log_dir: Path, name: str, **extra_env: str):
    """Start ``celery worker --pool=solo`` and yield the path of its log once it is ready."""
    from django.conf import settings
    from django.db import connection

    log_path = log_dir / "worker.log"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="zoneportal.settings.test",
        DATABASE_URL=database_url(connection.settings_dict),
        ZP_TEST_INDEX_PREFIX=settings.SEARCH_INDEX_PREFIX,
        ZP_TEST_TASKS_EAGER="false",
        PYTHONUNBUFFERED="1",
        **extra_env,
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
        f"{settings.SEARCH_INDEX_PREFIX}-{name}@%h",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
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


@contextlib.contextmanager
def tasks_sent_to_the_broker():
    """This process sends tasks to the broker (the worker runs them) instead of running them."""
    from zoneportal.celery import app

    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True


@contextlib.contextmanager
def celery_broker(broker_url: str):
    """Tasks go to ``broker_url`` (not run in process) for the duration of the block."""
    from notifications import outbox
    from zoneportal.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = broker_url, False
    app._pool = None  # the connection pool is made again for the new broker,
    app.amqp._producer_pool = None  # and the producers with it (they hold the old pool)
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.broker_url, app.conf.task_always_eager = saved
        outbox._broker_down_until = 0.0  # this process's pause ends with the outage
