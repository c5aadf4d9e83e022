"""Certificates read back from the PDF: text, fonts, the QR code, PDF/A, metadata; and the content.

The PDF is read with Debian's poppler-utils (pdftotext, pdffonts, pdftoppm) and zbar-tools
(zbarimg), as anyone checking a certificate would, not with the code that wrote it.
"""

import datetime
import io
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pypdf
import pytest

from certificates import fonts, signing
from certificates.content import CertificateContent, verification_url
from certificates.render import render_html, render_pdf

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm", "zbarimg")),
    reason="needs poppler-utils and zbar-tools (scripts/install-system.sh)",
)

SITE = "https://qyfw.cdht.example"


def make_content(**overrides) -> CertificateContent:
    values = {
        "number": "CDHT-2026-7K3QX9M2D0HF",
        "enterprise_name": "成都蓉芯微电子科技有限公司",
        "credit_code": "91510100MA61R8XK2Q",
        "granted": "研发投入补助",
        "granted_en": "R&D investment subsidy",
        "amount": Decimal("1050000.00"),
        "policy_title": "成都高新区支持企业加大研发投入的若干政策",
        "policy_title_en": "Measures to support enterprise R&D investment",
        "document_number": "成高管发〔2024〕3号",
        "department": "成都高新区科技创新局",
        "department_en": "Science and Technology Innovation Bureau, Chengdu High-tech Zone",
        "issued_date": datetime.date(2026, 11, 23),
        "site": SITE,
    }
    values.update(overrides)
    return CertificateContent(**values)


def run(*command: str, stdin: bytes | None = None) -> str:
    result = subprocess.run(command, input=stdin, capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")


def pdf_text(pdf: bytes) -> str:
    return run("pdftotext", "-enc", "UTF-8", "-", "-", stdin=pdf)


def squeezed(text: str) -> str:
    """Text without any whitespace: a name broken over two lines still reads as one."""
    return re.sub(r"\s+", "", text)


def decode_qr(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    run("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page"))
    (png,) = tmp_path.glob("page*.png")
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, check=False, timeout=60
    )
    return result.stdout.decode("utf-8").splitlines()


@pytest.fixture(scope="module")
def content():
    return make_content()


@pytest.fixture(scope="module")
def pdf(content):
    return render_pdf(content)


# --- What the PDF says ------------------------------------------------------------------------
def test_text_has_company_credit_code_and_amounts(pdf, content):
    text = squeezed(pdf_text(pdf))
    assert "成都蓉芯微电子科技有限公司" in text
    assert "91510100MA61R8XK2Q" in text
    assert "壹佰零伍万元整" in text
    assert "¥1,050,000.00" in text
    assert content.number in text
    assert "2026年11月23日" in text
    assert "23November2026" in text
    assert "成都高新区科技创新局" in text
    assert "成高管发〔2024〕3号" in text
    assert "研发投入补助" in text
    assert "资助确认书" in text


def test_one_a4_page(pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # A4 is 210 × 297 mm = 595.28 × 841.89 pt
    assert float(box.width) == pytest.approx(595.28, abs=0.5)
    assert float(box.height) == pytest.approx(841.89, abs=0.5)


def test_fonts_are_embedded_cjk_fonts(pdf):
    lines = run("pdffonts", "-", stdin=pdf).splitlines()[2:]
    assert lines, "no fonts"
    for line in lines:
        columns = line.split()
        # name type... encoding emb sub uni object-id generation
        emb, sub, uni = columns[-5:-2]
        assert emb == "yes", line
        assert sub == "yes", line  # subset: the file stays small
        assert uni == "yes", line  # text can be copied and searched
        assert "CJK" in columns[0], line


def test_qr_code_is_the_verification_url(pdf, content, tmp_path):
    url = content.verification_url()
    assert url == f"{SITE}/verify/{content.number}?s={content.sign()}"
    assert decode_qr(pdf, tmp_path) == [url]


def test_pdf_a_3b_with_document_metadata(pdf, content):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = xmp.stream.get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(="|>)3', raw), raw
    assert re.search(r'pdfaid:conformance(="|>)B', raw), raw
    info = reader.metadata
    assert info.title == f"资助确认书 {content.number}"
    assert info.author == "成都高新区科技创新局"
    assert "成都蓉芯微电子科技有限公司" in info.subject
    assert content.number in info["/Keywords"]
    assert info.creation_date.date() == datetime.date(2026, 11, 23)
    # A PDF/A file carries its output intent (an sRGB ICC profile).
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_document_language_is_chinese(pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


# --- The cut fonts (certificates.fonts) ----------------------------------------------
needs_cut_fonts = pytest.mark.skipif(
    len(fonts.available()) < len(fonts.FACES),
    reason="the certificate's cut fonts are not built (python -m certificates.fonts)",
)


def embedded_fonts(pdf: bytes) -> list[str]:
    """The embedded fonts' names without the subset tag: ``Noto-Serif-CJK-SC-Bold``."""
    lines = run("pdffonts", "-", stdin=pdf).splitlines()[2:]
    for line in lines:
        assert line.split()[-5] == "yes", f"not embedded: {line}"
    return sorted(line.split()[0].split("+", 1)[-1] for line in lines)


def test_the_cut_covers_gb2312_and_what_a_certificate_prints():
    characters = fonts.character_set()
    assert len(fonts.gb2312_characters()) == 7445  # 6,763 hanzi and 682 other characters
    assert fonts.gb2312_characters() <= characters
    for char in "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整¥〔〕《》（）“”—…·、。，\u3000AZaz09,.&é":
        assert char in characters, char
    # Rare characters of company names, outside GB2312: left to the full font.
    for char in "堃燊𠀀":
        assert char not in characters, char


@pytest.mark.parametrize("style", ["Regular", "Bold"])
def test_the_source_face_is_found_with_or_without_fontconfig_tools(style):
    found = fonts._scan(style)  # as in the Docker image, which has no fc-match
    assert found is not None and found[0].is_file()
    if shutil.which("fc-match"):
        assert fonts._fc_match(style) == found
    assert fonts.find_source(style) == found


@needs_cut_fonts
def test_printed_with_the_cut_fonts(pdf):
    assert embedded_fonts(pdf) == [
        "ZP-Certificate-Serif-CJK-SC",
        "ZP-Certificate-Serif-CJK-SC-Bold",
    ]


@needs_cut_fonts
def test_a_character_outside_the_cut_is_drawn_from_the_full_font_and_embedded():
    from fontTools.ttLib import TTFont

    cut = TTFont(fonts.available()["regular"], lazy=True).getBestCmap()
    assert ord("堃") not in cut and ord("燊") not in cut
    pdf = render_pdf(make_content(enterprise_name="成都堃燊鑫科技有限公司"))
    assert "成都堃燊鑫科技有限公司" in squeezed(pdf_text(pdf))
    # The name is printed in regular and in bold: the full font of each weight joins the cut
    # ones, embedded like them.
    assert embedded_fonts(pdf) == [
        "Noto-Serif-CJK-SC",
        "Noto-Serif-CJK-SC-Bold",
        "ZP-Certificate-Serif-CJK-SC",
        "ZP-Certificate-Serif-CJK-SC-Bold",
    ]


def test_compressing_each_stream_once_writes_the_same_bytes(content, settings):
    from weasyprint import HTML

    from certificates import render

    html = render.render_html(content)

    def write(finisher):
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            stylesheets=[render._stylesheet()],
            font_config=render._font_config(),
            pdf_variant=render.PDF_VARIANT,
            finisher=finisher,
        )

    assert write(render._compress_once) == write(None)


@pytest.fixture
def fresh_fonts():
    """Stylesheet and font configuration built again, in this test and after it."""
    from certificates import render

    render._stylesheet.cache_clear()
    render._font_config.cache_clear()
    yield
    render._stylesheet.cache_clear()
    render._font_config.cache_clear()


def test_without_the_cut_fonts_the_full_font_prints_everything(monkeypatch, tmp_path, fresh_fonts):
    monkeypatch.setenv("CERTIFICATE_FONT_DIR", str(tmp_path / "none"))
    pdf = render_pdf(make_content())
    assert embedded_fonts(pdf) == ["Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"]
    assert "壹佰零伍万元整" in squeezed(pdf_text(pdf))


# --- Variants ---------------------------------------------------------------------------------
def test_recognition_without_amount(tmp_path):
    content = make_content(
        amount=None,
        granted="瞪羚企业认定",
        granted_en="Recognition as a gazelle enterprise",
        document_number=None,
    )
    pdf = render_pdf(content)
    text = squeezed(pdf_text(pdf))
    assert "认定证书" in text
    assert "瞪羚企业认定" in text
    assert "大写" not in text
    assert "¥" not in text
    assert decode_qr(pdf, tmp_path) == [content.verification_url()]


def test_long_names_stay_on_one_page_and_the_qr_code_still_reads(tmp_path):
    content = make_content(
        enterprise_name="四川省成都市高新技术产业开发区天府国际生物城创新药物研发与临床转化服务股份有限公司",
        policy_title="成都高新区关于支持生物医药产业高质量发展促进创新药物研发临床试验及产业化的若干政策措施实施细则",
        policy_title_en=(
            "Implementing rules of the measures to support the high-quality development of "
            "biomedicine, innovative drug research, clinical trials and industrialisation"
        ),
        amount=Decimal("999999999999.99"),
        department="成都高新区新经济发展局与生物产业发展局联合办公室",
    )
    pdf = render_pdf(content)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分" in squeezed(pdf_text(pdf))
    assert decode_qr(pdf, tmp_path) == [content.verification_url()]


def test_markup_in_names_is_printed_as_text():
    content = make_content(enterprise_name="<b>成都</b>&科技有限公司", department="<科技局>")
    html = render_html(content)
    assert "<b>成都</b>" not in html
    assert "&lt;b&gt;成都&lt;/b&gt;&amp;科技有限公司" in html
    assert "<科技局>" not in html


# --- Content, signature and URL --------------------------------------------------------------
def test_payload_is_the_canonical_json_of_the_signed_facts(content):
    payload = json.loads(content.payload)
    assert set(payload) == signing.FIELDS
    assert payload["amount"] == "1050000.00"
    assert payload["issued_date"] == "2026-11-23"
    assert payload["enterprise_name"] == "成都蓉芯微电子科技有限公司"
    assert content.payload == signing.canonical_content(content.signed_fields()).decode()
    assert content.sign() == signing.sign(content.signed_fields())
    assert content.verify(content.sign())


@pytest.mark.parametrize(
    "change",
    [
        {"enterprise_name": "成都蓉芯微电子科技股份有限公司"},
        {"credit_code": "91510100MA61R8XK3Q"},
        {"amount": Decimal("1050000.01")},
        {"issued_date": datetime.date(2026, 11, 24)},
        {"number": "CDHT-2026-7K3QX9M2D0HG"},
        {"department": "成都高新区财政金融局"},
    ],
)
def test_a_changed_fact_breaks_the_signature(content, change):
    changed = make_content(**change)
    assert not changed.verify(content.sign())
    assert changed.sign() != content.sign()


def test_verification_url_helper(content, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example/"
    signature = content.sign()
    assert verification_url(content, signature) == (
        f"{SITE}/verify/CDHT-2026-7K3QX9M2D0HF?s={signature}"
    )
    assert verification_url("CDHT-2026-7K3QX9M2D0HF", signature) == (
        f"https://portal.example/verify/CDHT-2026-7K3QX9M2D0HF?s={signature}"
    )
    assert signing.SIGNATURE_RE.fullmatch(signature)


def test_stored_form_round_trips(content):
    data = content.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["amount"] == "1050000.00"
    again = CertificateContent.from_dict(data)
    assert again == content
    assert again.sign() == content.sign()
    without = make_content(amount=None, document_number=None)
    assert CertificateContent.from_dict(without.to_dict()) == without


@pytest.mark.parametrize(
    "bad",
    [
        {"number": "CDHT-2026-7K3QX9M2D0H"},
        {"number": "cdht-2026-7k3qx9m2d0hf"},
        {"amount": Decimal("0.001")},
        {"amount": 1.5},
        {"issued_date": datetime.datetime(2026, 11, 23, 9, 0)},
        {"credit_code": None},
    ],
)
def test_invalid_content_is_refused(bad):
    with pytest.raises(ValueError):
        make_content(**bad)


def test_dates_as_printed():
    content = make_content(issued_date=datetime.date(2026, 3, 1))
    assert content.date_zh == "2026年3月1日"
    assert content.date_en == "1 March 2026"
