"""Encryption at rest of the MFA secrets allauth stores (TOTP keys, recovery-code seeds).

allauth's MFA adapter passes every secret through ``encrypt()`` before it is saved and through
``decrypt()`` when it is read (``enterprises.adapters.MFAAdapter``). The cipher is Fernet
(AES-128-CBC with an HMAC-SHA256, from ``cryptography``) under a key derived with HKDF-SHA256
from ``MFA_ENCRYPTION_KEY``, so any long random string will do as that setting. Keys can be
rotated: set the new ``MFA_ENCRYPTION_KEY`` and list the old one in ``MFA_ENCRYPTION_OLD_KEYS``
(comma-separated; used to read, never to write): values saved under it keep working.

A stored value starts with ``fernet:``; one without the prefix was saved before encryption was
introduced and is returned as it is (migration ``enterprises.0006`` encrypts those).
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet:"
_INFO = b"zoneportal/mfa-secrets/v1"


def _fernet_key(secret: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=8)
def _cipher(current: str, old: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key)) for key in (current, *old)])


def cipher() -> MultiFernet:
    key = getattr(settings, "MFA_ENCRYPTION_KEY", "")
    if not key:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEY is not set: MFA secrets cannot be stored.")
    return _cipher(key, tuple(getattr(settings, "MFA_ENCRYPTION_OLD_KEYS", ())))


def encrypt(text: str) -> str:
    if text.startswith(PREFIX):
        return text  # already encrypted (a migration run twice)
    return PREFIX + cipher().encrypt(text.encode()).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # saved in the clear before encryption was introduced
    try:
        return cipher().decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An MFA secret cannot be decrypted: MFA_ENCRYPTION_KEY differs from the key it was "
            "saved with (list that key in MFA_ENCRYPTION_OLD_KEYS)."
        ) from exc
