"""PostgreSQL restarted under traffic: no error once it is back; stopped: JSON health answers.

A private PostgreSQL cluster (tests/private_services.py) is migrated once and served by a real
gunicorn (two workers, persistent connections: ``CONN_MAX_AGE`` 60). A thread requests the home
page (which reads the page tree) and /healthz in a loop while the cluster is restarted with
``pg_ctl restart -m fast`` between two requests: every request sent after the restart has
completed must succeed — each worker's stale connection is found by ``CONN_HEALTH_CHECKS`` and
replaced, instead of answering one 500 (as each worker does with the checks off). Then the
cluster is stopped: /healthz and /readyz answer 503 in JSON naming the database, and everything
answers again once it is started.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time

import psycopg
import pytest

from tests.private_services import (
    PrivatePostgres,
    gunicorn,
    http_get,
    migrate,
    portal_env,
    wait_until,
)

DATABASE = "zp_fault"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    logs = tmp_path_factory.mktemp("postgres-fault")
    with PrivatePostgres() as pg:
        pg.create_database(DATABASE)
        migrate(pg.url(DATABASE), logs / "migrate.log")
        yield pg, logs


@pytest.fixture(scope="module")
def portal(cluster):
    pg, logs = cluster
    env = portal_env(pg.url(DATABASE), ZP_TEST_CONN_MAX_AGE="60")
    with gunicorn(env, logs / "gunicorn.log", workers=2) as base:
        yield base


class Traffic(threading.Thread):
    """Requests the pages in turn until stopped; records (sent at, path, status or error)."""

    paths = ("/", "/healthz")

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.results: list[tuple[float, str, int | str]] = []
        self.stopping = threading.Event()
        self.turn = threading.Lock()  # held for each request; ``paused()`` takes it

    def run(self) -> None:
        n = 0
        while not self.stopping.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            with self.turn:
                sent = time.monotonic()
                try:
                    status = http_get(self.base, path, timeout=15)[0]
                except OSError as exc:
                    status = f"{type(exc).__name__}: {exc}"
                self.results.append((sent, path, status))
            time.sleep(0.01)

    @contextlib.contextmanager
    def paused(self):
        """No request in flight inside the block (the one in flight is let finish first)."""
        with self.turn:
            yield

    def sent_after(self, moment: float):
        return [result for result in self.results if result[0] > moment]

    def stop(self) -> None:
        self.stopping.set()
        self.join(30)


def app_connections(pg: PrivatePostgres) -> int:
    """The portal's connections to its database (our own query's excluded)."""
    with psycopg.connect(pg.url(DATABASE)) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (DATABASE,),
        ).fetchone()[0]


def test_a_restart_under_traffic_costs_no_request_after_it(cluster, portal):
    pg, _logs = cluster
    traffic = Traffic(portal)
    traffic.start()
    try:
        # Both workers have answered from the database and kept their connections.
        wait_until(lambda: len(traffic.results) >= 20, 60, "20 requests")
        wait_until(lambda: app_connections(pg) >= 2, 30, "two persistent connections")
        assert all(status == 200 for _, _, status in traffic.results), traffic.results

        # The restart falls between two requests, as it does on a quiet evening: the workers'
        # connections are cut while idle, and the next request of each finds its stale one.
        with traffic.paused():
            pg.restart("fast")  # pg_ctl restart -m fast -w: returns once it accepts connections
            restarted = time.monotonic()
        wait_until(lambda: len(traffic.sent_after(restarted)) >= 40, 60, "40 requests after")
    finally:
        traffic.stop()

    after = traffic.sent_after(restarted)
    errors = [result for result in after if result[2] != 200]
    assert errors == [], errors
    assert {path for _, path, _ in after} == {"/", "/healthz"}


def test_with_the_database_stopped_the_checks_answer_json(cluster, portal):
    pg, _logs = cluster
    pg.stop("fast")
    try:
        status, content_type, body = http_get(portal, "/healthz")
        assert status == 503
        assert content_type == "application/json"
        assert json.loads(body)["database"] == "down"

        status, content_type, body = http_get(portal, "/readyz")
        assert status == 503
        assert content_type == "application/json"
        readiness = json.loads(body)
        assert readiness["ready"] is False
        assert readiness["failed"] == ["database"]
        assert readiness["checks"]["database"] == "down"
    finally:
        pg.start()

    # Back: every worker answers again, from its first request on.
    for _ in range(10):
        assert http_get(portal, "/")[0] == 200
    status, _content_type, body = http_get(portal, "/readyz")
    assert status == 200
    assert json.loads(body)["ready"] is True
