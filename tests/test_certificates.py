"""Certificates end to end: issue on approval (once), downloads (who may, and the record),
the public check (valid, revoked, unknown, malformed, forged signature, uploads, rate limit),
revocation and re-issue with notifications."""

import hashlib
import subprocess
import uuid
from decimal import Decimal
from urllib.parse import unquote, urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import services
from certificates import issue
from certificates.models import Certificate, CertificateDownload
from notifications.models import Notification
from tests.factories import (
    make_application,
    make_member,
    make_policy,
    make_programme,
    make_reviewer,
    make_user,
    make_verified_enterprise,
)

pytestmark = pytest.mark.django_db


def client_from(ip=None) -> Client:
    """A client with its own address: the rate limit counts per IP in the shared cache."""
    return Client(REMOTE_ADDR=ip or f"10.77.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")


def approve(application, reviewer, amount=Decimal("250000.00")):
    services.transition(application, "accept", by=reviewer)
    return services.transition(application, "approve", by=reviewer, amount=amount).application


@pytest.fixture
def reviewer(db):
    return make_reviewer()


@pytest.fixture
def policy(db):
    """A policy without criteria (any verified company may apply), with a document number."""
    return make_policy(
        title="成都高新区支持企业加大研发投入的若干政策",
        title_en="Measures to support enterprise R&D investment",
        criteria={},
    )


@pytest.fixture
def approved(db, policy, reviewer, django_capture_on_commit_callbacks):
    """An approved application of company A; its certificate issued by the on-commit task."""
    enterprise = make_verified_enterprise(name="成都蓉芯微电子科技有限公司")
    application = make_application(enterprise, make_programme(policy), submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        application = approve(application, reviewer)
    return application


@pytest.fixture
def certificate(approved):
    return Certificate.objects.get(application=approved)


# --- Issue ------------------------------------------------------------------------------------
def test_approval_issues_one_signed_certificate(certificate, approved):
    printed = certificate.printed()
    assert printed.enterprise_name == "成都蓉芯微电子科技有限公司"
    assert printed.credit_code == approved.enterprise.credit_code
    assert printed.amount == Decimal("250000.00")
    assert printed.amount_capitals == "贰拾伍万元整"
    assert printed.policy_title == approved.policy.title
    assert printed.department == approved.policy.department.name
    assert printed.verify(certificate.signature)
    data = certificate.pdf.open("rb").read()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == certificate.sha256
    assert certificate.size == len(data)
    # Private storage: never under MEDIA_ROOT.
    from django.conf import settings

    assert str(settings.PRIVATE_MEDIA_ROOT) in certificate.pdf.path
    assert str(settings.MEDIA_ROOT) not in certificate.pdf.path


def test_issuing_again_returns_the_same_certificate(certificate, approved):
    again = issue.issue_for_application(approved.pk)
    assert again.pk == certificate.pk
    from certificates import tasks

    assert tasks.issue(approved.pk) == certificate.number
    assert Certificate.objects.filter(application=approved).count() == 1


def test_a_revoked_certificate_is_not_silently_replaced(certificate, approved, reviewer):
    issue.revoke(certificate, by=reviewer, reason="误发")
    assert issue.issue_for_application(approved.pk).pk == certificate.pk
    assert Certificate.objects.filter(application=approved).count() == 1


def test_no_certificate_before_approval(policy):
    application = make_application(programme=make_programme(policy), submit=True)
    assert issue.issue_for_application(application.pk) is None
    assert issue.issue_for_application(10**9) is None
    assert not Certificate.objects.exists()


def test_the_database_refuses_a_second_valid_certificate(certificate):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            application=certificate.application,
            number="CDHT-2026-000000000000",
            content=certificate.content,
            signature=certificate.signature,
            sha256="0" * 64,
            size=1,
            pdf="x.pdf",
        )


# --- Downloads and the access matrix ----------------------------------------------------------
def download_url(certificate):
    return reverse("certificates:download", args=[certificate.number])


def test_members_download_with_a_chinese_file_name_and_are_recorded(certificate, approved):
    member = make_member(approved.enterprise)
    client = Client()
    client.force_login(member)
    response = client.get(download_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == certificate.sha256
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f'filename="{certificate.number}.pdf"' in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == f"资助确认书-成都蓉芯微电子科技有限公司-{certificate.number}.pdf"
    record = CertificateDownload.objects.get()
    assert record.user == member and record.certificate == certificate and not record.as_staff


def test_reviewers_download_as_staff(certificate, reviewer):
    client = Client()
    client.force_login(reviewer)
    assert client.get(download_url(certificate)).status_code == 200
    assert CertificateDownload.objects.get().as_staff


@pytest.mark.parametrize("who", ["other_company", "staff_not_reviewer", "plain_user"])
def test_nobody_else_gets_the_certificate(certificate, who):
    if who == "other_company":
        other = make_verified_enterprise()
        user = other.memberships.get().user
    elif who == "staff_not_reviewer":
        user = make_user(f"staff-{uuid.uuid4().hex[:6]}@zone.example", is_staff=True)
    else:
        user = make_user(f"user-{uuid.uuid4().hex[:6]}@test.example")
    client = Client()
    client.force_login(user)
    assert client.get(download_url(certificate)).status_code == 404
    listing = client.get(reverse("certificates:mine"))
    assert certificate.number not in listing.content.decode()
    assert not CertificateDownload.objects.exists()


def test_anonymous_is_sent_to_log_in(certificate):
    response = Client().get(download_url(certificate))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not CertificateDownload.objects.exists()


def test_malformed_or_unknown_download_numbers_are_404(certificate, approved):
    client = Client()
    client.force_login(approved.enterprise.memberships.first().user)
    for number in ("nonsense", "CDHT-2026-000000000000", "../../etc/passwd"):
        assert client.get(f"/enterprise/certificates/{number}.pdf").status_code == 404


def test_my_certificates_lists_only_my_companies(certificate, approved, policy, reviewer):
    other = make_verified_enterprise(name="成都另一家科技有限公司")
    other_application = make_application(other, make_programme(policy), submit=True)
    approve(other_application, reviewer)
    issue.issue_for_application(other_application.pk)
    client = Client()
    client.force_login(approved.enterprise.memberships.first().user)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert certificate.number in page
    assert "成都另一家科技有限公司" not in page
    assert Certificate.objects.count() == 2


# --- The public check -------------------------------------------------------------------------
def verify_path(certificate, signature=None):
    path = reverse("certificates:verify", args=[certificate.number])
    return path if signature is None else f"{path}?s={signature}"


def test_the_qr_code_leads_to_a_page_that_says_valid(certificate, tmp_path):
    path = tmp_path / "c.pdf"
    path.write_bytes(certificate.pdf.open("rb").read())
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    url = (
        subprocess.run(
            ["zbarimg", "--raw", "-q", str(tmp_path / "p.png")],
            capture_output=True,
            check=False,
            timeout=60,
        )
        .stdout.decode()
        .strip()
    )
    parts = urlsplit(url)
    assert parts.path == f"/verify/{certificate.number}"
    response = client_from().get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="valid"' in html
    assert 'data-signature="valid"' in html
    assert "成都蓉芯微电子科技有限公司" in html
    assert "贰拾伍万元整" in html


def test_a_changed_signature_says_invalid(certificate):
    forged = ("A" if certificate.signature[0] != "A" else "B") + certificate.signature[1:]
    for signature in (forged, "short", "<script>", ""):
        response = client_from().get(verify_path(certificate, signature))
        assert response.status_code == 200
        assert 'data-signature="invalid"' in response.content.decode()


def test_the_page_shows_only_what_the_certificate_shows(certificate, approved):
    approved.enterprise.legal_representative = "李秘密"
    approved.enterprise.save()
    html = client_from().get(verify_path(certificate)).content.decode()
    assert "李秘密" not in html
    assert approved.contact_phone not in html
    assert approved.project_title not in html


def test_revocation_shows_on_the_page(certificate, reviewer):
    issue.revoke(certificate, by=reviewer, reason="企业存在虚报情形，撤销资助")
    response = client_from().get(verify_path(certificate, certificate.signature))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="revoked"' in html
    assert "企业存在虚报情形，撤销资助" in html


def test_unknown_and_malformed_numbers_are_clear_404s(db):
    client = client_from()
    response = client.get("/verify/CDHT-2026-000000000000")
    assert response.status_code == 404
    assert 'data-state="unknown"' in response.content.decode()
    for bad in ("nonsense", "CDHT-2026-", "CDHT-20X6-000000000000", "%E4%B8%AD" * 30, "'--"):
        response = client.get(f"/verify/{bad}")
        assert response.status_code == 404, bad
        assert 'data-state="malformed"' in response.content.decode()


def test_numbers_are_read_as_typed_and_in_english(certificate):
    typed = certificate.number.lower()
    assert client_from().get(f"/verify/{typed}").status_code == 200
    response = client_from().get(f"/en/verify/{certificate.number}")
    assert response.status_code == 200
    assert 'data-state="valid"' in response.content.decode()
    form = client_from().get("/verify/", {"number": f"  {typed} "})
    assert form.status_code == 302
    assert form["Location"].endswith(f"/verify/{certificate.number}")


def test_uploading_the_issued_pdf_confirms_it(certificate):
    data = certificate.pdf.open("rb").read()
    response = client_from().post(
        "/verify/", {"file": SimpleUploadedFile("证书.pdf", data, "application/pdf")}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="valid"' in html
    assert certificate.number in html


@pytest.mark.parametrize(
    ("name", "body", "status", "marker"),
    [
        ("changed.pdf", None, 200, 'data-state="unknown-file"'),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, 400, 'data-error="upload"'),
        ("empty.pdf", b"", 400, 'data-error="upload"'),
        ("huge.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024), 400, 'data-error="upload"'),
    ],
)
def test_bad_uploads_get_a_clear_answer(certificate, name, body, status, marker):
    if body is None:  # one byte changed
        data = bytearray(certificate.pdf.open("rb").read())
        data[-10] ^= 1
        body = bytes(data)
    response = client_from().post(
        "/verify/", {"file": SimpleUploadedFile(name, body, "application/pdf")}
    )
    assert response.status_code == status
    assert marker in response.content.decode()


def test_no_file_at_all(db):
    response = client_from().post("/verify/", {})
    assert response.status_code == 400


def test_lookups_are_rate_limited_per_ip(certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE = (3, 60)
    client = client_from()
    for _ in range(3):
        assert client.get(verify_path(certificate)).status_code == 200
    response = client.get(verify_path(certificate))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert client.get("/verify/CDHT-2026-000000000000").status_code == 429
    # Another address is not affected.
    assert client_from().get(verify_path(certificate)).status_code == 200


# --- Revocation and re-issue ------------------------------------------------------------------
def test_reissue_gives_a_new_number_pointing_to_the_old_and_tells_members(
    certificate, approved, reviewer, django_capture_on_commit_callbacks
):
    member = make_member(approved.enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        new = issue.reissue(certificate, by=reviewer, reason="企业名称变更")
    certificate.refresh_from_db()
    assert new.number != certificate.number
    assert new.replaces == certificate
    assert certificate.is_revoked and certificate.revoked_by == reviewer
    assert certificate.revoked_reason == "企业名称变更"
    assert not new.is_revoked
    assert new.printed().verify(new.signature)
    told = Notification.objects.filter(kind="certificate")
    assert {n.user for n in told} == {member, approved.enterprise.memberships.first().user}
    assert all(new.number in n.title for n in told)
    about = [m for m in mail.outbox if new.number in m.subject]
    assert sorted(m.to[0] for m in about) == sorted(n.user.email for n in told)
    # The old number's page says revoked and names the replacement.
    html = client_from().get(verify_path(certificate)).content.decode()
    assert 'data-state="revoked"' in html and new.number in html
    # Only one valid certificate, and a retried issue returns the newest.
    assert issue.issue_for_application(approved.pk) == new


def test_revoke_needs_a_reason_and_happens_once(certificate, reviewer):
    with pytest.raises(issue.CertificateError):
        issue.revoke(certificate, by=reviewer, reason="  ")
    issue.revoke(certificate, by=reviewer, reason="误发")
    with pytest.raises(issue.CertificateError):
        issue.revoke(certificate, by=reviewer, reason="again")
    with pytest.raises(issue.CertificateError):
        issue.reissue(certificate, by=reviewer, reason="again")


def test_the_render_reads_back_the_stored_facts(certificate):
    """The stored PDF's text is the stored content (not the live company)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=certificate.pdf.open("rb").read(),
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    flat = "".join(out.split())
    assert certificate.number in flat
    assert "贰拾伍万元整" in flat
    assert certificate.printed().credit_code in flat


# --- The admin ---------------------------------------------------------------------------------
def admin_client(user):
    from tests.factories import activate_totp

    activate_totp(user)
    client = Client()
    client.force_login(user)
    return client


def test_reviewers_revoke_and_reissue_in_the_admin(certificate, reviewer):
    client = admin_client(reviewer)
    listing = client.get("/admin/certificates/", {"q": certificate.number})
    assert listing.status_code == 200
    assert certificate.number in listing.content.decode()
    url = f"/admin/certificates/{certificate.pk}/"
    assert client.get(url).status_code == 200
    # No reason: refused with a message, nothing changes.
    response = client.post(url, {"action": "reissue", "reason": ""}, follow=True)
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    response = client.post(url, {"action": "reissue", "reason": "名称变更"})
    assert response.status_code == 302
    new = Certificate.objects.get(replaces=certificate)
    assert response["Location"].endswith(f"/admin/certificates/{new.pk}/")
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "名称变更"


def test_other_staff_cannot_reach_the_certificate_admin(certificate):
    staff = make_user(f"editor-{uuid.uuid4().hex[:6]}@zone.example", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = admin_client(staff)
    response = client.post(
        f"/admin/certificates/{certificate.pk}/", {"action": "revoke", "reason": "x"}
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert not certificate.is_revoked
