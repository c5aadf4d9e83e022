"""TOTP keys and recovery-code seeds are encrypted at rest; old clear-text ones keep working and
the data migration encrypts them."""

import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from enterprises import mfa_secrets
from tests.factories import STAFF_TOTP_SECRET, make_user, totp_code

migration = importlib.import_module("enterprises.migrations.0008_encrypt_mfa_secrets")


def stored(user, kind="totp"):
    return Authenticator.objects.get(user=user, type=kind).data


@pytest.mark.django_db
def test_a_new_authenticator_app_is_stored_encrypted_and_still_accepts_codes():
    user = make_user("staff@zone.example", is_staff=True)  # the factory activates TOTP
    secret = stored(user)["secret"]
    assert secret.startswith("fernet:") and STAFF_TOTP_SECRET not in secret
    totp = TOTP(Authenticator.objects.get(user=user, type="totp"))
    assert totp.validate_code(totp_code())
    assert not totp.validate_code("000000" if totp_code() != "000000" else "111111")


@pytest.mark.django_db
def test_recovery_codes_are_derived_from_an_encrypted_seed():
    user = make_user("someone@company.example", mfa=False)
    codes = RecoveryCodes.activate(user)
    assert stored(user, "recovery_codes")["seed"].startswith("fernet:")
    unused = codes.get_unused_codes()
    assert len(unused) == 10
    assert codes.validate_code(unused[0])
    assert unused[0] not in RecoveryCodes(codes.instance).get_unused_codes()


@pytest.mark.django_db
def test_clear_text_secrets_keep_working_and_the_migration_encrypts_them():
    # Two people whose authenticator apps were saved in the clear, before encryption.
    # (A code is accepted once per authenticator: one person checks before, one after.)
    before, after = (make_user(f"legacy{n}@zone.example", mfa=False) for n in (1, 2))
    for user in (before, after):
        Authenticator.objects.create(user=user, type="totp", data={"secret": STAFF_TOTP_SECRET})
    assert TOTP(Authenticator.objects.get(user=before, type="totp")).validate_code(totp_code())

    migration.encrypt(apps, None)
    secret = stored(after)["secret"]
    assert secret.startswith("fernet:") and STAFF_TOTP_SECRET not in secret
    migration.encrypt(apps, None)  # a second run changes nothing
    assert stored(after)["secret"] == secret
    assert TOTP(Authenticator.objects.get(user=after, type="totp")).validate_code(totp_code())

    migration.decrypt(apps, None)
    assert stored(after)["secret"] == STAFF_TOTP_SECRET


@pytest.mark.django_db
def test_a_rotated_key_reads_old_secrets_and_a_wrong_key_says_so(settings):
    token = mfa_secrets.encrypt("JBSWY3DPEHPK3PXP")
    settings.MFA_ENCRYPTION_KEY = "a-new-key-after-rotation-0123456789abcdef"
    with pytest.raises(ImproperlyConfigured, match="MFA_ENCRYPTION_OLD_KEYS"):
        mfa_secrets.decrypt(token)
    settings.MFA_ENCRYPTION_OLD_KEYS = ["test-only-mfa-encryption-key-not-a-secret"]
    assert mfa_secrets.decrypt(token) == "JBSWY3DPEHPK3PXP"
    assert mfa_secrets.encrypt("x") != token  # new values are written under the new key
