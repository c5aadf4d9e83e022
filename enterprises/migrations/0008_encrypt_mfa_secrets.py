"""Encrypt the MFA secrets saved in the clear before enterprises.mfa_secrets existed.

TOTP keys (``data["secret"]``) and recovery-code seeds (``data["seed"]``, and the codes of
``data["migrated_codes"]``) are encrypted with MFA_ENCRYPTION_KEY; values already encrypted are
left alone, so running it again changes nothing. Reversible: the reverse decrypts them.
"""

from django.db import migrations


def _convert(apps, convert):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(authenticator.data)
        for key in ("secret", "seed"):
            if isinstance(data.get(key), str):
                data[key] = convert(data[key])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [convert(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt(apps, schema_editor):
    from enterprises import mfa_secrets

    _convert(apps, mfa_secrets.encrypt)


def decrypt(apps, schema_editor):
    from enterprises import mfa_secrets

    _convert(apps, mfa_secrets.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_remove_moved_models"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
