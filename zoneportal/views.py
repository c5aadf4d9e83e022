"""Project-level views: the health check (``/healthz``) and the readiness check (``/readyz``).

Both answer JSON whatever state the services are in. They run outside ``ATOMIC_REQUESTS``
(``non_atomic_requests``): opening the request's transaction needs a database connection, and
a database that is down would otherwise turn the check itself into an HTML 500.

* ``/healthz`` — each service's state; 200 while the database answers, 503 when it does not.
  Redis or Elasticsearch "down" is reported but keeps 200: the portal degrades without them.
* ``/readyz`` — may this instance take traffic? 503 when a *required* dependency is down, with
  its name in ``failed``. Only the database is required by default (``READYZ_REQUIRES``): without
  Redis the cache falls back to each process's memory, and without Elasticsearch search and
  the API fall back to the database, so taking every web container out of rotation would turn a
  degradation into an outage. See docs/operations.md.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search.client import is_available as elasticsearch_available

DEPENDENCIES = ("database", "redis", "elasticsearch")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure of the database means "down"
        return False


def _redis_ok() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


def _states() -> dict[str, str]:
    checks = {
        "database": _database_ok,
        "redis": _redis_ok,
        "elasticsearch": elasticsearch_available,
    }
    return {name: "ok" if check() else "down" for name, check in checks.items()}


def required_dependencies() -> list[str]:
    """The dependencies ``/readyz`` requires (``READYZ_REQUIRES``; the database by default)."""
    return [name for name in settings.READYZ_REQUIRES if name in DEPENDENCIES]


@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    """``{"database", "redis", "elasticsearch"}``: 200 while the database answers, else 503."""
    body = _states()
    return JsonResponse(body, status=200 if body["database"] == "ok" else 503)


@transaction.non_atomic_requests
@never_cache
@require_GET
def readyz(request):
    """``{"ready", "checks", "required", "failed"}``: 503 naming each required dependency down."""
    checks = _states()
    required = required_dependencies()
    failed = [name for name in required if checks[name] != "ok"]
    body = {"ready": not failed, "checks": checks, "required": required, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)
