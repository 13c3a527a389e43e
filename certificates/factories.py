"""Builders for certificates, used by tests, the demo and the benchmark.

Certificates are normally issued by ``services``; ``issued_certificate``
goes through the same service so the row is sealed and rendered as in
production.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from . import document
from .models import Certificate
from .services import issuing


def sample_content(**overrides) -> document.CertificateContent:
    """What a typical course certificate carries, for previews and benchmarks."""
    values = {
        "kind": Certificate.Kind.COURSE,
        "name": "Chan Sokha",
        "title_km": "ការគ្រប់គ្រងហិរញ្ញវត្ថុសម្រាប់អង្គការសង្គមស៊ីវិលខ្នាតតូច",
        "title_en": "Financial management for small civil-society organisations",
        "hours": Decimal("12"),
        "issued_on": timezone.localdate(),
        "issuer_km": "បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល",
        "issuer_en": "CSO Academy",
        "signatory_name": "Sok Vannak",
        "signatory_title_km": "នាយកកម្មវិធីបណ្ដុះបណ្ដាល",
        "signatory_title_en": "Director of Training",
        "code": "7KQ2-MX9D",
        "verify_url": "https://academy.example.org/verify/Q2xK9mP4vT7wZr3sYb8nHd6fJcL/",
        # A payload of version 2's fixed length (31 + 64 bytes in base32).
        "qr_content": "https://academy.example.org/verify/Q2xK9mP4vT7wZr3sYb8nHd6fJcL/#CSOA2."
        + "Q" * 152,
        "timestamp": datetime.datetime.now(datetime.UTC),
    }
    values.update(overrides)
    return document.CertificateContent(**values)


def issued_certificate(enrolment) -> Certificate | None:
    """Issue through the service, as the completion signal does."""
    return issuing.issue_for(enrolment)
