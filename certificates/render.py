"""A certificate as a PDF: HTML from a template, WeasyPrint, PDF/A-3b with document metadata.

``render_pdf(content)`` is pure: the same content gives the same page (the PDF's bytes still
differ between renderings, as WeasyPrint writes a fresh document identifier; the certificate's
SHA-256 is therefore taken of the file that is stored, once).

Cost: the stylesheet is parsed once per process and one ``FontConfiguration`` is reused, so a
warm rendering does no font discovery again; fonts are subset to the characters used
(WeasyPrint's default), which keeps the file small despite a 20 MB CJK font collection. That
subsetting, and compressing its result, cost far less with the certificate's cut fonts
(``fonts``: Noto Serif CJK SC cut to GB2312 and what else a certificate prints), which the
stylesheet names first when they have been built; the full system font follows them for any
other character. And each stream is compressed once, not twice (``_compress_once``). After
the first rendering the objects the process then holds (Django, WeasyPrint's caches, fonts)
are moved out of the garbage collector's sight (``_freeze_once``): a full collection no longer
scans them, which took about 100 ms every few renderings.
"""

from __future__ import annotations

import datetime
import functools
import gc
import logging
import threading
from pathlib import Path

import pydyf
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from . import fonts
from .artwork import emblem_svg, qr_svg, seal_svg
from .content import CertificateContent

LOGGER = logging.getLogger(__name__)

TEMPLATE = "certificates/certificate.html"
STYLESHEET = Path(__file__).resolve().parent / "templates" / "certificates" / "certificate.css"
PDF_VARIANT = "pdf/a-3b"

_lock = threading.Lock()  # WeasyPrint's font configuration is not meant for concurrent use


@functools.cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


def font_face_rules() -> str:
    """``@font-face`` rules for the cut fonts that have been built (none otherwise)."""
    built = fonts.available()
    if len(built) < len(fonts.FACES):
        LOGGER.warning(
            "The certificate's cut fonts are not built (python -m certificates.fonts):"
            " rendering with the full %s, which is slower.",
            fonts.SOURCE_FAMILY,
        )
        return ""
    return "".join(
        f'@font-face {{ font-family: "{fonts.FAMILY}"; src: url("{path.resolve().as_uri()}");'
        f" font-weight: {'bold' if weight == 'bold' else 'normal'}; font-style: normal; }}\n"
        for weight, path in sorted(built.items())
    )


@functools.cache
def _stylesheet() -> CSS:
    css = font_face_rules() + STYLESHEET.read_text(encoding="utf-8")
    return CSS(string=css, font_config=_font_config())


# Past this many characters of long text (company, policy, department, amount in words) the page
# uses the compact layout: smaller type, and the English statement left to the bilingual table.
COMPACT_FROM = 78


def is_compact(content: CertificateContent) -> bool:
    """Whether the certificate needs the compact layout to stay on one page."""
    length = (
        len(content.enterprise_name)
        + len(content.policy_title)
        + len(content.department)
        + len(content.amount_capitals)
        + len(content.granted)
        + len(content.policy_title_en) // 3
    )
    return length > COMPACT_FROM


def render_html(content: CertificateContent, *, signature: str | None = None) -> str:
    """The certificate's HTML (also useful to look at in a browser while designing it)."""
    url = content.verification_url(signature)
    created = timezone.make_aware(
        datetime.datetime.combine(content.issued_date, datetime.time(0, 0)),
        timezone.get_fixed_timezone(8 * 60),  # Asia/Shanghai has no daylight saving time
    )
    return render_to_string(
        TEMPLATE,
        {
            "c": content,
            "url": url,
            "emblem": emblem_svg(),
            "seal": seal_svg(content.department),
            "qr": qr_svg(url),
            "compact": is_compact(content),
            "created": created.isoformat(),
        },
    )


class _CompressedOnce(pydyf.Stream):
    """A PDF stream whose bytes (compressed) are computed once.

    pydyf computes every stream's bytes twice when the file has an identifier, as PDF/A
    requires: once to write it and once more for the identifier's hash. For the embedded fonts
    that is a second zlib compression at level 9, about a tenth of a rendering; the bytes
    written are the same.
    """

    @property
    def data(self):
        cached = self.__dict__.get("_data_once")
        if cached is None:
            cached = self.__dict__["_data_once"] = pydyf.Stream.data.fget(self)
        return cached


def _compress_once(document, pdf) -> None:
    """WeasyPrint's ``finisher``: called with the complete PDF, just before it is written."""
    for pdf_object in pdf.objects:
        if type(pdf_object) is pydyf.Stream:
            pdf_object.__class__ = _CompressedOnce


_frozen = False


def _freeze_once() -> None:
    """Once per process, after its first rendering: ``gc.freeze()`` what is alive by then.

    A rendering makes a few hundred thousand short-lived objects, so the collector runs a full
    collection every few renderings, and with some 230,000 long-lived objects already in the
    process (the project's modules, WeasyPrint's stylesheets and fonts) each one took ~100 ms:
    the slowest twentieth of renderings. Frozen objects are never scanned again (nor collected:
    they were alive when frozen, after a collection). ``CERTIFICATE_GC_FREEZE = False`` turns
    this off.
    """
    global _frozen
    if _frozen or not getattr(settings, "CERTIFICATE_GC_FREEZE", True):
        return
    _frozen = True
    gc.collect()
    gc.freeze()


def render_pdf(content: CertificateContent, *, signature: str | None = None) -> bytes:
    """The certificate as PDF/A-3b bytes; ``signature`` defaults to the content's own."""
    html = render_html(content, signature=signature)
    with _lock:
        pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            stylesheets=[_stylesheet()],
            font_config=_font_config(),
            pdf_variant=PDF_VARIANT,
            finisher=_compress_once,
        )
        _freeze_once()
    return pdf
