"""A new enterprise user: sign up → confirm the e-mail → register the company → add a
qualification with its proof → see what matching still needs."""

import re

import pytest
from django.core import mail

from enterprises.models import Enterprise, Membership, Qualification, VerificationStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "founder@xinghe-soft.example"
PASSWORD = "Tianfu-Soft-2026!"
CREDIT_CODE = "91510100MA61R2X84J"


def last_link(pattern: str) -> str:
    for message in reversed(mail.outbox):
        match = re.search(pattern, message.body)
        if match:
            return match.group(0)
    raise AssertionError(f"no e-mail with a link matching {pattern}: {mail.outbox!r}")


def submit_main_form(page):
    """The page's own form (the header has search and language buttons too)."""
    page.locator("main form button[type=submit]").first.click()


def test_sign_up_register_a_company_add_a_qualification(live_server, page, output_dir, tmp_path):
    mail.outbox.clear()

    # 1. Sign up (allauth), in the default language.
    page.goto(live_server.url + "/accounts/signup/")
    page.locator("main input[name=email]").fill(EMAIL)
    page.locator("main input[name=password1]").fill(PASSWORD)
    page.locator("main input[name=password2]").fill(PASSWORD)
    submit_main_form(page)
    page.wait_for_url(lambda url: "/accounts/signup/" not in url)

    # 2. The confirmation e-mail (the live server shares this process's outbox).
    link = last_link(r"https?://[^\s]+/accounts/confirm-email/[^\s]+")
    page.goto(link)
    submit_main_form(page)
    page.wait_for_load_state()

    # 3. Log in if the confirmation did not already (allauth logs in within the sign-up
    #    session); a person without a company lands on the registration form.
    if "/accounts/login/" in page.url:
        page.locator("main input[name=login]").fill(EMAIL)
        page.locator("main input[name=password]").fill(PASSWORD)
        submit_main_form(page)
    page.wait_for_url("**/enterprise/register/")
    page.screenshot(path=output_dir / "enterprise-register-zh.png", full_page=True)

    # 4. Register the company, in English (the header's language switch keeps the page).
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/enterprise/register/")
    assert page.get_by_role("heading", level=1).inner_text() == "Register your company"
    page.get_by_label("Company name").fill("成都星河智能科技有限公司")
    # Pasted untidily: spaces and lower case are normalised.
    page.get_by_label("Unified social credit code").fill("9151 0100 ma61 r2x8 4j")
    page.get_by_label("Legal representative").fill("李华")
    page.get_by_label("Date established").fill("2019-03-15")
    page.get_by_label("Registered address").fill("成都高新区天府五街200号")
    page.get_by_label("Industry (GB/T 4754)").fill("I65")
    page.get_by_label("Employees").fill("80")
    page.get_by_label("Annual revenue").fill("3000")
    page.get_by_label("Annual R&D expense").fill("240")
    page.get_by_label("Credit standing").select_option("good")
    page.get_by_label("Business scope").fill("软件开发；信息技术咨询服务；人工智能应用软件开发")
    # First a mistake: the date in the future is refused, and everything typed is kept.
    page.get_by_label("Date established").fill("2999-01-01")
    page.get_by_role("button", name="Register the company").click()
    summary = page.get_by_role("alert")
    assert "cannot be in the future" in summary.inner_text()
    assert page.get_by_label("Company name").input_value() == "成都星河智能科技有限公司"
    established = page.get_by_label("Date established")
    assert established.get_attribute("aria-invalid") == "true"
    assert "id_established_error" in established.get_attribute("aria-describedby")
    page.screenshot(path=output_dir / "enterprise-register-error.png", full_page=True)
    established.fill("2019-03-15")
    page.get_by_role("button", name="Register the company").click()
    page.wait_for_url("**/en/enterprise/")

    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == CREDIT_CODE
    assert enterprise.verification_status == VerificationStatus.PENDING
    assert Membership.objects.get(enterprise=enterprise).user.email == EMAIL
    assert page.get_by_text("Awaiting verification").first.is_visible()

    # 5. Add an HNTE qualification with a small PDF proof.
    proof = tmp_path / "高新技术企业证书.pdf"
    proof.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    sections = page.get_by_role("navigation", name="Company sections")
    sections.get_by_role("link", name="Qualifications").click()
    page.wait_for_url(f"**/en/enterprise/{enterprise.pk}/qualifications/")
    page.get_by_role("link", name="Add a qualification").click()
    page.get_by_label("Qualification", exact=False).first.select_option(
        label="High and New Technology Enterprise"
    )
    page.get_by_label("Certificate number").fill("GR202351000123")
    page.get_by_label("Valid from").fill("2023-10-16")
    page.get_by_label("Valid until").fill("2099-10-15")
    page.get_by_label("Proof (certificate scan)").set_input_files(str(proof))
    page.get_by_role("button", name="Add the qualification").click()
    page.wait_for_url(f"**/en/enterprise/{enterprise.pk}/qualifications/")
    row = page.get_by_role("row", name=re.compile("GR202351000123"))
    assert "Valid" in row.inner_text()
    assert row.get_by_role("link", name=re.compile("高新技术企业证书.pdf")).is_visible()
    page.screenshot(path=output_dir / "enterprise-qualifications.png", full_page=True)
    qualification = Qualification.objects.get(enterprise=enterprise)
    assert qualification.proof_name == "高新技术企业证书.pdf"
    assert qualification.proof_content_type == "application/pdf"

    # The proof downloads under its own name.
    with page.expect_download() as download:
        row.get_by_role("link", name=re.compile("高新技术企业证书.pdf")).click()
    assert download.value.suggested_filename == "高新技术企业证书.pdf"

    # 6. The completeness view: only the area in the zone is still missing.
    sections.get_by_role("link", name="Overview").click()
    page.wait_for_url("**/en/enterprise/")
    completeness = page.get_by_role("region", name="Profile completeness")
    text = completeness.inner_text()
    assert "87% complete: 7 of the 8 facts" in text
    assert "Area in the zone" in text
    assert "Qualifications" not in text.split("Still needed for matching")[1]
    fill_in = completeness.get_by_role("link", name="Fill in: Area in the zone")
    assert fill_in.get_attribute("href").endswith(f"/enterprise/{enterprise.pk}/edit/#id_area")
    assert page.get_by_text("8.00%").is_visible()  # R&D ratio: 240 / 3000
    page.screenshot(path=output_dir / "enterprise-dashboard.png", full_page=True)

    # Following the link fills in the missing fact; the company is then complete.
    fill_in.click()
    page.get_by_label("Area in the zone").select_option(label="South Park")
    page.get_by_role("button", name="Save the profile").click()
    page.wait_for_url(f"**/en/enterprise/{enterprise.pk}/")
    sections.get_by_role("link", name="Overview").click()
    assert "100% complete" in page.get_by_role("region", name="Profile completeness").inner_text()
    page.screenshot(path=output_dir / "enterprise-dashboard-complete.png", full_page=True)

    # 7. Invite a colleague; the invitation e-mail carries the single-use link.
    sections.get_by_role("link", name="Members").click()
    page.wait_for_url(f"**/en/enterprise/{enterprise.pk}/members/")
    page.get_by_label("E-mail address").fill("colleague@xinghe-soft.example")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url(f"**/en/enterprise/{enterprise.pk}/members/")
    assert page.get_by_text(
        "An invitation has been sent to colleague@xinghe-soft.example"
    ).is_visible()
    last_link(r"https?://[^\s]+/enterprise/invitations/[^\s/]+/")
    page.screenshot(path=output_dir / "enterprise-members.png", full_page=True)

    sections.get_by_role("link", name="History").click()
    page.wait_for_url(f"**/en/enterprise/{enterprise.pk}/history/")
    assert page.get_by_text("Invited colleague@xinghe-soft.example").is_visible()
    page.screenshot(path=output_dir / "enterprise-history.png", full_page=True)
