"""Production: every secret comes from the environment, and it refuses to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

MIN_SECRET_BYTES = 32


def secret(name: str) -> str:
    """The secret ``name`` from the environment: present (no default) and at least 32 bytes."""
    value = env(name)  # a missing variable is a startup error naming it
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise ImproperlyConfigured(
            f"{name} is {len(value.encode())} bytes long; at least {MIN_SECRET_BYTES} are "
            f"required. Generate one with: python3 -c 'import secrets; "
            f"print(secrets.token_urlsafe(48))'"
        )
    return value


DEBUG = False
SECRET_KEY = secret("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # reconnect after a PostgreSQL restart
REDIS_URL = env("REDIS_URL", default="redis://redis:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CERTIFICATE_SIGNING_KEY = secret("CERTIFICATE_SIGNING_KEY")
# Encrypts TOTP keys and recovery-code seeds at rest (enterprises.mfa_secrets). Changing it
# makes the stored ones unreadable unless the old key is listed in MFA_ENCRYPTION_OLD_KEYS.
MFA_ENCRYPTION_KEY = secret("MFA_ENCRYPTION_KEY")

# The shared cache is Redis: sessions stay in the database, but allauth's rate limits (failed
# logins, sign-ups, password resets, MFA codes) and used TOTP codes are counted here, so every
# web worker and container sees the same counters. While Redis is down each process counts in
# its own memory instead (zoneportal/cache.py, docs/operations.md).
CACHES = {"default": redis_cache(REDIS_URL)}  # noqa: F405

# --- Accounts ------------------------------------------------------------------------------
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"  # links in verification and reset e-mails
ZONEPORTAL_REQUIRE_STAFF_MFA = True  # never switched off in production
# The portal runs behind one TLS-terminating reverse proxy (see docker-compose.yml), which
# appends the client's address to X-Forwarded-For: allauth's per-IP rate limits must count
# that address, not the proxy's (which would lock everyone out together).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)

# --- Security: https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/ ----------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
