"""The site's own pages (``zoneportal.site_pages``), under the language prefixes."""

from django.urls import path

from . import site_pages

app_name = "site"

urlpatterns = [
    path("sitemap/", site_pages.sitemap_page, name="sitemap"),
    path("accessibility/", site_pages.accessibility, name="accessibility"),
]
