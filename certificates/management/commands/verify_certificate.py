"""Check a certificate's offline payload (from its QR code) without the server.

    python manage.py verify_certificate 'CSOA1.eyJ...'
    python manage.py verify_certificate 'https://…/verify/<token>/#CSOA1.eyJ...'
    python manage.py verify_certificate --public-key issuer.pem 'CSOA1.…'

With ``--public-key`` only that key is trusted (nothing else is read);
otherwise the platform's current and retired public keys are. Exits 0 and
prints the signed claims when the payload is genuine, 1 otherwise. It cannot
know about a revocation: for that, open the verification page.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import credentials, signing


class Command(BaseCommand):
    help = "Verify the signed payload carried in a certificate's QR code, offline."

    def add_arguments(self, parser):
        parser.add_argument("payload", help="The payload, or the whole URL the QR code holds.")
        parser.add_argument(
            "--public-key",
            type=Path,
            help="A PEM (or base64) public key file to trust instead of the platform's keys.",
        )

    def handle(self, *args, payload, public_key=None, **options):
        if public_key is not None:
            try:
                keys = [signing.parse_public_key(public_key.read_bytes())]
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the public key: {exc}") from exc
        else:
            keys = signing.public_keys()
        try:
            claims = credentials.verify_payload(payload, keys)
        except credentials.VerificationError as exc:
            self.stderr.write(self.style.ERROR(f"NOT VALID: {exc}"))
            raise SystemExit(1) from exc
        self.stdout.write(
            self.style.SUCCESS("VALID: signed by the CSO Academy key " + claims.key_id)
        )
        for label, value in (
            ("Name", claims.name),
            ("Title", claims.title),
            ("Issued on", claims.issued_on),
            ("Code", claims.code),
            ("Token", claims.token),
        ):
            self.stdout.write(f"  {label + ':':<11}{value}")
        self.stdout.write(
            "  (Offline check: it proves who issued it, not that it is still valid. "
            "Revocations are shown on the verification page.)"
        )
