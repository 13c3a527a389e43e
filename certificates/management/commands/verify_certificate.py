"""Check a certificate's QR code without the server, and say what that proves.

    python manage.py verify_certificate 'https://…/verify/<token>/#CSOA2.…'
    python manage.py verify_certificate URL --name 'Chan Sokha' --title 'Financial management'
    python manage.py verify_certificate URL --status-list status-1.json
    python manage.py verify_certificate --public-key issuer.pem URL

The signature proves who issued the certificate and that the code, the date
and (with ``--name`` and ``--title``, compared with what is printed) the
holder's name and the title are the ones signed. Whether it was revoked since
is not in the QR code: pass ``--status-list`` with a copy of the status list
credential (``/verify/status/<n>.json``, itself signed and checked here), or
open the verification page.

Exit status: 0 genuine and not revoked (per the status list given); 1 not
genuine, altered, not matching the printed name or title, or revoked; 3
genuine, but whether it was revoked is unknown offline.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import credentials, signing, status

EXIT_REVOKED_OR_INVALID = 1
EXIT_STATUS_UNKNOWN = 3


class Command(BaseCommand):
    help = "Verify the signed payload in a certificate's QR code, offline, and say what it proves."

    def add_arguments(self, parser):
        parser.add_argument("payload", help="The whole URL the QR code holds (or its payload).")
        parser.add_argument(
            "--public-key",
            type=Path,
            help="A PEM (or base64) public key file to trust instead of the platform's keys.",
        )
        parser.add_argument("--name", help="The holder's name as printed, to compare.")
        parser.add_argument("--title", help="The title as printed (English, else Khmer).")
        parser.add_argument(
            "--status-list",
            type=Path,
            help="A saved copy of the status list credential, to learn about a revocation.",
        )

    def handle(self, *args, payload, public_key=None, name=None, title=None, **options):
        keys = self._keys(public_key)
        try:
            claims = credentials.verify_payload(payload, keys)
        except credentials.VerificationError as exc:
            self.stderr.write(self.style.ERROR(f"NOT GENUINE: {exc}"))
            raise SystemExit(EXIT_REVOKED_OR_INVALID) from exc
        self.stdout.write(
            self.style.SUCCESS(f"SIGNATURE GENUINE: signed by the CSO Academy key {claims.key_id}")
        )
        for label, value in (
            ("Code", claims.code),
            ("Issued on", claims.issued_on),
            ("Name", claims.name),
            ("Title", claims.title),
            ("Token", claims.token),
        ):
            if value:
                self.stdout.write(f"  {label + ':':<11}{value}")
        if name is not None or title is not None:
            if not claims.matches(name or "", title or ""):
                self.stderr.write(
                    self.style.ERROR(
                        "NOT MATCHING: the name or title given is not the one signed "
                        "(compare them with the printed certificate, letter for letter)."
                    )
                )
                raise SystemExit(EXIT_REVOKED_OR_INVALID)
            self.stdout.write("  The name and title given are the ones signed.")
        elif claims.version == 2:
            self.stdout.write(
                "  The QR code carries a digest of the name and title: pass --name and "
                "--title to check them against the printed certificate."
            )
        revoked = self._revoked(claims, options.get("status_list"), keys)
        if revoked is None:
            self.stdout.write(
                self.style.WARNING(
                    "STATUS UNKNOWN: an offline check cannot know whether the certificate "
                    "was revoked. Open the verification page, or pass --status-list."
                )
            )
            raise SystemExit(EXIT_STATUS_UNKNOWN)
        if revoked:
            self.stderr.write(self.style.ERROR("REVOKED: the status list marks it revoked."))
            raise SystemExit(EXIT_REVOKED_OR_INVALID)
        self.stdout.write(self.style.SUCCESS("NOT REVOKED per the status list given."))

    def _keys(self, public_key):
        if public_key is None:
            return signing.public_keys()
        try:
            return [signing.parse_public_key(public_key.read_bytes())]
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the public key: {exc}") from exc

    def _revoked(self, claims, path, keys) -> bool | None:
        """Whether the status list at ``path`` marks the certificate; ``None`` if unknown."""
        if path is None or claims.status_index is None:
            return None
        try:
            document = json.loads(path.read_text())
            credentials.verify_credential(document, keys)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot use the status list: {exc}") from exc
        number, at = status.position(claims.status_index)
        if not str(document.get("id", "")).endswith(f"/verify/status/{number}.json"):
            raise CommandError(f"This certificate's status is in list {number}, not this one.")
        try:
            return status.is_set(document["credentialSubject"]["encodedList"], at)
        except (KeyError, TypeError, ValueError) as exc:
            raise CommandError(f"Cannot read the status list: {exc}") from exc
