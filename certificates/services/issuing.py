"""Issuing certificates, exactly once per award, and releasing them when a name is confirmed.

Other apps' events reach :func:`issue_for` (a course enrolment that met its
completion rule) and :func:`issue_for_pair` (a completed mentoring pair)
through ``receivers.py``.

Exactly once: the database allows one *current* certificate per award key
(a partial unique constraint); :func:`_issue` inserts inside a savepoint and,
when another process won the race, returns the certificate that process made.
The PDF render is enqueued only by the call that created the row, after
commit, so concurrent completions produce one certificate and one PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notices
from ..models import Certificate, CertificateSettings, NameConfirmation, new_code
from .audit import Action, record
from .pdfs import enqueue_render
from .sealing import seal

if TYPE_CHECKING:
    from accounts.models import Organisation, User
    from courses.models import CoursePage, Enrolment
    from mentoring.models import MentoringPair


@dataclass(frozen=True)
class Award:
    """What a certificate is awarded for; built from an enrolment or a pair."""

    key: str
    kind: str
    title_km: str
    title_en: str
    recipient: User | None = None
    organisation: Organisation | None = None
    name: str = ""
    name_alt: str = ""
    hours: Decimal | None = None
    course_id: int | None = None
    source_id: int | None = None

    # Under the names the certificate stores them by (see SNAPSHOT_FIELDS).
    @property
    def award_key(self) -> str:
        return self.key

    @property
    def recipient_name_alt(self) -> str:
        return self.name_alt


# Everything a certificate copies when it is issued (from its award and the
# certificate settings) and again, unchanged, when it is reissued. Later edits
# to the course, the profile or the settings never change a certificate.
SNAPSHOT_FIELDS = (
    "award_key",
    "kind",
    "recipient",
    "organisation",
    "course_id",
    "source_id",
    "recipient_name_alt",
    "title_km",
    "title_en",
    "hours",
    "issuer_name_km",
    "issuer_name_en",
    "signatory_name",
    "signatory_title_km",
    "signatory_title_en",
)


def snapshot(*sources) -> dict:
    """Each of :data:`SNAPSHOT_FIELDS`, from the first of ``sources`` that has it."""
    return {
        field: getattr(next(s for s in sources if hasattr(s, field)), field)
        for field in SNAPSHOT_FIELDS
    }


def _settings() -> CertificateSettings:
    return CertificateSettings.load()


def needs_name_confirmation(user: User) -> bool:
    """True until the learner confirms the name now on their profile."""
    confirmation = NameConfirmation.objects.filter(user=user).first()
    return confirmation is None or confirmation.name != user.certificate_name


def _issue(award: Award) -> tuple[Certificate, bool]:
    """The current certificate for ``award``, creating it once. Returns ``(certificate, created)``.

    Safe under concurrent calls in several processes: the partial unique
    constraint on ``award_key`` lets exactly one insert through.
    """
    for _attempt in range(5):
        existing = Certificate.objects.filter(award_key=award.key, is_current=True).first()
        if existing is not None:
            return existing, False
        config = _settings()
        waiting = award.recipient is not None and needs_name_confirmation(award.recipient)
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    **snapshot(award, config),
                    code=new_code(),
                    recipient_name="" if waiting else award.name,
                    issued_at=timezone.now(),
                    status=(
                        Certificate.Status.AWAITING_NAME if waiting else Certificate.Status.VALID
                    ),
                )
                record(certificate, Action.ISSUED)
                if waiting:
                    notices.awaiting_name(certificate)
                else:
                    seal(certificate)
                    enqueue_render(certificate)
                    notices.issued(certificate)
        except IntegrityError:
            # Another call won the race for this award (or, rarely, the random
            # code collided): look again.
            continue
        return certificate, True
    raise RuntimeError(f"Could not issue a certificate for {award.key}")


def issue_for(enrolment: Enrolment) -> Certificate | None:
    """Issue (once) the certificate for a course enrolment that met its completion rule.

    Returns ``None`` for a course that awards no certificate. The award is
    keyed on the course's translation key, so completing the Khmer and the
    English version of a course earns one certificate, not two.
    """
    course = enrolment.course.specific
    if not course.awards_certificate:
        return None
    user = enrolment.user
    title_km, title_en = _course_titles(course)
    award = Award(
        key=f"course:{enrolment.course_key}:user:{user.pk}",
        kind=Certificate.Kind.COURSE,
        recipient=user,
        name=user.certificate_name,
        title_km=title_km,
        title_en=title_en,
        hours=Decimal(str(course.estimated_hours)) if course.estimated_hours else None,
        course_id=course.pk,
        source_id=enrolment.pk,
    )
    certificate, _created = _issue(award)
    return certificate


def _course_titles(course: CoursePage) -> tuple[str, str]:
    """The course's title in Khmer and in English, from its Wagtail translations."""
    titles = {"km": "", "en": ""}
    translations = [course, *course.get_translations().live().select_related("locale")]
    for page in translations:
        code = page.locale.language_code
        for language in titles:
            if code.startswith(language) and not titles[language]:
                titles[language] = page.title
    if not titles["km"] and not titles["en"]:
        titles["en"] = course.title
    return titles["km"], titles["en"]


def issue_for_pair(pair: MentoringPair) -> list[Certificate]:
    """Issue (once each) the mentoring certificates of a completed pair: one per organisation."""
    mentee, mentor = pair.mentee, pair.mentor
    issued = []
    for organisation, partner, kind in (
        (mentee, mentor, Certificate.Kind.MENTEE),
        (mentor, mentee, Certificate.Kind.MENTOR),
    ):
        name_km, name_en = organisation.name_km, organisation.name_en
        award = Award(
            key=f"mentoring:{pair.pk}:organisation:{organisation.pk}",
            kind=kind,
            organisation=organisation,
            name=name_en or name_km,
            name_alt=name_km if name_en and name_km else "",
            title_km=partner.name_km,
            title_en=partner.name_en,
            source_id=pair.pk,
        )
        certificate, _created = _issue(award)
        issued.append(certificate)
    return issued


# ---------------------------------------------------------------------------
# Name confirmation
# ---------------------------------------------------------------------------


@transaction.atomic
def confirm_name(user: User, *, legal_name: str) -> list[Certificate]:
    """Record the name to print and release the learner's waiting certificates.

    An empty ``legal_name`` keeps the display name. Returns the certificates
    now being prepared.
    """
    from accounts.services import update_profile

    if not user.is_authenticated:
        raise PermissionDenied
    legal_name = " ".join(legal_name.split())
    if len(legal_name) > 150:
        raise ValidationError({"legal_name": _("Keep the name under 150 characters.")})
    if legal_name != user.legal_name:
        update_profile(
            user,
            display_name=user.display_name,
            legal_name=legal_name,
            preferred_language=user.preferred_language,
        )
    name = user.certificate_name
    if not name.strip():
        raise ValidationError({"legal_name": _("Enter the name to print on your certificates.")})
    NameConfirmation.objects.update_or_create(
        user=user, defaults={"name": name, "confirmed_at": timezone.now()}
    )
    released = list(
        Certificate.objects.select_for_update().filter(
            recipient=user, status=Certificate.Status.AWAITING_NAME
        )
    )
    for certificate in released:
        certificate.recipient_name = name
        certificate.status = Certificate.Status.VALID
        certificate.save(update_fields=["recipient_name", "status", "updated_at"])
        record(certificate, Action.NAME_CONFIRMED, actor=user)
        seal(certificate)
        enqueue_render(certificate)
        notices.issued(certificate)
    return released


def pending_confirmations(user: User):
    return Certificate.objects.filter(recipient=user, status=Certificate.Status.AWAITING_NAME)
