"""The portal's words (docs/copy.md): one voice in Chinese, explanations a person understands.

- the catalogue: 您 (never 你), full-width punctuation between Chinese characters, no
  "× 10,000" amounts, in every msgstr;
- amounts: 300万元 in Chinese, CNY 3 million in English, for any amount;
- match explanations: industries named with their code in brackets, what is missing and what
  to do, 匹配度 as the share of the policy's conditions met;
- account e-mails in our words, without the host name;
- the reviewer reads the application before the decision forms.
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enterprises.models import Area
from policies.criteria import Criteria
from policies.matching import Facts, HeldQualification, evaluate
from search import match_service
from tests.factories import make_application, make_enterprise, make_policy, make_reviewer, make_user
from tests.matching_support import policies_index  # noqa: F401
from zoneportal.amounts import format_wan

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = r"[\u3400-\u9fff\uff08\uff09\u3001\u3002\uff0c\uff1a\uff1b]"
# ASCII punctuation with Chinese on both sides ("所属行业: 所属行业", "南部园区, 西部园区").
ASCII_BETWEEN_CHINESE = re.compile(rf"{CJK}\s*[,.:;?!()]\s*{CJK}")
TODAY = datetime.date(2026, 11, 22)


def voice_problems(text: str) -> list[str]:
    problems = []
    if "你" in text:
        problems.append("你 (use 您)")
    if ASCII_BETWEEN_CHINESE.search(text):
        problems.append("ASCII punctuation between Chinese characters")
    if "× 10,000" in text or "×10,000" in text:
        problems.append("× 10,000 (use 万元)")
    return problems


# --- the catalogue -------------------------------------------------------------------------------
def test_the_scan_finds_what_it_is_meant_to_find():
    assert voice_problems("请你补充信息。") == ["你 (use 您)"]
    assert voice_problems("所属行业: 所属行业 I65") == [
        "ASCII punctuation between Chinese characters"
    ]
    assert voice_problems("南部园区, 西部园区") == ["ASCII punctuation between Chinese characters"]
    assert voice_problems("最高 300 × 10,000 元") == ["× 10,000 (use 万元)"]
    assert voice_problems("请在企业信息中补充所属行业（I65）。匹配度 100%") == []


def test_every_chinese_translation_speaks_in_one_voice():
    problems = []
    for entry in polib.pofile(str(CATALOG)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            for problem in voice_problems(text):
                problems.append(f"line {entry.linenum}: {problem}: {text[:60]!r}")
    assert problems == []


# The policy page's "Maximum support" is being rewritten with the page itself (issue 16, the
# policy page); it is to use the ``wan`` filter too. Remove this entry when it does.
SOURCE_DIRS = (
    "templates",
    "cms",
    "policies",
    "enterprises",
    "search",
    "applications",
    "notifications",
    "enquiries",
    "fulfilment",
    "follows",
    "certificates",
    "zoneportal",
)


def test_no_page_or_message_counts_in_units_of_ten_thousand():
    """Amounts are shown with the ``wan`` filter (``zoneportal.amounts.format_wan``)."""
    offenders = [
        str(path.relative_to(ROOT))
        for folder in SOURCE_DIRS
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".html", ".txt")
        and "× 10,000" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# --- amounts ------------------------------------------------------------------------------------
amounts = st.decimals(min_value=0, max_value=Decimal("100000000"), places=2)


@given(amounts)
def test_an_amount_reads_as_wan_in_chinese_and_as_yuan_in_english(wan):
    chinese = format_wan(wan, "zh-hans")
    assert chinese.endswith("万元") and "×" not in chinese
    assert Decimal(chinese.removesuffix("万元")) == wan
    english = format_wan(wan, "en")
    assert english.startswith("CNY ") and "×" not in english
    figure = english.removeprefix("CNY ")
    if figure.endswith(" million"):
        assert Decimal(figure.removesuffix(" million")) * 1_000_000 == wan * 10000
    else:
        assert Decimal(figure.replace(",", "")) == wan * 10000


def test_worked_amounts():
    assert format_wan(300, "zh-hans") == "300万元"
    assert format_wan(300, "en") == "CNY 3 million"
    assert format_wan("2.5", "en") == "CNY 25,000"


# --- explanations -------------------------------------------------------------------------------
def explained(criteria: dict, facts: Facts, language="zh-hans"):
    with translation.override(language):
        return {r.key: r for r in evaluate(Criteria.parse(criteria), facts, TODAY).criteria}


@pytest.mark.django_db
def test_industries_are_named_with_their_code_in_brackets():
    result = explained({"industries": ["I65", "C27"]}, Facts(industry="I6513"))["industries"]
    assert result.met is True
    assert result.explanation == "您的企业所属行业为软件和信息技术服务业（I6513），符合要求。"

    result = explained({"industries": ["C27"]}, Facts(industry="I65"))["industries"]
    assert result.met is False
    assert "软件和信息技术服务业（I65）" in result.explanation
    assert "该政策仅面向医药制造业（C27）" in result.explanation
    assert "请更正后重新匹配" in result.advice

    english = explained({"industries": ["C27"]}, Facts(industry="I65"), "en")["industries"]
    assert english.explanation == (
        "Your industry is Software and information technology services (I65); "
        "the policy is only for Pharmaceutical manufacturing (C27)."
    )


@pytest.mark.django_db
def test_a_condition_not_met_says_how_to_meet_it():
    facts = Facts(
        established=datetime.date(2024, 3, 1),
        employees=8,
        revenue_wan=Decimal("500"),
        rd_expense_wan=Decimal("10"),
        qualifications=(),
    )
    criteria = {
        "min_years_established": 3,
        "min_employees": 10,
        "min_rd_ratio": 3,
        "min_revenue_wan": 1000,
        "qualifications_all": ["hnte"],
    }
    results = explained(criteria, facts)
    assert results["min_years_established"].advice == "您的企业将于2027-03-01起符合此项。"
    assert results["min_employees"].advice.startswith("从业人员再增加2人即可符合此项")
    assert results["min_rd_ratio"].advice == (
        "按年营业收入500万元计算，研发费用达到15万元即可符合此项（目前为10万元）。"
    )
    assert results["min_revenue_wan"].explanation == (
        "您的企业年营业收入为500万元，低于该政策要求的1000万元。"
    )
    assert results["min_revenue_wan"].advice == "年营业收入达到1000万元后即可符合此项。"
    assert "高新技术企业" in results["qualifications_all"].advice
    assert all(r.advice == "" for r in explained(criteria, Facts()).values())  # unknown, not failed

    english = explained(criteria, facts, "en")
    assert english["min_revenue_wan"].explanation == (
        "Your annual revenue is CNY 5 million, below the CNY 10 million the policy asks for."
    )


facts_strategy = st.builds(
    Facts,
    industry=st.sampled_from([None, "I65", "I6513", "C27", "M73"]),
    area=st.sampled_from([None, "south", "west", "biotown"]),
    established=st.one_of(st.none(), st.dates(datetime.date(1990, 1, 1), TODAY)),
    employees=st.one_of(st.none(), st.integers(0, 5000)),
    revenue_wan=st.one_of(st.none(), st.decimals(0, 100000, places=2)),
    rd_expense_wan=st.one_of(st.none(), st.decimals(0, 5000, places=2)),
    qualifications=st.one_of(
        st.none(),
        st.lists(st.sampled_from(["hnte", "tsme", "gazelle"]), unique=True).map(
            lambda codes: tuple(HeldQualification(c, datetime.date(2030, 1, 1)) for c in codes)
        ),
    ),
    good_credit=st.sampled_from([None, True, False]),
)
EVERY_CRITERION = {
    "industries": ["I65", "C27"],
    "areas": ["south", "west"],
    "sizes": ["small", "medium"],
    "qualifications_all": ["hnte", "tsme"],
    "qualifications_any": ["gazelle", "srdi"],
    "min_years_established": 3,
    "min_employees": 20,
    "min_rd_ratio": 3.5,
    "min_revenue_wan": 500,
    "max_revenue_wan": 20000,
    "requires_good_credit": True,
}


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_strategy)
def test_every_explanation_is_a_sentence_in_one_voice(facts):
    for language in ("zh-hans", "en"):
        for result in explained(EVERY_CRITERION, facts, language).values():
            for text in (result.explanation, result.advice):
                assert voice_problems(text) == [], text
                assert "improve" not in text.lower() and "请改善" not in text
            assert result.explanation.endswith(("。", ".")), result.explanation
            assert bool(result.advice) == (result.met is False)
            if language == "en":
                assert not re.search(r"[\u3400-\u9fff]", result.explanation.replace("信用修复", ""))


# --- the result cards ----------------------------------------------------------------------------
@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(match_service, "zone_today", lambda: TODAY)


def card(html: str, title: str) -> str:
    start = html.index(title)
    return html[start : html.index("</li>\n", html.index('class="match-next"', start))]


@pytest.mark.django_db
def test_fit_is_the_share_of_conditions_met_and_near_misses_say_what_to_do(
    client,
    policies_index,  # noqa: F811
    fixed_today,
):
    all_met = make_policy(
        title="软件企业研发补贴", criteria={"industries": ["I65"], "min_rd_ratio": 3}
    )
    near = make_policy(title="西部园区场地支持", criteria={"areas": ["west"], "min_employees": 10})
    unknown = make_policy(
        title="营收奖励", criteria={"industries": ["I65"], "min_revenue_wan": 100}
    )
    policies_index(all_met, near, unknown)
    owner = make_user("owner@test.example")
    make_enterprise(
        owner,
        industry_code="I6513",
        area=Area.objects.get(code="south"),
        employees=50,
        revenue_wan=2000,
        rd_expense_wan=150,
        # A business scope unlike every policy: the ordering score falls below 1, 匹配度 not.
        business_scope="餐饮服务、住宿服务",
    )
    client.force_login(owner)
    html = client.get(reverse("matching:my_matches")).content.decode()

    eligible = card(html, "软件企业研发补贴")
    assert "匹配度 100%（符合2项条件中的2项）" in eligible
    assert "您的企业所属行业为软件和信息技术服务业（I6513），符合要求。" in eligible
    assert "所属行业</strong>：" in eligible  # full-width colon after the label

    near_card = card(html, "西部园区场地支持")
    assert "匹配度 50%（符合2项条件中的1项）" in near_card
    assert "还差一项条件：<strong>所在区域</strong>。" in near_card
    assert (
        "所在区域</strong>。如所在区域填写有误，请更正后重新匹配；否则该政策不适用于您的企业。"
        in (near_card)
    )
    assert "请改善" not in html


@pytest.mark.django_db
def test_an_unknown_fact_links_to_where_it_is_added(client, policies_index, fixed_today):  # noqa: F811
    policy = make_policy(title="营收奖励", criteria={"min_revenue_wan": 100})
    policies_index(policy)
    owner = make_user("owner@test.example")
    make_enterprise(owner, revenue_wan=None, rd_expense_wan=None)
    client.force_login(owner)
    html = card(client.get(reverse("matching:my_matches")).content.decode(), "营收奖励")
    dashboard = reverse("enterprises:dashboard")
    assert f'<a href="{dashboard}">请在企业信息中补充年营业收入</a>。' in html
    assert "匹配度 0%（符合1项条件中的0项）" in html

    # In the calculator the link goes to the form field instead.
    client.logout()
    calculator = client.get("/policies/match/?industry=I65").content.decode()
    assert '<a href="#id_revenue_wan">请在上方填写年营业收入</a>。' in card(calculator, "营收奖励")


# --- account e-mails ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_sign_up_e_mail_is_in_our_words(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-Long-pass-phrase-9",
            "password2": "a-Long-pass-phrase-9",
        },
    )
    message = mail.outbox[0]
    assert message.subject == "[成都高新区企业服务门户] 请确认您的电子邮箱"
    assert message.body.startswith("您好！")
    assert "有人使用本邮箱（new@example.com）注册成都高新区企业服务门户账号。" in message.body
    assert "Hello" not in message.body and "来自" not in message.body
    prose = [line for line in message.body.splitlines() if not line.startswith("http")]
    assert not any("testserver" in line or "127.0.0.1" in line for line in prose)
    assert any(
        line.startswith("http://testserver/accounts/confirm-email/")
        for line in message.body.splitlines()
    )
    for line in prose:
        assert voice_problems(line) == [], line


# --- the reviewer's page ------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_reviewer_reads_the_application_before_the_decision(client):
    application = make_application(submit=True)
    client.force_login(make_reviewer())
    html = client.get(reverse("application_review:detail", args=[application.pk])).content.decode()
    order = [
        html.index(f'id="{section}-heading"')
        for section in ("project", "documents", "eligibility", "profile", "actions", "history")
    ]
    assert order == sorted(order)
    assert '<a href="#actions-heading">前往审核操作</a>' in html
    assert "申报材料" in html
    assert "草稿 → 草稿" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "account_signup",
        "account_login",
        "account_reset_password",
        "account_email_verification_sent",
    ],
)
def test_account_pages_speak_in_our_voice(client, name):
    """allauth's and Django's stock Chinese (你的密码…, Email地址) is overridden by ours."""
    html = client.get(reverse(name)).content.decode()
    main = re.sub(r"<[^>]+>", "", html[html.index("<main") : html.index("</main>")])
    assert "你" not in main and "Email" not in main
    assert voice_problems(re.sub(r"\s+", "", main)) == []
