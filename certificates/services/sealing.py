"""Sealing: the signed Open Badges credential and the offline payload of a certificate."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from .. import credentials, document, signing
from ..models import Certificate
from .links import credential_url, issuer_url, site_url

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


def seal(certificate: Certificate) -> None:
    """Sign the credential and the offline payload with the current key and store them."""
    from .. import status

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
