"""Finding a certificate from what a verifier holds: its link, its code, its PDF."""

from __future__ import annotations

import hashlib

from django.http import Http404

from ..models import Certificate, RenderedPdf


def get_public_certificate(token: str) -> Certificate:
    try:
        return Certificate.objects.select_related("replaced_by").get(token=token)
    except Certificate.DoesNotExist:
        raise Http404 from None


def find_by_code(code: str) -> Certificate | None:
    from ..models import normalise_code

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


def certificate_for_achievement(slug: str) -> Certificate | None:
    """The latest valid certificate awarding the achievement ``slug`` names, if any."""
    queryset = Certificate.objects.filter(status=Certificate.Status.VALID).exclude(credential="")
    if slug.startswith("course-"):
        queryset = queryset.filter(kind=Certificate.Kind.COURSE, course_id=int(slug[7:]))
    else:
        queryset = queryset.filter(kind=slug)
    return queryset.order_by("-issued_at").first()
