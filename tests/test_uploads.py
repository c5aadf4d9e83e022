"""Uploads are judged by their content: PDF, JPEG, PNG (and DOCX, XLSX where allowed)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from enterprises.uploads import validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("证书.pdf", PDF, "pdf"),
        ("scan.JPG", JPEG, "jpeg"),
        ("scan.jpeg", JPEG, "jpeg"),
        ("photo.png", PNG, "png"),
    ],
)
def test_real_files_are_accepted(name, content, kind):
    assert validate_upload(SimpleUploadedFile(name, content)).code == kind


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("certificate.pdf", PNG, "mismatch"),
        ("notes.pdf", b"just some text pretending", "kind"),
        ("macro.pdf", b"MZ\x90\x00 an executable", "kind"),
        ("empty.pdf", b"", "empty"),
        ("report.docx", None, "kind"),  # DOCX is not a proof kind
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(name, content, code):
    content = docx_bytes() if content is None else content
    with pytest.raises(ValidationError) as caught:
        validate_upload(SimpleUploadedFile(name, content))
    assert caught.value.code == code


def test_too_large_is_refused_with_both_sizes():
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        validate_upload(big)
    assert caught.value.code == "too_large"
    assert "10.0" in caught.value.messages[0]


def test_office_documents_where_allowed():
    upload = SimpleUploadedFile("plan.docx", docx_bytes())
    assert validate_upload(upload, allowed=("pdf", "docx")).code == "docx"
