"""On a 375 px phone: no page scrolls sideways, the header's words are never broken between
characters, the calculator shows the way to its results first, and long result lists come a
page at a time."""

import pytest

from tests.e2e.a11y_support import CALCULATOR_QUERY, MOBILE, build_world
from tests.e2e.accounts import sign_in
from tests.factories import make_policy
from tests.matching_support import policies_index  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The number of line boxes the element's text takes (a word broken per character takes many).
LINES = """el => {
  const mids = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(".visually-hidden")) continue;  // read aloud, not shown
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      if (rect.width > 0 && rect.height > 0) mids.push(rect.top + rect.height / 2);
    }
  }
  mids.sort((a, b) => a - b);
  // Boxes of one line (a badge beside a word) are a few pixels apart at most.
  return mids.filter((mid, i) => i === 0 || mid - mids[i - 1] > 8).length;
}"""
HEADER_ITEMS = (
    ".topbar__links > a, .topbar__links > span, .topbar__links .link-button, .care-toggle,"
    " .mainnav__list a, .brand__name, .brand__sub"
)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=MOBILE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def overflow(page) -> int:
    """How far the page is wider than the screen (0: no sideways scrolling)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def broken_header_items(page) -> list[str]:
    broken = []
    for item in page.locator(HEADER_ITEMS).all():
        if item.is_visible() and item.evaluate(LINES) > 1:
            broken.append(item.inner_text())
    return broken


def test_no_sideways_scrolling_and_whole_words_in_the_header(
    live_server,
    phone,
    output_dir,
    policies_index,  # noqa: F811
):
    base = live_server.url
    world = build_world(policies_index)
    pages = [(name, url) for name, url in world.public if name not in ("programmes",)]
    checked = 0
    for name, url in pages:
        phone.goto(base + url)
        assert overflow(phone) <= 0, f"{name} ({url}) scrolls sideways by {overflow(phone)} px"
        assert broken_header_items(phone) == [], f"{name}: header items broken over lines"
        checked += 1
    phone.goto(base + "/")
    phone.screenshot(path=output_dir / "mobile-home.png", full_page=False)

    sign_in(phone, base, world.member_email)
    for name, url in world.journey:
        phone.goto(base + url)
        assert overflow(phone) <= 0, f"{name} ({url}) scrolls sideways by {overflow(phone)} px"
        assert broken_header_items(phone) == [], f"{name}: header items broken over lines"
        checked += 1
    # The signed-in header has the most items: each still on one line.
    assert phone.locator(".topbar__links > a").count() >= 3
    phone.screenshot(path=output_dir / "mobile-signed-in-header.png", full_page=False)
    assert checked == len(pages) + len(world.journey)


def test_calculator_results_are_reached_from_the_top_and_come_a_page_at_a_time(
    live_server,
    phone,
    output_dir,
    policies_index,  # noqa: F811
):
    base = live_server.url
    policies = [
        make_policy(
            title=f"软件企业研发投入补贴（第{n + 1}批）",
            criteria={"industries": ["I65"], "areas": ["south"]},
        )
        for n in range(23)
    ]
    policies_index(*policies)

    phone.goto(f"{base}/policies/match/?{CALCULATOR_QUERY}")
    jump = phone.locator("#results-jump a")
    assert jump.is_visible()
    assert "有 23 项政策符合" in jump.inner_text()
    # The link is on the first screen; the results themselves start far below it (the form).
    assert jump.bounding_box()["y"] < MOBILE["height"]
    results = phone.locator("#match-results")
    assert results.bounding_box()["y"] > MOBILE["height"]
    jump.click()
    phone.wait_for_function(
        "document.querySelector('#match-results').getBoundingClientRect().top < 50"
    )
    phone.screenshot(path=output_dir / "mobile-calculator-results.png", full_page=False)

    # 20 on the first page, the other 3 on the second: the page stays a page long.
    assert phone.locator(".match-card").count() == 20
    pagination = phone.locator("#match-results nav.pagination")
    assert "第 1 页，共 2 页" in pagination.inner_text()
    pagination.get_by_role("link", name="下一页").click()
    phone.wait_for_url("**page=2**")
    assert phone.locator(".match-card").count() == 3
    assert overflow(phone) <= 0
