"""``/healthz`` and ``/readyz`` tell the truth about each service; the site works without them."""

import pytest
from django.conf import settings

from tests.factories import make_policy
from tests.private_services import PrivateRedis
from tests.services import paused
from zoneportal.settings.base import redis_cache

ES_PORT = int(settings.ELASTICSEARCH_URL.rsplit(":", 1)[1].strip("/"))


@pytest.mark.django_db
def test_all_services_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "elasticsearch": "ok"}


@pytest.mark.django_db
def test_elasticsearch_down_is_reported_and_pages_still_work(client):
    policy = make_policy(title="搜索服务中断时仍可阅读的政策")
    with paused(ES_PORT):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["elasticsearch"] == "down"
        assert response.json()["database"] == "ok"
        assert client.get(policy.url).status_code == 200
        assert client.get("/api/v1/policies").status_code == 200
    assert client.get("/healthz").json()["elasticsearch"] == "ok"


@pytest.fixture
def stopped_redis(settings):
    """A private redis-server, stopped: the shared one is never paused or stopped."""
    with PrivateRedis() as redis_server:
        settings.REDIS_URL = redis_server.url
        settings.CACHES = {"default": redis_cache(redis_server.url)}
        redis_server.stop()
        yield redis_server


@pytest.mark.django_db
def test_redis_down_is_reported(client, stopped_redis):
    body = client.get("/healthz").json()
    assert body["redis"] == "down"
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_ready_while_every_service_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "redis": "ok", "elasticsearch": "ok"},
        "required": ["database"],
        "failed": [],
    }


@pytest.mark.django_db
def test_redis_down_keeps_the_portal_ready_unless_required(client, stopped_redis, settings):
    body = client.get("/readyz").json()
    assert body["ready"] is True
    assert body["checks"]["redis"] == "down"

    settings.READYZ_REQUIRES = ["database", "redis"]
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["redis"]
