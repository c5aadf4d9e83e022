"""The enterprise pages: registration, dashboard, profile, qualifications, members, privacy.

These tests read the pages in English (``/en/…``); the Chinese catalogue is tested elsewhere.
"""

import datetime
import json
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from enterprises import services
from enterprises.access import CURRENT_ENTERPRISE_SESSION_KEY
from enterprises.completeness import completeness, missing_facts
from enterprises.models import (
    Area,
    Enterprise,
    Invitation,
    Membership,
    ProfileChange,
    Qualification,
    QualificationType,
    VerificationEvent,
    VerificationStatus,
)
from tests.factories import make_credit_code, make_enterprise, make_member, make_user
from zoneportal.clock import local_today

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def english():
    """Read messages in English: ``reverse`` gives ``/en/…`` paths, served in English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """Proofs go to a temporary private folder (not MEDIA_ROOT) during each test."""
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(Qualification._meta.get_field("proof"), "storage", storage)
    return storage


@pytest.fixture
def owner(db):
    return make_user("owner@test.example", full_name="王小明")


@pytest.fixture
def enterprise(owner):
    return make_enterprise(owner, name="成都云图软件有限公司")


@pytest.fixture
def owner_client(owner):
    """The owner's own browser (a separate client from ``client``)."""
    client = Client()
    client.force_login(owner)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def registration_data(**overrides):
    data = {
        "name": "成都星河智能科技有限公司",
        "credit_code": "91510100MA61R2X84J",
        "legal_representative": "李华",
        "registered_address": "成都高新区天府五街200号",
        "established": "2019-03-15",
        "registered_capital_wan": "1000",
        "industry_code": "I65",
        "area": str(Area.objects.get(code="south").pk),
        "employees": "80",
        "revenue_wan": "3000",
        "rd_expense_wan": "240",
        "business_scope": "软件开发；信息技术咨询服务",
        "credit_standing": "good",
        "contact_name": "李华",
        "contact_phone": "028-12345678",
        "contact_email": "contact@xinghe.example",
    }
    data.update(overrides)
    return data


def profile_data(enterprise, **overrides):
    data = registration_data(
        name=enterprise.name,
        legal_representative=enterprise.legal_representative,
        registered_address=enterprise.registered_address,
        established=enterprise.established.isoformat(),
        industry_code=enterprise.industry_code,
        area=str(enterprise.area_id or ""),
        employees=str(enterprise.employees or ""),
        revenue_wan=str(enterprise.revenue_wan or ""),
        rd_expense_wan=str(enterprise.rd_expense_wan or ""),
        registered_capital_wan="",
        business_scope=enterprise.business_scope,
        credit_standing=enterprise.credit_standing,
        contact_name=enterprise.contact_name,
        contact_phone=enterprise.contact_phone,
        contact_email=enterprise.contact_email,
    )
    data.pop("credit_code")
    data.update(overrides)
    return data


# --- registration -------------------------------------------------------------------------
def test_registration_requires_login(client):
    url = reverse("enterprises:register")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_register_a_company_normalises_the_code_and_makes_it_current(owner_client, owner):
    url = reverse("enterprises:register")
    page = owner_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    # Labels are tied to inputs; help text is linked to the credit code input.
    assert '<label for="id_credit_code">' in html
    assert 'aria-describedby="id_credit_code_helptext"' in html
    assert 'list="industry-code-choices"' in html and '<option value="I65">' in html

    response = owner_client.post(
        url,
        registration_data(credit_code="  9151 0100-ma61r2x84j ", industry_code="i6513"),
    )
    assert response.status_code == 302
    assert response.url == reverse("enterprises:dashboard")
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == "91510100MA61R2X84J"
    assert enterprise.industry_code == "I6513"
    assert enterprise.verification_status == VerificationStatus.PENDING
    assert Membership.objects.get(user=owner, enterprise=enterprise).is_admin
    assert VerificationEvent.objects.filter(
        enterprise=enterprise, action=VerificationEvent.Action.SUBMITTED
    ).exists()
    assert ProfileChange.objects.filter(enterprise=enterprise).count() == 1
    assert owner_client.session[CURRENT_ENTERPRISE_SESSION_KEY] == enterprise.pk
    dashboard = owner_client.get(response.url)
    assert enterprise.name in dashboard.content.decode()


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91510100MA61R2X84", "has 18 characters; this one has 17"),
        ("91510100MA61R2X84JJ", "has 18 characters; this one has 19"),
        ("91510100MA61R2XI4J", "Character 16 (I) is not allowed"),
        ("91510100MA61R2X8O4", "Character 17 (O) is not allowed"),
        ("915101006863458489", "the last character should be"),
    ],
)
def test_a_bad_credit_code_gets_a_precise_message_and_the_input_is_kept(
    owner_client, code, fragment
):
    response = owner_client.post(
        reverse("enterprises:register"), registration_data(credit_code=code)
    )
    assert response.status_code == 200
    form = response.context["form"]
    messages = [str(message) for message in form.errors["credit_code"]]
    assert len(messages) == 1, messages
    assert fragment in messages[0]
    assert set(form.errors) == {"credit_code"}
    html = response.content.decode()
    # The error is linked to the input and listed in the summary; what was typed is kept.
    assert 'id="id_credit_code_error"' in html
    assert 'aria-describedby="id_credit_code_helptext id_credit_code_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_credit_code"' in html
    assert form["name"].value() == "成都星河智能科技有限公司"
    assert form["business_scope"].value() == "软件开发；信息技术咨询服务"
    assert f'value="{code}"' in html
    assert not Enterprise.objects.exists()


def test_the_test_helper_makes_valid_distinct_credit_codes():
    from enterprises.credit_code import is_valid

    codes = {make_credit_code(n) for n in range(0, 5000, 7)}
    assert len(codes) == len(range(0, 5000, 7))
    assert all(is_valid(code) for code in codes)


def test_an_empty_credit_code_says_it_is_required(owner_client):
    response = owner_client.post(reverse("enterprises:register"), registration_data(credit_code=""))
    errors = [str(message) for message in response.context["form"].errors["credit_code"]]
    assert errors == ["This field is required."]


def test_a_duplicate_credit_code_does_not_reveal_the_administrator(owner_client):
    other_admin = make_user("lisi@rival.example", full_name="李四")
    make_enterprise(other_admin, name="已注册公司", credit_code="91510100MA61R2X84J")
    response = owner_client.post(
        reverse("enterprises:register"),
        registration_data(credit_code="91510100ma61r2x84j"),
    )
    assert response.status_code == 200
    errors = [str(message) for message in response.context["form"].errors["credit_code"]]
    assert errors == [
        "This company is already registered in the portal. Ask its administrator to invite "
        "you to join it."
    ]
    html = response.content.decode()
    assert "lisi@rival.example" not in html
    assert "李四" not in html
    assert "已注册公司" not in html
    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"established": "2999-01-01"}, "established", "cannot be in the future"),
        ({"revenue_wan": "-5"}, "revenue_wan", "cannot be negative"),
        ({"rd_expense_wan": "-0.01"}, "rd_expense_wan", "cannot be negative"),
        ({"registered_capital_wan": "-100"}, "registered_capital_wan", "cannot be negative"),
        ({"employees": "-3"}, "employees", "cannot be negative"),
        ({"revenue_wan": "5000000000"}, "revenue_wan", "implausibly large"),
        ({"employees": "3000000"}, "employees", "implausibly large"),
        ({"industry_code": "X99"}, "industry_code", "is not a GB/T 4754 industry code"),
        ({"industry_code": "S95"}, "industry_code", "not under an industry division"),
    ],
)
def test_bad_facts_are_refused_on_their_field(owner_client, overrides, field, fragment):
    response = owner_client.post(reverse("enterprises:register"), registration_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {field}, form.errors
    assert any(fragment in str(message) for message in form.errors[field]), form.errors
    # Everything else typed is still there.
    assert form["credit_code"].value() == "91510100MA61R2X84J"
    assert form["legal_representative"].value() == "李华"
    assert not Enterprise.objects.exists()


def test_rd_above_revenue_is_allowed_with_a_warning(owner_client):
    response = owner_client.post(
        reverse("enterprises:register"),
        registration_data(revenue_wan="100", rd_expense_wan="250"),
        follow=True,
    )
    assert response.status_code == 200
    enterprise = Enterprise.objects.get()
    assert enterprise.rd_expense_wan == Decimal("250")
    html = response.content.decode()
    assert "The R&amp;D expense is higher than the annual revenue" in html
    assert "250.00%" in html


# --- dashboard, completeness, switching ---------------------------------------------------
def test_dashboard_without_a_company_sends_to_registration(client):
    client.force_login(make_user("new@test.example"))
    response = client.get(reverse("enterprises:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("enterprises:register")


def test_dashboard_shows_status_derived_facts_and_completeness(owner_client, enterprise):
    response = owner_client.get(reverse("enterprises:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Awaiting verification" in html
    assert "Small" in html  # I65, 50 employees, revenue 2,000 → small
    assert "7.50%" in html  # 150 / 2000
    assert "years" in html
    # No qualification yet: the only missing fact, with a link to add one.
    assert "87% complete: 7 of the 8 facts" in html
    assert reverse("enterprises:qualification_add", args=(enterprise.pk,)) in html
    assert reverse("enterprises:export", args=(enterprise.pk,)) in html
    assert reverse("enterprises:delete_account") in html


def test_dashboard_lists_missing_facts_with_links_to_fill_them_in(client):
    user = make_user("sparse@test.example")
    enterprise = make_enterprise(
        user,
        industry_code="",
        area=None,
        employees=None,
        revenue_wan=None,
        rd_expense_wan=None,
        credit_standing="unknown",
    )
    client.force_login(user)
    html = client.get(reverse("enterprises:dashboard")).content.decode()
    edit = reverse("enterprises:edit", args=(enterprise.pk,))
    for field in ("industry_code", "area", "employees", "revenue_wan", "rd_expense_wan"):
        assert f"{edit}#id_{field}" in html
    assert f"{edit}#id_credit_standing" in html
    assert "12% complete: 1 of the 8 facts" in html
    assert "Unknown: needs the industry" in html


def test_completeness_lists_exactly_the_missing_facts(owner):
    enterprise = make_enterprise(owner, area=None, rd_expense_wan=None, credit_standing="unknown")
    keys = [fact.key for fact in missing_facts(enterprise)]
    assert keys == ["area", "rd_expense", "credit_standing", "qualifications"]
    result = completeness(enterprise)
    assert result.total == 8
    assert result.percent == 50
    assert not result.complete

    hnte = QualificationType.objects.get(code="hnte")
    today = local_today()
    # An expired qualification does not count.
    Qualification.objects.create(
        enterprise=enterprise,
        type=hnte,
        certificate_number="GR201951000001",
        valid_from=today - datetime.timedelta(days=3 * 365),
        valid_until=today - datetime.timedelta(days=1),
    )
    assert "qualifications" in [fact.key for fact in missing_facts(enterprise)]
    Qualification.objects.create(
        enterprise=enterprise,
        type=hnte,
        certificate_number="GR202251000002",
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today,  # valid through today, Asia/Shanghai
    )
    services.update_profile(
        enterprise, owner, area=Area.objects.get(code="west"), rd_expense_wan=Decimal("10")
    )
    enterprise.refresh_from_db()
    enterprise.credit_standing = "record"  # a stated record counts as a known fact
    result = completeness(enterprise)
    assert result.missing == ()
    assert result.percent == 100 and result.complete


def test_a_person_in_two_companies_switches_between_them(client):
    accountant = make_user("accountant@test.example")
    first = make_enterprise(accountant, name="Alpha 公司")
    second = make_enterprise(make_user("boss@test.example"), name="Beta 公司")
    make_member_of(second, accountant)
    stranger = make_enterprise(make_user("other@test.example"), name="Gamma 公司")
    client.force_login(accountant)

    html = client.get(reverse("enterprises:dashboard")).content.decode()
    assert 'id="switch-enterprise"' in html
    assert "Alpha 公司" in html and "Beta 公司" in html and "Gamma 公司" not in html

    response = client.post(reverse("enterprises:switch"), {"enterprise": second.pk})
    assert response.status_code == 302
    assert client.session[CURRENT_ENTERPRISE_SESSION_KEY] == second.pk
    response = client.get(reverse("enterprises:dashboard"))
    assert response.context["enterprise"] == second
    assert not response.context["is_admin"]

    # Another company's id is a 404 and changes nothing.
    assert (
        client.post(reverse("enterprises:switch"), {"enterprise": stranger.pk}).status_code == 404
    )
    assert client.post(reverse("enterprises:switch"), {"enterprise": "x"}).status_code == 404
    assert client.session[CURRENT_ENTERPRISE_SESSION_KEY] == second.pk
    client.post(reverse("enterprises:switch"), {"enterprise": first.pk})
    assert client.get(reverse("enterprises:dashboard")).context["enterprise"] == first


def make_member_of(enterprise, user, role=Membership.Role.MEMBER):
    return Membership.objects.create(user=user, enterprise=enterprise, role=role)


def test_returned_registration_shows_the_reason_and_can_be_resubmitted(
    owner_client, owner, enterprise
):
    staff = make_user("verifier@test.example", is_staff=True)
    services.reject_enterprise(enterprise, by=staff, reason="营业执照照片不清晰")
    html = owner_client.get(reverse("enterprises:dashboard")).content.decode()
    assert "Returned for correction" in html
    assert "营业执照照片不清晰" in html
    resubmit = reverse("enterprises:resubmit", args=(enterprise.pk,))
    assert resubmit in html

    response = owner_client.post(resubmit, follow=True)
    assert "sent to the zone for verification again" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.verification_status == VerificationStatus.PENDING
    assert enterprise.verification_events.first().action == VerificationEvent.Action.SUBMITTED

    # A second resubmission is refused with the service's message, not a 500.
    response = owner_client.post(resubmit, follow=True)
    assert response.status_code == 200
    assert "Only a registration returned for correction" in response.content.decode()


# --- profile and history ------------------------------------------------------------------
def test_admin_edits_the_profile_and_the_history_records_it(owner_client, owner, enterprise):
    url = reverse("enterprises:edit", args=(enterprise.pk,))
    page = owner_client.get(url)
    assert page.status_code == 200
    assert "id_credit_code" not in page.content.decode()  # fixed after registration

    response = owner_client.post(
        url,
        profile_data(enterprise, employees="120", credit_code="91350100M000100Y43"),
        follow=True,
    )
    assert response.status_code == 200
    assert "The profile has been saved." in messages_of(response) or "saved" in (
        response.content.decode()
    )
    enterprise.refresh_from_db()
    assert enterprise.employees == 120
    assert enterprise.credit_code != "91350100M000100Y43"
    change = ProfileChange.objects.filter(enterprise=enterprise).first()
    assert change.user == owner
    assert change.changes["employees"] == [50, 120]
    assert enterprise.verification_status == VerificationStatus.PENDING  # unchanged

    history = owner_client.get(reverse("enterprises:history", args=(enterprise.pk,)))
    html = history.content.decode()
    assert "Profile updated: 1 fact" in html
    assert "Employees: <del>50</del> → <ins>120</ins>" in html.replace("</span>", "")
    assert "王小明" in html
    assert "Submitted for verification" in html


def test_changing_an_identity_fact_of_a_verified_company_reopens_verification(
    owner_client, enterprise
):
    staff = make_user("verifier@test.example", is_staff=True)
    services.verify_enterprise(enterprise, by=staff)
    url = reverse("enterprises:edit", args=(enterprise.pk,))
    assert "verification again" in owner_client.get(url).content.decode()
    response = owner_client.post(
        url, profile_data(enterprise, name="成都云图数字科技有限公司"), follow=True
    )
    assert any("verify the company again" in message for message in messages_of(response))
    enterprise.refresh_from_db()
    assert enterprise.name == "成都云图数字科技有限公司"
    assert enterprise.verification_status == VerificationStatus.PENDING
    assert enterprise.verified_at is None
    event = enterprise.verification_events.first()
    assert event.action == VerificationEvent.Action.SUBMITTED and "name" in event.reason
    history = owner_client.get(reverse("enterprises:history", args=(enterprise.pk,)))
    assert "zone staff" in history.content.decode()  # the verifier is not named


def test_bad_profile_edit_keeps_the_input_and_the_page_title(owner_client, enterprise):
    url = reverse("enterprises:edit", args=(enterprise.pk,))
    response = owner_client.post(
        url, profile_data(enterprise, name="新名字", established="2999-12-31")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "established" in form.errors
    assert form["name"].value() == "新名字"
    assert response.context["enterprise"].name == "成都云图软件有限公司"
    enterprise.refresh_from_db()
    assert enterprise.name == "成都云图软件有限公司"


def test_a_member_sees_the_profile_read_only(client, enterprise):
    member = make_member(enterprise, "member@test.example")
    client.force_login(member)
    detail = client.get(reverse("enterprises:detail", args=(enterprise.pk,)))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert enterprise.credit_code in html
    assert reverse("enterprises:edit", args=(enterprise.pk,)) not in html

    url = reverse("enterprises:edit", args=(enterprise.pk,))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("enterprises:detail", args=(enterprise.pk,))
    client.post(url, profile_data(enterprise, name="篡改"))
    enterprise.refresh_from_db()
    assert enterprise.name == "成都云图软件有限公司"


# --- qualifications -----------------------------------------------------------------------
def qualification_data(proof=None, **overrides):
    data = {
        "type": str(QualificationType.objects.get(code="hnte").pk),
        "certificate_number": "GR202351000123",
        "valid_from": "2023-10-16",
        "valid_until": "2026-10-15",
    }
    if proof is not None:
        data["proof"] = proof
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("高新技术企业证书.pdf", PDF_BYTES, "application/pdf"),
        ("certificate.JPG", JPEG_BYTES, "image/jpeg"),
        ("scan.jpeg", JPEG_BYTES, "image/jpeg"),
        ("scan.png", PNG_BYTES, "image/png"),
    ],
)
def test_a_qualification_with_a_valid_proof_is_added(
    owner_client, owner, enterprise, private_storage, name, content, content_type
):
    url = reverse("enterprises:qualification_add", args=(enterprise.pk,))
    response = owner_client.post(
        url, qualification_data(SimpleUploadedFile(name, content, "application/octet-stream"))
    )
    assert response.status_code == 302, response.context["form"].errors
    qualification = Qualification.objects.get()
    assert qualification.enterprise == enterprise
    assert qualification.proof_name == name
    assert qualification.proof_content_type == content_type
    # Stored privately under a random name, with the bytes intact.
    assert qualification.proof.storage is private_storage
    assert name not in qualification.proof.name
    with private_storage.open(qualification.proof.name, "rb") as handle:
        assert handle.read() == content
    change = ProfileChange.objects.filter(enterprise=enterprise).first()
    assert change.user == owner and "Added the qualification" in change.summary


@pytest.mark.parametrize(
    ("name", "content", "size", "fragment"),
    [
        ("certificate.pdf", PNG_BYTES, None, "its content is PNG"),
        ("certificate.pdf", b"This is plain text, not a PDF.\n", None, "not a PDF, JPEG, PNG"),
        ("certificate.exe", b"MZ\x90\x00" + b"\x00" * 32, None, "not a PDF, JPEG, PNG"),
        ("big.pdf", None, 10 * 1024 * 1024 + 1, "the limit is 10.0\xa0MB"),
        ("empty.pdf", b"", None, "empty"),
    ],
)
def test_a_bad_proof_is_refused_with_a_precise_message(
    owner_client, enterprise, name, content, size, fragment
):
    if content is None:
        content = b"%PDF-1.4\n" + b"0" * (size - 9)
    url = reverse("enterprises:qualification_add", args=(enterprise.pk,))
    response = owner_client.post(url, qualification_data(SimpleUploadedFile(name, content)))
    assert response.status_code == 200
    form = response.context["form"]
    messages = [str(message) for message in form.errors["proof"]]
    assert any(fragment in message for message in messages), messages
    assert any("select the file again" in message for message in messages), messages
    assert form["certificate_number"].value() == "GR202351000123"
    assert not Qualification.objects.exists()
    html = response.content.decode()
    assert 'id="id_proof_error"' in html


def test_a_form_error_elsewhere_asks_to_reselect_the_file(owner_client, enterprise):
    url = reverse("enterprises:qualification_add", args=(enterprise.pk,))
    response = owner_client.post(
        url,
        qualification_data(
            SimpleUploadedFile("ok.pdf", PDF_BYTES),
            valid_from="2024-01-01",
            valid_until="2023-01-01",
        ),
    )
    form = response.context["form"]
    assert "cannot be before its start" in str(form.errors["valid_until"])
    assert "select the file again" in str(form.errors["proof"])
    # Without a file there is nothing to reselect; the proof is required when adding.
    response = owner_client.post(url, qualification_data())
    assert [str(m) for m in response.context["form"].errors["proof"]] == ["This field is required."]


def add_qualification(enterprise, *, valid_until, name="证书.pdf", content=PDF_BYTES, **fields):
    from enterprises.forms import QualificationForm

    form = QualificationForm(
        {
            "type": QualificationType.objects.get(code=fields.pop("type", "hnte")).pk,
            "certificate_number": fields.pop("certificate_number", "GR0001"),
            "valid_from": fields.pop("valid_from", "2020-01-01"),
            "valid_until": valid_until,
        },
        {"proof": SimpleUploadedFile(name, content)},
        instance=Qualification(enterprise=enterprise),
    )
    assert form.is_valid(), form.errors
    return form.save()


def test_a_member_downloads_a_proof_with_its_chinese_name(client, enterprise):
    qualification = add_qualification(
        enterprise, valid_until="2030-01-01", name="高新技术企业证书 2023.pdf"
    )
    member = make_member(enterprise, "member@test.example")
    client.force_login(member)
    response = client.get(
        reverse("enterprises:qualification_proof", args=(enterprise.pk, qualification.pk))
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("高新技术企业证书 2023.pdf")
    )
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_expired_and_valid_qualifications_are_marked(owner_client, enterprise):
    today = local_today()
    add_qualification(
        enterprise,
        certificate_number="OLD-1",
        valid_from=(today - datetime.timedelta(days=1200)).isoformat(),
        valid_until=(today - datetime.timedelta(days=1)).isoformat(),
    )
    add_qualification(
        enterprise,
        type="gazelle",
        certificate_number="NEW-2",
        valid_from=(today - datetime.timedelta(days=10)).isoformat(),
        valid_until=today.isoformat(),
    )
    html = owner_client.get(
        reverse("enterprises:qualifications", args=(enterprise.pk,))
    ).content.decode()
    old_row = html[html.index("OLD-1") :].split("</tr>")[0]
    new_row = html[html.index("NEW-2") :].split("</tr>")[0]
    assert "Expired" in old_row and "tag--active" not in old_row
    assert "tag--active" in new_row
    dashboard = owner_client.get(reverse("enterprises:dashboard")).content.decode()
    assert "Gazelle enterprise" in dashboard  # counted as valid today
    assert list(enterprise.valid_qualifications()) == [
        Qualification.objects.get(certificate_number="NEW-2")
    ]


def test_edit_and_remove_a_qualification(
    owner_client, enterprise, private_storage, django_capture_on_commit_callbacks
):
    qualification = add_qualification(enterprise, valid_until="2030-01-01")
    old_name = qualification.proof.name
    url = reverse("enterprises:qualification_edit", args=(enterprise.pk, qualification.pk))
    assert "Leave empty to keep the current proof" in owner_client.get(url).content.decode()
    # Editing without a new file keeps the proof.
    response = owner_client.post(url, qualification_data(certificate_number="GR-NEW"))
    assert response.status_code == 302
    qualification.refresh_from_db()
    assert qualification.certificate_number == "GR-NEW"
    assert qualification.proof.name == old_name
    # A new file replaces the old one, which is deleted once the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            url,
            qualification_data(
                SimpleUploadedFile("new.png", PNG_BYTES), certificate_number="GR-NEW"
            ),
        )
    qualification.refresh_from_db()
    assert qualification.proof_content_type == "image/png"
    assert not private_storage.exists(old_name)
    change = ProfileChange.objects.filter(enterprise=enterprise).first()
    assert "Changed the qualification" in change.summary and "proof" in change.changes

    delete_url = reverse("enterprises:qualification_delete", args=(enterprise.pk, qualification.pk))
    assert "Remove the qualification?" in owner_client.get(delete_url).content.decode()
    current = qualification.proof.name
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(delete_url)
    assert response.status_code == 302
    assert not Qualification.objects.exists()
    assert not private_storage.exists(current)
    assert (
        "Removed the qualification"
        in ProfileChange.objects.filter(enterprise=enterprise).first().summary
    )


def test_members_cannot_change_qualifications(client, enterprise):
    qualification = add_qualification(enterprise, valid_until="2030-01-01")
    client.force_login(make_member(enterprise, "member@test.example"))
    listing = client.get(reverse("enterprises:qualifications", args=(enterprise.pk,)))
    assert reverse("enterprises:qualification_add", args=(enterprise.pk,)) not in (
        listing.content.decode()
    )
    for name in ("qualification_edit", "qualification_delete"):
        response = client.post(
            reverse(f"enterprises:{name}", args=(enterprise.pk, qualification.pk))
        )
        assert response.status_code == 302
    response = client.post(
        reverse("enterprises:qualification_add", args=(enterprise.pk,)),
        qualification_data(SimpleUploadedFile("x.pdf", PDF_BYTES)),
    )
    assert response.status_code == 302
    assert Qualification.objects.count() == 1


# --- members and invitations --------------------------------------------------------------
def invite_by_page(client, enterprise, email, role="member", capture=None):
    with capture(execute=True):
        response = client.post(
            reverse("enterprises:members", args=(enterprise.pk,)), {"email": email, "role": role}
        )
    return response


def invitation_path_from(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S*?enterprise/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_invite_by_email_and_accept_as_the_invited_person(
    owner_client, client, enterprise, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    response = invite_by_page(
        owner_client,
        enterprise,
        "Colleague@Test.example",
        "admin",
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["colleague@test.example"]
    assert enterprise.name in message.subject
    path = invitation_path_from(message)
    members_page = owner_client.get(reverse("enterprises:members", args=(enterprise.pk,)))
    assert "colleague@test.example" in members_page.content.decode()

    # Not logged in: sent to the login page, coming back afterwards.
    anonymous = Client()
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url

    colleague = make_user("colleague@test.example", full_name="赵六")
    anonymous.force_login(colleague)
    page = anonymous.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert enterprise.name in html and "王小明" in html
    response = anonymous.post(path)
    assert response.status_code == 302
    assert response.url == reverse("enterprises:dashboard")
    membership = Membership.objects.get(user=colleague, enterprise=enterprise)
    assert membership.role == Membership.Role.ADMIN
    assert anonymous.session[CURRENT_ENTERPRISE_SESSION_KEY] == enterprise.pk

    # Single use: the same link again is refused with a page saying why.
    again = anonymous.get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_expired_withdrawn_unknown_and_wrong_account_invitations(
    owner_client, client, owner, enterprise, django_capture_on_commit_callbacks
):
    invitee = make_user("invitee@test.example")
    client.force_login(invitee)

    _invitation, token = services.invite(enterprise, by=owner, email="invitee@test.example")
    Invitation.objects.filter(email="invitee@test.example").update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    url = reverse("enterprises:accept_invitation", args=(token,))
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()

    invitation, token = services.invite(enterprise, by=owner, email="invitee@test.example")
    withdraw = reverse("enterprises:invitation_withdraw", args=(enterprise.pk, invitation.pk))
    owner_client.post(withdraw)
    response = client.post(reverse("enterprises:accept_invitation", args=(token,)))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()

    response = client.get(reverse("enterprises:accept_invitation", args=("not-a-token",)))
    assert response.status_code == 410
    assert "This invitation link is not valid" in response.content.decode()

    _invitation, token = services.invite(enterprise, by=owner, email="someone-else@test.example")
    url = reverse("enterprises:accept_invitation", args=(token,))
    response = client.post(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "sent to another e-mail address" in html
    assert "Log out and sign in with another account" in html
    assert not Membership.objects.filter(user=invitee).exists()
    # The invitation is still open for the right person.
    assert Invitation.objects.get(email="someone-else@test.example").is_open


def test_inviting_an_existing_member_is_a_form_error(
    owner_client, enterprise, django_capture_on_commit_callbacks
):
    make_member(enterprise, "member@test.example")
    response = invite_by_page(
        owner_client, enterprise, "member@test.example", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert "already a member" in str(response.context["form"].errors["email"])


def test_members_cannot_invite(client, enterprise, django_capture_on_commit_callbacks):
    client.force_login(make_member(enterprise, "member@test.example"))
    page = client.get(reverse("enterprises:members", args=(enterprise.pk,)))
    assert "Invite a colleague" not in page.content.decode()
    response = invite_by_page(
        client, enterprise, "x@test.example", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert not Invitation.objects.exists()


def test_roles_last_admin_transfer_remove_and_leave(owner_client, client, owner, enterprise):
    member_user = make_member(enterprise, "member@test.example")
    mine = Membership.objects.get(user=owner, enterprise=enterprise)
    theirs = Membership.objects.get(user=member_user, enterprise=enterprise)
    members_url = reverse("enterprises:members", args=(enterprise.pk,))

    # The only administrator cannot step down or leave.
    response = owner_client.post(
        reverse("enterprises:member_role", args=(enterprise.pk, mine.pk)),
        {"role": "member"},
        follow=True,
    )
    assert "at least one administrator" in response.content.decode()
    mine.refresh_from_db()
    assert mine.is_admin
    response = owner_client.post(reverse("enterprises:leave", args=(enterprise.pk,)), follow=True)
    assert "The last administrator cannot leave" in response.content.decode()
    assert Membership.objects.filter(pk=mine.pk).exists()

    # Role change: member → admin → member.
    owner_client.post(
        reverse("enterprises:member_role", args=(enterprise.pk, theirs.pk)), {"role": "admin"}
    )
    theirs.refresh_from_db()
    assert theirs.is_admin
    response = owner_client.post(
        reverse("enterprises:member_role", args=(enterprise.pk, theirs.pk)), {"role": "boss"}
    )
    assert response.status_code == 302
    owner_client.post(
        reverse("enterprises:member_role", args=(enterprise.pk, theirs.pk)), {"role": "member"}
    )
    theirs.refresh_from_db()
    assert not theirs.is_admin

    # Transfer: the other person becomes administrator, the owner a member.
    transfer = reverse("enterprises:member_transfer", args=(enterprise.pk, theirs.pk))
    assert "Transfer the administration?" in owner_client.get(transfer).content.decode()
    response = owner_client.post(transfer)
    assert response.url == members_url
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert theirs.is_admin and not mine.is_admin
    # Now a member, the former owner can no longer manage members.
    response = owner_client.post(
        reverse("enterprises:member_remove", args=(enterprise.pk, theirs.pk))
    )
    assert response.status_code == 302
    assert Membership.objects.filter(pk=theirs.pk).exists()

    # The new administrator removes the former owner.
    client.force_login(member_user)
    remove = reverse("enterprises:member_remove", args=(enterprise.pk, mine.pk))
    assert "Remove a member?" in client.get(remove).content.decode()
    client.post(remove)
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert owner_client.get(members_url).status_code == 404  # no longer theirs
    summaries = list(
        ProfileChange.objects.filter(enterprise=enterprise).values_list("summary", flat=True)
    )
    assert any("Transferred administration" in s for s in summaries)
    assert any("Removed owner@test.example" in s for s in summaries)


def test_a_member_leaves(client, enterprise):
    member_user = make_member(enterprise, "member@test.example")
    client.force_login(member_user)
    leave = reverse("enterprises:leave", args=(enterprise.pk,))
    assert "Leave the company?" in client.get(leave).content.decode()
    response = client.post(leave)
    assert response.status_code == 302
    assert not Membership.objects.filter(user=member_user).exists()
    assert client.get(reverse("enterprises:detail", args=(enterprise.pk,))).status_code == 404


# --- privacy ------------------------------------------------------------------------------
def test_admin_exports_the_company_data_as_json(owner_client, owner, enterprise):
    add_qualification(enterprise, valid_until="2030-01-01", name="证书.pdf")
    make_member(enterprise, "member@test.example")
    response = owner_client.get(reverse("enterprises:export", args=(enterprise.pk,)))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert quote("成都云图软件有限公司") in disposition
    body = response.content.decode("utf-8")
    assert "成都云图软件有限公司" in body  # ensure_ascii=False: readable Chinese
    data = json.loads(body)
    assert data["enterprise"]["credit_code"] == enterprise.credit_code
    assert data["enterprise"]["area"] == "south"
    assert data["derived"]["size"] == "small"
    assert {m["email"] for m in data["members"]} == {"owner@test.example", "member@test.example"}
    assert data["qualifications"][0]["proof_file"] == "证书.pdf"
    assert data["verification_history"][0]["action"] == "submitted"
    assert data["profile_history"]


def test_members_cannot_export(client, enterprise):
    client.force_login(make_member(enterprise, "member@test.example"))
    response = client.get(reverse("enterprises:export", args=(enterprise.pk,)))
    assert response.status_code == 302
    assert response["Content-Type"].startswith("text/html")


def test_delete_account_keeps_the_company_and_hands_over_administration(
    owner_client, owner, enterprise
):
    member_user = make_member(enterprise, "member@test.example")
    second = make_enterprise(owner, name="只有我一个人的公司")
    url = reverse("enterprises:delete_account")
    page = owner_client.get(url)
    assert page.status_code == 200
    assert "只有我一个人的公司" in page.content.decode()

    response = owner_client.post(url, {"email": "someone@else.example"})
    assert response.status_code == 200
    assert "not the e-mail address of your account" in str(response.context["form"].errors)
    assert Enterprise.objects.count() == 2

    response = owner_client.post(url, {"email": "OWNER@test.example"}, follow=True)
    assert response.status_code == 200
    assert "Your account and personal data have been deleted" in response.content.decode()
    assert not type(owner).objects.filter(email="owner@test.example").exists()
    assert not Membership.objects.filter(user_id=owner.pk).exists()
    # The companies and their history remain; the remaining member now administers the first.
    assert Enterprise.objects.count() == 2
    assert Membership.objects.get(user=member_user, enterprise=enterprise).is_admin
    assert ProfileChange.objects.filter(enterprise=enterprise).count() >= 2
    assert ProfileChange.objects.filter(enterprise=second).exists()
    assert ProfileChange.objects.filter(user_id=owner.pk).count() == 0
    # Logged out.
    assert owner_client.get(reverse("enterprises:dashboard")).status_code == 302


def test_header_links_to_my_company_when_logged_in(owner_client, enterprise):
    html = owner_client.get(reverse("enterprises:detail", args=(enterprise.pk,))).content.decode()
    assert f'href="{reverse("enterprises:dashboard")}"' in html
    assert ">My company<" in html


def test_pages_render_in_chinese(client, owner, enterprise):
    client.force_login(owner)
    with translation.override("zh-hans"):
        for name, args in (
            ("enterprises:dashboard", ()),
            ("enterprises:detail", (enterprise.pk,)),
            ("enterprises:edit", (enterprise.pk,)),
            ("enterprises:qualifications", (enterprise.pk,)),
            ("enterprises:qualification_add", (enterprise.pk,)),
            ("enterprises:members", (enterprise.pk,)),
            ("enterprises:history", (enterprise.pk,)),
            ("enterprises:register", ()),
            ("enterprises:delete_account", ()),
        ):
            url = reverse(name, args=args)
            assert not url.startswith("/en/")
            response = client.get(url)
            assert response.status_code == 200, url
            assert '<html lang="zh-CN">' in response.content.decode()
