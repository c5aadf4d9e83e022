"""The embedded first run: SQLite, a local Elasticsearch node, tasks run in process."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-a-secret")
CERTIFICATE_SIGNING_KEY = env("CERTIFICATE_SIGNING_KEY", default="local-only-certificate-key")
MFA_ENCRYPTION_KEY = env(
    "MFA_ENCRYPTION_KEY", default="local-development-only-mfa-key-not-a-secret"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# E-mail (verification links, password resets, notices) is printed on the console.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# One runserver process: allauth's rate-limit counters may live in its memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Staff need an authenticator app for the admin here too (the demo accounts are asked to set
# one up on their first visit); a developer may export ZONEPORTAL_REQUIRE_STAFF_MFA=false.
ZONEPORTAL_REQUIRE_STAFF_MFA = env.bool("ZONEPORTAL_REQUIRE_STAFF_MFA", default=True)
DEMO_CONTENT_ALLOWED = True
