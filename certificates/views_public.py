"""Public verification: no login, language-neutral URLs printed on the PDFs.

A visitor learns whether a certificate is genuine and current, and the facts
printed on it: nothing else about the person. Every view is rate-limited per
client address, since tokens and codes must not be guessable by brute force.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from . import credentials, signing, status
from .credentials import OB_CONTEXT, VC_CONTEXT
from .forms import CodeLookupForm, PdfCheckForm, too_large_message
from .models import Certificate, CertificateSettings
from .services import links, sealing, verification
from .uploads import refuse_oversize

RATE_WINDOW_SECONDS = 60


def rate_limited(scope: str, *, methods: tuple[str, ...] = ("GET", "HEAD", "POST")):
    """Answer 429 (with a page in the visitor's language) past ``scope``'s limit a minute.

    Counted by django-ratelimit in the shared cache (Redis in production), per
    client address (``REMOTE_ADDR``; behind the proxy the ASGI server sets it
    from ``X-Forwarded-For``, see the README), an IPv6 client on its /64, since
    one household or phone rotates through the addresses of its prefix.
    ``CERTIFICATES_RATE_LIMITS`` holds the requests a minute for each scope.
    """

    def rate(group, request):
        return f"{settings.CERTIFICATES_RATE_LIMITS[scope]}/m"

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and is_ratelimited(
                request, group=f"certificates.{scope}", key="ip", rate=rate, increment=True
            ):
                response = render(request, "certificates/rate_limited.html", status=429)
                response["Retry-After"] = str(RATE_WINDOW_SECONDS)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def language_from_query(view):
    """``?lang=en`` / ``?lang=km`` picks the page language (these URLs carry no prefix).

    It also points ``request.urlconf`` at these language-neutral routes: for a
    404 on an unprefixed path, ``LocaleMiddleware`` would otherwise redirect to
    ``/km/verify/…``, which Wagtail's catch-all accepts, and a verifier
    following a mistyped link would land on an unrelated "page not found".
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.urlconf = "certificates.urls_public"
        language = request.GET.get("lang", "")
        if language in dict(settings.LANGUAGES):
            with translation.override(language):
                request.LANGUAGE_CODE = language
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                return response
        return view(request, *args, **kwargs)

    return wrapped


def _context(request, **extra):
    other = "en" if translation.get_language() == "km" else "km"
    return {
        "lookup_form": extra.pop("lookup_form", None) or CodeLookupForm(),
        "check_form": extra.pop("check_form", None) or PdfCheckForm(),
        "other_language": other,
        "other_language_name": translation.get_language_info(other)["name_local"],
        **extra,
    }


@require_GET
@language_from_query
@rate_limited("lookup")
def verify_index(request):
    """The start page: look a certificate up by its code, or check a PDF."""
    form = CodeLookupForm(request.GET if "code" in request.GET else None)
    not_found = False
    if form.is_bound and form.is_valid():
        certificate = verification.find_by_code(form.cleaned_data["code"])
        if certificate is not None:
            url = reverse("verify:certificate", args=[certificate.token])
            if request.GET.get("lang"):
                url += f"?lang={request.GET['lang']}"
            return redirect(url)
        not_found = True
    return render(
        request,
        "certificates/verify_index.html",
        _context(request, lookup_form=form, not_found=not_found),
        status=404 if not_found else 200,
    )


def _upload_too_large(request):
    """413, with the form's own message, for an upload refused by its declared size."""
    return render(
        request,
        "certificates/verify_check.html",
        _context(request, upload_error=too_large_message()),
        status=413,
    )


# The order matters: the CSRF middleware would read the body to find its token,
# so it is told to skip this view, and the same check runs here only after the
# rate limit and the declared size (see uploads.py).
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@language_from_query
@rate_limited("check", methods=("POST",))
@refuse_oversize(_upload_too_large)
@csrf_protect
def verify_check(request):
    """Upload a PDF: is it, byte for byte, a certificate we issued?"""
    if request.method == "GET":
        return redirect("verify:index")
    form = PdfCheckForm(request.POST, request.FILES)
    result = None
    certificate = None
    if form.is_valid():
        upload = form.cleaned_data["pdf"]
        data = b"".join(upload.chunks())
        certificate = verification.find_by_pdf_hash(data)
        result = "genuine" if certificate is not None else "unknown"
    return render(
        request,
        "certificates/verify_check.html",
        _context(request, check_form=form, result=result, certificate=certificate),
        status=200 if form.is_valid() else 400,
    )


@require_GET
@language_from_query
@rate_limited("verify")
def verify_certificate(request, token):
    try:
        certificate = verification.get_public_certificate(token)
    except Http404:
        return render(
            request, "certificates/verify_certificate.html", _context(request), status=404
        )
    if certificate.status == Certificate.Status.AWAITING_NAME:
        return render(
            request, "certificates/verify_certificate.html", _context(request), status=404
        )
    return render(
        request,
        "certificates/verify_certificate.html",
        _context(
            request,
            certificate=certificate,
            credential_url=reverse("verify:credential", args=[certificate.token]),
        ),
    )


def neutral_urls(view):
    """Resolve 404s against these routes only (see :func:`language_from_query`)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.urlconf = "certificates.urls_public"
        return view(request, *args, **kwargs)

    return wrapped


def _json(data, status=200, **headers) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) if not isinstance(data, str) else data,
        content_type="application/json; charset=utf-8",
        status=status,
    )
    response["Access-Control-Allow-Origin"] = "*"
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


@require_GET
@neutral_urls
@rate_limited("verify")
def verify_credential(request, token):
    """The signed Open Badges 3.0 credential (200), or why it no longer holds (410)."""
    try:
        certificate = verification.get_public_certificate(token)
    except Http404:
        return _json({"error": "not_found"}, status=404)
    if certificate.status == Certificate.Status.AWAITING_NAME or not certificate.credential:
        if certificate.is_revoked:
            return _json(_revocation(certificate), status=410)
        return _json({"error": "not_found"}, status=404)
    if certificate.is_revoked:
        body = {**_revocation(certificate), "credential": json.loads(certificate.credential)}
        return _json(body, status=410, X_Certificate_Status="revoked")
    return _json(certificate.credential, X_Certificate_Status="valid")


def _revocation(certificate: Certificate) -> dict:
    body = {
        "status": "revoked",
        "revokedAt": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "reason": certificate.revoked_reason,
    }
    if certificate.replaced_by_id:
        body["replacedBy"] = links.credential_url(certificate.replaced_by)
    return body


# The issuer profile is also the controller document of the keys that sign:
# DID v1 defines ``assertionMethod`` and ``verificationMethod``, Multikey the keys.
CONTROLLER_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


@require_GET
@neutral_urls
@rate_limited("verify")
def issuer_profile(request):
    """The issuer's profile with its public keys (the ``verificationMethod`` of every proof)."""
    issuer_id = links.issuer_url()
    config = CertificateSettings.load()
    methods = [
        {
            "id": f"{issuer_id}#key-{key.key_id}",
            "type": "Multikey",
            "controller": issuer_id,
            "publicKeyMultibase": key.multibase,
        }
        for key in signing.public_keys()
    ]
    return _json(
        {
            "@context": [VC_CONTEXT, OB_CONTEXT, *CONTROLLER_CONTEXTS],
            "id": issuer_id,
            "type": ["Profile"],
            "name": config.issuer_name_en or config.issuer_name_km,
            "url": links.site_url() + "/",
            "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods],
        }
    )


@require_GET
@neutral_urls
@rate_limited("verify")
def status_list(request, number: int):
    """The signed Bitstring Status List credential ``number`` (revocations)."""
    text = status.status_list(number)
    if text is None:
        return _json({"error": "not_found"}, status=404)
    return _json(text, Cache_Control=f"public, max-age={status.HTTP_MAX_AGE}")


@require_GET
@neutral_urls
@rate_limited("verify")
def achievement(request, slug: str):
    """The Open Badges ``Achievement`` an ``achievement.id`` names (as every credential has it)."""
    certificate = verification.certificate_for_achievement(slug)
    if certificate is None:
        return _json({"error": "not_found"}, status=404)
    body = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        **credentials.build_achievement(sealing.achievement_facts(certificate)),
    }
    return _json(body, Cache_Control="public, max-age=3600")


@require_GET
def public_key_pem(request, key_id=None):
    """A public key as PEM: the current one, or one named by its key id."""
    key = signing.signing_key().public if key_id is None else signing.public_key(key_id)
    if key is None:
        raise Http404
    response = HttpResponse(key.pem, content_type="application/x-pem-file")
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Disposition"] = f'inline; filename="cso-academy-{key.key_id}.pem"'
    return response
