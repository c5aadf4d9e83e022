"""Settings shared by every environment.

Values that differ between environments are read from the environment (django-environ); an
optional ``.env`` file in the project root is read first (see ``.env.example``). Nothing secret
has a default here: ``local`` and ``test`` supply development-only values, ``production``
refuses to start without the real ones.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

CACHE_DIR = Path(env("ZP_CACHE_DIR", default=str(BASE_DIR / ".cache")))

# --- Core ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    # Project apps first so their templates and translations win.
    "cms",
    "policies",
    "enterprises",
    "search",
    "notifications",
    "applications",
    "certificates",
    "enquiries",
    "fulfilment",
    "follows",
    "demo",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # django-ninja as an app: the API docs load Swagger UI from its static files, not a CDN.
    "ninja",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Content-Security-Policy header (django-csp 4)
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "wagtail.contrib.sitemaps",
]

# The registration numbers of the site's footer (government-site norms; shown only when set):
# 网站标识码, ICP 备案号 (linked to beian.miit.gov.cn), 公安备案号 (linked to beian.mps.gov.cn).
SITE_IDENTIFICATION_CODE = env("SITE_IDENTIFICATION_CODE", default="")
SITE_ICP_NUMBER = env("SITE_ICP_NUMBER", default="")
SITE_PSB_NUMBER = env("SITE_PSB_NUMBER", default="")

# The largest request body accepted (the biggest upload is a 20 MB application document).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)

MIDDLEWARE = [
    "zoneportal.errors.ApiProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "zoneportal.middleware.PortalCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "zoneportal.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and messages: it sees the cookies they set (zoneportal/page_cache.py).
    "zoneportal.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "zoneportal.middleware.ApiLanguageMiddleware",
    "zoneportal.middleware.PortalCommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "enterprises.middleware.StaffMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "zoneportal.urls"
WSGI_APPLICATION = "zoneportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.navigation",
                "zoneportal.site_pages.registration",
                "zoneportal.care_mode.context",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{CACHE_DIR / 'demo.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A persistent connection is checked before a request reuses it: after a PostgreSQL restart the
# first request of each worker reconnects instead of failing (docs/operations.md).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and authentication -----------------------------------------------------------
AUTH_USER_MODEL = "enterprises.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "enterprises.passwords.MinimumLengthValidator"},  # Django's, translated
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth 65: https://docs.allauth.org/en/latest/account/configuration.html
# Sign-up and login by e-mail address, which must be verified before the first login.
ACCOUNT_ADAPTER = "notifications.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # the link shows a page with a button: scanners can't confirm
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True  # within the sign-up session only (allauth's rule)
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people when their password, e-mail or MFA changes
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"  # https in production
# The subject prefix is added, translated, by the adapter.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Rate limits ("amount/period/per"), counted in the default cache: Redis in production and
# tests, so every web worker shares the same counters. allauth's defaults, spelled out so an
# operator sees them in one place: five failed logins per address in five minutes (and ten
# per minute per IP) lock the address out; failed MFA codes count against the same limit.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# allauth.mfa: an authenticator app (TOTP) with recovery codes. Required for staff
# (enterprises.middleware.StaffMFAMiddleware), offered to everyone else.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP keys and recovery-code seeds are encrypted at rest (enterprises.mfa_secrets) under a key
# derived from MFA_ENCRYPTION_KEY: local and test settings supply development-only values,
# production refuses to start without a real one. Old keys stay readable when listed here.
MFA_ADAPTER = "enterprises.adapters.MFAAdapter"
MFA_ENCRYPTION_OLD_KEYS = env.list("MFA_ENCRYPTION_OLD_KEYS", default=[])
MFA_TOTP_ISSUER = "成都高新区企业服务门户"
# Every member of staff must have an active authenticator app before the admin opens.
# Production always requires it; a developer may switch it off in local settings only.
ZONEPORTAL_REQUIRE_STAFF_MFA = True

# --- Security headers on every response -----------------------------------------------------
# Content-Security-Policy (django-csp 4: https://django-csp.readthedocs.io/en/latest/): the
# portal's pages load scripts, styles, fonts and images from the portal itself only; an inline
# script would need the request's nonce ({{ CSP_NONCE }}), and there is none in templates/.
# Images may be data: URIs (Swagger UI's icons, Wagtail's previews). Nothing may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail and Django admins are third-party HTML that relies on inline styles and inline
# scripts (the page explorer and editor): their pages alone get these sources added
# (zoneportal.middleware.PortalCSPMiddleware). Staff only, behind two-factor login; the public
# pages stay strict. tests/e2e/test_csp.py walks both in Chromium and fails on any violation.
ADMIN_URL_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_CONTENT_SECURITY_POLICY_ADDITIONS = {
    "script-src": [UNSAFE_INLINE],
    "style-src": [UNSAFE_INLINE],
}
# Referrer-Policy (Django's SecurityMiddleware): other sites see no path or query of ours.
SECURE_REFERRER_POLICY = "same-origin"
# Permissions-Policy (django-permissions-policy): no page may use these browser features.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Private files (proofs, application documents, certificates) never live under MEDIA_ROOT;
# they are served only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail ----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "成都高新区企业服务门户"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# The admin's own search (page chooser, snippets) uses the database; the portal's public
# policy search is the `search` app's Elasticsearch indices.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "doc", "xls", "ofd", "zip", "txt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from Gravatar: staff e-mail hashes stay here, and the CSP allows no other origin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Page cache for anonymous visitors (zoneportal/page_cache.py) -------------------------
# Emptied on every publish; the lifetime bounds how long date-dependent content can lag.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=120)
# The Varnish in front (deploy/varnish.vcl), emptied with the page cache; none when unset.
FRONTEND_CACHE_URL = env("FRONTEND_CACHE_URL", default="")
if FRONTEND_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "zoneportal.frontend_cache.VarnishBanBackend",
            "LOCATION": FRONTEND_CACHE_URL,
        }
    }
# Match outcomes of the matching pages, per facts and language, under the page cache's
# generation (search/match_views.py); 0 turns it off.
MATCH_CACHE_SECONDS = env.int("MATCH_CACHE_SECONDS", default=120)
WAGTAIL_MODERATION_ENABLED = True
# Staff sign in through allauth (rate limits, e-mail verification, the MFA stage), never
# through Wagtail's own login form or password reset.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Wagtail's own background jobs (django-tasks); Celery does the project's slow work.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Services ---------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="http://127.0.0.1:9209")
# Index names carry the environment so environments sharing a cluster never collide.
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="zoneportal-local")
SEARCH_TIMEOUT_SECONDS = env.float("SEARCH_TIMEOUT_SECONDS", default=2.0)
# What /readyz requires before this instance takes traffic (docs/operations.md): the portal
# degrades without Redis or Elasticsearch, so by default only the database.
READYZ_REQUIRES = env.list("READYZ_REQUIRES", default=["database"])


def redis_cache(location: str, **params) -> dict:
    """A cache in Redis that keeps answering when Redis does not (zoneportal/cache.py).

    django-redis with short socket timeouts; the standard cache API falls back to the process's
    memory during an outage, so allauth's rate limits and MFA keep working; everything else
    that django-redis offers ignores and logs connection errors.
    """
    return {
        "BACKEND": "zoneportal.cache.RedisCacheWithLocalFallback",
        "LOCATION": location,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
            "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
            "IGNORE_EXCEPTIONS": True,
            "FALLBACK_RETRY_SECONDS": env.float("REDIS_FALLBACK_RETRY_SECONDS", default=5.0),
        },
        **params,
    }


# Errors django-redis ignores are logged (as are the fallback's switches), under one name.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "zoneportal.cache"

# --- Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html -------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {
        "task": "cms.tasks.publish_scheduled_pages",
        "schedule": crontab(minute="*"),
    },
    # Work written to the outbox and not yet handed to the queue (the broker was down).
    "relay-outbox": {
        "task": "notifications.relay_outbox",
        "schedule": crontab(minute="*"),
    },
    # Policies coming into force today find their enterprises (pushes).
    "daily-pushes": {
        "task": "search.reverse_tasks.daily_pushes",
        "schedule": crontab(hour=8, minute=0),
    },
    # Programmes opening and closing (30, 7, 1 days) for the companies they fit (follows).
    "daily-alerts": {
        "task": "follows.daily_alerts",
        "schedule": crontab(hour=8, minute=10),
    },
    # The daily e-mail digests (and on Mondays the weekly ones), after the morning's alerts.
    "daily-digests": {
        "task": "notifications.daily_digests",
        "schedule": crontab(hour=8, minute=30),
    },
    # Public notices that ended become final; draft and correction reminders; reviewer digest;
    # certificates of approvals whose issue never ran.
    "daily-applications": {
        "task": "applications.daily",
        "schedule": crontab(hour=7, minute=30),
    },
    # Enquiries due within a working day or overdue are flagged; the handlers are told.
    "daily-enquiries": {
        "task": "enquiries.daily",
        "schedule": crontab(hour=7, minute=45),
    },
    # Apply-free roster entries past their deadline lapse; awards for final approvals.
    "daily-fulfilment": {
        "task": "fulfilment.daily",
        "schedule": crontab(hour=7, minute=50),
    },
}

# --- Enquiries (诉求) ----------------------------------------------------------------------
# Working days to accept an enquiry, and to answer it by kind (from acceptance).
ENQUIRY_ACCEPT_DAYS = 1
ENQUIRY_ANSWER_DAYS = {"policy": 5, "difficulty": 10, "complaint": 15}
# Working days to rectify after a poor rating (不满意 or worse).
ENQUIRY_RECTIFY_DAYS = 15
# The public performance page's counts are recounted at most this often (seconds).
ENQUIRY_PERFORMANCE_CACHE_SECONDS = 60

# --- E-mail -----------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="成都高新区企业服务门户 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Portal -----------------------------------------------------------------------------
PORTAL_NAME = _("Chengdu High-tech Zone Enterprise Services Portal")
DEMO_CONTENT_ALLOWED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "elastic_transport": {"level": "WARNING"},
        "elasticsearch": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; fontTools every subsetting step.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
