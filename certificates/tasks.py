"""Background tasks: rendering certificate PDFs.

django-tasks runs these at once in development and tests, and in the
database worker (``manage.py db_worker``) in production. django-tasks has no
retries of its own, so a failed render books the failure on the certificate
(visible in the admin) and enqueues itself again with a growing delay, up to
``CERTIFICATES_RENDER_MAX_ATTEMPTS``; then the certificate is marked failed and
an admin can retry it. The exception is re-raised so the task result records
it too.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

RETRY_DELAYS = (30, 120, 600)  # seconds before the 2nd, 3rd, 4th attempt


@task()
def render_certificate(certificate_id: str, force: bool = False) -> str:
    from .services import pdfs

    try:
        certificate = pdfs.render(certificate_id, force=force)
    except Exception as exc:
        attempts, retry = pdfs.record_render_failure(certificate_id, exc)
        logger.exception("Rendering certificate %s failed (attempt %s)", certificate_id, attempts)
        if retry:
            _retry(certificate_id, attempts)
        raise
    return certificate.render_state if certificate else "missing"


def _retry(certificate_id: str, attempts: int) -> None:
    backend = render_certificate.get_backend()
    if backend.supports_defer:
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
        run_after = timezone.now() + datetime.timedelta(seconds=delay)
        render_certificate.using(run_after=run_after).enqueue(certificate_id, force=True)
    else:
        # The immediate backend cannot wait: try again straight away.
        render_certificate.enqueue(certificate_id, force=True)
