"""适老化 (care) mode: the header's button makes the text larger and the contrast higher, on
every page, remembered across pages and visits; with JavaScript and without it; and the page
cache never serves one mode's page to the other."""

import pytest

from tests.factories import make_policy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT_FONT = "parseFloat(getComputedStyle(document.documentElement).fontSize)"


def state(page):
    toggle = page.locator(".care-toggle")
    return toggle.get_attribute("aria-pressed"), toggle.inner_text(), page.evaluate(ROOT_FONT)


def care_cookie(context):
    return [c["value"] for c in context.cookies() if c["name"] == "zp_care"]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_care_mode_toggles_and_is_remembered(
    live_server, browser, output_dir, page_cache, javascript
):
    base = live_server.url
    policy = make_policy(title="成都高新区企业研发投入补贴实施细则")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(base + policy.url)
        page.goto(base + policy.url)  # now from the page cache, in the standard mode
        assert state(page) == ("false", "关怀版", 16)
        title_size = page.locator("h1").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")

        page.get_by_role("button", name="关怀版").click()
        page.wait_for_function("document.querySelector('.care-toggle').ariaPressed === 'true'")
        assert page.url == base + policy.url  # the same page, not the toggle's address
        assert state(page) == ("true", "标准版", 20)
        assert care_cookie(context) == ["1"]
        assert page.locator("h1").evaluate("el => parseFloat(getComputedStyle(el).fontSize)") == (
            pytest.approx(title_size * 1.25)
        )
        # Buttons are at least 44 px high (2.75rem of 16 px … now 20 px).
        assert page.get_by_role("button", name="搜索").bounding_box()["height"] >= 44
        page.screenshot(path=output_dir / f"care-mode-{'js' if javascript else 'nojs'}.png")

        # Remembered on the next page and the next visit; the cached standard page is not
        # served to it (the page cache keys by mode).
        page.goto(base + "/")
        assert state(page)[0] == "true"
        page.goto(base + policy.url)
        assert state(page) == ("true", "标准版", 20)
        other = browser.new_context(locale="zh-CN")
        try:
            stranger = other.new_page()
            stranger.goto(base + policy.url)
            assert state(stranger) == ("false", "关怀版", 16)
        finally:
            other.close()

        page.get_by_role("button", name="标准版").click()
        page.wait_for_function("document.querySelector('.care-toggle').ariaPressed === 'false'")
        assert state(page) == ("false", "关怀版", 16)
        assert care_cookie(context) == []
        page.reload()
        assert state(page) == ("false", "关怀版", 16)
    finally:
        context.close()


def test_care_mode_in_english(live_server, page):
    page.goto(live_server.url + "/en/")
    page.get_by_role("button", name="Senior-friendly view").click()
    page.wait_for_function("document.querySelector('.care-toggle').ariaPressed === 'true'")
    assert page.get_by_role("button", name="Standard view").is_visible()
    page.reload()
    assert page.get_by_role("button", name="Standard view").get_attribute("aria-pressed") == "true"
