"""Apply-free money in the browser: roster → confirm → batch → bank result → 已拨付.

A fulfilment officer generates the roster of an apply-free (免申即享) programme by reverse
matching, reviews and publishes it; the company enters its bank account and confirms with the
declaration; finance verifies the account, gathers the instalment into a batch, submits it,
downloads the XLSX for the bank and imports the bank's result file; the company sees 已拨付.
"""

import io
from pathlib import Path

import openpyxl
import pytest
from allauth.account.models import EmailAddress

from fulfilment.models import Instalment, Roster
from tests.factories import make_policy, make_programme, make_verified_enterprise
from tests.fulfilment_support import finance, officer
from tests.matching_support import enterprises_index  # noqa: F401

from .test_application_journey import sign_in, verified

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_roster_confirm_batch_result_paid(
    live_server,
    browser,
    page,
    output_dir,
    tmp_path,
    enterprises_index,  # noqa: F811
):
    base = live_server.url
    policy = make_policy(criteria={"industries": ["I65"]}, apply_free=True)
    programme = make_programme(policy, name="2026年度高企认定奖励（免申即享）")
    company = make_verified_enterprise()
    admin = verified(company.memberships.get().user)
    enterprises_index(company)
    clerk = verified(officer("officer@zone.example"))
    money = verified(finance("finance@zone.example"))
    for user in (clerk, money):
        assert EmailAddress.objects.filter(user=user, verified=True).exists()

    # --- the officer generates, reviews and publishes the roster ---------------------------
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    sign_in(staff, base, clerk.email, mfa=True)
    staff.goto(base + "/admin/fulfilment/rosters/")
    staff.locator("#programme").select_option(str(programme.pk))
    staff.locator("#amount").fill("100000")
    staff.locator("#generate-roster").click()
    staff.wait_for_url("**/admin/fulfilment/rosters/*/")
    assert staff.get_by_text(company.name).is_visible()
    staff.locator("#roster-review").click()
    staff.wait_for_load_state()
    staff.locator("#roster-publish").click()
    staff.wait_for_load_state()
    roster = Roster.objects.get(programme=programme)
    assert roster.state == "published"
    staff.screenshot(path=output_dir / "fulfilment-roster.png", full_page=True)
    staff_context.close()

    # --- the company enters its account and confirms ---------------------------------------
    sign_in(page, base, admin.email)
    page.goto(base + "/fulfilment/account/")
    page.locator("[name=bank_name]").fill("中国银行成都高新支行")
    page.locator("[name=account_number]").fill("6216 6000 0000 1234 567")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(base + "/fulfilment/")
    page.get_by_role("link", name="查看并确认").click()
    page.wait_for_url("**/fulfilment/offers/*/")
    page.locator("[name=declaration]").check()
    page.locator("button[value=confirm]").click()
    page.wait_for_load_state()
    assert page.locator("#entry-state").inner_text() == "已确认"
    page.screenshot(path=output_dir / "fulfilment-confirmed.png", full_page=True)

    # --- finance verifies the account, batches, submits, exports, imports the result -------
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    sign_in(staff, base, money.email, mfa=True)
    staff.goto(f"{base}/admin/fulfilment/accounts/{company.bank_account.pk}/")
    staff.locator("button[value=verify]").click()
    staff.wait_for_load_state()
    staff.goto(base + "/admin/fulfilment/instalments/")
    instalment = Instalment.objects.get(award__enterprise=company)
    staff.locator(f"input[name=instalment][value='{instalment.pk}']").check()
    staff.locator("#new-batch").click()
    staff.wait_for_url("**/admin/fulfilment/batches/*/")
    staff.locator("#submit-batch").click()
    staff.wait_for_load_state()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="下载给财务系统（XLSX）").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    reference, _name, account, _bank, amount = rows[1][:5]
    result = tmp_path / "银行回单.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["业务编号", "收款账号", "金额", "结果", "失败原因", "日期"])
    book.active.append([reference, account, amount, "成功", None, "2026-12-04"])
    buffer = io.BytesIO()
    book.save(buffer)
    result.write_bytes(buffer.getvalue())
    staff.locator("#result-file").set_input_files(str(result))
    staff.locator("#import-results").click()
    staff.wait_for_load_state()
    assert staff.locator("#batch-state").inner_text() == "已办结"
    staff.screenshot(path=output_dir / "fulfilment-batch.png", full_page=True)
    staff_context.close()

    # --- the company sees the money paid ------------------------------------------------------
    page.goto(base + "/fulfilment/")
    row = page.locator("tr[data-state=paid]")
    assert row.count() == 1
    assert "已拨付" in row.inner_text() and "2026-12-04" in row.inner_text()
    page.screenshot(path=output_dir / "fulfilment-ledger.png", full_page=True)
