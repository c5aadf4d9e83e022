"""The enterprise verification queue in the Wagtail admin: rights, list, decisions, proofs."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enterprises import services
from enterprises.credit_code import check_character
from enterprises.models import (
    Area,
    Enterprise,
    Membership,
    Qualification,
    QualificationType,
    VerificationEvent,
    VerificationStatus,
)
from policies.roles import ENTERPRISE_VERIFIERS, POLICY_EDITORS
from tests.factories import make_user

pytestmark = pytest.mark.django_db

QUEUE = "/admin/enterprise-verification/"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
_numbers = itertools.count(1)


def credit_code(n=None) -> str:
    first17 = f"91510100{next(_numbers) if n is None else n:09d}"
    return first17 + check_character(first17)


def make_enterprise(**fields) -> Enterprise:
    """A company as registration leaves it (pending), without going through a member."""
    values = {
        "name": f"成都测试科技有限公司{next(_numbers)}",
        "credit_code": credit_code(),
        "legal_representative": "张三",
        "registered_address": "成都高新区天府大道中段1号",
        "established": datetime.date(2018, 5, 1),
        "industry_code": "I6513",
        "area": Area.objects.get(code="south"),
        "employees": 80,
        "revenue_wan": Decimal("5000"),
        "rd_expense_wan": Decimal("400"),
        "business_scope": "软件开发；信息技术咨询服务",
        "contact_name": "李四",
        "contact_phone": "028-12345678",
        "contact_email": "contact@company.example",
    }
    values.update(fields)
    return Enterprise.objects.create(**values)


def register_company(email="founder@company.example", **fields) -> Enterprise:
    """A company registered by a person through the service (membership, history)."""
    user = make_user(email)
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    facts = {
        "name": f"成都登记科技有限公司{next(_numbers)}",
        "credit_code": credit_code(),
        "legal_representative": "王五",
        "registered_address": "成都高新区益州大道1号",
        "established": datetime.date(2015, 3, 1),
        "industry_code": "I65",
        "employees": 120,
        "revenue_wan": Decimal("12000"),
        "rd_expense_wan": Decimal("900"),
    }
    facts.update(fields)
    return services.register_enterprise(user, **facts)


def add_qualification(enterprise, name="高新技术企业证书.pdf", content=PDF, **fields):
    qualification = Qualification(
        enterprise=enterprise,
        type=QualificationType.objects.get(code="hnte"),
        certificate_number=fields.pop("certificate_number", "GR202351000123"),
        valid_from=fields.pop("valid_from", datetime.date(2023, 11, 1)),
        valid_until=fields.pop("valid_until", datetime.date(2099, 10, 31)),
        proof_name=name,
        proof_content_type="application/pdf",
        **fields,
    )
    qualification.proof.save("proof.pdf", ContentFile(content), save=False)
    qualification.save()
    return qualification


@pytest.fixture
def verifier(db):
    user = make_user("verifier@test.example", is_staff=True, full_name="核验员")
    user.groups.add(Group.objects.get(name=ENTERPRISE_VERIFIERS))
    return user


@pytest.fixture
def editor_without_right(db):
    user = make_user("editor-v@test.example", is_staff=True)
    user.groups.add(Group.objects.get(name=POLICY_EDITORS))
    return user


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


def detail_url(enterprise):
    return reverse("enterprise_verification:detail", args=(enterprise.pk,))


# --- who sees it -------------------------------------------------------------------------------
def test_the_menu_item_is_there_for_verifiers_and_superusers_only(
    client, verifier, editor_without_right
):
    client.force_login(verifier)
    assert QUEUE in client.get("/admin/").content.decode()

    client.force_login(make_user("root@test.example", is_staff=True, is_superuser=True))
    assert QUEUE in client.get("/admin/").content.decode()

    client.force_login(editor_without_right)
    home = client.get("/admin/")
    assert home.status_code == 200
    assert QUEUE not in home.content.decode()


def test_staff_without_the_right_get_403_everywhere(client, editor_without_right):
    enterprise = make_enterprise()
    qualification = add_qualification(enterprise)
    client.force_login(editor_without_right)
    for path in (
        QUEUE,
        detail_url(enterprise),
        reverse("enterprise_verification:proof", args=(enterprise.pk, qualification.pk)),
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "help-warning" in response.content.decode()
    for name in ("verify", "reject"):
        path = reverse(f"enterprise_verification:{name}", args=(enterprise.pk,))
        assert client.post(path, {"reason": "x"}).status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.verification_status == VerificationStatus.PENDING


def test_enterprise_users_and_anonymous_people_are_kept_out(client):
    enterprise = make_enterprise()
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url

    member = make_user("member@company.example")
    Membership.objects.create(user=member, enterprise=enterprise, role=Membership.Role.ADMIN)
    client.force_login(member)
    response = client.get(detail_url(enterprise))
    assert response.status_code in (302, 403)
    assert client.post(
        reverse("enterprise_verification:verify", args=(enterprise.pk,))
    ).status_code in (302, 403)
    enterprise.refresh_from_db()
    assert enterprise.verification_status == VerificationStatus.PENDING


def test_the_right_can_be_granted_in_wagtails_group_editor(client):
    root = make_user("root2@test.example", is_staff=True, is_superuser=True)
    client.force_login(root)
    group = Group.objects.get(name=ENTERPRISE_VERIFIERS)
    html = client.get(reverse("wagtailusers_groups:edit", args=(group.pk,))).content.decode()
    assert "可核验企业" in html  # the permission, named in the admin's language (zh-hans)


# --- the list ----------------------------------------------------------------------------------
def test_the_queue_lists_pending_registrations_longest_waiting_first(verifier_client):
    older = register_company("a@company.example", name="甲公司")
    newer = register_company("b@company.example", name="乙公司")
    VerificationEvent.objects.filter(enterprise=older).update(
        created_at=timezone.now() - datetime.timedelta(days=3, hours=2)
    )
    verified = make_enterprise(name="丙公司", verification_status=VerificationStatus.VERIFIED)
    rejected = make_enterprise(name="丁公司", verification_status=VerificationStatus.REJECTED)

    response = verifier_client.get(QUEUE)
    assert response.status_code == 200
    names = [c.name for c in response.context["companies"]]
    assert names == ["甲公司", "乙公司"]
    html = response.content.decode()
    assert "3" in html and detail_url(older) in html
    waited = response.context["companies"][0].submitted_at
    assert timezone.now() - waited > datetime.timedelta(days=3)

    response = verifier_client.get(QUEUE, {"status": "rejected"})
    assert [c.name for c in response.context["companies"]] == [rejected.name]
    response = verifier_client.get(QUEUE, {"status": "verified"})
    assert [c.name for c in response.context["companies"]] == [verified.name]
    response = verifier_client.get(QUEUE, {"status": "all"})
    assert {c.name for c in response.context["companies"]} == {
        "甲公司",
        "乙公司",
        "丙公司",
        "丁公司",
    }
    assert newer.pk in {c.pk for c in response.context["companies"]}


def test_the_queue_searches_by_name_or_credit_code(verifier_client):
    first17 = "91510100MA61R2X84"
    wanted = make_enterprise(
        name="成都天府软件有限公司", credit_code=first17 + check_character(first17)
    )
    make_enterprise(name="成都锦城生物有限公司")

    response = verifier_client.get(QUEUE, {"q": "天府"})
    assert [c.pk for c in response.context["companies"]] == [wanted.pk]

    typed = "ma61 r2x8"  # as people type it: lower case, with a space
    response = verifier_client.get(QUEUE, {"q": typed, "status": "all"})
    assert [c.pk for c in response.context["companies"]] == [wanted.pk]

    response = verifier_client.get(QUEUE, {"q": "不存在的公司"})
    assert list(response.context["companies"]) == []


def test_an_unknown_status_falls_back_to_the_pending_list(verifier_client):
    make_enterprise(verification_status=VerificationStatus.VERIFIED)
    response = verifier_client.get(QUEUE, {"status": "bogus"})
    assert response.status_code == 200
    assert response.context["status"] == VerificationStatus.PENDING


# --- the registration --------------------------------------------------------------------------
def test_the_detail_page_shows_the_whole_registration(verifier_client):
    enterprise = register_company("founder2@company.example", name="成都详情科技有限公司")
    colleague = make_user("colleague@company.example", full_name="赵六")
    Membership.objects.create(user=colleague, enterprise=enterprise)
    qualification = add_qualification(enterprise)
    add_qualification(
        enterprise,
        name="旧证书.png",
        certificate_number="GR201851000001",
        valid_from=datetime.date(2018, 1, 1),
        valid_until=datetime.date(2020, 12, 31),
    )

    response = verifier_client.get(detail_url(enterprise))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        enterprise.name,
        enterprise.credit_code,
        "王五",
        "成都高新区益州大道1号",
        "2015",
        "founder2@company.example",
        "colleague@company.example",
        "赵六",
        "GR202351000123",
        "GR201851000001",
        "高新技术企业证书.pdf",
    ):
        assert text in html, text
    proof_url = reverse("enterprise_verification:proof", args=(enterprise.pk, qualification.pk))
    assert proof_url in html
    # The history starts with the registration.
    assert [e.action for e in response.context["events"]] == ["submitted"]
    # Pending: both decisions are offered, each a POST form with a CSRF token.
    assert reverse("enterprise_verification:verify", args=(enterprise.pk,)) in html
    assert reverse("enterprise_verification:reject", args=(enterprise.pk,)) in html
    assert html.count("csrfmiddlewaretoken") >= 2


def test_a_decided_registration_offers_no_decision(verifier_client):
    enterprise = make_enterprise(verification_status=VerificationStatus.VERIFIED)
    html = verifier_client.get(detail_url(enterprise)).content.decode()
    assert reverse("enterprise_verification:verify", args=(enterprise.pk,)) not in html


def test_an_unknown_company_is_404(verifier_client):
    assert verifier_client.get("/admin/enterprise-verification/999999/").status_code == 404


# --- decisions ---------------------------------------------------------------------------------
def test_verifying_records_history_and_tells_the_members(
    verifier_client, verifier, django_capture_on_commit_callbacks
):
    enterprise = register_company("boss@company.example")
    Membership.objects.create(user=make_user("staffer@company.example"), enterprise=enterprise)

    with django_capture_on_commit_callbacks(execute=True):
        response = verifier_client.post(
            reverse("enterprise_verification:verify", args=(enterprise.pk,))
        )

    assert response.status_code == 302
    assert response.url == QUEUE
    enterprise.refresh_from_db()
    assert enterprise.verification_status == VerificationStatus.VERIFIED
    assert enterprise.verified_at is not None
    event = enterprise.verification_events.first()
    assert (event.action, event.actor) == ("verified", verifier)
    # Each member is told once (a message in their message centre, e-mailed to each).
    assert sorted(m.to[0] for m in mail.outbox) == [
        "boss@company.example",
        "staffer@company.example",
    ]
    assert all(enterprise.name in m.subject for m in mail.outbox)
    # It has left the pending list.
    assert enterprise.pk not in {c.pk for c in verifier_client.get(QUEUE).context["companies"]}


def test_returning_needs_a_reason(verifier_client):
    enterprise = register_company("needs-reason@company.example")
    for reason in ("", "   \n "):
        response = verifier_client.post(
            reverse("enterprise_verification:reject", args=(enterprise.pk,)), {"reason": reason}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "id_reason_error" in html or "error-message" in html
        assert response.context["reject_form"].errors["reason"]
    enterprise.refresh_from_db()
    assert enterprise.verification_status == VerificationStatus.PENDING
    assert enterprise.verification_events.count() == 1


def test_returning_with_a_reason_records_it_and_tells_the_members(
    verifier_client, verifier, django_capture_on_commit_callbacks
):
    enterprise = register_company("returned@company.example")
    reason = "营业执照照片不清晰，请重新上传。"

    with django_capture_on_commit_callbacks(execute=True):
        response = verifier_client.post(
            reverse("enterprise_verification:reject", args=(enterprise.pk,)),
            {"reason": f"  {reason}  "},
        )

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.verification_status == VerificationStatus.REJECTED
    assert enterprise.verification_reason == reason
    event = enterprise.verification_events.first()
    assert (event.action, event.actor, event.reason) == ("rejected", verifier, reason)
    assert mail.outbox[0].to == ["returned@company.example"]
    assert reason in mail.outbox[0].body
    # The reason is shown on the registration afterwards.
    assert reason in verifier_client.get(detail_url(enterprise)).content.decode()


def test_returned_then_resubmitted_then_verified(
    verifier_client, verifier, django_capture_on_commit_callbacks
):
    enterprise = register_company("second-try@company.example")
    founder = enterprise.memberships.get().user
    verifier_client.post(
        reverse("enterprise_verification:reject", args=(enterprise.pk,)),
        {"reason": "注册地址与营业执照不一致。"},
    )
    assert enterprise.pk not in {c.pk for c in verifier_client.get(QUEUE).context["companies"]}

    # The company corrects its registration and asks again.
    services.submit_for_verification(enterprise, by=founder)
    assert enterprise.pk in {c.pk for c in verifier_client.get(QUEUE).context["companies"]}

    with django_capture_on_commit_callbacks(execute=True):
        verifier_client.post(reverse("enterprise_verification:verify", args=(enterprise.pk,)))

    enterprise.refresh_from_db()
    assert enterprise.verification_status == VerificationStatus.VERIFIED
    history = list(enterprise.verification_events.order_by("created_at", "pk"))
    assert [(e.action, e.actor) for e in history] == [
        ("submitted", founder),
        ("rejected", verifier),
        ("submitted", founder),
        ("verified", verifier),
    ]
    html = verifier_client.get(detail_url(enterprise)).content.decode()
    assert "注册地址与营业执照不一致。" in html  # the old reason stays in the history


def test_an_illegal_transition_is_refused_with_a_message(verifier_client):
    enterprise = make_enterprise(verification_status=VerificationStatus.VERIFIED)
    response = verifier_client.post(
        reverse("enterprise_verification:reject", args=(enterprise.pk,)), {"reason": "再看看"}
    )
    assert response.status_code == 302
    assert response.url == detail_url(enterprise)
    page = verifier_client.get(response.url)
    assert any(m.level_tag == "error" for m in page.context["messages"])
    enterprise.refresh_from_db()
    assert enterprise.verification_status == VerificationStatus.VERIFIED
    assert enterprise.verification_events.count() == 0


def test_decisions_are_post_only_and_need_the_csrf_token(verifier):
    enterprise = make_enterprise()
    client = Client(enforce_csrf_checks=True)
    client.force_login(verifier)
    verify_url = reverse("enterprise_verification:verify", args=(enterprise.pk,))
    assert client.get(verify_url).status_code == 405
    assert client.post(verify_url).status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.verification_status == VerificationStatus.PENDING


# --- proofs ------------------------------------------------------------------------------------
def test_a_verifier_downloads_a_proof_as_an_attachment_with_its_name(verifier_client):
    enterprise = make_enterprise()
    qualification = add_qualification(enterprise, name="高新证书 2023.pdf")
    response = verifier_client.get(
        reverse("enterprise_verification:proof", args=(enterprise.pk, qualification.pk))
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert re.search(r"%E9%AB%98%E6%96%B0", disposition)  # 高新, percent-encoded
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_proofs_are_not_public_files(settings):
    enterprise = make_enterprise()
    qualification = add_qualification(enterprise)
    path = qualification.proof.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_a_proof_is_reached_only_through_its_own_company(verifier_client):
    enterprise = make_enterprise()
    other = make_enterprise()
    qualification = add_qualification(enterprise)
    response = verifier_client.get(
        reverse("enterprise_verification:proof", args=(other.pk, qualification.pk))
    )
    assert response.status_code == 404


def test_a_qualification_without_a_proof_has_nothing_to_download(verifier_client):
    enterprise = make_enterprise()
    qualification = Qualification.objects.create(
        enterprise=enterprise,
        type=QualificationType.objects.get(code="hnte"),
        certificate_number="GR0",
        valid_from=datetime.date(2023, 1, 1),
        valid_until=datetime.date(2026, 1, 1),
    )
    response = verifier_client.get(
        reverse("enterprise_verification:proof", args=(enterprise.pk, qualification.pk))
    )
    assert response.status_code == 404
