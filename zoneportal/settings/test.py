"""The test suite: PostgreSQL, Redis and Elasticsearch are real, started by scripts/services.sh."""

import os
import uuid

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-a-secret"
CERTIFICATE_SIGNING_KEY = "test-only-certificate-key"
MFA_ENCRYPTION_KEY = "test-only-mfa-encryption-key-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default="postgres://zoneportal:zoneportal@127.0.0.1:5544/zoneportal"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Persistent connections for a live server a fault test starts (tests/test_postgres_fault.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("ZP_TEST_CONN_MAX_AGE", default=0)
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6389/0")
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="http://127.0.0.1:9209")
# A unique prefix per test process: parallel runs never share an index. A Celery worker that a
# test starts is given its test process's prefix, queue and database through the environment
# (ZP_TEST_* names, so a developer's .env for the portal itself can never leak into tests: the
# suite deletes every index under its prefix when it ends).
SEARCH_INDEX_PREFIX = env(
    "ZP_TEST_INDEX_PREFIX", default=f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
)
# Documents are searchable as soon as a write returns; writes give up quickly on a hung node.
SEARCH_WRITE_REFRESH = "true"
SEARCH_WRITE_TIMEOUT_SECONDS = env.float("ZP_TEST_WRITE_TIMEOUT", default=10.0)
SEARCH_RETRY_BACKOFF = 1

CELERY_BROKER_URL = REDIS_URL
# Tasks run in the test process unless a test starts a real worker (tests/test_indexing_worker.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("ZP_TEST_TASKS_EAGER", default=True)
# Each test process has its own queue on the shared Redis: workers never take another run's tasks.
CELERY_TASK_DEFAULT_QUEUE = f"{SEARCH_INDEX_PREFIX}-tasks"

CACHES = {"default": redis_cache(REDIS_URL, KEY_PREFIX=SEARCH_INDEX_PREFIX)}  # noqa: F405
# E-mail goes to django.core.mail.outbox; allauth's rate limits count in the Redis cache above.
EMAIL_BACKEND = env(
    "ZP_TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend"
)
# A worker process that a test starts writes its mail here (its locmem outbox is its own).
EMAIL_FILE_PATH = env("ZP_TEST_EMAIL_FILE_PATH", default=str(CACHE_DIR / "test-mail"))  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = CACHE_DIR / "test-media"  # noqa: F405
PRIVATE_MEDIA_ROOT = CACHE_DIR / "test-private-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
DEMO_CONTENT_ALLOWED = True
# The Redis cache outlives each test's rolled-back database: the page cache is switched on only
# by the tests about it (tests/test_page_cache.py).
PAGE_CACHE_ENABLED = False
NAVIGATION_CACHE_SECONDS = 0  # likewise for the cached menu and breadcrumbs (cms.navigation)
MATCH_CACHE_SECONDS = 0  # and for the matching pages' outcomes (search.match_views)

# Tests share one Redis: the performance page recounts on every request (no cached counts).
ENQUIRY_PERFORMANCE_CACHE_SECONDS = 0
