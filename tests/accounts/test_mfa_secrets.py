"""TOTP keys and recovery-code seeds are stored encrypted, still work, and
survive a key rotation."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.core.checks import run_checks
from django.core.management import call_command

from accounts import mfa_secrets
from accounts.factories import UserFactory

from .test_auth_flows import totp_now, url

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def activate_totp(client, user) -> str:
    client.force_login(user)
    response = client.get(url("mfa_activate_totp"))
    if response.status_code == 302:  # allauth asks to re-authenticate first
        client.post(url("account_reauthenticate"), {"password": PASSWORD})
        response = client.get(url("mfa_activate_totp"))
    secret = response.context["form"].secret
    assert client.post(url("mfa_activate_totp"), {"code": totp_now(secret)}).status_code == 302
    client.logout()
    return secret


def sign_in_with_code(client, user, secret) -> bool:
    # allauth spends each code once; forget spent codes as the next
    # 30-second window would.
    cache.clear()
    client.post(url("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(url("mfa_authenticate"), {"code": totp_now(secret)})
    signed_in = client.session.get("_auth_user_id") == str(user.pk)
    client.logout()
    return signed_in


def stored(user, kind) -> dict:
    return Authenticator.objects.get(user=user, type=kind).data


def test_secrets_are_stored_encrypted_and_the_code_still_signs_in(client):
    user = UserFactory(email="editor@example.org")
    secret = activate_totp(client, user)

    totp = stored(user, Authenticator.Type.TOTP)
    assert totp["secret"].startswith("fernet:")
    assert secret not in totp["secret"]
    assert stored(user, Authenticator.Type.RECOVERY_CODES)["seed"].startswith("fernet:")
    assert sign_in_with_code(client, user, secret)


def test_a_secret_stored_in_the_clear_works_until_the_command_encrypts_it(client):
    user = UserFactory(email="old@example.org")
    secret = activate_totp(client, user)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    authenticator.data["secret"] = secret  # as stored before encryption
    authenticator.save()
    assert sign_in_with_code(client, user, secret)

    out = StringIO()
    call_command("reencrypt_mfa_secrets", stdout=out)
    assert "Re-encrypted 2 MFA secret(s)" in out.getvalue()  # the TOTP key and the seed
    assert stored(user, Authenticator.Type.TOTP)["secret"].startswith("fernet:")
    assert sign_in_with_code(client, user, secret)


def test_rotating_the_key_keeps_every_secret(client, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [old]
    user = UserFactory(email="rotate@example.org")
    secret = activate_totp(client, user)

    settings.MFA_ENCRYPTION_KEYS = [new, old]  # the new key first; the old one still opens
    assert sign_in_with_code(client, user, secret)
    call_command("reencrypt_mfa_secrets", stdout=StringIO())

    settings.MFA_ENCRYPTION_KEYS = [new]  # the old key retired
    assert sign_in_with_code(client, user, secret)
    settings.MFA_ENCRYPTION_KEYS = [old]
    with pytest.raises(mfa_secrets.InvalidToken):
        mfa_secrets.decrypt(stored(user, Authenticator.Type.TOTP)["secret"])


def test_deploy_check_wants_valid_keys(settings):
    settings.MFA_ENCRYPTION_KEYS = []
    assert "accounts.E001" in {e.id for e in run_checks(include_deployment_checks=True)}
    settings.MFA_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), "not-a-key"]
    ids = {e.id for e in run_checks(include_deployment_checks=True)}
    assert "accounts.E002" in ids and "accounts.E001" not in ids
