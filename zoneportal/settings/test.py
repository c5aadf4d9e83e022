"""The test suite: PostgreSQL, Redis and Elasticsearch are real, started by scripts/services.sh."""

import os
import uuid

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default="postgres://zoneportal:zoneportal@127.0.0.1:5544/zoneportal"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6389/0")
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="http://127.0.0.1:9209")
# A unique prefix per test process: parallel runs never share an index.
SEARCH_INDEX_PREFIX = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = True

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": SEARCH_INDEX_PREFIX,
    }
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = CACHE_DIR / "test-media"  # noqa: F405
PRIVATE_MEDIA_ROOT = CACHE_DIR / "test-private-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
DEMO_CONTENT_ALLOWED = True
