"""``/healthz`` tells the truth about each service, and the site keeps working without them."""

import pytest
from django.conf import settings

from tests.factories import make_policy
from tests.services import paused

ES_PORT = int(settings.ELASTICSEARCH_URL.rsplit(":", 1)[1].strip("/"))
REDIS_PORT = int(settings.REDIS_URL.rsplit(":", 1)[1].split("/")[0])


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


@pytest.mark.django_db
def test_redis_down_is_reported(client, settings):
    # The cache lives in Redis too; the health check must not depend on it.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with paused(REDIS_PORT):
        body = client.get("/healthz").json()
    assert body["redis"] == "down"
    assert body["database"] == "ok"
