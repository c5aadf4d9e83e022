"""Redis down: every page, the admin and the API still answer; limits fail safe, and say so.

A private redis-server (tests/private_services.py) is the cache and the Celery broker of the
test; the shared Redis is never touched. It is stopped (its port refuses connections), the
portal is used as visitors, enterprises and staff use it, and then it is started again:

* no page answers 500; signing in works, the staff's authenticator step included (allauth
  records used TOTP codes with ``cache.add``);
* allauth's lockout still counts (in this process's memory) and the /verify limiter lets the
  request through and logs that it counts per process;
* a request that queues work on commit (an invitation e-mail) succeeds, and the work waits in
  the outbox (tests/test_outbox_fault.py follows it until it is done, once);
* once Redis is back, the cache writes to it again.
"""

from __future__ import annotations

import itertools
import json
import logging
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from enterprises.models import Invitation
from notifications.models import OutboxMessage
from tests.factories import make_policy, make_user, make_verified_enterprise, totp_code
from tests.private_services import PrivateRedis
from tests.workers import celery_broker
from zoneportal.settings.base import redis_cache

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RETRY_SECONDS = 0.5
PASSWORD = "correct-horse-battery"
_ips = itertools.count(1)


def fresh_client() -> Client:
    """A client with its own address: allauth's per-IP limits never mix clients together."""
    n = next(_ips)
    return Client(REMOTE_ADDR=f"10.99.{n // 256 % 256}.{n % 256}")


def url(name, *args):
    with translation.override("zh-hans"):
        return reverse(name, args=args)


@pytest.fixture
def private_redis(settings):
    """A private Redis as the cache (retried every 0.5 s after a failure) and the broker."""
    with PrivateRedis() as server:
        config = redis_cache(server.url, KEY_PREFIX="fault")
        config["OPTIONS"]["FALLBACK_RETRY_SECONDS"] = RETRY_SECONDS
        settings.CACHES = {"default": config}
        settings.REDIS_URL = server.url
        settings.CELERY_BROKER_URL = server.url
        with celery_broker(server.url):
            yield server


def verified_user(email, **kwargs):
    from allauth.account.models import EmailAddress

    user = make_user(email, **kwargs)
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def public_urls(policy) -> list[str]:
    """Every live page of the site, in both languages, and the public pages beside them."""
    pages = [page.url for page in Page.objects.live().filter(depth__gt=1).specific()]
    assert policy.url in pages
    others = [
        url("search:search") + "?q=研发",
        url("search:suggest") + "?q=研",
        url("matching:calculator"),
        url("application_notices:list"),
        url("certificates:verify_start"),
        url("account_login"),
        url("account_signup"),
        url("account_reset_password"),
    ]
    return pages + ["/en" + path for path in pages] + others


def assert_answers(client, paths):
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 301, 302, 404), (path, response.status_code)


def test_the_portal_works_without_redis_and_recovers(private_redis, caplog):
    caplog.set_level(logging.INFO)
    policy = make_policy(title="缓存中断时仍可阅读的政策")
    staff = verified_user("staff-fault@test.example", is_staff=True, is_superuser=True)
    owner = verified_user("owner-fault@test.example")
    enterprise = make_verified_enterprise(owner)

    # Up: the cache is Redis.
    cache.set("probe", "up")
    raw = redis.Redis.from_url(private_redis.url)
    assert raw.exists("fault:1:probe")

    private_redis.stop()

    # Every public page, anonymously.
    visitor = fresh_client()
    paths = public_urls(policy)
    assert_answers(visitor, paths)
    assert visitor.get(policy.url).status_code == 200
    assert visitor.get("/").status_code == 200
    assert "Redis cache unreachable" in caplog.text

    # The API.
    assert visitor.get("/api/v1/policies").status_code == 200
    assert visitor.get(f"/api/v1/policies/{policy.pk}").status_code == 200
    assert visitor.get("/api/v1/openapi.json").status_code == 200
    facts = {"industry": "I65", "area": "south", "revenue_wan": 2000}
    response = visitor.post("/api/v1/match", json.dumps(facts), content_type="application/json")
    assert response.status_code == 200

    # Health: Redis reported down, the portal still ready.
    assert visitor.get("/healthz").json()["redis"] == "down"
    assert visitor.get("/readyz").status_code == 200

    # The /verify limiter lets the visitor through and says it counts per process.
    caplog.clear()
    response = visitor.get(url("certificates:verify", "CDHT-0000-0000-0000"))
    assert response.status_code == 404  # unknown number, not 429 or 500
    assert "/verify rate limit counted in this process only" in caplog.text

    # Staff sign in, password and authenticator code, and use the admin.
    desk = fresh_client()
    response = desk.post(url("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == url("mfa_authenticate")
    response = desk.post(url("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert desk.session["_auth_user_id"] == str(staff.pk)
    for path in ("/admin/", "/admin/pages/", f"/admin/pages/{policy.pk}/edit/"):
        assert desk.get(path).status_code == 200, path

    # An enterprise signs in and invites a colleague: the e-mail task cannot be queued (the
    # broker is the stopped Redis), the invitation is saved all the same, its e-mail waits.
    office = fresh_client()
    response = office.post(url("account_login"), {"login": owner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert office.get(url("enterprises:dashboard")).status_code == 200
    caplog.clear()
    response = office.post(
        url("enterprises:members", enterprise.pk),
        {"email": "colleague-fault@test.example", "role": "member"},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="colleague-fault@test.example").exists()
    # Its e-mail is not lost: it waits in the outbox until the broker is back.
    waiting = OutboxMessage.objects.filter(task="notifications.deliver_email", done_at__isnull=True)
    assert waiting.exclude(last_error="").exists()
    assert office.get(url("enterprises:members", enterprise.pk)).status_code == 200

    # Rate limits fail safe: allauth's lockout still counts (five failures per address).
    intruder = fresh_client()
    for _ in range(5):
        response = intruder.post(url("account_login"), {"login": owner.email, "password": "x"})
        assert response.status_code == 200
    # Now even the right password is refused, as with Redis up.
    late = fresh_client()
    response = late.post(url("account_login"), {"login": owner.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in late.session

    # Redis is back: after the retry interval the cache writes to it again.
    private_redis.start()
    time.sleep(RETRY_SECONDS + 0.1)
    cache.set("probe", "back")
    assert cache.get("probe") == "back"
    assert raw.exists("fault:1:probe")
    assert "Redis cache reachable again" in caplog.text
    assert visitor.get("/").status_code == 200
