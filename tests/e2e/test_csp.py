"""The Content-Security-Policy breaks nothing: public pages, the offline API docs and the admin
run in Chromium without a single CSP violation."""

import re

import pytest
from allauth.account.models import EmailAddress

from tests.factories import make_application, make_policy, make_user, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"  # the factory's


class Violations(list):
    def watch(self, page):
        def on_console(message):
            if "Content Security Policy" in message.text:
                self.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        return page


def offline(page, base):
    """Only the live server answers: any request elsewhere (a CDN) fails."""
    page.route(re.compile(r"^(?!" + re.escape(base) + ").*"), lambda route: route.abort())


def test_public_pages_and_api_docs_work_offline_without_csp_violations(live_server, page):
    base = live_server.url
    policy = make_policy(title="成都高新区研发投入补贴政策")
    violations = Violations()
    violations.watch(page)
    offline(page, base)

    response = page.goto(base + "/")
    assert "'self'" in response.headers["content-security-policy"]
    page.goto(base + policy.url)
    page.goto(base + "/policies/search/?q=研发")
    page.locator("#site-search").fill("研发")
    page.goto(base + "/accounts/login/")

    page.goto(base + "/api/v1/docs")
    # Swagger UI (django-ninja's own static copy) renders the operations with no internet.
    page.locator(".opblock-summary-path", has_text="/api/v1/policies").first.wait_for()
    page.locator(".opblock-summary", has_text="/api/v1/match").first.click()
    page.locator(".opblock-body").first.wait_for()
    assert violations == []


def test_the_admin_works_under_its_csp(live_server, page, output_dir, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    base = live_server.url
    root = make_user("root@zone.example", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=root, email=root.email, verified=True, primary=True)
    policy = make_policy(title="成都高新区研发投入补贴政策")
    make_application(submit=True)
    violations = Violations()
    violations.watch(page)
    offline(page, base)

    page.goto(base + "/accounts/login/")
    form = page.locator("form.account-form")
    form.locator("input[name=login]").fill(root.email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.locator("input[name=code]").fill(totp_code(valid_for=10))
    page.locator("form.account-form button[type=submit]").first.click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/admin"))

    for path in (
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{policy.pk}/edit/",
        "/admin/application-review/",
        "/admin/application-review/statistics/",
        "/admin/enterprise-verification/",
        "/admin/snippets/",
        "/admin/images/",
        "/django-admin/",
    ):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    # The page editor's JavaScript runs: the tabs switch and the title field is editable.
    page.goto(f"{base}/admin/pages/{policy.pk}/edit/")
    page.locator("#id_title").fill("成都高新区研发投入补贴政策（修订）")
    page.screenshot(path=output_dir / "csp-admin-editor.png", full_page=True)
    # The public page seen by staff carries Wagtail's user bar.
    page.goto(base + policy.url)
    page.wait_for_load_state("networkidle")
    assert violations == [], "\n".join(violations)
