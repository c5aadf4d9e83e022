"""URL configuration: the API, /healthz and /readyz outside, the pages under i18n prefixes.

Simplified Chinese is served without a prefix; English under ``/en/``.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import care_mode
from .api import api
from .site_pages import sitemap_xml
from .views import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", api.urls),
    # The language switch is a form in every page's header: without a CSRF token in it, the
    # anonymous pages can be cached (zoneportal/page_cache.py). Changing someone's language is
    # harmless, and the page's language comes from its URL anyway.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # 适老化 mode on or off (a cookie), then back to the page: zoneportal/care_mode.py.
    path("care-mode/", care_mode.toggle, name="care_mode"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap_xml, name="sitemap_xml"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("certificates.urls")),  # /verify/…, /enterprise/certificates/
    path("enterprise/", include("enterprises.urls")),
    path("enterprise/messages/", include("notifications.urls")),
    path("applications/", include("applications.urls")),
    path("enquiries/", include("enquiries.urls")),
    path("fulfilment/", include("fulfilment.urls")),
    path("enterprise/follows/", include("follows.urls")),
    path("feeds/", include("follows.feed_urls")),
    path("notices/approvals/", include("applications.public_urls")),
    path("programmes/", include("applications.programme_urls")),
    path("", include("zoneportal.site_urls")),  # /sitemap/, /accessibility/
    path("", include("search.match_urls")),
    path("", include("search.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

# Branded pages for the site, problem documents under /api/ (zoneportal/errors.py).
handler400 = "zoneportal.errors.bad_request"
handler403 = "zoneportal.errors.permission_denied"
handler404 = "zoneportal.errors.page_not_found"
handler500 = "zoneportal.errors.server_error"
