"""A visitor goes from the home page's "check my eligibility" link to the policy calculator,
fills in the form and reads the grouped results with their reasons."""

import datetime

import pytest

from tests.factories import make_policy
from tests.matching_support import enterprises_index, policies_index  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def home_with_quick_link(db):
    from cms.models import HomePage

    home = HomePage.objects.get()
    home.quick_links = [
        (
            "link",
            {
                "title": "测一测我能享受什么",
                "title_en": "Check my eligibility",
                "description": "填写企业基本情况，匹配可享受的政策",
                "description_en": "Enter your enterprise's facts",
                "page": None,
                "url": "/policies/match/",
                "icon": "check",
            },
        )
    ]
    home.save_revision().publish()
    return home


def test_calculator_from_the_home_page(
    live_server,
    page,
    output_dir,
    home_with_quick_link,
    policies_index,  # noqa: F811
):
    policies_index(
        make_policy(
            title="软件企业研发投入补贴",
            title_en="R&D subsidy for software companies",
            apply_free=True,
            criteria={"industries": ["I65"], "areas": ["south"], "min_rd_ratio": 3},
        ),
        make_policy(
            title="高新技术企业认定奖励",
            title_en="Award for HNTE recognition",
            criteria={"qualifications_all": ["hnte"], "requires_good_credit": True},
        ),
        make_policy(
            title="西部园区场地支持",
            title_en="Space support in West Park",
            policy_type="space",
            criteria={"areas": ["west"], "min_employees": 10},
        ),
        make_policy(
            title="瞪羚企业成长奖励",
            title_en="Gazelle growth award",
            policy_type="award",
            criteria={"qualifications_any": ["gazelle"], "min_revenue_wan": 1000},
        ),
    )

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="测一测我能享受什么").click()
    page.wait_for_url("**/policies/match/")
    form = page.locator("#calculator-form")
    form.locator("#id_industry").select_option("I65")
    form.locator("#id_area").select_option("south")
    form.locator("#id_established").fill("2019-05-01")
    form.locator("#id_employees").fill("120")
    form.locator("#id_revenue_wan").fill("3500")
    form.locator("#id_rd_expense_wan").fill("280")
    form.locator("input[name=qual][value=hnte]").check()
    next_year = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    form.locator("#id_until_hnte").fill(next_year)
    form.locator("#id_good_credit").select_option("good")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/policies/match/?*")
    assert "industry=I65" in page.url  # a shareable address

    eligible = page.locator("section.match-group--eligible")
    near = page.locator("section.match-group--near")
    assert eligible.get_by_role("link", name="软件企业研发投入补贴").first.is_visible()
    assert eligible.get_by_role("link", name="高新技术企业认定奖励").first.is_visible()
    assert eligible.locator(".match-free").first.is_visible()  # 免申即享 marked
    assert near.get_by_role("link", name="西部园区场地支持").first.is_visible()
    # Reasons: each criterion met or not, with the evaluator's explanation.
    free_card = eligible.locator("li.match-card", has_text="软件企业研发投入补贴")
    assert free_card.locator(".match-criterion--met").count() == 3
    west_card = near.locator("li.match-card", has_text="西部园区场地支持")
    assert west_card.locator(".match-criterion--missing").count() == 1
    # The gazelle award: one fails (no gazelle), revenue met → near as well.
    assert near.get_by_role("link", name="瞪羚企业成长奖励").first.is_visible()
    page.screenshot(path=output_dir / "matching-calculator-zh.png", full_page=True)

    # The same results in English, from the same shareable address.
    page.goto(page.url.replace(live_server.url, live_server.url + "/en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Eligible").first.is_visible()
    assert page.get_by_text("Apply-free: no application needed").first.is_visible()
    page.screenshot(path=output_dir / "matching-calculator-en.png", full_page=True)


def _log_in(page, live_server, user):
    """Give the browser a session for ``user`` (the login pages have their own tests)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_company_matches_and_a_new_policy_in_the_message_centre(
    live_server,
    page,
    output_dir,
    policies_index,  # noqa: F811
    enterprises_index,  # noqa: F811
):
    from enterprises.models import Area
    from tests.factories import make_enterprise, make_user

    owner = make_user("owner@test.example")
    make_enterprise(
        owner,
        name="成都示例软件有限公司",
        industry_code="I6513",
        area=Area.objects.get(code="south"),
        revenue_wan=2000,
        rd_expense_wan=150,
    )
    policies_index(
        make_policy(
            title="软件企业研发投入补贴",
            apply_free=True,
            criteria={"industries": ["I65"], "min_rd_ratio": 3},
        ),
        make_policy(title="瞪羚企业成长奖励", criteria={"qualifications_any": ["gazelle"]}),
    )
    _log_in(page, live_server, owner)

    page.goto(live_server.url + "/en/enterprise/matches/")
    assert page.get_by_role("heading", name="Policies for my company").is_visible()
    assert (
        page.locator("section.match-group--eligible")
        .get_by_role("link", name="软件企业研发投入补贴")
        .is_visible()
    )
    assert (
        page.locator("section.match-group--near")
        .get_by_role("link", name="瞪羚企业成长奖励")
        .is_visible()
    )
    page.screenshot(path=output_dir / "matching-company-en.png", full_page=True)

    # An editor publishes a policy that fits: the company's members are told (on commit).
    make_policy(title="南部园区软件企业房租补贴", criteria={"areas": ["south"]})
    page.goto(live_server.url + "/en/enterprise/messages/")
    item = page.locator("li.notification--unread", has_text="南部园区软件企业房租补贴")
    assert item.is_visible()
    item.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("南部园区软件企业房租补贴")
    page.screenshot(path=output_dir / "matching-message-en.png", full_page=True)
