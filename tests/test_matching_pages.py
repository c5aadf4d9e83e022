"""The matching pages: "policies for my company" and the anonymous policy calculator."""

import datetime
import re

import pytest
from django.urls import reverse

from enterprises.models import Area
from search import match_service, match_views
from tests.factories import make_enterprise, make_policy, make_user
from tests.matching_support import policies_index  # noqa: F401

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(match_service, "zone_today", lambda: TODAY)


@pytest.fixture
def catalogue(policies_index):  # noqa: F811
    policies = {
        "free": make_policy(
            title="软件企业研发补贴",
            title_en="R&D subsidy for software companies",
            apply_free=True,
            criteria={"industries": ["I65"], "min_rd_ratio": 3},
        ),
        "credit": make_policy(
            title="信用良好企业奖励",
            title_en="Award for companies with good credit",
            criteria={"industries": ["I65"], "qualifications_all": ["gazelle"]},
        ),
        "west": make_policy(
            title="西部园区场地支持",
            title_en="Space support in West Park",
            criteria={"areas": ["west"], "min_employees": 10},
        ),
        "bio": make_policy(
            title="生物医药临床补贴",
            title_en="Clinical trial subsidy",
            criteria={"industries": ["C27"], "areas": ["biotown"]},
        ),
    }
    policies_index(*policies.values())
    return policies


def section(html: str, status: str) -> str:
    match = re.search(
        rf'<section class="match-group match-group--{status}".*?</section>', html, re.S
    )
    return match.group(0) if match else ""


def results_of(html: str) -> str:
    return html[html.index('id="match-results"') : html.index("</main>")]


# --- policies for my company -------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("matching:my_matches"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_person_without_a_company_is_sent_to_register_one(client):
    client.force_login(make_user("nobody@test.example"))
    response = client.get(reverse("matching:my_matches"))
    assert response.status_code == 302
    assert response.url == reverse("enterprises:register")


def test_the_company_page_groups_explains_and_says_what_to_do(client, catalogue):
    owner = make_user("owner@test.example")
    make_enterprise(owner, industry_code="I6513", revenue_wan=2000, rd_expense_wan=150)
    client.force_login(owner)
    response = client.get("/en/enterprise/matches/")
    assert response.status_code == 200
    html = response.content.decode()
    eligible, possible, near = (section(html, s) for s in ("eligible", "possible", "near"))
    # Eligible: every criterion met, apply-free marked, a link to the policy.
    assert "R&amp;D subsidy for software companies" in eligible
    assert "免申即享" in eligible and "Apply-free: no application needed" in eligible
    assert catalogue["free"].url in eligible
    assert "R&amp;D ratio 7.5% meets the required 3%." in eligible
    # Near: the one condition not met, named, with how to meet it.
    assert "Space support in West Park" in near
    assert "One condition is not met: <strong>Area in the zone</strong>" in near
    # The gazelle policy: the company holds no gazelle qualification, industry met → near too.
    assert "Award for companies with good credit" in near
    assert "does not hold a valid" in near
    assert not possible
    assert "Clinical trial subsidy" not in html  # ineligible: two criteria fail
    assert "Simplified matching" not in html


def test_unknown_facts_send_the_company_to_complete_its_profile(client, catalogue):
    owner = make_user("owner@test.example")
    make_enterprise(owner, industry_code="I65", revenue_wan=None, rd_expense_wan=None)
    client.force_login(owner)
    html = client.get("/en/enterprise/matches/").content.decode()
    possible = section(html, "possible")
    assert "R&amp;D subsidy for software companies" in possible
    assert "Add your annual revenue and R&amp;D expense to your company information" in possible
    assert 'href="/en/enterprise/"' in possible


def test_the_page_reflects_the_profile_as_it_is_now(client, catalogue):
    owner = make_user("owner@test.example")
    enterprise = make_enterprise(owner, industry_code="I65", area=Area.objects.get(code="south"))
    client.force_login(owner)
    assert "Space support in West Park" in section(
        client.get("/en/enterprise/matches/").content.decode(), "near"
    )
    enterprise.area = Area.objects.get(code="west")
    enterprise.save()
    assert "Space support in West Park" in section(
        client.get("/en/enterprise/matches/").content.decode(), "eligible"
    )


def test_the_company_page_shows_a_page_of_results_with_the_totals(
    client,
    policies_index,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(match_views, "PER_PAGE", 3)
    fits = [
        make_policy(
            title=f"适配政策{n}", title_en=f"Fitting policy {n}", criteria={"industries": ["I65"]}
        )
        for n in range(4)
    ]
    maybe = make_policy(
        title="待定政策", title_en="Policy needing revenue", criteria={"min_revenue_wan": 100}
    )
    near = [
        make_policy(title=f"差一点{n}", title_en=f"Near policy {n}", criteria={"areas": ["west"]})
        for n in range(4)
    ]
    policies_index(*fits, maybe, *near)
    owner = make_user("owner@test.example")
    make_enterprise(
        owner, industry_code="I6513", area=Area.objects.get(code="south"), revenue_wan=None
    )
    client.force_login(owner)

    first = client.get("/en/enterprise/matches/").content.decode()
    # Totals count every result; a page shows three cards of the eligible list and of the near one.
    assert (
        "4 policies fit" in first and "1 may fit" in first and "4 are one criterion away" in first
    )
    assert 'id="match-group-eligible">Eligible <span class="match-group__count">(4)' in first
    assert section(first, "eligible").count('class="card match-card') == 3
    assert not section(first, "possible")
    assert section(first, "near").count('class="card match-card') == 3
    assert 'href="?page=2#match-group-eligible" rel="next"' in section(first, "eligible")
    assert 'href="?near_page=2#match-group-near" rel="next"' in section(first, "near")

    # Page 2 of the first list: the last eligible, then the possible one; near stays on page 1.
    second = client.get("/en/enterprise/matches/?page=2").content.decode()
    assert section(second, "eligible").count('class="card match-card') == 1
    assert "Policy needing revenue" in section(second, "possible")
    assert 'rel="next"' not in section(second, "possible")
    assert section(second, "near").count('class="card match-card') == 3
    assert 'href="?page=2&amp;near_page=2#match-group-near"' in section(second, "near")

    near_two = client.get("/en/enterprise/matches/?page=2&near_page=2").content.decode()
    assert section(near_two, "near").count('class="card match-card') == 1
    shown = [p for p in fits + near if p.title_en in near_two]
    assert len(shown) == 2  # one eligible and one near: every result appears on exactly one page
    assert client.get("/en/enterprise/matches/?page=99&near_page=x").status_code == 200


def test_kept_matches_follow_the_profile_and_every_publish(
    client,
    catalogue,
    policies_index,  # noqa: F811
    settings,
):
    """With the match cache on (as in production), a page comes from the kept outcome until
    the facts change or a publish starts a new page-cache generation."""
    import uuid

    from django.core.cache import cache

    from zoneportal import page_cache

    settings.MATCH_CACHE_SECONDS = 60
    cache.set(page_cache.GENERATION_KEY, uuid.uuid4().int % 10**12, timeout=None)
    owner = make_user("owner@test.example")
    enterprise = make_enterprise(
        owner, industry_code="I6513", area=Area.objects.get(code="south"), revenue_wan=2000
    )
    client.force_login(owner)
    assert "Space support in West Park" in section(
        client.get("/en/enterprise/matches/").content.decode(), "near"
    )
    # Another profile is other facts: matched again at once.
    enterprise.area = Area.objects.get(code="west")
    enterprise.save()
    assert "Space support in West Park" in section(
        client.get("/en/enterprise/matches/").content.decode(), "eligible"
    )
    # A policy published meanwhile shows once its publish has started a new generation.
    new = make_policy(title="新发布政策", title_en="Newly published policy", criteria={})
    policies_index(new)
    kept = client.get("/en/enterprise/matches/").content.decode()
    assert "Newly published policy" not in kept  # the same facts: the kept outcome
    page_cache._bump()  # what the publish does when its transaction commits
    assert "Newly published policy" in section(
        client.get("/en/enterprise/matches/").content.decode(), "eligible"
    )


def test_the_company_page_in_chinese(client, catalogue):
    owner = make_user("owner@test.example")
    make_enterprise(owner)
    client.force_login(owner)
    response = client.get(reverse("matching:my_matches"))
    assert response.status_code == 200
    assert "软件企业研发补贴" in response.content.decode()


# --- the policy calculator ----------------------------------------------------------------
def test_the_calculator_starts_with_an_empty_form(client, catalogue):
    response = client.get("/en/policies/match/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="calculator-form"' in html
    assert "match-results" not in html
    assert 'name="industry"' in html and '<option value="I65">' in html
    assert 'name="until_hnte"' in html


def test_the_calculator_matches_from_a_shareable_url(client, catalogue):
    url = (
        "/en/policies/match/?industry=I65&area=south&established=2019-05-01&employees=120"
        "&revenue_wan=3500&rd_expense_wan=280&qual=hnte&until_hnte=2027-12-31&good_credit=good"
    )
    first = client.get(url)
    assert first.status_code == 200
    html = first.content.decode()
    assert "R&amp;D subsidy for software companies" in section(html, "eligible")
    assert "Space support in West Park" in section(html, "near")
    assert "Award for companies with good credit" in section(html, "near")
    again = client.get(url).content.decode()  # the same URL, the same answer
    assert results_of(again) == results_of(html)


def test_calculator_unknown_facts_link_to_the_form_fields(client, catalogue):
    html = client.get("/en/policies/match/?industry=I65").content.decode()
    possible = section(html, "possible")
    assert "R&amp;D subsidy for software companies" in possible
    assert 'href="#id_revenue_wan"' in possible


def test_calculator_qualifications_none_ticked_or_none_held(client, catalogue):
    unknown = client.get("/en/policies/match/?industry=I65").content.decode()
    assert "Award for companies with good credit" in section(unknown, "possible")
    none = client.get("/en/policies/match/?industry=I65&no_quals=on").content.decode()
    assert "Award for companies with good credit" in section(none, "near")
    held = client.get(
        "/en/policies/match/?industry=I65&qual=gazelle&until_gazelle=2027-01-01"
    ).content.decode()
    assert "Award for companies with good credit" in section(held, "eligible")
    expired = client.get(
        "/en/policies/match/?industry=I65&qual=gazelle&until_gazelle=2026-11-21"
    ).content.decode()
    assert "Award for companies with good credit" in section(expired, "near")


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("established=2999-01-01", "cannot be in the future"),
        ("established=yesterday", "Enter a date as YYYY-MM-DD."),
        ("employees=-3", "greater than or equal to 0"),
        ("employees=many", "Enter a whole number."),
        ("revenue_wan=1e30", "less than or equal to"),
        ("revenue_wan=12.345", "no more than 2 decimal places"),
        ("industry=ZZ99", "Select a valid choice."),
        ("area=north", "Select a valid choice."),
        ("qual=hnte", "Enter the date until which"),
        ("qual=nobel", "Select a valid choice."),
        ("qual=hnte&until_hnte=2027-01-01&no_quals=on", "not both"),
        ("until_hnte=31.12.2027", "Enter a date as YYYY-MM-DD."),
    ],
)
def test_calculator_bad_input_gets_form_errors_never_a_500(client, catalogue, query, fragment):
    response = client.get(f"/en/policies/match/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert fragment in html
    assert "match-results" not in html


def test_the_calculator_in_chinese(client, catalogue):
    response = client.get(reverse("matching:calculator") + "?industry=I65")
    assert response.status_code == 200
    assert reverse("matching:calculator") == "/policies/match/"
    assert "软件企业研发补贴" in response.content.decode()
