"""Issuing, sealing, rendering, revoking and reissuing certificates.

Other apps call :func:`issue_for` (a course enrolment that met its completion
rule) and :func:`issue_for_pair` (a completed mentoring pair); signals from
``courses`` and ``mentoring`` do it for them (see ``receivers.py``). Every
function checks who may act first, then writes, and records an event in the
audit trail.

Exactly once: the database allows one *current* certificate per award key
(a partial unique constraint); :func:`_issue` inserts inside a savepoint and,
when another process won the race, returns the certificate that process made.
The PDF render is enqueued only by the call that created the row, after
commit, so concurrent completions produce one certificate and one PDF.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import credentials, document, fonts, notices, signing
from .models import (
    Certificate,
    CertificateEvent,
    CertificateSettings,
    NameConfirmation,
    RenderedPdf,
    new_code,
)

if TYPE_CHECKING:
    from accounts.models import Organisation, User
    from courses.models import CoursePage, Enrolment
    from mentoring.models import MentoringPair

logger = logging.getLogger(__name__)

Action = CertificateEvent.Action


# ---------------------------------------------------------------------------
# Access helpers
# ---------------------------------------------------------------------------


def can_administer(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("certificates.view_certificate"))


def can_revoke(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("certificates.revoke_certificate"))


def get_certificate_for_user(user: User, certificate_id) -> Certificate:
    """The certificate if ``user`` holds it (or is in its organisation, or an admin); else 404."""
    if not user.is_authenticated:
        raise Http404
    queryset = Certificate.objects.select_related("replaced_by", "organisation")
    if not can_administer(user):
        queryset = queryset.visible_to(user)
    try:
        return queryset.get(pk=certificate_id)
    except (Certificate.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def certificates_for(user: User):
    """The certificates listed on a person's own pages, newest first."""
    return (
        Certificate.objects.visible_to(user)
        .select_related("replaced_by", "organisation")
        .order_by("-issued_at")
    )


def get_public_certificate(token: str) -> Certificate:
    try:
        return Certificate.objects.select_related("replaced_by").get(token=token)
    except Certificate.DoesNotExist:
        raise Http404 from None


def find_by_code(code: str) -> Certificate | None:
    from .models import normalise_code

    code = normalise_code(code)
    if not code:
        return None
    return Certificate.objects.filter(code=code).first()


def find_by_pdf_hash(data: bytes) -> Certificate | None:
    """The certificate whose rendered PDF has exactly these bytes, if any."""
    digest = hashlib.sha256(data).hexdigest()
    render = (
        RenderedPdf.objects.filter(sha256=digest)
        .select_related("certificate", "certificate__replaced_by")
        .first()
    )
    return render.certificate if render else None


# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def verify_url(certificate: Certificate) -> str:
    return site_url() + reverse("verify:certificate", args=[certificate.token])


def credential_url(certificate: Certificate) -> str:
    return site_url() + reverse("verify:credential", args=[certificate.token])


def issuer_url() -> str:
    return site_url() + reverse("verify:issuer")


def qr_content(certificate: Certificate) -> str:
    """The verification URL, with the signed offline payload in its fragment."""
    return f"{verify_url(certificate)}#{certificate.payload}"


# ---------------------------------------------------------------------------
# Issuing
# ---------------------------------------------------------------------------


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


def _snapshot(*sources) -> dict:
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


def _record(certificate: Certificate, action: str, actor=None, note: str = "") -> None:
    CertificateEvent.objects.create(
        certificate=certificate, action=action, actor=actor, note=note[:2000]
    )


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
                    **_snapshot(award, config),
                    code=new_code(),
                    recipient_name="" if waiting else award.name,
                    issued_at=timezone.now(),
                    status=(
                        Certificate.Status.AWAITING_NAME if waiting else Certificate.Status.VALID
                    ),
                )
                _record(certificate, Action.ISSUED)
                if waiting:
                    notices.awaiting_name(certificate)
                else:
                    _seal(certificate)
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
        _record(certificate, Action.NAME_CONFIRMED, actor=user)
        _seal(certificate)
        enqueue_render(certificate)
        notices.issued(certificate)
    return released


def pending_confirmations(user: User):
    return Certificate.objects.filter(recipient=user, status=Certificate.Status.AWAITING_NAME)


# ---------------------------------------------------------------------------
# Sealing: the signed credential and the offline payload
# ---------------------------------------------------------------------------

CRITERIA = {
    Certificate.Kind.COURSE: "Completed the course according to its completion rule.",
    Certificate.Kind.MENTEE: "Completed a mentoring partnership matched on CSO Academy.",
    Certificate.Kind.MENTOR: "Mentored another organisation in a partnership on CSO Academy.",
}
MENTORING_ACHIEVEMENTS = {
    Certificate.Kind.MENTEE: (
        "Mentoring partnership completed",
        "A mentoring partnership received",
    ),
    Certificate.Kind.MENTOR: ("Mentoring partnership led", "A mentoring partnership given"),
}
ACHIEVEMENT_IMAGE = "certificates/achievement.svg"


def achievement_slug(certificate: Certificate) -> str:
    if certificate.kind == Certificate.Kind.COURSE and certificate.course_id:
        return f"course-{certificate.course_id}"
    return certificate.kind


def achievement_url(slug: str) -> str:
    return site_url() + reverse("verify:achievement", args=[slug])


def achievement_facts(certificate: Certificate) -> credentials.AchievementFacts:
    """The achievement a certificate is for: the same for every holder of it.

    A course certificate's achievement is the course (its title in English,
    the Khmer title as a second name); a mentoring certificate's is
    mentoring received or given (the partner is named in the credential).
    """
    from django.templatetags.static import static

    heading = document.both(document.WORDING[certificate.kind]["heading"])[1]
    if certificate.kind == Certificate.Kind.COURSE:
        hours = f" ({certificate.hours.normalize():f} hours)" if certificate.hours else ""
        titles = " / ".join(filter(None, [certificate.title_en, certificate.title_km]))
        name = certificate.title_en or certificate.title_km
        language = "en" if certificate.title_en else "km"
        other = certificate.title_km if certificate.title_en else ""
        description = f"{heading}: {titles}{hours}"
        kind = "Course"
    else:
        name, description = MENTORING_ACHIEVEMENTS[certificate.kind]
        language, other, kind = "en", "", "Achievement"
        description = f"{heading}: {description}"
    image = static(ACHIEVEMENT_IMAGE)
    return credentials.AchievementFacts(
        achievement_id=achievement_url(achievement_slug(certificate)),
        achievement_type=kind,
        name=name,
        name_language=language,
        description=description,
        criteria=CRITERIA[certificate.kind],
        image_url=image if "://" in image else site_url() + image,
        other_name=other,
    )


def certificate_for_achievement(slug: str) -> Certificate | None:
    """The latest valid certificate awarding the achievement ``slug`` names, if any."""
    queryset = Certificate.objects.filter(status=Certificate.Status.VALID).exclude(credential="")
    if slug.startswith("course-"):
        queryset = queryset.filter(kind=Certificate.Kind.COURSE, course_id=int(slug[7:]))
    else:
        queryset = queryset.filter(kind=slug)
    return queryset.order_by("-issued_at").first()


def _seal(certificate: Certificate) -> None:
    """Sign the credential and the offline payload with the current key and store them."""
    from . import status

    key = signing.signing_key()
    public = key.public
    status.allocate(certificate)
    achievement = achievement_facts(certificate)
    title = certificate.title_en or certificate.title_km
    if certificate.kind == Certificate.Kind.COURSE:
        description = achievement.description
    else:
        description = f"{achievement.description}, with {title}"
    facts = credentials.CredentialFacts(
        credential_id=credential_url(certificate),
        issuer_id=issuer_url(),
        issuer_name=certificate.issuer_name_en or certificate.issuer_name_km,
        issuer_url=site_url() + "/",
        achievement=achievement,
        name=certificate.recipient_name,
        title=title,
        description=description,
        code=certificate.code,
        issued_at=certificate.issued_at,
        status=status.entry(certificate),
    )
    signed = credentials.sign_credential(
        credentials.build_credential(facts),
        key,
        verification_method=f"{issuer_url()}#key-{public.key_id}",
        created=certificate.issued_at,
    )
    certificate.credential = credentials.credential_json(signed)
    certificate.key_id = public.key_id
    certificate.payload = credentials.make_payload(
        credentials.OfflineClaims(
            token=certificate.token,
            code=certificate.code,
            issued_on=timezone.localdate(certificate.issued_at).isoformat(),
            name=certificate.recipient_name,
            title=title,
            key_id=public.key_id,
            status_index=certificate.status_index,
        ),
        key,
    )
    certificate.save(update_fields=["credential", "payload", "key_id", "updated_at"])


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


@cache
def template_version() -> str:
    """A short hash of everything that shapes the PDF; changes when any of it does."""
    from . import rendering  # WeasyPrint loads slowly; only renders need it

    digest = hashlib.sha256()
    for name in (document.TEMPLATE, rendering.STYLESHEET_TEMPLATE):
        digest.update(Path(get_template(name).origin.name).read_bytes())
    for asset in sorted(rendering.ASSETS_DIR.iterdir()):
        digest.update(asset.name.encode() + asset.read_bytes())
    digest.update(fonts.font_face_css().encode())
    return digest.hexdigest()[:16]


def content_for(certificate: Certificate) -> document.CertificateContent:
    return document.CertificateContent(
        kind=certificate.kind,
        name=certificate.recipient_name,
        name_alt=certificate.recipient_name_alt,
        title_km=certificate.title_km,
        title_en=certificate.title_en,
        hours=certificate.hours,
        issued_on=timezone.localdate(certificate.issued_at),
        issuer_km=certificate.issuer_name_km,
        issuer_en=certificate.issuer_name_en,
        signatory_name=certificate.signatory_name,
        signatory_title_km=certificate.signatory_title_km,
        signatory_title_en=certificate.signatory_title_en,
        code=certificate.code,
        verify_url=verify_url(certificate),
        qr_content=qr_content(certificate),
        timestamp=certificate.issued_at,
    )


def render_pdf_bytes(certificate: Certificate) -> bytes:
    """The PDF for ``certificate``, with its signed credential embedded (PDF/A-3)."""
    from . import rendering  # WeasyPrint loads slowly; only renders need it

    content = content_for(certificate)
    return rendering.get_renderer().render(
        functools.partial(document.render_html, content),
        identifier=certificate.token.encode(),
        attachments=[
            (
                "credential.json",
                "Open Badges 3.0 credential, signed by the issuer (eddsa-jcs-2022)",
                certificate.credential,
            )
        ],
        timestamp=certificate.issued_at.astimezone(datetime.UTC).replace(tzinfo=None),
    )


def enqueue_render(certificate: Certificate, *, force: bool = False) -> None:
    """Mark the PDF as being prepared and enqueue the task once the transaction commits."""
    from .tasks import render_certificate

    Certificate.objects.filter(pk=certificate.pk).update(
        render_state=Certificate.RenderState.PENDING, render_error="", render_attempts=0
    )
    certificate.render_state = Certificate.RenderState.PENDING
    certificate_id = str(certificate.pk)
    transaction.on_commit(lambda: render_certificate.enqueue(certificate_id, force=force))


def render(certificate_id, *, force: bool = False) -> Certificate | None:
    """Render and store the PDF of one certificate (the task's body).

    Holds the row lock while rendering, so two workers never render the same
    certificate at once; does nothing when the stored PDF is already current
    (unless ``force``). Raises on failure; :func:`record_render_failure`
    books it.
    """
    version = template_version()
    storage = storages["private"]
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.status != Certificate.Status.VALID:
            return certificate
        if (
            certificate.render_state == Certificate.RenderState.READY
            and certificate.template_version == version
            and certificate.pdf_name
            and not force
        ):
            return certificate
        data = render_pdf_bytes(certificate)
        digest = hashlib.sha256(data).hexdigest()
        old_name = certificate.pdf_name
        name = storage.save(
            f"certificates/{certificate.pk}/{certificate.code}-{digest[:12]}.pdf",
            ContentFile(data),
        )
        certificate.pdf_name = name
        certificate.pdf_sha256 = digest
        certificate.render_state = Certificate.RenderState.READY
        certificate.render_error = ""
        certificate.rendered_at = timezone.now()
        certificate.template_version = version
        certificate.save(
            update_fields=[
                "pdf_name",
                "pdf_sha256",
                "render_state",
                "render_error",
                "rendered_at",
                "template_version",
                "updated_at",
            ]
        )
        RenderedPdf.objects.create(
            certificate=certificate, sha256=digest, size=len(data), template_version=version
        )
        _record(certificate, Action.RENDERED, note=digest)
        if old_name and old_name != name:
            transaction.on_commit(lambda: storage.delete(old_name))
    return certificate


def record_render_failure(certificate_id, error: BaseException) -> tuple[int, bool]:
    """Book a failed render. Returns ``(attempts so far, whether to retry)``."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None:
            return 0, False
        certificate.render_attempts += 1
        retry = certificate.render_attempts < settings.CERTIFICATES_RENDER_MAX_ATTEMPTS
        certificate.render_state = (
            Certificate.RenderState.PENDING if retry else Certificate.RenderState.FAILED
        )
        certificate.render_error = f"{type(error).__name__}: {error}"[:2000]
        certificate.save(
            update_fields=["render_attempts", "render_state", "render_error", "updated_at"]
        )
        _record(
            certificate,
            Action.RENDER_FAILED,
            note=f"Attempt {certificate.render_attempts}: {certificate.render_error}",
        )
        return certificate.render_attempts, retry


def request_rerender(user: User, certificate: Certificate) -> None:
    """Render a certificate's PDF again (after a template change or a failure)."""
    if not user.has_perm("certificates.rerender_certificate"):
        raise PermissionDenied
    with transaction.atomic():
        _record(certificate, Action.RERENDER_REQUESTED, actor=user)
        enqueue_render(certificate, force=True)


def request_rerender_all(user: User) -> int:
    """Re-render every valid certificate, each as its own background task."""
    if not user.has_perm("certificates.rerender_certificate"):
        raise PermissionDenied
    count = 0
    ids = list(
        Certificate.objects.filter(status=Certificate.Status.VALID).values_list("pk", flat=True)
    )
    for certificate in Certificate.objects.filter(pk__in=ids).iterator():
        with transaction.atomic():
            _record(certificate, Action.RERENDER_REQUESTED, actor=user, note="All certificates")
            enqueue_render(certificate, force=True)
        count += 1
    return count


def requeue_stale(older_than: datetime.timedelta = datetime.timedelta(minutes=15)) -> int:
    """Enqueue again renders left pending (a worker died mid-render). For cron."""
    cutoff = timezone.now() - older_than
    stale = Certificate.objects.filter(
        status=Certificate.Status.VALID,
        render_state__in=[Certificate.RenderState.PENDING, Certificate.RenderState.WAITING],
        updated_at__lt=cutoff,
    )
    count = 0
    for certificate in stale:
        with transaction.atomic():
            enqueue_render(certificate)
        count += 1
    return count


def open_pdf(certificate: Certificate):
    """The stored PDF as an open file (the caller streams and closes it)."""
    if not certificate.is_ready:
        raise Http404
    return storages["private"].open(certificate.pdf_name, "rb")


# ---------------------------------------------------------------------------
# Revoking and reissuing
# ---------------------------------------------------------------------------


@transaction.atomic
def revoke(user: User, certificate: Certificate, *, reason: str) -> Certificate:
    if not can_revoke(user):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_revoked:
        raise ValidationError(_("This certificate is already revoked."))
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = user
    certificate.save(
        update_fields=["status", "revoked_at", "revoked_reason", "revoked_by", "updated_at"]
    )
    _record(certificate, Action.REVOKED, actor=user, note=reason)
    status_changed(certificate)
    notices.revoked(certificate)
    return certificate


def status_changed(certificate: Certificate) -> None:
    from . import status

    status.changed(certificate)


@transaction.atomic
def reissue(user: User, certificate: Certificate, *, name: str, reason: str = "") -> Certificate:
    """Replace a certificate after a correction of the name: revoke it, issue a new one.

    The new certificate copies every snapshot but the name, gets a new token
    and code, and the old one points to it.
    """
    if not can_revoke(user):
        raise PermissionDenied
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Enter the corrected name.")})
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.replaced_by_id:
        raise ValidationError(_("This certificate was already replaced."))
    if old.status == Certificate.Status.AWAITING_NAME:
        raise ValidationError(_("The learner has not confirmed their name yet."))
    reason = reason.strip() or _("Reissued with a corrected name.")
    was_valid = old.status == Certificate.Status.VALID
    old.is_current = False
    if was_valid:
        old.status = Certificate.Status.REVOKED
        old.revoked_at = timezone.now()
        old.revoked_reason = reason
        old.revoked_by = user
    old.save(
        update_fields=[
            "is_current",
            "status",
            "revoked_at",
            "revoked_reason",
            "revoked_by",
            "updated_at",
        ]
    )
    new = Certificate.objects.create(
        **_snapshot(old),
        recipient_name=name,
        issued_at=timezone.now(),
        status=Certificate.Status.VALID,
    )
    old.replaced_by = new
    old.save(update_fields=["replaced_by", "updated_at"])
    _record(old, Action.REISSUED, actor=user, note=f"{reason} → {new.code}")
    status_changed(old)
    _record(new, Action.ISSUED, actor=user, note=f"Replaces {old.code}")
    _seal(new)
    enqueue_render(new)
    notices.reissued(new)
    return new


# ---------------------------------------------------------------------------
# Personal data
# ---------------------------------------------------------------------------


def personal_data(user: User) -> list[dict]:
    return [
        {
            "code": c.code,
            "kind": c.kind,
            "name": c.recipient_name,
            "title_km": c.title_km,
            "title_en": c.title_en,
            "hours": str(c.hours) if c.hours is not None else None,
            "issued_at": c.issued_at.isoformat(),
            "status": c.status,
            "revoked_reason": c.revoked_reason,
            "verification_url": verify_url(c),
            "pdf_sha256": c.pdf_sha256,
        }
        for c in Certificate.objects.filter(recipient=user).order_by("issued_at")
    ]


def erase_for_deleted_account(user: User) -> None:
    """Before an account is deleted: remove the PDFs and the name, keep a revoked stub.

    The stub (no name, no file, no credential) lets someone who checks an old
    link learn that the certificate was withdrawn rather than never existed.
    """
    storage = storages["private"]
    for certificate in Certificate.objects.select_for_update().filter(recipient=user):
        for name in {certificate.pdf_name} - {""}:
            transaction.on_commit(lambda name=name: storage.delete(name))
        certificate.recipient = None
        certificate.recipient_name = ""
        certificate.recipient_name_alt = ""
        certificate.credential = ""
        certificate.payload = ""
        certificate.pdf_name = ""
        certificate.render_state = Certificate.RenderState.WAITING
        certificate.is_current = False
        if certificate.status != Certificate.Status.REVOKED:
            certificate.status = Certificate.Status.REVOKED
            certificate.revoked_at = timezone.now()
            certificate.revoked_reason = "The holder deleted their account."
        certificate.save()
        _record(certificate, Action.ERASED)
        status_changed(certificate)
    NameConfirmation.objects.filter(user=user).delete()
