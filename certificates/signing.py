"""Signatures over a certificate's public content, and certificate numbers.

**Signature.** HMAC-SHA256 with ``settings.CERTIFICATE_SIGNING_KEY`` over a purpose prefix
(``zoneportal-certificate-v1`` and a newline) and the canonical form of the content, truncated to
its first 18 bytes (144 bits) and written in URL-safe base64: exactly ``SIGNATURE_LENGTH`` = 24
characters from ``A-Z a-z 0-9 - _``, no padding (18 bytes fill whole base64 groups, so every
character carries six bits and no two strings decode to the same bytes). Short enough for the
QR code's URL, far beyond guessing: a forger succeeds once in 2^144 tries.

**Canonical form.** Exactly the fields of ``FIELDS`` (a missing or unknown key is a ``ValueError``,
so nothing is ever signed by accident or left unsigned), serialised as JSON with sorted keys, no
whitespace, non-ASCII characters as themselves, UTF-8 encoded. The order of the dict's keys
therefore never matters. Values:

- text fields are ``str`` in Unicode normalisation form NFC: composed and decomposed spellings of
  the same characters sign alike. Compatibility variants (full-width ``（`` against ``(``) are
  different text on the certificate and sign differently; nothing is stripped or case-folded.
- ``amount``: a ``Decimal`` or ``int`` (a valid amount for ``policies.numerals``) or ``None`` for a
  recognition without money, written as a string with exactly two decimals (``"1050000.00"``), so
  ``Decimal("1.5")`` and ``Decimal("1.50")`` sign alike.
- ``issued_date``: a ``datetime.date`` (not a datetime), written as ``"2026-03-01"``.
- ``document_number`` may be ``None`` (JSON ``null``); every other text field must be a string.

**Certificate numbers.** ``CDHT-<year>-`` and 12 characters of Crockford's base32 alphabet (digits
and capitals without I, L, O, U) drawn with ``secrets``: 60 bits of randomness, so knowing any
number of certificates tells nothing about another, and two numbers are the same once in about
a billion billion draws (the database's unique constraint catches even that).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from policies.numerals import amount_in_cents

FIELDS = frozenset(
    {
        "number",
        "enterprise_name",
        "credit_code",
        "amount",
        "policy_title",
        "document_number",
        "department",
        "issued_date",
    }
)
OPTIONAL_TEXT_FIELDS = frozenset({"document_number"})
PURPOSE = b"zoneportal-certificate-v1\n"
SIGNATURE_BYTES = 18
SIGNATURE_LENGTH = SIGNATURE_BYTES * 4 // 3  # 24 base64 characters
SIGNATURE_RE = re.compile(rf"[A-Za-z0-9_-]{{{SIGNATURE_LENGTH}}}", re.ASCII)

NUMBER_PREFIX = "CDHT"
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_RANDOM_LENGTH = 12  # 12 × 5 bits = 60 bits
NUMBER_RE = re.compile(
    rf"{NUMBER_PREFIX}-[0-9]{{4}}-[{CROCKFORD_ALPHABET}]{{{NUMBER_RANDOM_LENGTH}}}", re.ASCII
)


def canonical_content(content: dict) -> bytes:
    """The bytes that are signed: sorted-key compact JSON of the normalised content, UTF-8."""
    if not isinstance(content, dict):
        raise TypeError("certificate content must be a dict")
    keys = set(content)
    if keys != FIELDS:
        raise ValueError(
            f"certificate content needs exactly the fields {sorted(FIELDS)}: "
            f"missing {sorted(FIELDS - keys)}, unknown {sorted(keys - FIELDS, key=str)}"
        )
    normalised = {}
    for field, value in content.items():
        if field == "amount":
            if value is not None:
                cents = amount_in_cents(value)
                value = f"{cents // 100}.{cents % 100:02d}"
        elif field == "issued_date":
            if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
                raise ValueError("issued_date must be a datetime.date")
            value = value.isoformat()
        elif value is None and field in OPTIONAL_TEXT_FIELDS:
            pass
        elif isinstance(value, str):
            value = unicodedata.normalize("NFC", value)
        else:
            raise ValueError(f"{field} must be a string")
        normalised[field] = value
    return json.dumps(
        normalised, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _signing_key(key: str | bytes | None) -> bytes:
    if key is None:
        key = getattr(settings, "CERTIFICATE_SIGNING_KEY", None)
    if not key:
        raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY is not set")
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def sign(content: dict, *, key: str | bytes | None = None) -> str:
    """The signature of the content: 24 URL-safe base64 characters (see the module docstring).

    ``key`` defaults to ``settings.CERTIFICATE_SIGNING_KEY``.
    """
    digest = hmac.new(
        _signing_key(key), PURPOSE + canonical_content(content), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:SIGNATURE_BYTES]).decode("ascii")


def verify(content: dict, signature: object, *, key: str | bytes | None = None) -> bool:
    """Whether ``signature`` (any value, e.g. straight from a URL) is the content's signature.

    A malformed signature is simply ``False``; malformed content (from our own database) raises.
    """
    expected = sign(content, key=key)
    if not isinstance(signature, str) or not SIGNATURE_RE.fullmatch(signature):
        return False
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii"))


def new_certificate_number(year: int) -> str:
    """A fresh, unguessable number such as ``CDHT-2026-7K3QX9M2D0HF``."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        raise ValueError("year must be a four-digit integer")
    random_part = "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(NUMBER_RANDOM_LENGTH))
    return f"{NUMBER_PREFIX}-{year}-{random_part}"


def is_well_formed_number(text: object) -> bool:
    """Whether ``text`` is exactly a number in canonical form (upper case, no spaces)."""
    return isinstance(text, str) and NUMBER_RE.fullmatch(text) is not None


def normalise_number(text: object) -> str | None:
    """A number as someone might type it, in canonical form, or ``None`` if it cannot be one.

    Surrounding spaces and letter case do not matter, and in the random part the letters that
    Crockford's base32 reads as digits are read so (O as 0, I and L as 1).
    """
    if not isinstance(text, str):
        return None
    candidate = text.strip().upper()
    head, _, random_part = candidate.rpartition("-")
    candidate = f"{head}-{random_part.translate(str.maketrans('OIL', '011'))}"
    return candidate if is_well_formed_number(candidate) else None
