"""Issue 16's pages: /programmes/ (open now with a countdown, upcoming, closed), the header's
journeys, the footer's registration numbers, /sitemap/ and /sitemap.xml, /accessibility/,
the policy page's contact, favourites and print stylesheet, and /verify's five answers."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import public_views, services
from certificates import issue
from certificates.models import Certificate
from policies.models import Department
from tests.factories import (
    make_application,
    make_member,
    make_policy,
    make_programme,
    make_reviewer,
    make_verified_enterprise,
)
from zoneportal.amounts import format_yuan

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's visible text, tags removed and whitespace squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- amounts in 万元 ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("yuan", "wan", "english"),
    [
        ("1050000", "105万元", "CNY 1.05 million"),
        ("250000.00", "25万元", "CNY 250,000"),
        ("105000", "10.5万元", "CNY 105,000"),
        ("12000000", "1200万元", "CNY 12 million"),
        ("1234.56", "0.12万元", "CNY 1,234.56"),
    ],
)
def test_amounts_in_yuan_read_in_wan(yuan, wan, english):
    assert format_yuan(Decimal(yuan), "zh-hans") == wan
    assert format_yuan(Decimal(yuan), "en") == english


# --- /programmes/ ------------------------------------------------------------------------------
@pytest.fixture
def programmes(db):
    now = timezone.now()
    policy = make_policy(title="成都高新区支持企业加大研发投入的若干政策", criteria={})
    return {
        "open": make_programme(
            policy,
            name="2026年度研发投入补贴申报",
            name_en="2026 R&D subsidy",
            closes_at=now + datetime.timedelta(days=3, hours=5, minutes=20),
            max_amount=Decimal("3000000"),
        ),
        "closing": make_programme(
            policy,
            name="人工智能算力券（第四批）",
            name_en="AI compute vouchers (round 4)",
            closes_at=now + datetime.timedelta(hours=7, minutes=10),
        ),
        "upcoming": make_programme(
            policy,
            name="2027年度首版次软件奖励申报",
            name_en="2027 first-version software award",
            opens_at=now + datetime.timedelta(days=20),
            closes_at=now + datetime.timedelta(days=50),
        ),
        "closed": make_programme(
            policy,
            name="2025年度数字化转型补贴申报",
            name_en="2025 digital transformation subsidy",
            opens_at=now - datetime.timedelta(days=90),
            closes_at=now - datetime.timedelta(days=30),
        ),
        "long_closed": make_programme(
            policy,
            name="2023年度旧项目申报",
            opens_at=now - datetime.timedelta(days=900),
            closes_at=now - datetime.timedelta(days=800),
        ),
    }


def group_text(html: str, group: str) -> str:
    match = re.search(rf'data-group="{group}">(.*?)</section>', html, flags=re.DOTALL)
    assert match, group
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_programmes_are_grouped_with_a_countdown_in_chinese(client, programmes):
    response = client.get("/programmes/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html.split('<main id="main"')[1]  # server-side countdown, no script
    open_now = group_text(html, "open")
    # Closing soonest first; days and hours, rounded down.
    assert open_now.index("人工智能算力券") < open_now.index("2026年度研发投入补贴申报")
    assert "还剩7小时" in open_now
    assert "还剩3天5小时" in open_now
    assert "300万元" in open_now
    assert "在线申报" in open_now
    assert reverse("applications:start", args=[programmes["open"].pk]) in html
    upcoming = group_text(html, "upcoming")
    assert "2027年度首版次软件奖励申报" in upcoming
    opens = timezone.localtime(programmes["upcoming"].opens_at).strftime("%Y-%m-%d")
    assert opens in upcoming
    closed = group_text(html, "closed")
    assert "2025年度数字化转型补贴申报" in closed
    assert "2023年度旧项目申报" not in html  # closed long ago: not "recent"
    assert "2025年度数字化转型补贴申报" not in open_now + upcoming


def test_programmes_in_english(client, programmes):
    response = client.get("/en/programmes/")
    assert response.status_code == 200
    open_now = group_text(response.content.decode(), "open")
    assert "3 days 5 hours left" in open_now
    assert "7 hours left" in open_now
    assert "CNY 3 million" in open_now
    assert "Apply online" in open_now


def test_the_countdown_counts_days_and_hours():
    now = timezone.now()
    left = public_views.time_left(now + datetime.timedelta(days=1, hours=1, minutes=59), now)
    assert (left["days"], left["hours"]) == (1, 1)
    assert public_views.time_left(now + datetime.timedelta(minutes=30), now)["under_an_hour"]
    assert public_views.time_left(now - datetime.timedelta(minutes=1), now)["days"] == 0


def test_unpublished_policies_programmes_are_not_listed(client):
    hidden = make_policy(publish=False, criteria={})
    make_programme(hidden, name="未发布政策的项目申报")
    assert "未发布政策的项目申报" not in client.get("/programmes/").content.decode()


@pytest.mark.parametrize("path", ["/programmes/", "/sitemap/", "/accessibility/"])
def test_the_public_pages_are_cached_for_anonymous_visitors(client, page_cache, path):
    assert client.get(path)["X-Page-Cache"] == "miss"
    assert client.get(path)["X-Page-Cache"] == "hit"


def test_a_new_programme_shows_on_the_cached_programmes_page(
    client, page_cache, django_capture_on_commit_callbacks
):
    assert client.get("/programmes/")["X-Page-Cache"] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        make_programme(name="第二批研发补贴申报")
    response = client.get("/programmes/")
    assert response["X-Page-Cache"] == "miss"
    assert "第二批研发补贴申报" in response.content.decode()


# --- the header's journeys ---------------------------------------------------------------------
JOURNEYS_PUBLIC = ("search", "calculator", "programmes")
JOURNEYS_SIGNED_IN = ("applications", "enterprise", "enquiries", "messages")


def journeys(response) -> set[str]:
    return set(re.findall(r'data-journey="([a-z]+)"', response.content.decode()))


def test_the_navigation_reaches_every_journey(client):
    make_policy()
    anonymous = journeys(client.get("/programmes/"))
    assert anonymous == set(JOURNEYS_PUBLIC)
    member = make_member(make_verified_enterprise())
    client.force_login(member)
    page = client.get("/programmes/")
    assert journeys(page) == set(JOURNEYS_PUBLIC + JOURNEYS_SIGNED_IN)
    assert re.search(r'data-journey="programmes" aria-current="page"', page.content.decode())
    text = text_of(page)
    for label in ("政策查询", "政策计算器", "正在申报", "在线申报", "我的企业", "咨询诉求"):
        assert label in text, label


# --- the footer ------------------------------------------------------------------------------
def test_footer_shows_the_registration_numbers_only_when_set(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    settings.SITE_IDENTIFICATION_CODE = ""
    settings.SITE_ICP_NUMBER = ""
    settings.SITE_PSB_NUMBER = ""
    html = client.get("/sitemap/").content.decode()
    assert "data-registration" not in html
    settings.SITE_IDENTIFICATION_CODE = "5101000099"
    settings.SITE_ICP_NUMBER = "蜀ICP备12345678号-1"
    settings.SITE_PSB_NUMBER = "川公网安备 51019002000001号"
    response = client.get("/sitemap/")
    html = response.content.decode()
    assert "网站标识码：5101000099" in text_of(response)
    assert re.search(r'href="https://beian.miit.gov.cn/"[^>]*>蜀ICP备12345678号-1<', html)
    assert "https://beian.mps.gov.cn/#/query/webSearch?code=51019002000001" in html
    assert "川公网安备 51019002000001号" in html
    english = text_of(client.get("/en/sitemap/"))
    assert "Site identification code: 5101000099" in english


def test_footer_links_the_sitemap_and_the_accessibility_statement(client):
    html = client.get("/programmes/").content.decode()
    assert 'href="/sitemap/"' in html
    assert 'href="/accessibility/"' in html


# --- /sitemap/, /sitemap.xml, /accessibility/ --------------------------------------------------
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_sitemap_lists_every_section(client, prefix):
    response = client.get(f"{prefix}/sitemap/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("programmes:list", "matching:calculator", "certificates:verify_start"):
        assert (
            f'href="{prefix}{reverse(name).removeprefix(prefix)}"' in html or reverse(name) in html
        )
    heading = "Sitemap" if prefix else "网站地图"
    assert f"<h1>{heading}</h1>" in html


def test_sitemap_xml_lists_the_published_policies(client):
    published = make_policy(slug=f"published-{uuid.uuid4().hex[:6]}")
    draft = make_policy(publish=False, slug=f"draft-{uuid.uuid4().hex[:6]}")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    xml = response.content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert any(loc.endswith(published.url) for loc in locations)
    assert not any(draft.slug in loc for loc in locations)
    assert any(loc.endswith("/programmes/") for loc in locations)


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", ("无障碍声明", "适老化", "WCAG 2.1", "告诉我们")),
        ("/en", ("Accessibility statement", "elderly-friendly mode", "WCAG", "barrier")),
    ],
)
def test_the_accessibility_statement(client, prefix, words):
    response = client.get(f"{prefix}/accessibility/")
    assert response.status_code == 200
    text = text_of(response)
    for word in words:
        assert word in text, word


# --- the policy page ------------------------------------------------------------------------------
@pytest.fixture
def contact_policy(db):
    department = Department.objects.create(
        name=f"成都高新区测试局{uuid.uuid4().hex[:4]}",
        name_en="Test Bureau",
        phone="028-85180000",
        address="成都市高新区天府大道中段1268号",
        address_en="1268 Middle Tianfu Avenue",
        office_hours="工作日 9:00—17:30",
        office_hours_en="Working days 9:00–17:30",
    )
    return make_policy(department=department, max_amount_wan=Decimal("300"))


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        (
            "",
            ("咨询联系", "028-85180000", "天府大道中段1268号", "工作日 9:00—17:30", "最高300万元"),
        ),
        (
            "/en",
            ("Whom to ask", "028-85180000", "1268 Middle Tianfu Avenue", "Up to CNY 3 million"),
        ),
    ],
)
def test_the_policy_page_names_whom_to_ask(client, contact_policy, prefix, words):
    response = client.get(f"{prefix}{contact_policy.url}")
    assert response.status_code == 200
    text = text_of(response)
    for word in words:
        assert word in text, word
    assert "300 × 10,000" not in text


def test_the_policy_page_without_a_contact_has_no_empty_section(client):
    department = Department.objects.create(name=f"无联系方式局{uuid.uuid4().hex[:4]}")
    policy = make_policy(department=department)
    assert 'data-section="contact"' not in client.get(policy.url).content.decode()


def test_favourites_from_the_policy_page(client, contact_policy):
    anonymous = client.get(contact_policy.url).content.decode()
    assert "/accounts/login/?next=" in anonymous  # log in to follow
    member = make_member(make_verified_enterprise())
    client.force_login(member)
    page = client.get(contact_policy.url).content.decode()
    assert 'data-follow="policy"' in page
    response = client.post(
        reverse("follows:follow"),
        {"kind": "policy", "target": contact_policy.pk, "next": contact_policy.url},
    )
    assert response.status_code == 302
    assert contact_policy.title in client.get(reverse("follows:index")).content.decode()


def test_the_print_stylesheet_hides_the_chrome_and_writes_out_links(client, contact_policy):
    from pathlib import Path

    from django.conf import settings

    html = client.get(contact_policy.url).content.decode()
    assert "/static/css/pages.css" in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pages.css").read_text()
    printed = css[css.index("@media print") :]
    for selector in (".site-header", ".mainnav", ".site-footer"):
        assert selector in printed
    assert 'content: " (" attr(href) ")"' in printed


# --- /verify -------------------------------------------------------------------------------------
def verify_client() -> Client:
    return Client(REMOTE_ADDR=f"10.66.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")


@pytest.fixture
def approved(db, django_capture_on_commit_callbacks):
    policy = make_policy(title="成都高新区支持企业加大研发投入的若干政策", criteria={})
    enterprise = make_verified_enterprise(name="成都蓉芯微电子科技有限公司")
    programme = make_programme(policy, name="2026年度研发投入补贴申报")
    application = make_application(enterprise, programme, submit=True)
    reviewer = make_reviewer()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(application, "accept", by=reviewer)
        application = services.transition(
            application, "approve", by=reviewer, amount=Decimal("250000.00")
        ).application
    application.reviewer = reviewer
    return application


def check(certificate, prefix=""):
    response = verify_client().get(f"{prefix}/verify/{certificate.number}")
    assert response.status_code == 200
    html = response.content.decode()
    status = re.search(r'data-status="([a-z-]+)"', html).group(1)
    return status, text_of(response), html


def test_during_the_public_notice_it_says_so_not_valid(approved):
    certificate = Certificate.objects.get(application=approved)
    status, text, _html = check(certificate)
    assert status == "notice"
    assert "公示中" in text
    assert "有效" not in text.split("核验结果")[1].split("企业名称")[0]
    assert approved.notice_until.strftime("%Y-%m-%d") in text
    assert "成都蓉芯微电子科技有限公司" in text
    assert "2026年度研发投入补贴申报" in text
    assert "25万元" in text
    status, text, _html = check(certificate, "/en")
    assert status == "notice" and "In public notice" in text and "CNY 250,000" in text


def test_after_the_public_notice_it_is_valid(approved):
    certificate = Certificate.objects.get(application=approved)
    services.finalise_due(approved.notice_until + datetime.timedelta(days=1))
    status, text, html = check(certificate)
    assert status == "valid"
    assert re.search(r'<h2 id="verify-verdict"[^>]*>.*有效', html, flags=re.DOTALL)
    assert "公示中" not in text


def test_a_revoked_certificate_says_when_and_why(approved):
    certificate = Certificate.objects.get(application=approved)
    issue.revoke(certificate, by=approved.reviewer, reason="企业存在虚报情形，撤销资助")
    certificate.refresh_from_db()
    status, text, _html = check(certificate)
    assert status == "revoked"
    assert "已撤销" in text
    assert timezone.localtime(certificate.revoked_at).strftime("%Y-%m-%d") in text
    assert "企业存在虚报情形，撤销资助" in text


def test_a_replaced_certificate_links_the_new_one(approved):
    certificate = Certificate.objects.get(application=approved)
    new = issue.reissue(certificate, by=approved.reviewer, reason="企业名称变更")
    status, text, html = check(certificate)
    assert status == "replaced"
    assert "已被替换" in text and "企业名称变更" in text
    assert f'href="/verify/{new.number}"' in html
    new_status, _text, _html = check(new)
    assert new_status == "notice"


def test_an_unknown_number_is_not_found(db):
    response = verify_client().get("/verify/CDHT-2026-000000000000")
    assert response.status_code == 404
    assert 'data-status="not-found"' in response.content.decode()
    assert "未找到" in text_of(response)


def test_the_certificate_says_what_was_granted_in_wan(approved):
    printed = Certificate.objects.get(application=approved).printed()
    from certificates.render import render_html

    html = render_html(printed)
    statement = re.sub(r"<[^>]+>", "", re.search(r'<p class="zh">(.*?)</p>', html).group(1))
    assert (
        "经审核，成都蓉芯微电子科技有限公司获得“2026年度研发投入补贴”项目支持资金25万元"
        in statement
    )
    assert "申报”" not in statement and "获得2026" not in statement
