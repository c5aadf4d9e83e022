"""A certificate checked in the browser, as someone it is shown to would check it.

An application is approved (services, as a reviewer would) → its certificate is issued on
commit → a visitor opens the link its QR code carries (decoded from the stored PDF, as a phone
would) and reads: valid, the number, the company, the amount → the same link with a changed
signature warns that the link was not made by us → the visitor uploads the PDF on ``/verify/``
and is told it is a certificate we issued → a reviewer revokes it, and the page says revoked,
with the reason.
"""

import shutil
import subprocess
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from applications import services
from certificates import issue
from certificates.models import Certificate
from tests.factories import (
    make_application,
    make_programme,
    make_reviewer,
    make_verified_enterprise,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("pdftoppm", "zbarimg")),
        reason="needs poppler-utils and zbar-tools (scripts/install-system.sh)",
    ),
]

COMPANY = "成都蓉芯微电子科技有限公司"
REASON = "申报材料与实际情况不符，经复核予以撤销。"


def qr_content(pdf_path, tmp_path) -> str:
    """The QR code on the certificate's page, read from a 150 dpi rendering (poppler, zbar)."""
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("p*.png")
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, check=True, timeout=60
    )
    (url,) = result.stdout.decode("utf-8").splitlines()
    return url


def on_live_server(url: str, base: str) -> str:
    """The QR code names the public site; the same path and query on the test's server."""
    parts = urlsplit(url)
    return f"{base}{parts.path}?{parts.query}"


def test_verify_a_certificate_by_its_qr_link_and_by_its_file(
    live_server, page, output_dir, tmp_path, settings
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    base = live_server.url
    reviewer = make_reviewer("reviewer@zone.example")
    enterprise = make_verified_enterprise(name=COMPANY)
    application = make_application(enterprise, make_programme(), submit=True)
    services.transition(application, "accept", by=reviewer)
    # Autocommit (a transactional test): the certificate is issued on commit, by the eager task.
    services.transition(application, "approve", by=reviewer, amount=Decimal("250000.00"))
    certificate = Certificate.objects.get(application=application)
    printed = certificate.printed()

    # --- the QR code's link: valid, with the certificate's facts ------------------------
    url = qr_content(certificate.pdf.path, tmp_path)
    assert url == printed.verification_url()
    assert urlsplit(url).path == f"/verify/{certificate.number}"
    page.goto(on_live_server(url, base))
    check = page.locator("article.certificate-check")
    assert check.get_attribute("data-state") == "valid"
    assert check.get_attribute("data-signature") == "valid"
    assert page.locator(".certificate-check__verdict--valid").is_visible()
    text = check.inner_text()
    assert certificate.number in text
    assert COMPANY in text
    assert enterprise.credit_code in text
    assert "¥250,000.00" in text
    assert "贰拾伍万元整" in text
    page.screenshot(path=output_dir / "certificate-verify-valid.png", full_page=True)

    # --- the same link with a changed signature: a warning, the stored facts still shown -
    signature = urlsplit(url).query.removeprefix("s=")
    forged = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    page.goto(f"{base}/verify/{certificate.number}?s={forged}")
    check = page.locator("article.certificate-check")
    assert check.get_attribute("data-signature") == "invalid"
    alert = page.locator(".message--error[role=alert]")
    assert alert.is_visible()
    assert COMPANY in check.inner_text()
    page.screenshot(path=output_dir / "certificate-verify-forged-link.png", full_page=True)

    # --- the PDF uploaded on /verify/: byte for byte a certificate we issued -------------
    upload = tmp_path / f"{certificate.number}.pdf"
    with certificate.pdf.open("rb") as stored:
        upload.write_bytes(stored.read())
    page.goto(base + "/verify/")
    page.locator("input#file").set_input_files(str(upload))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_load_state()
    check = page.locator("article.certificate-check")
    assert check.get_attribute("data-state") == "valid"
    assert page.locator(".message--success", has_text=upload.name).is_visible()
    assert certificate.number in check.inner_text()
    page.screenshot(path=output_dir / "certificate-verify-upload.png", full_page=True)

    # A file that is not one of ours (one byte changed) is not taken for one.
    changed = tmp_path / "changed.pdf"
    data = bytearray(upload.read_bytes())
    data[-2] ^= 0x01
    changed.write_bytes(bytes(data))
    page.goto(base + "/verify/")
    page.locator("input#file").set_input_files(str(changed))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-state=unknown-file]").is_visible()

    # --- a reviewer revokes it: the page says revoked, when and why ----------------------
    issue.revoke(certificate, by=reviewer, reason=REASON)
    page.goto(on_live_server(url, base))
    check = page.locator("article.certificate-check")
    assert check.get_attribute("data-state") == "revoked"
    verdict = page.locator(".certificate-check__verdict--revoked")
    assert verdict.is_visible()
    assert REASON in verdict.inner_text()
    page.screenshot(path=output_dir / "certificate-verify-revoked.png", full_page=True)
