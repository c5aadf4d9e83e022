"""What the accessibility and mobile browser tests share: a small portal with something on
every page, the pages to visit, the viewports, and axe-core (axe-playwright-python, which
bundles axe-core: nothing is fetched from a CDN) run on a page.

See docs/accessibility.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tests.e2e.accounts import verified
from tests.factories import make_policy, make_programme, make_user, make_verified_enterprise

DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 812}

# WCAG 2.0/2.1 A and AA rules (axe's tags). Best-practice rules are reported by axe as well,
# but only these are the standard the portal promises.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

CALCULATOR_QUERY = (
    "industry=I65&area=south&established=2019-05-01&employees=120&revenue_wan=3500"
    "&rd_expense_wan=280&no_quals=on&good_credit=good"
)


@dataclass
class World:
    member_email: str
    public: list[tuple[str, str]]
    journey: list[tuple[str, str]]


def build_world(policies_index) -> World:
    """One company with one of everything, and the URLs of the pages to check."""
    from cms.models import NewsIndexPage, ServiceGuideIndexPage
    from enquiries import services as enquiry_services
    from notifications.services import emit
    from policies.models import PolicyIndexPage, PolicyPage
    from tests.factories import make_application

    policy = make_policy(
        title="成都高新区企业研发投入补贴实施细则",
        title_en="Implementing rules on subsidies for enterprise R&D investment",
        summary="按企业上年度研发投入增量的10%给予补贴，最高100万元。",
        effective_date=datetime.date(2024, 1, 1),
        criteria={"industries": ["I65"], "areas": ["south"]},
    )
    for n in range(3):
        make_policy(
            title=f"软件企业人才引进奖励办法（第{n + 1}批）",
            summary="对软件企业引进的研发人才给予奖励。",
            criteria={"industries": ["I65"]},
        )
    policies_index(*PolicyPage.objects.live())
    programme = make_programme(policy)
    user = verified(make_user("a11y-member@test.example"))
    enterprise = make_verified_enterprise(user, name="成都无障碍科技有限公司")
    application = make_application(enterprise, programme, user=user)
    enquiry = enquiry_services.ask(
        enterprise,
        by=user,
        kind="policy",
        subject="研发投入补贴的申报时间",
        text="请问今年的研发投入补贴什么时候开始申报？",
        policy=policy,
    )
    emit(
        kind="system",
        key=f"a11y-test-{enterprise.pk}",
        title="欢迎使用成都高新区企业服务平台",
        body="您可以在这里查看政策匹配结果与申报进度。",
        enterprise_id=enterprise.pk,
    )

    def url(page):
        return page.url

    public = [
        ("home", "/"),
        ("policy list", url(PolicyIndexPage.objects.get())),
        ("policy page", url(policy)),
        ("search with results", "/policies/search/?q=研发"),
        ("calculator with results", "/policies/match/?" + CALCULATOR_QUERY),
        ("calculator form", "/policies/match/"),
        ("programmes", "/programmes/"),
        ("news", url(NewsIndexPage.objects.live().first())),
        ("guides", url(ServiceGuideIndexPage.objects.live().first())),
        ("verify", "/verify/"),
        ("performance", "/enquiries/performance/"),
        ("public notices", "/notices/approvals/"),
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
        ("not found", "/no-such-page-here/"),
        ("home in English", "/en/"),
    ]
    journey = [
        ("my company", "/enterprise/"),
        ("matches", "/enterprise/matches/"),
        ("applications", "/applications/"),
        ("application", f"/applications/{application.pk}/"),
        ("enquiries", "/enquiries/"),
        ("enquiry", f"/enquiries/{enquiry.pk}/"),
        ("messages", "/enterprise/messages/"),
        ("follows", "/enterprise/follows/"),
    ]
    return World(member_email=user.email, public=public, journey=journey)


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def describe(name: str, url: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        summary = (violation["nodes"][0].get("failureSummary") or "").replace("\n", " ")
        lines.append(
            f"{name} ({url}): {violation['id']} [{violation['impact']}] "
            f"{violation['help']} — {len(violation['nodes'])} element(s): {targets} — {summary}"
        )
    return "\n".join(lines)
