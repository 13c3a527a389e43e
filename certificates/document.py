"""What goes on the certificate, in both languages, ready for the template.

:class:`CertificateContent` is the snapshot a certificate is printed from (it
never reads live course or profile data); :func:`build_context` turns it into
the template's variables: Khmer segmented into words, dates written out in each
language, the fixed wording in Khmer and English (from the translation
catalogue, whatever language the request is in), and the QR code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import khmer, qr

TEMPLATE = "certificates/certificate.html"
# Above these lengths (in characters) a name or title is set a size smaller;
# the renderer shrinks the whole certificate further if it still does not fit.
NAME_SIZES = ((32, "l"), (60, "m"), (100, "s"))
TITLE_SIZES = ((70, "l"), (140, "m"))


def _size(text: str, steps: tuple[tuple[int, str], ...], smallest: str) -> str:
    return next((size for limit, size in steps if len(text) <= limit), smallest)


class Kind:
    COURSE = "course"
    MENTEE = "mentee"
    MENTOR = "mentor"


@dataclass(frozen=True)
class CertificateContent:
    kind: str
    name: str
    title_km: str
    title_en: str
    issued_on: datetime.date
    issuer_km: str
    issuer_en: str
    code: str
    verify_url: str
    qr_content: str
    name_alt: str = ""
    hours: Decimal | None = None
    signatory_name: str = ""
    signatory_title_km: str = ""
    signatory_title_en: str = ""
    timestamp: datetime.datetime | None = None


def both(message) -> tuple[str, str]:
    """A lazy ``message`` in Khmer and in English, regardless of the active language."""
    out = []
    for language in ("km", "en"):
        with translation.override(language):
            out.append(str(message))
    return out[0], out[1]


def _hours(hours: Decimal | None) -> tuple[str, str]:
    if not hours:
        return "", ""
    value = hours.normalize()
    text = f"{value:f}"
    with translation.override("km"):
        km = gettext("%(hours)s hours of study") % {
            "hours": khmer.khmer_digits(text.replace(".", ","))
        }
    with translation.override("en"):
        en = gettext("%(hours)s hours of study") % {"hours": text}
        if value == 1:
            en = gettext("1 hour of study")
    return km, en


WORDING = {
    Kind.COURSE: {
        "heading": pgettext_lazy("certificate heading", "Certificate of Completion"),
        "completed": _("has successfully completed the course"),
    },
    Kind.MENTEE: {
        "heading": pgettext_lazy("certificate heading", "Certificate of Mentoring"),
        "completed": _("has completed a mentoring partnership with"),
    },
    Kind.MENTOR: {
        "heading": pgettext_lazy("certificate heading", "Certificate of Mentoring"),
        "completed": _("has mentored, sharing its experience with"),
    },
}
CERTIFY = _("This is to certify that")
ISSUED_ON = _("Issued on %(date)s")
CODE_LABEL = _("Verification code")
SCAN = _("Scan the code or visit")


def build_context(content: CertificateContent) -> dict:
    wording = WORDING[content.kind]
    heading_km, heading_en = both(wording["heading"])
    completed_km, completed_en = both(wording["completed"])
    certify_km, certify_en = both(CERTIFY)
    hours_km, hours_en = _hours(content.hours)
    issued_km, issued_en = both(ISSUED_ON)
    date_km = issued_km % {"date": khmer.format_date_km(content.issued_on)}
    date_en = issued_en % {"date": khmer.format_date_en(content.issued_on)}
    code_label_km, code_label_en = both(CODE_LABEL)
    scan_km, scan_en = both(SCAN)
    joiner = " · "
    longest_title = max(content.title_km, content.title_en, key=len)
    titles = " / ".join(filter(None, [content.title_en, content.title_km]))
    # A certificate issued before a signatory was configured is signed by the issuer.
    signatory = content.signatory_name or content.issuer_en or content.issuer_km
    signatory_titles = (
        (content.signatory_title_km, content.signatory_title_en)
        if content.signatory_name
        else (content.issuer_km if content.issuer_en else "", "")
    )
    with translation.override("en"):
        subject_en = gettext("%(heading)s: %(title)s, awarded to %(name)s") % {
            "heading": heading_en,
            "title": content.title_en or content.title_km,
            "name": content.name,
        }
    timestamp = content.timestamp or datetime.datetime.combine(
        content.issued_on, datetime.time(), tzinfo=datetime.UTC
    )
    return {
        "kind": content.kind,
        # Both titles: search and screen readers find the certificate by either.
        "meta_title": " — ".join([heading_en, content.name, titles]),
        "meta_author": content.issuer_en or content.issuer_km,
        "meta_subject": subject_en,
        "meta_keywords": f"certificate, {content.code}, {content.issuer_en}",
        "timestamp": timestamp.isoformat(timespec="seconds"),
        "issuer_km": khmer.segment(content.issuer_km),
        "issuer_en": content.issuer_en,
        "heading_km": khmer.segment(heading_km),
        "heading_en": heading_en,
        "certify_km": khmer.segment(certify_km),
        "certify_en": certify_en,
        "name": khmer.segment(content.name),
        "name_is_khmer": khmer.has_khmer(content.name),
        "name_size": _size(content.name, NAME_SIZES, "xs"),
        "name_alt": khmer.segment(content.name_alt),
        "name_alt_is_khmer": khmer.has_khmer(content.name_alt),
        "completed_km": khmer.segment(completed_km),
        "completed_en": completed_en,
        "title_km": khmer.segment(content.title_km),
        "title_en": content.title_en,
        "title_size": _size(longest_title, TITLE_SIZES, "s"),
        "facts_km": khmer.segment(joiner.join(filter(None, [hours_km, date_km]))),
        "facts_en": joiner.join(filter(None, [hours_en, date_en])),
        "signatory_name": khmer.segment(signatory),
        "signatory_is_khmer": khmer.has_khmer(signatory),
        "signatory_title_km": khmer.segment(signatory_titles[0]),
        "signatory_title_en": signatory_titles[1],
        "code": content.code,
        "code_label_km": code_label_km,
        "code_label_en": code_label_en,
        "scan_km": khmer.segment(scan_km),
        "scan_en": scan_en,
        "verify_url_display": content.verify_url.split("://", 1)[-1],
        "qr_url": qr.image_url(content.qr_content),
    }


def render_html(content: CertificateContent, fit: int = 0) -> str:
    """The certificate's HTML; ``fit`` (0 to 4) sets it a step smaller each time."""
    return render_to_string(TEMPLATE, {"c": build_context(content), "fit": fit})
