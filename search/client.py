"""The Elasticsearch client of the project, built once from settings."""

import json
from functools import cache

import urllib3
from django.conf import settings
from elasticsearch import Elasticsearch


@cache
def get_client() -> Elasticsearch:
    return Elasticsearch(
        settings.ELASTICSEARCH_URL,
        request_timeout=settings.SEARCH_TIMEOUT_SECONDS,
        max_retries=1,
        retry_on_timeout=False,
    )


_probe = urllib3.PoolManager(retries=False)


def is_available(timeout: float = 1.5) -> bool:
    """True when the cluster answers its health endpoint (green or yellow) within ``timeout``.

    This deliberately bypasses the client's node pool: after a failure the pool backs off a
    node for a while, which is right for queries but would make a health check lie after the
    node has come back.
    """
    url = settings.ELASTICSEARCH_URL.rstrip("/") + "/_cluster/health"
    try:
        response = _probe.request("GET", url, timeout=urllib3.Timeout(total=timeout))
    except urllib3.exceptions.HTTPError:
        return False
    if response.status != 200:
        return False
    try:
        return json.loads(response.data).get("status") in ("green", "yellow")
    except (ValueError, AttributeError):
        return False
