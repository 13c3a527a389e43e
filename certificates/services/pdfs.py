"""The certificate PDF: rendering it in the background, storing it, rendering it again.

:func:`render` is the task's body (``tasks.render_certificate``); the
WeasyPrint side, layout and fitting, is ``certificates.rendering``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.http import Http404
from django.template.loader import get_template
from django.utils import timezone

from .. import document, fonts
from ..models import Certificate, RenderedPdf
from .audit import Action, record
from .links import qr_content, verify_url

if TYPE_CHECKING:
    from accounts.models import User


@cache
def template_version() -> str:
    """A short hash of everything that shapes the PDF; changes when any of it does."""
    from .. import rendering  # WeasyPrint loads slowly; only renders need it

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
    from .. import rendering  # WeasyPrint loads slowly; only renders need it

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
    from ..tasks import render_certificate

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
        record(certificate, Action.RENDERED, note=digest)
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
        record(
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
        record(certificate, Action.RERENDER_REQUESTED, actor=user)
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
            record(certificate, Action.RERENDER_REQUESTED, actor=user, note="All certificates")
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
