"""Project-level views: the health check."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search.client import is_available as elasticsearch_available


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
        return bool(client.ping())
    except redis.RedisError:
        return False


@never_cache
@require_GET
def healthz(request):
    """``{"database", "redis", "elasticsearch"}``: 200 while the database answers, else 503."""
    database = _database_ok()
    body = {
        "database": "ok" if database else "down",
        "redis": "ok" if _redis_ok() else "down",
        "elasticsearch": "ok" if elasticsearch_available() else "down",
    }
    return JsonResponse(body, status=200 if database else 503)
