"""The whole life of an application in the browser.

A company applies with a document → a reviewer (with the authenticator code) accepts and returns
it with a reason on that document → the company corrects it and resubmits → the reviewer accepts
and approves → the company sees the decision, the promised decision date and the actual date.
"""

import pytest
from django.core import mail
from django.utils import timezone

from applications.models import Application
from tests.e2e.accounts import sign_in, verified
from tests.factories import make_programme, make_reviewer, make_verified_enterprise

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def review(page, base, application, action, **fields):
    page.goto(f"{base}/admin/application-review/{application.pk}/")
    form = page.locator(f"form#action-{action}")
    for name, value in fields.items():
        form.locator(f"[name='{name}']").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_apply_return_resubmit_approve(live_server, browser, page, output_dir, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    base = live_server.url
    enterprise = make_verified_enterprise(contact_phone="028-85001234")
    applicant = enterprise.memberships.get().user
    verified(applicant)
    reviewer = verified(make_reviewer("reviewer@zone.example"))
    programme = make_programme()
    audit = tmp_path / "审计报告.pdf"
    audit.write_bytes(PDF)

    # --- the company applies -------------------------------------------------------------
    sign_in(page, base, applicant.email)
    page.goto(base + programme.page.url)
    page.locator(f'a[href="/applications/start/{programme.pk}/"]').click()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/applications/*/")
    application = Application.objects.get(enterprise=enterprise)
    assert page.locator(".task-status--not_started").count() >= 3
    page.screenshot(path=output_dir / "application-task-list.png", full_page=True)

    page.locator(f'a[href="/applications/{application.pk}/applicant/"]').click()
    page.locator("[name=contact_name]").fill("陈经理")
    page.locator("button[name=continue]").click()
    page.wait_for_url("**/project/")
    page.locator("[name=project_title]").fill("工业控制软件研发")
    page.locator("[name=project_summary]").fill("研发新一代工业控制软件。")
    page.locator("[name='q_q-staff']").fill("12")
    page.locator("button[name=continue]").click()
    page.wait_for_url("**/amount/")
    page.locator("[name=amount_requested]").fill("300000")
    page.locator("button[name=continue]").click()
    page.wait_for_url("**/documents/")
    page.locator("#file-doc-audit").set_input_files(str(audit))
    page.locator("#doc-doc-audit button[name=upload]").click()
    page.wait_for_load_state()
    assert page.locator("#doc-doc-audit").get_by_text("审计报告.pdf").is_visible()
    page.locator("button[name=continue]").last.click()
    page.wait_for_url("**/declaration/")
    page.locator("[name=accept]").check()
    page.locator("button[name=continue]").click()
    page.wait_for_url("**/check/")
    page.screenshot(path=output_dir / "application-check.png", full_page=True)
    page.locator("main form.form-actions button[type=submit]").click()
    page.wait_for_url("**/submitted/")
    application.refresh_from_db()
    assert application.state == "submitted"
    assert page.get_by_text(application.reference).is_visible()
    page.screenshot(path=output_dir / "application-submitted.png", full_page=True)

    # --- the reviewer accepts, then returns it with a reason on the audit report ---------
    reviewer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = reviewer_context.new_page()
    staff.set_default_timeout(15_000)
    sign_in(staff, base, reviewer.email, mfa=True)
    staff.goto(base + "/admin/application-review/")
    assert staff.locator("table tbody tr", has_text=application.reference).count() == 1
    staff.screenshot(path=output_dir / "review-queue.png", full_page=True)
    review(staff, base, application, "accept")
    application.refresh_from_db()
    assert application.state == "accepted" and application.due_date is not None
    reason = "审计报告缺少研发费用专项说明，请补充。"
    review(staff, base, application, "return", **{"reason__doc-audit": reason})
    application.refresh_from_db()
    assert application.state == "returned"

    # --- the company sees the reason, corrects and resubmits -----------------------------
    page.goto(f"{base}/applications/{application.pk}/")
    assert page.get_by_text(reason).first.is_visible()
    page.screenshot(path=output_dir / "application-returned.png", full_page=True)
    page.goto(f"{base}/applications/{application.pk}/documents/")
    page.locator("#file-doc-audit").set_input_files(str(audit))
    page.locator("#doc-doc-audit button[name=upload]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/applications/{application.pk}/declaration/")
    page.locator("[name=accept]").check()
    page.locator("button[name=continue]").click()
    page.wait_for_url("**/check/")
    page.locator("main form.form-actions button[type=submit]").click()
    page.wait_for_url("**/submitted/")
    application.refresh_from_db()
    assert application.state == "resubmitted"

    # --- the reviewer accepts again and approves -----------------------------------------
    review(staff, base, application, "accept")
    review(staff, base, application, "approve", amount="250000", comment="符合条件，予以支持。")
    application.refresh_from_db()
    assert application.state == "approved"
    staff.screenshot(path=output_dir / "review-approved.png", full_page=True)
    reviewer_context.close()

    # --- the company sees the decision and the dates ------------------------------------
    page.goto(f"{base}/applications/{application.pk}/")
    body = page.locator("main").inner_text()
    assert "¥250,000.00" in body
    assert application.due_date.isoformat() in body
    assert timezone.localtime(application.decided_at).date().isoformat() in body
    assert application.notice_until.isoformat() in body
    page.screenshot(path=output_dir / "application-approved.png", full_page=True)
    # The approval issued a certificate, downloadable from the application page.
    certificate = application.certificates.get()
    with page.expect_download() as download_info:
        page.locator(f'a[href$="/certificates/{certificate.number}.pdf"]').click()
    assert download_info.value.suggested_filename.endswith(".pdf")
    assert certificate.downloads.filter(user=applicant).exists()
    # Every step reached the company by e-mail too (submit, accept, return, resubmit, ...).
    subjects = [m.subject for m in mail.outbox if applicant.email in m.to]
    assert any(application.reference in s for s in subjects)
