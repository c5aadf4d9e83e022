"""A visitor walks home → policy list → policy page, in Chinese and then in English."""

import datetime

import pytest

from tests.factories import make_policy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_home_to_policy_page_in_both_languages(live_server, page, output_dir):
    policy = make_policy(
        title="成都高新区支持企业加大研发投入的若干政策",
        title_en="Measures to support enterprise R&D investment",
        document_number="成高管发〔2024〕3号",
        effective_date=datetime.date(2024, 1, 1),
    )

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", name="政策找企业").is_visible()
    page.screenshot(path=output_dir / "home-zh.png", full_page=True)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="惠企政策").click()
    page.wait_for_url("**/policies/")
    assert page.get_by_role("heading", name="惠企政策", exact=True).is_visible()
    page.get_by_role("link", name=policy.title).click()
    page.wait_for_url(f"**/policies/{policy.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == policy.title
    assert page.get_by_text("成高管发〔2024〕3号").is_visible()
    assert page.get_by_text("研发费用占营业收入比例不低于 3%").is_visible()
    page.screenshot(path=output_dir / "policy-zh.png", full_page=True)

    # Switch to English with the header's switch: the same page, now in English.
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"**/en/policies/{policy.slug}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == policy.title_en
    assert page.get_by_text("Who can benefit").is_visible()
    page.screenshot(path=output_dir / "policy-en.png", full_page=True)

    page.get_by_role("link", name="Home", exact=True).first.click()
    page.wait_for_url("**/en/")
    assert page.get_by_role("heading", name="Policies find enterprises").is_visible()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Policies", exact=True
    ).click()
    page.wait_for_url("**/en/policies/")
    assert page.get_by_role("link", name=policy.title_en).is_visible()
    page.screenshot(path=output_dir / "policies-en.png", full_page=True)

    # And back to Chinese.
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_url(lambda url: url.endswith("/policies/") and "/en/" not in url)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
