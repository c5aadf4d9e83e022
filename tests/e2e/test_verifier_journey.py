"""A verifier signs in with the authenticator code, opens the queue and verifies a company."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from enterprises import services
from enterprises.models import Enterprise, Qualification, QualificationType, VerificationStatus
from policies.roles import ENTERPRISE_VERIFIERS
from tests.e2e.accounts import PASSWORD, verified
from tests.factories import make_user, totp_code
from zoneportal.clock import local_today

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_verifier_with_mfa_verifies_a_pending_company(live_server, page, output_dir):
    today = local_today()
    verifier = verified(make_user("verifier@zone.example", is_staff=True, full_name="核验员小王"))
    verifier.groups.add(Group.objects.get(name=ENTERPRISE_VERIFIERS))
    founder = verified(make_user("founder@tianfu-soft.example", full_name="陈经理"))
    enterprise = services.register_enterprise(
        founder,
        name="成都天府云软件有限公司",
        credit_code="91510100MA61R2X84J",
        legal_representative="陈某",
        registered_address="成都高新区天府大道北段1700号",
        established=datetime.date(2017, 6, 8),
        industry_code="I6513",
        employees=85,
        revenue_wan=Decimal("6200"),
        rd_expense_wan=Decimal("540"),
        business_scope="软件开发；信息系统集成服务",
    )
    proof = Qualification(
        enterprise=enterprise,
        type=QualificationType.objects.get(code="hnte"),
        certificate_number="GR202351000321",
        valid_from=today - datetime.timedelta(days=400),
        valid_until=today + datetime.timedelta(days=695),
        proof_name="高新技术企业证书.pdf",
        proof_content_type="application/pdf",
    )
    proof.proof.save("proof.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    proof.save()

    # The admin sends an anonymous visitor to allauth's login.
    page.goto(live_server.url + "/admin/")
    page.wait_for_url("**/accounts/login/**")
    form = page.locator("form.account-form")
    form.locator("input[name=login]").fill(verifier.email)
    form.locator("input[name=password]").fill(PASSWORD)
    page.screenshot(path=output_dir / "verifier-login.png", full_page=True)
    form.locator("button[type=submit]").click()

    # The password alone is not enough: allauth asks for the authenticator code.
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    code_field = page.locator("input[name=code]")
    assert page.locator(f"label[for={code_field.get_attribute('id')}]").count() == 1
    code_field.fill(totp_code(valid_for=10))
    page.screenshot(path=output_dir / "verifier-mfa.png", full_page=True)
    page.locator("form.account-form button[type=submit]").first.click()

    page.wait_for_url(lambda url: url.rstrip("/").endswith("/admin"))
    menu_link = page.locator('a[href="/admin/enterprise-verification/"]').first
    menu_link.click()
    page.wait_for_url("**/admin/enterprise-verification/")
    row = page.locator("table.listing tbody tr", has_text=enterprise.name)
    assert row.count() == 1
    assert enterprise.credit_code in row.inner_text()
    page.screenshot(path=output_dir / "verifier-queue.png", full_page=True)

    row.get_by_role("link", name=enterprise.name).click()
    page.wait_for_url(f"**/admin/enterprise-verification/{enterprise.pk}/")
    page.screenshot(path=output_dir / "verifier-detail.png")
    assert page.get_by_text("GR202351000321").is_visible()
    assert page.get_by_text("founder@tianfu-soft.example").is_visible()
    proof_link = page.locator(
        f'a[href="/admin/enterprise-verification/{enterprise.pk}/proofs/{proof.pk}/"]'
    )
    with page.expect_download() as download_info:
        proof_link.click()
    assert download_info.value.suggested_filename == "高新技术企业证书.pdf"

    page.locator("form[action$='/verify/'] button[type=submit]").click()
    page.wait_for_url("**/admin/enterprise-verification/")
    assert page.locator(".messages").get_by_text(enterprise.name).is_visible()
    page.screenshot(path=output_dir / "verifier-verified.png", full_page=True)

    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    assert enterprise.verification_status == VerificationStatus.VERIFIED
    assert enterprise.verification_events.first().actor == verifier
