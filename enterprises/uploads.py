"""Validation of uploaded files by their content, not their name.

Each accepted kind is recognised by its leading bytes ("magic numbers"); a file whose name
claims one kind and whose content is another is refused, as is anything too large.
"""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_PROOF_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = Kind("pdf", "PDF", (".pdf",), "application/pdf")
JPEG = Kind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg")
PNG = Kind("png", "PNG", (".png",), "image/png")
DOCX = Kind(
    "docx",
    "DOCX",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = Kind(
    "xlsx", "XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
KINDS = {kind.code: kind for kind in (PDF, JPEG, PNG, DOCX, XLSX)}
PROOF_KINDS = ("pdf", "jpeg", "png")


def sniff(head: bytes, upload=None) -> Kind | None:
    """The kind of file these leading bytes begin, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and upload is not None:
        # Office documents are ZIP archives; the member names say which.
        try:
            upload.seek(0)
            names = set(zipfile.ZipFile(upload).namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def validate_upload(upload, allowed=PROOF_KINDS, max_bytes=MAX_PROOF_BYTES) -> Kind:
    """Return the file's kind, or raise ``ValidationError`` saying exactly what is wrong."""
    allowed_labels = ", ".join(KINDS[code].label for code in allowed)
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, upload)
    if kind is None or kind.code not in allowed:
        raise ValidationError(
            _("This file is not a %(allowed)s file (its content was checked, not its name).")
            % {"allowed": allowed_labels},
            code="kind",
        )
    name = (upload.name or "").lower()
    if not name.endswith(kind.extensions):
        raise ValidationError(
            _(
                "The file's name says one kind of file but its content is %(kind)s. "
                "Please rename it or upload the right file."
            )
            % {"kind": kind.label},
            code="mismatch",
        )
    return kind
