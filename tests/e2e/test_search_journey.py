"""A visitor searches from the header, sees highlighted results, narrows them, opens one."""

import datetime
import re

import pytest

from tests.factories import make_policy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_search_highlight_facet_and_open(live_server, page, output_dir, search_index):
    from policies.models import Department

    science = Department.objects.get(name="成都高新区科技创新局")
    finance = Department.objects.get(name="成都高新区财政金融局")
    # Published with the tasks run in process (eager): each is indexed on commit.
    subsidy = make_policy(
        title="成都高新区企业研发投入补贴实施细则",
        title_en="Implementing rules on subsidies for enterprise R&D investment",
        document_number="成高科发〔2025〕3号",
        department=science,
        summary="按企业上年度研发投入增量的10%给予补贴，最高100万元。",
        effective_date=datetime.date(2025, 1, 1),
        criteria={"industries": ["I65"]},
    )
    make_policy(
        title="科技企业研发投入贷款贴息办法",
        document_number="成高财金发〔2025〕5号",
        department=finance,
        policy_type="finance",
        summary="对科技企业为研发投入发生的贷款利息给予贴息。",
        effective_date=datetime.date(2025, 3, 1),
        criteria={},
    )
    make_policy(
        title="瞪羚企业培育奖励办法",
        policy_type="award",
        summary="对新认定的瞪羚企业给予奖励。",
        criteria={},
    )

    page.goto(live_server.url + "/")
    page.locator("#site-search").fill("研发投入")
    page.locator("form.masthead__search button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/policies/search/\?q=.*"))
    assert page.locator("h1").inner_text() == "搜索政策" or page.locator("h1").is_visible()

    results = page.locator("ol.search-results > li")
    assert results.count() == 2
    marks = page.locator("ol.search-results mark")
    assert marks.first.inner_text() == "研发投入"  # one run, not one mark per character
    page.screenshot(path=output_dir / "search-results-zh.png", full_page=True)

    # Narrow to direct subsidies with the type facet: the URL carries the filter.
    page.locator("a.facet__option[href*='type=subsidy']").click()
    page.wait_for_url(re.compile(r".*type=subsidy.*"))
    assert results.count() == 1
    assert page.locator("a.facet__option--selected[href*='q=']").count() >= 1
    page.screenshot(path=output_dir / "search-facet-zh.png", full_page=True)

    # Open the result.
    results.first.locator("h3 a").click()
    page.wait_for_url(f"**/policies/{subsidy.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == subsidy.title

    # Pinyin initials offer the Chinese title as you type.
    page.goto(live_server.url + "/policies/suggest/?q=dlqy")
    assert "瞪羚企业培育奖励办法" in page.content()
