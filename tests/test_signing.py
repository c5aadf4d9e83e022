"""Certificate signatures (HMAC-SHA256 over the canonical content) and certificate numbers."""

import datetime
import json
import re
import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from certificates.signing import (
    FIELDS,
    SIGNATURE_LENGTH,
    canonical_content,
    is_well_formed_number,
    new_certificate_number,
    normalise_number,
    sign,
    verify,
)


def content(**changes):
    values = {
        "number": "CDHT-2026-7K3QX9M2D0HF",
        "enterprise_name": "成都高新示范科技有限公司（测试）",
        "credit_code": "91510100MA6C0XYZ1T",
        "amount": Decimal("1050000.00"),
        "policy_title": "关于支持企业研发投入的若干措施",
        "document_number": "成高管发〔2026〕3号",
        "department": "成都高新区科技创新局",
        "issued_date": datetime.date(2026, 3, 1),
    }
    values.update(changes)
    return values


def test_round_trip():
    signature = sign(content())
    assert len(signature) == SIGNATURE_LENGTH == 24
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}", signature)
    assert verify(content(), signature)


def test_the_key_comes_from_settings():
    with override_settings(CERTIFICATE_SIGNING_KEY="another key"):
        rotated = sign(content())
    assert rotated == sign(content(), key="another key")
    assert rotated != sign(content())


def test_a_different_key_fails():
    signature = sign(content())
    assert not verify(content(), signature, key="a rotated key")
    with override_settings(CERTIFICATE_SIGNING_KEY="a rotated key"):
        assert not verify(content(), signature)
    assert verify(content(), sign(content(), key=b"a rotated key"), key="a rotated key")


@override_settings(CERTIFICATE_SIGNING_KEY="")
def test_no_key_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        sign(content())


CHANGES = [
    {"number": "CDHT-2026-7K3QX9M2D0HG"},
    {"enterprise_name": "成都高新示范科技有限公司(测试)"},  # half-width parentheses
    {"enterprise_name": "成都高新示范科技有限公司（测试） "},  # a trailing space
    {"credit_code": "91510100MA6C0XYZ1U"},
    {"amount": Decimal("1050000.01")},
    {"amount": Decimal("105000.00")},
    {"amount": None},
    {"policy_title": "关于支持企业研发投入的若干措施（修订）"},
    {"document_number": "成高管发〔2026〕4号"},
    {"document_number": None},
    {"document_number": ""},
    {"department": "成都高新区经济运行局"},
    {"issued_date": datetime.date(2026, 3, 2)},
]


@pytest.mark.parametrize("change", CHANGES)
def test_any_changed_field_fails(change):
    signature = sign(content())
    assert not verify(content(**change), signature)
    assert verify(content(**change), sign(content(**change)))


def test_any_changed_signature_character_fails():
    signature = sign(content())
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for position in range(len(signature)):
        for replacement in alphabet:
            if replacement != signature[position]:
                forged = signature[:position] + replacement + signature[position + 1 :]
                assert not verify(content(), forged), forged


@pytest.mark.parametrize(
    "signature",
    [None, 42, b"", "", "short", "x" * 200, "é" * 24, "A" * 23 + "=", "A" * 22 + "=="],
)
def test_malformed_signatures_are_simply_invalid(signature):
    assert verify(content(), signature) is False


def test_the_signature_is_not_a_prefix_or_suffix_trick():
    good = sign(content())
    assert not verify(content(), good + "A")
    assert not verify(content(), good[:-1])
    assert not verify(content(), " " + good)


def test_canonical_form_is_sorted_compact_utf8_json():
    data = canonical_content(content())
    text = data.decode("utf-8")
    assert text == json.dumps(
        json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert "成都高新示范科技有限公司（测试）" in text  # characters as themselves, not \u escapes
    assert '"amount":"1050000.00"' in text
    assert '"issued_date":"2026-03-01"' in text


@given(st.permutations(sorted(FIELDS)))
def test_canonical_form_is_independent_of_key_order(order):
    base = content()
    reordered = {key: base[key] for key in order}
    assert canonical_content(reordered) == canonical_content(base)
    assert verify(reordered, sign(base))


def test_unicode_normalisation_nfc():
    composed = content(enterprise_name="Café Müller 有限公司", department="Ångström 科技局")
    decomposed = content(
        enterprise_name=unicodedata.normalize("NFD", composed["enterprise_name"]),
        department=unicodedata.normalize("NFD", composed["department"]),
    )
    assert decomposed["enterprise_name"] != composed["enterprise_name"]
    assert canonical_content(decomposed) == canonical_content(composed)
    assert verify(decomposed, sign(composed))
    # compatibility variants are different text on the certificate: NFC, not NFKC
    full_width = content(credit_code="９１５１０１００ＭＡ６Ｃ０ＸＹＺ１Ｔ")
    assert not verify(full_width, sign(content()))


@pytest.mark.parametrize(
    ("amount", "same_as"),
    [
        (Decimal("1050000"), Decimal("1050000.00")),
        (1050000, Decimal("1050000.00")),
        (Decimal("0.5"), Decimal("0.50")),
        (Decimal("1.500"), Decimal("1.50")),
    ],
)
def test_equal_amounts_sign_alike(amount, same_as):
    assert sign(content(amount=amount)) == sign(content(amount=same_as))


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": 1.5},
        {"amount": "1050000.00"},
        {"amount": Decimal("-1")},
        {"amount": Decimal("0.001")},
        {"issued_date": "2026-03-01"},
        {"issued_date": datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)},
        {"enterprise_name": None},
        {"credit_code": 91510100},
    ],
)
def test_malformed_content_raises(bad):
    with pytest.raises(ValueError):
        sign(content(**bad))


def test_missing_or_unknown_fields_raise():
    incomplete = content()
    del incomplete["department"]
    with pytest.raises(ValueError, match="department"):
        sign(incomplete)
    with pytest.raises(ValueError, match="registered_capital"):
        sign(content(registered_capital="100万"))
    with pytest.raises(TypeError):
        sign([("number", "x")])


# --- Certificate numbers ---------------------------------------------------------------------
NUMBER_FORMAT = re.compile(r"CDHT-2026-[0-9A-HJKMNP-TV-Z]{12}")


def test_numbers_match_the_format_and_do_not_repeat():
    numbers = [new_certificate_number(2026) for _ in range(10_000)]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert NUMBER_FORMAT.fullmatch(number), number
        assert is_well_formed_number(number)
    # all 32 characters turn up in every position: the draw is not stuck on part of the alphabet
    for position in range(10, 22):
        assert len({number[position] for number in numbers}) == 32


@pytest.mark.parametrize("year", [999, 10000, -2026, "2026", 2026.0, True, None])
def test_numbers_need_a_four_digit_year(year):
    with pytest.raises(ValueError):
        new_certificate_number(year)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        2026,
        "CDHT-2026-7K3QX9M2D0H",  # 11 characters
        "CDHT-2026-7K3QX9M2D0HFF",  # 13 characters
        "CDHT-2026-7K3QX9M2D0HU",  # U is not in Crockford's alphabet
        "CDHT-2026-7K3QX9M2D0HI",
        "CDHT-2026-7k3qx9m2d0hf",  # lower case: not canonical
        " CDHT-2026-7K3QX9M2D0HF",
        "CDHT-2026-7K3QX9M2D0HF\n",
        "CDHT-２０２６-7K3QX9M2D0HF",  # full-width digits
        "CDHT-26-7K3QX9M2D0HF",
        "XYZ-2026-7K3QX9M2D0HF",
        "CDHT-2026-7K3QX9M2D0HF/../x",
    ],
)
def test_malformed_numbers(text):
    assert not is_well_formed_number(text)


def test_normalising_typed_numbers():
    assert normalise_number("CDHT-2026-7K3QX9M2D0HF") == "CDHT-2026-7K3QX9M2D0HF"
    assert normalise_number("  cdht-2026-7k3qx9m2d0hf ") == "CDHT-2026-7K3QX9M2D0HF"
    assert normalise_number("CDHT-2026-7K3QX9M2DOHF") == "CDHT-2026-7K3QX9M2D0HF"  # O → 0
    assert normalise_number("CDHT-2026-IL3QX9M2D0HF") == "CDHT-2026-113QX9M2D0HF"  # I, L → 1
    assert normalise_number("CDHT-2026-7K3QX9M2D0HU") is None
    assert normalise_number("nonsense") is None
    assert normalise_number(None) is None
