"""Test data built through the same code paths the portal uses (pages added to the tree)."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

_counter = itertools.count(1)

DEFAULT_CRITERIA = {
    "industries": ["I65"],
    "areas": ["south"],
    "sizes": ["small", "medium"],
    "qualifications_all": ["hnte"],
    "qualifications_any": [],
    "min_years_established": 1,
    "min_rd_ratio": 3.0,
    "min_revenue_wan": 500,
    "max_revenue_wan": None,
    "min_employees": None,
    "requires_good_credit": True,
}


# Every staff account has an authenticator app (the admin requires one, see
# enterprises.middleware), so staff users get this TOTP secret unless made with ``mfa=False``.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    full_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def mfa(user, create, extracted, **kwargs):
        wanted = user.is_staff if extracted is None else extracted
        if create and wanted:
            activate_totp(user)


def make_user(email, **kwargs):
    return UserFactory(email=email, **kwargs)


def activate_totp(user, secret=STAFF_TOTP_SECRET):
    """Give ``user`` an active authenticator app (allauth's own API), once."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return secret


def totp_code(secret=STAFF_TOTP_SECRET, *, valid_for=3) -> str:
    """The code an authenticator app shows for ``secret`` (allauth's HOTP helpers).

    allauth accepts only the current 30-second window, so when fewer than ``valid_for`` seconds
    of it remain this waits for the next one: the code is still valid when it is submitted.
    """
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < valid_for:
        time.sleep(remaining + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def make_policy(*, publish=True, parent=None, **fields):
    """Create a PolicyPage under the policy index (and publish it unless told not to)."""
    from policies.models import Department, PolicyIndexPage, PolicyPage

    n = next(_counter)
    parent = parent or PolicyIndexPage.objects.get()
    values = {
        "title": f"测试政策{n}",
        "slug": f"test-policy-{n}",
        "department": Department.objects.order_by("pk").first(),
        "document_number": f"成高管发〔2025〕{n}号",
        "policy_type": "subsidy",
        "effective_date": datetime.date(2025, 1, 1),
        "summary": "支持企业研发投入。",
        "criteria": dict(DEFAULT_CRITERIA),
    }
    values.update(fields)
    page = PolicyPage(**values, live=False)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def make_credit_code(n: int | None = None, *, region: str = "510100") -> str:
    """A valid unified social credit code (GB 32100-2015): 91 + region + 9 + check character."""
    from enterprises.credit_code import ALPHABET, check_character

    n = next(_counter) if n is None else n
    body = ""
    for _ in range(9):  # the organisation code, in the credit code's own alphabet
        n, digit = divmod(n, len(ALPHABET))
        body = ALPHABET[digit] + body
    first17 = f"91{region}{body}"
    return first17 + check_character(first17)


def make_enterprise(user=None, **facts):
    """Register a company through ``services.register_enterprise`` (``user`` is its admin)."""
    from enterprises import services
    from enterprises.models import Area

    n = next(_counter)
    user = user or make_user(f"admin{n}@test.example")
    values = {
        "name": f"成都测试科技有限公司{n}",
        "credit_code": make_credit_code(n),
        "legal_representative": "张三",
        "registered_address": "成都高新区天府大道中段1号",
        "established": datetime.date(2018, 5, 1),
        "industry_code": "I65",
        "area": Area.objects.get(code="south"),
        "employees": 50,
        "revenue_wan": 2000,
        "rd_expense_wan": 150,
        "credit_standing": "good",
    }
    values.update(facts)
    return services.register_enterprise(user, **values)


def make_member(enterprise, email=None, role="member"):
    """Add a person to a company directly (as accepting an invitation would)."""
    from enterprises.models import Membership

    user = make_user(email or f"member{next(_counter)}@test.example")
    Membership.objects.create(user=user, enterprise=enterprise, role=role)
    return user


# --- programmes and applications ------------------------------------------------------------
DOCUMENTS = [
    {
        "type": "document",
        "id": "doc-audit",
        "value": {
            "name": "审计报告",
            "name_en": "Audit report",
            "description": "上一年度财务审计报告。",
            "required": True,
            "accepted": ["pdf"],
        },
    },
    {
        "type": "document",
        "id": "doc-rd",
        "value": {
            "name": "研发费用明细表",
            "name_en": "R&D expense statement",
            "description": "",
            "required": False,
            "accepted": ["pdf", "xlsx"],
        },
    },
]
QUESTIONS = [
    {
        "type": "question",
        "id": "q-staff",
        "value": {
            "label": "研发人员数",
            "label_en": "R&D staff",
            "help_text": "",
            "kind": "number",
            "choices": "",
            "required": True,
        },
    },
    {
        "type": "question",
        "id": "q-stage",
        "value": {
            "label": "项目阶段",
            "label_en": "Project stage",
            "help_text": "",
            "kind": "choice",
            "choices": "研发\n试产\n量产",
            "required": False,
        },
    },
]


def make_programme(policy=None, **fields):
    """A programme open now (until 30 days from now) under ``policy`` (a new one if omitted)."""
    from django.utils import timezone

    from applications.models import Programme

    policy = policy or make_policy(criteria={})
    now = timezone.now()
    values = {
        "page": policy,
        "name": f"{policy.title}申报",
        "name_en": "Test programme",
        "opens_at": now - datetime.timedelta(days=10),
        "closes_at": now + datetime.timedelta(days=30),
        "max_amount": Decimal("500000.00"),
        "budget": Decimal("2000000.00"),
        "review_days": 15,
        "notice_days": 5,
        "objection_contact": "028-12345678",
        "documents": DOCUMENTS,
        "questions": QUESTIONS,
    }
    values.update(fields)
    return Programme.objects.create(**values)


def make_verified_enterprise(user=None, **facts):
    from django.utils import timezone

    enterprise = make_enterprise(user, **facts)
    enterprise.verification_status = "verified"
    enterprise.verified_at = timezone.now()
    enterprise.save(update_fields=["verification_status", "verified_at"])
    return enterprise


def make_reviewer(email=None):
    from django.contrib.auth.models import Group

    from policies.roles import APPLICATION_REVIEWERS

    user = make_user(email or f"reviewer{next(_counter)}@zone.example", is_staff=True)
    user.groups.add(Group.objects.get(name=APPLICATION_REVIEWERS))
    return user


def pdf_upload(name="report.pdf", body=b"%PDF-1.4\n% test document\n%%EOF\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, body, content_type="application/pdf")


def make_application(enterprise=None, programme=None, *, user=None, complete=True, submit=False):
    """A draft (complete unless told otherwise), optionally submitted, by a company's admin."""
    from applications import services

    programme = programme or make_programme()
    if enterprise is None:
        enterprise = make_verified_enterprise()
    user = user or enterprise.memberships.order_by("pk").first().user
    application = services.start_application(enterprise, programme, by=user)
    if complete:
        application = services.save_answers(
            application,
            by=user,
            section="project",
            project_title="智能制造研发项目",
            project_summary="研发新一代工业控制软件。",
            answers={"q-staff": 12, "q-stage": "研发"},
        )
        application = services.save_answers(
            application, by=user, section="amount", amount_requested=Decimal("300000.00")
        )
        services.add_document(application, by=user, requirement_id="doc-audit", upload=pdf_upload())
        application = services.save_answers(
            application, by=user, section="applicant", contact_phone="028-88886666"
        )
        application = services.accept_declaration(application, by=user)
    if submit:
        application = services.submit(application, by=user).application
    return application


def make_enquiry_staff(group, email, department=None):
    """Zone staff in an enquiries group (with an authenticator app), handling ``department``."""
    from django.contrib.auth.models import Group

    from enquiries.models import DepartmentHandler

    user = make_user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    if department is not None:
        DepartmentHandler.objects.create(department=department, user=user)
    return user


def fresh_cache_generation() -> None:
    """Start the page cache (and the menus cached under it) at a generation no other test used:
    the Redis cache outlives the test databases."""
    import uuid

    from django.core.cache import cache

    from zoneportal.page_cache import GENERATION_KEY

    cache.set(GENERATION_KEY, uuid.uuid4().int % 10**12, timeout=None)
