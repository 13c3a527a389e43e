"""Encrypt the MFA secrets stored before they were encrypted (accounts.mfa_secrets)."""

from django.db import migrations


def encrypt_secrets(apps, schema_editor):
    from accounts import mfa_secrets

    mfa_secrets.reencrypt_all(apps.get_model("mfa", "Authenticator").objects.all())


def decrypt_secrets(apps, schema_editor):
    from accounts import mfa_secrets

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=mfa_secrets.SECRET_FIELDS):
        field = mfa_secrets.SECRET_FIELDS[authenticator.type]
        value = (authenticator.data or {}).get(field)
        if isinstance(value, str) and value.startswith(mfa_secrets.PREFIX):
            authenticator.data[field] = mfa_secrets.decrypt(value)
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_focus_areas"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
