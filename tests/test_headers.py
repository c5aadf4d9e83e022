"""Security headers: a strict CSP on the site (a looser one only in the admin), Referrer- and
Permissions-Policy, and API docs served from the portal's own static files."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.factories import make_user

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/en/", "/policies/", "/accounts/login/", "/nowhere/"])
def test_site_pages_carry_a_strict_csp(client, url):
    response = client.get(url)
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("http" in source for sources in csp.values() for source in sources)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/api/v1/docs", "/accounts/login/"])
def test_referrer_and_permissions_policies(client, url):
    response = client.get(url)
    assert response["Referrer-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.mark.django_db
def test_only_the_admin_allows_inline_code(client):
    client.force_login(make_user("root@zone.example", is_staff=True, is_superuser=True))
    admin = directives(client.get("/admin/"))
    assert "'unsafe-inline'" in admin["script-src"] and "'unsafe-inline'" in admin["style-src"]
    assert admin["default-src"] == ["'self'"] and admin["frame-ancestors"] == ["'none'"]
    site = directives(client.get("/"))
    assert "'unsafe-inline'" not in site["script-src"] + site["style-src"]


@pytest.mark.django_db
def test_the_api_docs_load_swagger_from_our_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert all(source.startswith("/") for source in sources), sources
    # collectstatic gathers them from django-ninja's package (it is an installed app).
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert finders.find(f"ninja/{asset}"), asset


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style|\sstyle=", re.IGNORECASE)


def test_site_templates_have_no_inline_script_or_style():
    """The public site's CSP allows neither: a template that needs one must use the nonce."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        relative = template.relative_to(TEMPLATES)
        if relative.parts[0] == "wagtailadmin":  # the admin has its own, looser policy
            continue
        text = template.read_text()
        if INLINE_SCRIPT.search(text) or INLINE_STYLE.search(text):
            offenders.append(str(relative))
    assert offenders == []
