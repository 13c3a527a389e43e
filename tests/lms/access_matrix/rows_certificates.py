"""Rows of certificates: the public verification pages (language-neutral),
a learner's certificates, and the certificates admin.
"""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from .outcomes import (
    ADMIN_REFUSED,
    DONE,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    Outcome,
    everyone,
    private,
    signed_in,
)
from .shapes import (
    PUBLIC_GET,
    SIGNED_IN_PAGE,
    Row,
    admin_row,
    pk_of,
    rows,
    same_everywhere,
    token_values,
)

# -- POST bodies, URL values and watched state ------------------------------------


def verify_upload(world):
    return {"pdf": SimpleUploadedFile("certificate.pdf", b"%PDF-1.7\n%%EOF\n")}


def certificate_values(world, which):
    if which == "neighbour":
        return {"pk": uuid.uuid4()}
    side = world.own if which == "own" else world.rival
    return {"pk": side.certificate.pk}


CERTIFICATES_STATE = rows("certificates.Certificate", "certificates.CertificateEvent")


ROWS: dict[str, Row] = {
    # --- verification (public, language-neutral) ----------------------------------
    "verify/": Row(get=everyone(OK), ratelimited=True),
    "verify/check/": Row(
        get=everyone(Outcome(302, to="/verify/")),  # the form is on the start page
        post=everyone(OK),
        data=verify_upload,
        ratelimited=True,
    ),
    "verify/issuer.json": PUBLIC_GET,
    # The revocation list every credential points at; the first holds the world's.
    "verify/status/<int:number>.json": Row(
        get=everyone(OK), values=same_everywhere({"number": 1}), ratelimited=True
    ),
    # What each credential's achievement id names (public, shared by every learner).
    "^verify/achievements/(?P<slug>course-[0-9]+|mentee|mentor)$": Row(
        get=everyone(NOT_FOUND),  # no mentor certificate in the world
        values=same_everywhere({"slug": "mentor"}),
        ratelimited=True,
    ),
    "verify/public-key.pem": PUBLIC_GET,
    "^verify/keys/(?P<key_id>[0-9a-f]{16})\\.pem$": Row(
        get=everyone(NOT_FOUND), values=same_everywhere({"key_id": "0" * 16}), ratelimited=True
    ),
    "^verify/(?P<token>[A-Za-z0-9_-]{16,64})\\.json$": Row(
        get=everyone(OK),
        values=token_values("certificate"),
        objects=True,
        foreign=OK,  # a certificate's token is its public address
        neighbour=NOT_FOUND,
        ratelimited=True,
    ),
    "^verify/(?P<token>[A-Za-z0-9_-]{16,64})/$": Row(
        get=everyone(OK),
        values=token_values("certificate"),
        objects=True,
        foreign=OK,
        neighbour=NOT_FOUND,
        ratelimited=True,
    ),
    # --- a learner's certificates -----------------------------------------------------
    "certificates/": SIGNED_IN_PAGE,
    "certificates/confirm-name/": Row(
        get=signed_in(OK),
        post=signed_in(DONE),  # everyone's own name
        data=lambda w: {"legal_name": "Chan Sokha", "confirm": "on"},
        state=rows("accounts.User", "certificates.NameConfirmation"),
    ),
    "certificates/<uuid:pk>/": Row(
        get=private(OK, editor=OK), values=certificate_values, objects=True
    ),
    "certificates/<uuid:pk>/download/": Row(
        get=private(OK, editor=OK), values=certificate_values, objects=True
    ),
    # --- admin -------------------------------------------------------------------
    "admin/certificates-actions/<uuid:pk>/revoke/": admin_row(
        get=OK,
        post=OK,  # no reason given: refused with a message, nothing revoked
        values=pk_of(lambda w: w.own.certificate),
        state=CERTIFICATES_STATE,
    ),
    "admin/certificates-actions/<uuid:pk>/reissue/": admin_row(
        get=OK, post=OK, values=pk_of(lambda w: w.own.certificate), state=CERTIFICATES_STATE
    ),
    "admin/certificates-actions/<uuid:pk>/rerender/": admin_row(
        get=NOT_ALLOWED,
        post=Outcome(302, changed=True, to="/admin/certificates/inspect/"),
        values=pk_of(lambda w: w.own.certificate),
        state=CERTIFICATES_STATE,
    ),
    "admin/certificates-actions/rerender-all/": admin_row(
        get=OK,
        post=Outcome(302, changed=True, to="/admin/certificates/"),
        state=CERTIFICATES_STATE,
    ),
    "admin/certificates/": admin_row(),
    "admin/certificates/results/": admin_row(),
    "admin/certificates/inspect/<str:pk>/": admin_row(values=pk_of(lambda w: w.own.certificate)),
    # A certificate's history is its audit trail (certificate-events).
    "admin/certificates/history/<str:pk>/": admin_row(
        get=ADMIN_REFUSED, values=pk_of(lambda w: w.own.certificate)
    ),
    "admin/certificates/history-results/<str:pk>/": admin_row(
        get=ADMIN_REFUSED, values=pk_of(lambda w: w.own.certificate)
    ),
    "admin/certificate-events/": admin_row(),
    "admin/certificate-events/results/": admin_row(),
}
