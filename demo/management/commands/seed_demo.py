"""``manage.py seed_demo``: believable demo content for the Chengdu High-tech Zone.

Loads the data files of ``demo/data/`` (policies, news, service guides, the home page's
quick links, the site contacts and an "about" page) and creates the demo staff accounts.

Running it twice changes nothing: pages are found by their key (``external_id`` for policies,
slug under their index for the other pages) and a new revision is saved and published only
when the content differs; existing accounts are never touched (passwords are not reset).

It refuses to run unless ``settings.DEMO_CONTENT_ALLOWED`` is true (local and test settings
only), so demo accounts with a published password never reach a real installation.
"""

from __future__ import annotations

import datetime
import html
import json
import logging
import os
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.blocks import StreamValue
from wagtail.fields import StreamField
from wagtail.models import Page, Site

from applications.models import Programme
from cms.models import (
    HomePage,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    ServiceGuideIndexPage,
    ServiceGuidePage,
    SiteContact,
    StandardPage,
)
from enquiries import services as enquiry_services
from enquiries.models import DepartmentHandler, Enquiry
from enterprises.credit_code import check_character
from enterprises.models import Area, Qualification, QualificationType, VerificationStatus
from enterprises.services import register_enterprise
from policies.importing import ImportFileError, import_policies
from policies.models import Department, ExclusivityGroup, PolicyIndexPage, PolicyPage
from policies.roles import (
    APPLICATION_REVIEWERS,
    ENQUIRY_DISPATCHERS,
    ENQUIRY_HANDLERS,
    ENQUIRY_SUPERVISORS,
    ENTERPRISE_VERIFIERS,
    FINANCE,
    FULFILMENT_OFFICERS,
    POLICY_APPROVERS,
    POLICY_EDITORS,
)
from zoneportal.clock import local_today

DEMO_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_PASSWORD = "zone-demo-2026"  # noqa: S105 - the published password of demo accounts
SUPERUSER_ROLE = "超级管理员 Superuser"
COMPANY_EMAIL = "company@demo.zoneportal.cn"
COMPANY_ROLE = "企业管理员 Company administrator"

# (email, full name, group name or None for the superuser)
ACCOUNTS = [
    ("admin@demo.zoneportal.cn", "演示管理员 Demo admin", None),
    ("editor@demo.zoneportal.cn", "演示政策编辑 Demo editor", POLICY_EDITORS),
    ("approver@demo.zoneportal.cn", "演示政策审核 Demo approver", POLICY_APPROVERS),
    ("reviewer@demo.zoneportal.cn", "演示项目评审 Demo reviewer", APPLICATION_REVIEWERS),
    ("verifier@demo.zoneportal.cn", "演示企业核验 Demo verifier", ENTERPRISE_VERIFIERS),
    ("handler@demo.zoneportal.cn", "演示诉求承办 Demo enquiry handler", ENQUIRY_HANDLERS),
    ("dispatcher@demo.zoneportal.cn", "演示诉求分派 Demo dispatcher", ENQUIRY_DISPATCHERS),
    ("supervisor@demo.zoneportal.cn", "演示督办 Demo supervisor", ENQUIRY_SUPERVISORS),
    ("finance@demo.zoneportal.cn", "演示资金拨付 Demo finance", FINANCE),
    ("fulfilment@demo.zoneportal.cn", "演示政策兑现 Demo fulfilment officer", FULFILMENT_OFFICERS),
]
HANDLER_EMAIL = "handler@demo.zoneportal.cn"

OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class Tally:
    """What each part of the seeding did: section -> Counter of created/updated/unchanged."""

    sections: dict[str, Counter] = field(default_factory=dict)

    def add(self, section: str, outcome: str, count: int = 1) -> None:
        self.sections.setdefault(section, Counter())[outcome] += count

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.sections.values())

    def lines(self) -> list[str]:
        return [
            f"  {section}: " + ", ".join(f"{counts[o]} {o}" for o in OUTCOMES)
            for section, counts in self.sections.items()
        ]


@dataclass
class AccountRow:
    email: str
    role: str
    password: str


class Command(BaseCommand):
    help = (
        "Load the demo content (policies, news, service guides, site settings) and the demo "
        "staff accounts. Idempotent; only where settings.DEMO_CONTENT_ALLOWED is true."
    )

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
            raise CommandError(
                "Demo content is not allowed here: settings.DEMO_CONTENT_ALLOWED is false. "
                "The demo creates accounts with a published password; never load it into a "
                "real installation."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        tally = Tally()
        # Wagtail logs every page created, edited and published; at the default verbosity
        # the summary below says the same in a few lines.
        with (
            _logger_level("wagtail", logging.WARNING, enabled=options["verbosity"] < 2),
            transaction.atomic(),
        ):
            self.seed_policies(tally)
            self.seed_department_contacts(tally)
            self.seed_news(tally)
            self.seed_guides(tally)
            self.seed_programmes(tally)
            site = self.seed_site(tally)
            accounts = self.seed_accounts(tally, password)
            accounts.append(self.seed_company(tally, password))
            self.seed_enquiries(tally)
            self.seed_fulfilment(tally, password)

        if tally.changed:
            self.stdout.write(self.style.SUCCESS("Demo content loaded:"))
            for line in tally.lines():
                self.stdout.write(line)
        else:
            self.stdout.write(
                self.style.SUCCESS("Nothing changed: the demo content is already in place.")
            )
        self.stdout.write("")
        self.stdout.write("Demo accounts:")
        self.stdout.write(
            _table(["email", "role", "password"], [[a.email, a.role, a.password] for a in accounts])
        )
        self.stdout.write("")
        base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://127.0.0.1:8000"
        self.stdout.write(f"Admin: {base.rstrip('/')}/admin/")
        self.stdout.write(f"Site:  {base.rstrip('/')}/   ({site.site_name})")

    # --- policies ---------------------------------------------------------------------------
    def seed_policies(self, tally: Tally) -> None:
        data = _load("policies.json")
        try:
            report = import_policies(data, publish=True)
        except ImportFileError as exc:
            raise CommandError(f"policies.json: {exc}") from exc
        if report.errors:
            details = "\n".join(f"  {error}" for error in report.errors)
            raise CommandError(f"policies.json has invalid records:\n{details}")
        for outcome in OUTCOMES:
            tally.add("policies", outcome, len(getattr(report, outcome)))

    # --- news and notices -------------------------------------------------------------------
    def seed_department_contacts(self, tally: Tally) -> None:
        """A telephone, an address and office hours for each department without them."""
        for index, department in enumerate(Department.objects.filter(phone="").order_by("pk")):
            department.phone = f"028-8518{index:04d}"
            department.address = "成都市高新区天府大道中段1268号天府软件园E区"
            department.address_en = (
                "Tianfu Software Park, Block E, 1268 Middle Tianfu Avenue, Chengdu"
            )
            department.office_hours = "工作日 9:00—12:00，13:30—17:30"
            department.office_hours_en = "Working days 9:00–12:00 and 13:30–17:30"
            department.save()
            tally.add("department contacts", "created")

    def seed_news(self, tally: Tally) -> None:
        data = _load("news.json")
        categories = {}
        for item in data["categories"]:
            category = NewsCategory.objects.filter(slug=item["slug"]).first()
            wanted = {"name": item["name"], "name_en": item.get("name_en", "")}
            if category is None:
                category = NewsCategory.objects.create(slug=item["slug"], **wanted)
                tally.add("news categories", "created")
            elif any(getattr(category, k) != v for k, v in wanted.items()):
                for key, value in wanted.items():
                    setattr(category, key, value)
                category.save()
                tally.add("news categories", "updated")
            else:
                tally.add("news categories", "unchanged")
            categories[item["slug"]] = category

        index = _first(NewsIndexPage)
        for item in data["items"]:
            values = {
                "title": item["title"],
                "title_en": item.get("title_en", ""),
                "kind": item["kind"],
                "date": _date(item["date"]),
                "source": item.get("source", ""),
                "summary": item.get("summary", ""),
                "summary_en": item.get("summary_en", ""),
                "body": _paragraph_blocks(item["body"]),
            }
            wanted_categories = [categories[slug] for slug in item.get("categories", [])]
            outcome = _upsert_child(
                index, NewsPage, item["slug"], values, categories=wanted_categories
            )
            tally.add("news pages", outcome)

    # --- service guides ---------------------------------------------------------------------
    def seed_guides(self, tally: Tally) -> None:
        data = _load("guides.json")
        index = _first(ServiceGuideIndexPage)
        for item in data["guides"]:
            values = {
                "title": item["title"],
                "title_en": item.get("title_en", ""),
                "summary": item.get("summary", ""),
                "summary_en": item.get("summary_en", ""),
                "audience": item["audience"],
                "steps": [
                    {
                        "type": "step",
                        "value": {
                            "title": step["title"],
                            "description": step.get("description", ""),
                        },
                    }
                    for step in item["steps"]
                ],
                "materials": [
                    {
                        "type": "material",
                        "value": {
                            "name": m["name"],
                            "copies": m.get("copies", ""),
                            "required": bool(m.get("required", True)),
                        },
                    }
                    for m in item.get("materials", [])
                ],
                "time_limit": item["time_limit"],
                "fees": item.get("fees") or "不收费",
                "office": item.get("office", ""),
                "contact_phone": item.get("contact_phone", ""),
                "legal_basis": _html_paragraphs([item.get("legal_basis", "")]),
            }
            tally.add(
                "service guides", _upsert_child(index, ServiceGuidePage, item["slug"], values)
            )

    # --- home page, about page, site contacts -----------------------------------------------
    def seed_site(self, tally: Tally) -> Site:
        data = _load("site.json")
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("There is no default site: run `manage.py migrate` first.")
        home = site.root_page.specific
        if not isinstance(home, HomePage):
            raise CommandError("The default site's root page is not the portal's home page.")

        targets = {
            "policy_index": _first(PolicyIndexPage),
            "guide_index": _first(ServiceGuideIndexPage),
        }
        links = []
        for link in data["quick_links"]:
            page_key = link.get("page") or ""
            if page_key.startswith("guide:"):
                # A service guide by slug (e.g. how to check a certificate).
                target = ServiceGuidePage.objects.filter(slug=page_key[6:]).first()
            else:
                target = targets[page_key] if page_key else None
            links.append(
                {
                    "type": "link",
                    "value": {
                        "title": link["title"],
                        "title_en": link.get("title_en", ""),
                        "description": link.get("description", ""),
                        "description_en": link.get("description_en", ""),
                        "page": target.pk if target else None,
                        "url": link.get("url") or "",
                        "icon": link["icon"],
                    },
                }
            )
        tally.add("home page", _update_page(home, {"quick_links": links}))

        about = data["about"]
        values = {
            "title": about["title"],
            "title_en": about.get("title_en", ""),
            "intro": about.get("intro", ""),
            "intro_en": about.get("intro_en", ""),
            "body": _paragraph_blocks(about["body"]),
            "show_in_menus": True,
        }
        tally.add("about page", _upsert_child(home, StandardPage, about["slug"], values))

        wanted = data["contact"]
        contact = SiteContact.objects.filter(site=site).first()
        if contact is None:
            SiteContact.objects.create(site=site, **wanted)
            tally.add("site contacts", "created")
        elif any(getattr(contact, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(contact, key, value)
            contact.save()
            tally.add("site contacts", "updated")
        else:
            tally.add("site contacts", "unchanged")
        return site

    # --- programmes (申报项目) and exclusivity groups -------------------------------------------
    def seed_programmes(self, tally: Tally) -> None:
        """Programmes with windows relative to today (open, closing soon, closed, upcoming).

        A programme is created once (matched by policy and name) and then left alone, so a
        re-run never moves the windows of programmes people may already be applying to.
        """
        data = _load("programmes.json")
        now = timezone.now()
        for group_data in data["exclusivity_groups"]:
            group, created = ExclusivityGroup.objects.get_or_create(
                name=group_data["name"],
                defaults={
                    "name_en": group_data["name_en"],
                    "description": group_data["description"],
                },
            )
            tally.add("exclusivity groups", "created" if created else "unchanged")
            for external_id in group_data["policies"]:
                PolicyPage.objects.filter(external_id=external_id).update(exclusivity_group=group)
        for item in data["programmes"]:
            page = PolicyPage.objects.get(external_id=item["policy"])
            if page.programmes.filter(name=item["name"]).exists():
                tally.add("programmes", "unchanged")
                continue
            Programme.objects.create(
                page=page,
                name=item["name"],
                name_en=item["name_en"],
                description=item["description"],
                opens_at=_day_start(now, item["opens_in_days"]),
                closes_at=_day_start(now, item["closes_in_days"]) - datetime.timedelta(minutes=1),
                max_amount=Decimal(item["max_amount"]),
                budget=Decimal(item["budget"]),
                review_days=item["review_days"],
                notice_days=item["notice_days"],
                objection_contact=item["objection_contact"],
                documents=[{"type": "document", "value": d} for d in item["documents"]],
                questions=[{"type": "question", "value": q} for q in item["questions"]],
            )
            # A new revision, so the programmes are in what editors open in the admin.
            page = PolicyPage.objects.get(pk=page.pk)
            page.save_revision().publish()
            tally.add("programmes", "created")

    def seed_company(self, tally: Tally, password: str) -> AccountRow:
        """A verified demo company whose administrator can apply straight away."""
        User = get_user_model()
        user = User.objects.filter(email__iexact=COMPANY_EMAIL).first()
        if user is not None:
            tally.add("accounts", "unchanged")
            shown = password if check_password(password, user.password) else "(not reset)"
            return AccountRow(COMPANY_EMAIL, COMPANY_ROLE, shown)
        user = User.objects.create_user(COMPANY_EMAIL, password, full_name="演示企业 Demo company")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        first17 = "91510100MA61XQ7L2"
        enterprise = register_enterprise(
            user,
            name="成都示范软件科技有限公司",
            credit_code=first17 + check_character(first17),
            legal_representative="李明",
            registered_address="成都高新区天府大道北段1700号",
            established=datetime.date(2018, 6, 1),
            registered_capital_wan=Decimal("1000"),
            industry_code="I65",
            area=Area.objects.get(code="south"),
            employees=80,
            revenue_wan=Decimal("3000"),
            rd_expense_wan=Decimal("400"),
            business_scope="软件开发；信息系统集成服务；人工智能应用软件开发。",
            credit_standing="good",
            contact_name="李明",
            contact_phone="028-85001234",
            contact_email=COMPANY_EMAIL,
        )
        Qualification.objects.create(
            enterprise=enterprise,
            type=QualificationType.objects.get(code="hnte"),
            certificate_number="GR202551000123",
            valid_from=datetime.date(2025, 1, 1),
            valid_until=datetime.date(2027, 12, 31),
        )
        enterprise.verification_status = VerificationStatus.VERIFIED
        enterprise.verified_at = timezone.now()
        enterprise.save(update_fields=["verification_status", "verified_at"])
        tally.add("accounts", "created")
        return AccountRow(COMPANY_EMAIL, COMPANY_ROLE, password)

    # --- enquiries --------------------------------------------------------------------------
    def seed_enquiries(self, tally: Tally) -> None:
        """Enquiries of the demo company in every state, so the performance page is not empty,
        and one published as a question and answer (问答) on the first demo policy.

        The demo handler handles the department of the first demo policy; everything moves
        through ``enquiries.services`` with dates in the past, as if it had happened.
        """
        User = get_user_model()
        asker = User.objects.get(email__iexact=COMPANY_EMAIL)
        enterprise = asker.memberships.get().enterprise
        if Enquiry.objects.filter(enterprise=enterprise).exists():
            tally.add("enquiries", "unchanged")
            return
        policy = PolicyPage.objects.live().filter(department__isnull=False).order_by("pk").first()
        other = Department.objects.exclude(pk=policy.department_id).order_by("pk").first()
        handler = User.objects.get(email__iexact=HANDLER_EMAIL)
        DepartmentHandler.objects.get_or_create(department=policy.department, user=handler)
        DepartmentHandler.objects.get_or_create(department=other, user=handler)
        dispatcher = User.objects.get(email__iexact="dispatcher@demo.zoneportal.cn")
        supervisor = User.objects.get(email__iexact="supervisor@demo.zoneportal.cn")
        now = timezone.now()

        def ask(days_ago, kind, subject, text, linked=True):
            return enquiry_services.ask(
                enterprise,
                by=asker,
                kind=kind,
                subject=subject,
                text=text,
                policy=policy if linked else None,
                faq_consent=True,
                now=now - datetime.timedelta(days=days_ago),
            )

        def move(enquiry, action, days_ago, by=handler, **kwargs):
            when = now - datetime.timedelta(days=days_ago)
            return enquiry_services.transition(enquiry, action, by=by, now=when, **kwargs)

        def rate(enquiry, rating, comment=""):
            return enquiry_services.rate(enquiry, by=asker, rating=rating, comment=comment)

        ask(0, "difficulty", "办公用房租金补贴何时到账", "我司去年申请的租金补贴尚未到账。", False)
        ask(1, "policy", "研发费用加计扣除与区级补贴能否叠加", "请问两项政策是否可以同时享受？")
        e = ask(6, "policy", "高企认定奖励的申报材料", "审计报告是否必须由区内事务所出具？")
        move(e, "accept", 5)
        e = ask(8, "difficulty", "人才公寓申请进度", "人才公寓申请提交两周仍无回复。")
        move(e, "accept", 7)
        move(e, "transfer", 6, department=other, comment="人才住房由该部门负责。")
        e = ask(20, "policy", "首台套奖励的认定口径", "首台套的“首”以何时为准？")
        move(e, "accept", 19)
        move(e, "answer", 15, comment="以首次销售合同签订日期为准，详见政策第五条。")
        e = ask(40, "complaint", "窗口办理时间过长", "上月在政务中心办理备案等待了两个小时。")
        move(e, "accept", 39)
        move(e, "answer", 30, comment="已调整窗口排班，高峰时段增开两个窗口。")
        rate(e, 2, "希望能预约办理。")
        e = ask(60, "policy", "专精特新奖励的金额", "奖励金额是否按认定等级区分？")
        move(e, "accept", 59)
        move(e, "answer", 55, comment="按国家级、省级分档奖励，标准见政策第三条。")
        rate(e, 5, "答复清楚。")
        # Published (anonymised, the asker consented) as a question and answer on the policy page.
        enquiry_services.publish_faq(
            e,
            by=handler,
            question="专精特新企业奖励的金额是否按认定等级区分？",
            answer="按国家级、省级分档奖励，具体标准见政策第三条。",
            now=now - datetime.timedelta(days=50),
        )
        e = ask(90, "difficulty", "厂房消防验收咨询", "改建厂房的消防验收应向哪个部门申请？")
        move(e, "route", 89, by=dispatcher, department=policy.department)
        move(e, "accept", 88)
        move(e, "request_extension", 80, comment="需与消防部门会商。", days=5)
        move(e, "approve_extension", 79, by=supervisor)
        move(e, "answer", 70, comment="请通过工程建设项目审批系统申请，我们已与消防部门确认流程。")
        rate(e, 1, "没有说明办理时限。")
        move(e, "answer", 60, comment="补充说明：受理后 15 个工作日内完成验收。")
        rate(e, 4)
        e = ask(30, "complaint", "补贴拨付延迟", "补贴公示结束已一个月仍未拨付。")
        move(e, "accept", 29)
        move(
            e,
            "supervise",
            3,
            by=supervisor,
            comment="请尽快核实拨付进度并答复企业。",
            due_date=local_today() + datetime.timedelta(days=7),
        )
        tally.add("enquiries", "created", Enquiry.objects.filter(enterprise=enterprise).count())

    # --- fulfilment --------------------------------------------------------------------------
    def seed_fulfilment(self, tally: Tally, password: str) -> None:
        """Awards, payments, acceptance, recovery and apply-free rosters in every state
        (``demo/fulfilment_demo.py``)."""
        from demo import fulfilment_demo

        User = get_user_model()
        company = User.objects.get(email__iexact=COMPANY_EMAIL).memberships.get().enterprise
        superuser = User.objects.get(email__iexact="admin@demo.zoneportal.cn")

        def acting(email, permission):
            # The demo account when it holds the right (an existing one may have lost it).
            user = User.objects.get(email__iexact=email)
            return user if user.is_staff and user.has_perm(permission) else superuser

        fulfilment_demo.seed(
            tally,
            password,
            reviewer=acting("reviewer@demo.zoneportal.cn", "applications.review_application"),
            finance=acting("finance@demo.zoneportal.cn", "fulfilment.prepare_payments"),
            officer=acting("fulfilment@demo.zoneportal.cn", "fulfilment.manage_rosters"),
            demo_company=company,
        )

    # --- accounts ---------------------------------------------------------------------------
    def seed_accounts(self, tally: Tally, password: str) -> list[AccountRow]:
        User = get_user_model()
        rows = []
        for email, full_name, group_name in ACCOUNTS:
            group = None
            if group_name is not None:
                group = Group.objects.filter(name=group_name).first()
                if group is None:
                    raise CommandError(
                        f"The staff group {group_name!r} is missing: run `manage.py migrate`."
                    )
            role = group_name or SUPERUSER_ROLE
            user = User.objects.filter(email__iexact=email).first()
            if user is not None:
                # Left exactly as it is: a demo user may have changed the password or roles.
                tally.add("accounts", "unchanged")
                shown = password if check_password(password, user.password) else "(not reset)"
                rows.append(AccountRow(email, role, shown))
                continue
            if group is None:
                user = User.objects.create_superuser(email, password, full_name=full_name)
            else:
                user = User.objects.create_user(email, password, full_name=full_name, is_staff=True)
                user.groups.add(group)
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            tally.add("accounts", "created")
            rows.append(AccountRow(email, role, password))
        return rows


# --- helpers ------------------------------------------------------------------------------
def _day_start(now, days: int) -> datetime.datetime:
    """Midnight, China Standard Time, ``days`` from today."""
    local = timezone.localtime(now) + datetime.timedelta(days=days)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@contextmanager
def _logger_level(name: str, level: int, *, enabled: bool):
    logger = logging.getLogger(name)
    previous = logger.level
    if enabled:
        logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _load(name: str):
    path = DEMO_DIR / name
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path}: {exc}") from exc


def _first(model):
    page = model.objects.order_by("path").first()
    if page is None:
        raise CommandError(
            f"There is no {model._meta.verbose_name}: run `manage.py migrate` first."
        )
    return page


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _html_paragraphs(paragraphs: list[str]) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in paragraphs if p.strip())


def _paragraph_blocks(paragraphs: list[str]) -> list[dict]:
    return [
        {"type": "paragraph", "value": f"<p>{html.escape(p.strip())}</p>"}
        for p in paragraphs
        if p.strip()
    ]


def _stream_data(model, name: str, value) -> list[dict]:
    """A StreamField value (raw list or StreamValue) as comparable data, without block ids."""
    stream_block = model._meta.get_field(name).stream_block
    if not isinstance(value, StreamValue):
        value = stream_block.to_python(value or [])
    return [
        {"type": child.block_type, "value": child.block.get_prep_value(child.value)}
        for child in value
    ]


def _differs(page, values: dict, categories) -> bool:
    model = type(page)
    for name, wanted in values.items():
        current = getattr(page, name)
        if isinstance(model._meta.get_field(name), StreamField):
            if _stream_data(model, name, current) != _stream_data(model, name, wanted):
                return True
        elif current != wanted:
            return True
    if categories is not None:
        current_pks = {c.pk for c in page.categories.all()}
        if current_pks != {c.pk for c in categories}:
            return True
    return False


def _update_page(page: Page, values: dict, categories=None) -> str:
    """Publish a new revision of ``page`` with ``values`` if anything differs."""
    page = page.specific
    draft = page.get_latest_revision_as_object()
    if page.live and not page.has_unpublished_changes and not _differs(draft, values, categories):
        return "unchanged"
    for name, value in values.items():
        setattr(draft, name, value)
    if categories is not None:
        draft.categories.set(categories)
    draft.save_revision(log_action=True).publish()
    return "updated"


def _upsert_child(parent: Page, model, slug: str, values: dict, categories=None) -> str:
    """Create (and publish) the child of ``parent`` with ``slug``, or update it."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return _update_page(existing, values, categories)
    if Page.objects.child_of(parent).filter(slug=slug).exists():
        raise CommandError(
            f"{parent.url_path}{slug}/ exists but is not a {model._meta.verbose_name}."
        )
    page = model(slug=slug, live=False, **values)
    if categories is not None:
        page.categories.set(categories)
    parent.add_child(instance=page)
    page.save_revision(log_action=True).publish()
    return "created"


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        padded = (c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
        return ("  " + "  ".join(padded)).rstrip()

    rule = "  " + "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
