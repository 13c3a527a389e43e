from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import mfa_secrets


class Command(BaseCommand):
    help = (
        "Encrypt every stored TOTP key and recovery-code seed with the first key in "
        "MFA_ENCRYPTION_KEYS (after adding a new key, or for secrets stored in the clear)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            count = mfa_secrets.reencrypt_all(Authenticator.objects.select_for_update())
        self.stdout.write(f"Re-encrypted {count} MFA secret(s) with the newest key.")
