"""Certificates in the Wagtail admin: reviewers find, revoke and re-issue them."""

from django.urls import include, path, reverse
from django.utils.translation import pgettext_lazy
from wagtail import hooks

from applications.wagtail_hooks import ReviewMenuItem
from zoneportal import converters  # noqa: F401 - registers <id:…>

from . import admin_views as certificate_views


@hooks.register("register_admin_urls")
def register_certificate_urls():
    urls = [
        path("", certificate_views.index, name="index"),
        path("<id:pk>/", certificate_views.detail, name="detail"),
    ]
    return [
        path(
            "certificates/",
            include((urls, "certificate_admin"), namespace="certificate_admin"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_certificate_menu_item():
    return ReviewMenuItem(
        pgettext_lazy("admin menu", "Certificates"),
        reverse("certificate_admin:index"),
        name="certificates",
        icon_name="doc-full",
        order=270,
    )
