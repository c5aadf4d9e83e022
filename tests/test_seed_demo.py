"""``manage.py seed_demo``: the demo content is complete, and loading it twice changes nothing."""

import datetime
import io
import json
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, PageLogEntry, Revision, Site

from cms.models import (
    HomePage,
    NewsCategory,
    NewsPage,
    ServiceGuidePage,
    SiteContact,
    StandardPage,
)
from enterprises.models import Area
from policies.criteria import Criteria, ReferenceCodes
from policies.models import Department, PolicyPage, PolicyType
from policies.roles import (
    APPLICATION_REVIEWERS,
    ENTERPRISE_VERIFIERS,
    POLICY_APPROVERS,
    POLICY_EDITORS,
)
from zoneportal.clock import local_today

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo" / "data"
PASSWORD = "test-demo-password"


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "page log entries": PageLogEntry.objects.count(),
        "users": get_user_model().objects.count(),
        "email addresses": EmailAddress.objects.count(),
        "news categories": NewsCategory.objects.count(),
        "site contacts": SiteContact.objects.count(),
        "latest revision": Revision.objects.order_by("-pk").values_list("pk", flat=True).first(),
    }


@pytest.fixture(autouse=True)
def demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)


@pytest.mark.django_db
def test_second_run_changes_nothing():
    seed()
    before = snapshot()
    live_before = set(Page.objects.live().values_list("pk", "last_published_at"))

    output = seed()

    assert snapshot() == before
    assert set(Page.objects.live().values_list("pk", "last_published_at")) == live_before
    assert "Nothing changed" in output
    # The second run still shows the accounts, with the password that still works.
    assert "editor@demo.zoneportal.cn" in output
    assert PASSWORD in output


@pytest.mark.django_db
def test_policies_cover_departments_types_areas_and_statuses():
    seed()
    policies = PolicyPage.objects.live()
    today = local_today()

    assert policies.count() >= 40
    assert not PolicyPage.objects.filter(live=False).exists()
    assert set(policies.values_list("department__name", flat=True)) == set(
        Department.objects.values_list("name", flat=True)
    )
    assert set(policies.values_list("policy_type", flat=True)) == set(PolicyType.values)
    areas = {area for p in policies for area in p.criteria.get("areas") or []}
    assert areas == set(Area.objects.values_list("code", flat=True))

    assert policies.filter(expiry_date__lt=today).count() >= 5
    assert policies.filter(effective_date__gte=datetime.date(2027, 1, 1)).count() >= 2
    assert policies.in_force(today).count() >= 5
    assert policies.filter(apply_free=True).count() >= 6
    assert any(Criteria.parse(p.criteria).is_open_to_all for p in policies)

    reference = ReferenceCodes.load()
    for policy in policies:
        Criteria.parse(policy.criteria, reference)  # raises if a code is not managed
        assert policy.document_number.startswith("成高")
        assert len(policy.body) >= 3, policy.external_id
        assert policy.interpretation
        assert policy.title_en


def test_every_criterion_kind_is_used():
    data = json.loads((DEMO_DIR / "policies.json").read_text(encoding="utf-8"))
    used = set()
    for record in data["policies"]:
        used |= set(Criteria.parse(record.get("criteria")).restricted_keys())
    assert used == {
        "industries",
        "areas",
        "sizes",
        "qualifications_all",
        "qualifications_any",
        "min_years_established",
        "min_rd_ratio",
        "min_revenue_wan",
        "max_revenue_wan",
        "min_employees",
        "requires_good_credit",
    }


@pytest.mark.django_db
def test_site_content_and_staff_accounts(django_user_model, settings, client):
    # An existing demo account is left exactly as it is.
    django_user_model.objects.create_user(
        "reviewer@demo.zoneportal.cn", "my-own-password", full_name="Kept"
    )

    output = seed()

    news = NewsPage.objects.live()
    assert news.count() >= 10
    assert set(NewsCategory.objects.values_list("slug", flat=True)) >= {"news", "notices", "events"}
    assert all(item.categories.exists() and item.body for item in news)
    assert ServiceGuidePage.objects.live().count() >= 5
    assert all(guide.steps and guide.contact_phone for guide in ServiceGuidePage.objects.all())

    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    links = [block.value for block in home.quick_links]
    assert len(links) == 5
    # No dead quick link: each leads to a page that answers (a login redirect counts).
    for link in links:
        target = link["page"].specific.url if link["page"] else link["url"]
        assert client.get(target).status_code in (200, 302), target
    about = StandardPage.objects.child_of(home).get(slug="about")
    assert about.live and about.show_in_menus
    contact = SiteContact.objects.get(site=site)
    assert contact.address.startswith("四川省成都市高新区") and contact.phone

    expected = {
        "editor@demo.zoneportal.cn": POLICY_EDITORS,
        "approver@demo.zoneportal.cn": POLICY_APPROVERS,
        "verifier@demo.zoneportal.cn": ENTERPRISE_VERIFIERS,
    }
    for email, group in expected.items():
        user = django_user_model.objects.get(email=email)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.check_password(PASSWORD)
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()
    admin = django_user_model.objects.get(email="admin@demo.zoneportal.cn")
    assert admin.is_superuser and admin.is_staff and admin.check_password(PASSWORD)

    kept = django_user_model.objects.get(email="reviewer@demo.zoneportal.cn")
    assert kept.check_password("my-own-password")
    assert kept.full_name == "Kept" and not kept.groups.exists()
    assert APPLICATION_REVIEWERS in output
    assert "(not reset)" in output
    assert f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/admin/" in output


@pytest.mark.django_db
def test_refuses_unless_demo_content_is_allowed(settings):
    settings.DEMO_CONTENT_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_CONTENT_ALLOWED"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not PolicyPage.objects.exists()
    assert not get_user_model().objects.filter(email__endswith="@demo.zoneportal.cn").exists()


@pytest.mark.django_db
def test_demo_programmes_and_company_can_apply():
    from applications import services
    from applications.models import Programme
    from enterprises.models import Enterprise

    seed()
    windows = {p.name: p.window_state() for p in Programme.objects.all()}
    assert {"open", "closed", "upcoming"} <= set(windows.values())
    # Programmes are in the published revision, so editors see them in the admin.
    for programme in Programme.objects.select_related("page"):
        revision = programme.page.specific.live_revision.as_object()
        assert programme.name in [p.name for p in revision.programmes.all()]

    company = Enterprise.objects.get(memberships__user__email="company@demo.zoneportal.cn")
    assert company.verification_status == "verified"
    rd = Programme.objects.get(page__external_id="cdht-2025-001")
    check = services.check_company(company, rd)
    assert check.ok, check.problems
    assert check.evaluation.status == "eligible"
    closed = next(p for p in Programme.objects.all() if p.window_state() == "closed")
    assert not services.check_company(company, closed).ok
