"""The Elasticsearch client of the project, built once from settings."""

from functools import cache

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elastic_transport import TransportError


@cache
def get_client() -> Elasticsearch:
    return Elasticsearch(
        settings.ELASTICSEARCH_URL,
        request_timeout=settings.SEARCH_TIMEOUT_SECONDS,
        max_retries=1,
        retry_on_timeout=False,
    )


def is_available() -> bool:
    """True when the cluster answers a ping within the search timeout."""
    try:
        return bool(get_client().ping())
    except (TransportError, es_exceptions.ApiError):
        return False
