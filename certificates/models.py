"""Certificates: what was awarded to whom, frozen at the moment of issue.

A certificate never reads live data when it is printed or verified: names,
titles, hours, issuer and signatory are snapshots taken when it was issued
(the name when the learner confirmed it). Correcting any of them means
reissuing: the old certificate is revoked and points to its replacement.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .querysets import CertificateQuerySet

# Crockford's base32 without I, L, O, U: easy to read aloud and to type.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_token() -> str:
    """The public verification token: 160 random bits, URL-safe."""
    return secrets.token_urlsafe(20)


def new_code() -> str:
    """A short code printed on the PDF, ``XXXX-XXXX`` (40 random bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str:
    """What a person typed, as a stored code: upper case, confusable letters mapped."""
    cleaned = (
        text.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1").replace("U", "V")
    )
    cleaned = "".join(c for c in cleaned if c in CODE_ALPHABET)
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else ""


class Certificate(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course completion")
        MENTEE = "mentee", _("Mentoring received")
        MENTOR = "mentor", _("Mentoring given")

    class Status(models.TextChoices):
        AWAITING_NAME = "awaiting_name", _("Waiting for the learner to confirm their name")
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    class RenderState(models.TextChoices):
        WAITING = "waiting", _("Not started")
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token = models.CharField(_("verification token"), max_length=64, unique=True, default=new_token)
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_code)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # What the certificate is for, e.g. "course:42:user:7". At most one current
    # certificate per award: the database enforces "exactly once".
    award_key = models.CharField(max_length=120, editable=False)
    is_current = models.BooleanField(default=True, editable=False)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(
        _("source record"),
        null=True,
        blank=True,
        help_text=_("The enrolment or mentoring pair this certificate was issued for."),
    )

    # Snapshots printed on the PDF and shown on the verification page.
    recipient_name = models.CharField(_("name on the certificate"), max_length=200, blank=True)
    recipient_name_alt = models.CharField(_("second name"), max_length=200, blank=True)
    title_km = models.CharField(_("title in Khmer"), max_length=300, blank=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issuer_name_km = models.CharField(_("issuer (Khmer)"), max_length=200)
    issuer_name_en = models.CharField(_("issuer (English)"), max_length=200)
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title_km = models.CharField(
        _("signatory's title (Khmer)"), max_length=200, blank=True
    )
    signatory_title_en = models.CharField(
        _("signatory's title (English)"), max_length=200, blank=True
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VALID
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )

    # The signed credential (Open Badges 3.0) and the compact offline payload.
    credential = models.TextField(_("signed credential"), blank=True)
    payload = models.TextField(_("offline payload"), blank=True)
    key_id = models.CharField(_("signing key"), max_length=32, blank=True)
    # Its bit in the published revocation list (see status.py); set when sealed.
    status_index = models.PositiveIntegerField(null=True, blank=True, unique=True, editable=False)

    # The rendered PDF, in STORAGES["private"].
    pdf_name = models.CharField(max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    render_state = models.CharField(
        _("PDF"), max_length=10, choices=RenderState.choices, default=RenderState.WAITING
    )
    render_attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    render_error = models.TextField(_("last render error"), blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    template_version = models.CharField(max_length=16, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        default_permissions = ("view",)
        permissions = [
            # Stored in English; the admin's group form translates them.
            ("revoke_certificate", gettext_noop("Can revoke and reissue certificates")),
            ("rerender_certificate", gettext_noop("Can re-render certificate PDFs")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["award_key"],
                condition=models.Q(is_current=True),
                name="certificates_one_current_per_award",
            ),
        ]
        indexes = [
            models.Index(fields=["pdf_sha256"], name="certificates_pdf_sha256"),
            models.Index(fields=["status", "render_state"], name="certificates_state"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.recipient_name or '—'} · {self.display_title}"

    @property
    def display_title(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "km").startswith("km"):
            return self.title_km or self.title_en
        return self.title_en or self.title_km

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED

    @property
    def is_ready(self) -> bool:
        return self.render_state == self.RenderState.READY and bool(self.pdf_name)

    @property
    def download_filename(self) -> str:
        return f"certificate-{self.code}.pdf"


class RenderedPdf(models.Model):
    """Every PDF ever rendered for a certificate, by hash.

    A re-render after a template change makes a new file; copies of the old
    one that people already downloaded stay genuine for the upload check.
    """

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="renders")
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    template_version = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rendered PDF")
        verbose_name_plural = _("rendered PDFs")

    def __str__(self) -> str:
        return f"{self.certificate.code} · {self.sha256[:12]}"


class CertificateEvent(models.Model):
    """The audit trail: who did what to a certificate, and when."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        NAME_CONFIRMED = "name_confirmed", _("Name confirmed")
        RENDERED = "rendered", _("PDF rendered")
        RENDER_FAILED = "render_failed", _("PDF render failed")
        RERENDER_REQUESTED = "rerender_requested", _("Re-render requested")
        REVOKED = "revoked", _("Revoked")
        REISSUED = "reissued", _("Reissued")
        ERASED = "erased", _("Personal data erased")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate audit trail")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.certificate.code}"


class NameConfirmation(models.Model):
    """The name a learner confirmed for their certificates, and when."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificate_name_confirmation",
    )
    name = models.CharField(max_length=200)
    confirmed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("name confirmation")
        verbose_name_plural = _("name confirmations")

    def __str__(self) -> str:
        return self.name


@register_setting(icon="doc-full")
class CertificateSettings(BaseGenericSetting):
    """Who issues and signs the certificates (copied onto each one when issued)."""

    issuer_name_km = models.CharField(
        _("issuer name in Khmer"), max_length=200, default="បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល"
    )
    issuer_name_en = models.CharField(
        _("issuer name in English"), max_length=200, default="CSO Academy"
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title_km = models.CharField(
        _("signatory's title in Khmer"), max_length=200, default="នាយកកម្មវិធីបណ្ដុះបណ្ដាល"
    )
    signatory_title_en = models.CharField(
        _("signatory's title in English"), max_length=200, default="Director of Training"
    )

    class Meta:
        verbose_name = _("certificate settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
