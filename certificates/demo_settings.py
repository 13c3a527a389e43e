"""Demo certificate settings: who issues and signs. Seeded before any other demo
data, so that every demo certificate (mentoring ones included) names its
signatory. Safe to run again."""

from __future__ import annotations

from .models import CertificateSettings

DEMO_SIGNATORY = "Sok Vannak"


def seed(stdout) -> None:
    config = CertificateSettings.load()
    if not config.signatory_name:
        config.signatory_name = DEMO_SIGNATORY
        config.save()
        stdout.write(f"Certificates are signed by {DEMO_SIGNATORY}.")
