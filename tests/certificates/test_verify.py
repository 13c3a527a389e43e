"""Public verification: the page, the code lookup, the PDF check, the signed
JSON credential with its published key, the offline payload and rate limits."""

from __future__ import annotations

import json
import time
from io import StringIO
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from certificates import credentials, signing
from certificates.encoding import b58decode, b64url, b64url_decode
from certificates.services import links, revocation
from certificates.signing import PublicKey

from .conftest import ENGLISH_TITLE, KHMER_TITLE, pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_pdf")]


@pytest.fixture(autouse=True)
def one_rate_window(monkeypatch):
    """django-ratelimit counts in fixed one-minute windows: on a slow machine the
    requests of one test could straddle a window's end and all pass. Its clock stands
    still for the length of a test (no test here waits for a window to pass)."""
    import django_ratelimit.core

    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))


def verify_path(certificate) -> str:
    return f"/verify/{certificate.token}/"


def test_valid_certificate_page_shows_only_what_is_printed(client, certificate, user):
    user.display_name = "Lotus Pseudonym"
    user.save(update_fields=["display_name"])
    response = client.get(verify_path(certificate), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Valid certificate" in body
    for fact in ("Chan Sokha", ENGLISH_TITLE, KHMER_TITLE, certificate.code, "CSO Academy"):
        assert fact in body
    # Nothing else about the person.
    assert user.email not in body
    assert user.display_name not in body


def test_the_page_speaks_khmer_by_default_and_english_on_request(client, certificate):
    assert "វិញ្ញាបនបត្រមានសុពលភាព" in client.get(verify_path(certificate)).content.decode()
    english = client.get(verify_path(certificate) + "?lang=en").content.decode()
    assert "Valid certificate" in english


def test_revoked_certificate_says_so_with_date_and_reason(client, certificate, admin_user):
    revocation.revoke(admin_user, certificate, reason="Completed by someone else.")
    body = client.get(verify_path(certificate) + "?lang=en").content.decode()
    assert "This certificate has been revoked" in body
    assert "Completed by someone else." in body
    assert "Valid certificate" not in body


def test_unknown_token_is_a_clear_not_found(client, db):
    response = client.get("/verify/AAAAAAAAAAAAAAAAAAAAAAAAAA/?lang=en")
    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()


def test_a_certificate_waiting_for_its_name_is_not_public(client, user, issue):
    certificate = issue(user)
    assert client.get(verify_path(certificate)).status_code == 404


def test_lookup_by_code_accepts_what_people_type(client, certificate):
    typed = certificate.code.lower().replace("-", " ")
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == verify_path(certificate)
    missing = client.get("/verify/", {"code": "0000-0000", "lang": "en"})
    assert missing.status_code == 404
    assert "No certificate has this code" in missing.content.decode()


def test_verification_is_rate_limited(client, certificate, settings):
    settings.CERTIFICATES_RATE_LIMITS = {"verify": 3, "lookup": 3, "check": 2}
    statuses = [client.get(verify_path(certificate)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(verify_path(certificate) + "?lang=en")
    assert limited["Retry-After"] == "60"
    assert "Too many requests" in limited.content.decode()
    # Another address is not affected.
    assert client.get(verify_path(certificate), REMOTE_ADDR="10.9.8.7").status_code == 200


def test_ipv6_clients_are_limited_on_their_64_bit_prefix(client, certificate, settings):
    """Rotating through the addresses of one /64 does not get round the limit."""
    settings.CERTIFICATES_RATE_LIMITS = {"verify": 2, "lookup": 2, "check": 2}
    same_prefix = ["2001:db8:1:2::1", "2001:db8:1:2::abcd", "2001:db8:1:2:ffff::9"]
    statuses = [
        client.get(verify_path(certificate), REMOTE_ADDR=address).status_code
        for address in same_prefix
    ]
    assert statuses == [200, 200, 429]
    other = client.get(verify_path(certificate), REMOTE_ADDR="2001:db8:1:3::1")
    assert other.status_code == 200


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_oversize_upload_is_refused_by_its_declared_length_unread(rf, certificate):
    """A 30 MB upload answers 413 with a clear message, and not one byte of it is read."""
    from django.contrib.auth.models import AnonymousUser

    from certificates import views_public

    request = rf.post(
        "/verify/check/?lang=en",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(30 * 1024 * 1024),
    )
    request.META["wsgi.input"] = UnreadableBody()
    request._stream = UnreadableBody()
    request.user = AnonymousUser()
    response = views_public.verify_check(request)
    assert response.status_code == 413
    body = response.content.decode()
    assert "File not checked" in body and "a certificate is much smaller" in body


def test_the_check_form_still_needs_its_csrf_token(certificate):
    """The CSRF check still guards the form: it only runs after the size check."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/verify/check/?lang=en",
        {"pdf": SimpleUploadedFile("c.pdf", b"%PDF", content_type="application/pdf")},
    )
    assert response.status_code == 403


def _upload(client, data: bytes):
    return client.post(
        "/verify/check/?lang=en",
        {"pdf": SimpleUploadedFile("certificate.pdf", data, content_type="application/pdf")},
    )


def test_uploading_the_genuine_pdf_confirms_it(client, certificate):
    response = _upload(client, pdf_bytes(certificate))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Genuine and unaltered" in body
    assert certificate.code in body


def test_uploading_an_altered_pdf_is_not_confirmed(client, certificate):
    data = bytearray(pdf_bytes(certificate))
    index = data.index(b"Chan Sokha") if b"Chan Sokha" in data else len(data) // 2
    data[index] ^= 0x01
    body = _upload(client, bytes(data)).content.decode()
    assert "Not a certificate we issued, or changed since" in body
    assert "Genuine" not in body


def test_uploads_are_limited_in_size_and_rate(client, certificate, settings):
    settings.CERTIFICATES_UPLOAD_MAX_BYTES = 1000
    settings.CERTIFICATES_RATE_LIMITS = {"verify": 60, "lookup": 20, "check": 1}
    response = _upload(client, b"%PDF" + b"0" * 2000)
    assert response.status_code == 400
    assert _upload(client, b"%PDF").status_code == 429


def _published_key(client, verification_method: str) -> PublicKey:
    """The key a verifier gets from the issuer profile named in the proof."""
    issuer_url, _, fragment = verification_method.partition("#")
    assert issuer_url == "https://academy.example.org/verify/issuer.json"
    profile = client.get("/verify/issuer.json").json()
    method = next(m for m in profile["verificationMethod"] if m["id"].endswith("#" + fragment))
    assert method["type"] == "Multikey"
    raw = b58decode(method["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"
    return PublicKey(Ed25519PublicKey.from_public_bytes(raw[2:]))


def test_json_credential_verifies_with_the_published_key(client, certificate):
    response = client.get(f"/verify/{certificate.token}.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"https://academy.example.org/verify/{certificate.token}.json"
    key = _published_key(client, document["proof"][0]["verificationMethod"])
    credentials.verify_credential(document, [key])


def test_json_credential_fails_after_one_byte_changes(client, certificate):
    text = client.get(f"/verify/{certificate.token}.json").content.decode()
    key = _published_key(client, json.loads(text)["proof"][0]["verificationMethod"])
    tampered = text.replace("Chan Sokha", "Chan Sokhb", 1)
    assert tampered != text
    with pytest.raises(credentials.VerificationError, match="altered"):
        credentials.verify_credential(tampered, [key])
    proof_changed = text.replace(
        '"proofPurpose": "assertionMethod"', '"proofPurpose": "authentication"'
    )
    with pytest.raises(credentials.VerificationError):
        credentials.verify_credential(proof_changed, [key])


def test_revoked_credential_answers_gone_with_the_reason(client, certificate, admin_user):
    revocation.revoke(admin_user, certificate, reason="Issued in error.")
    response = client.get(f"/verify/{certificate.token}.json")
    assert response.status_code == 410
    body = response.json()
    assert body["status"] == "revoked" and body["reason"] == "Issued in error."


def test_public_key_is_published_as_pem(client, certificate):
    pem = client.get("/verify/public-key.pem").content.decode()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    by_id = client.get(f"/verify/keys/{certificate.key_id}.pem").content.decode()
    assert by_id == pem
    assert client.get("/verify/keys/0000000000000000.pem").status_code == 404


def offline(*args) -> tuple[int, str]:
    """(exit status, what it printed) of ``manage.py verify_certificate``."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_certificate", *args, stdout=out, stderr=err)
    except SystemExit as exit_info:
        return exit_info.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_offline_check_proves_the_issuer_and_says_the_status_is_unknown(
    certificate, tmp_path, client
):
    """With only the public key, the signature, code and printed name check out;
    whether it was revoked is unknown offline: it says so and exits 3, not "VALID"."""
    key_file = tmp_path / "issuer.pem"
    key_file.write_bytes(client.get("/verify/public-key.pem").content)
    qr = links.qr_content(certificate)
    code, text = offline(
        qr, "--public-key", str(key_file), "--name", "Chan Sokha", "--title", ENGLISH_TITLE
    )
    assert code == 3
    assert "SIGNATURE GENUINE" in text and certificate.code in text
    assert "are the ones signed" in text
    assert "STATUS UNKNOWN" in text and "VALID:" not in text


def test_offline_check_reads_revocation_from_a_saved_status_list(
    certificate, tmp_path, client, admin_user, django_capture_on_commit_callbacks
):
    """Given a copy of the status list, it knows: not revoked (0), then revoked (1)."""
    qr = links.qr_content(certificate)
    path = json.loads(certificate.credential)["credentialStatus"]["statusListCredential"]
    saved = tmp_path / "status.json"
    saved.write_bytes(client.get(path.removeprefix("https://academy.example.org")).content)
    code, text = offline(qr, "--status-list", str(saved))
    assert code == 0 and "NOT REVOKED" in text
    with django_capture_on_commit_callbacks(execute=True):
        revocation.revoke(admin_user, certificate, reason="Issued in error.")
    saved.write_bytes(client.get(path.removeprefix("https://academy.example.org")).content)
    code, text = offline(qr, "--status-list", str(saved))
    assert code == 1 and "REVOKED" in text and "NOT REVOKED" not in text


def test_offline_check_of_a_revoked_certificate_never_says_valid(
    certificate, admin_user, django_capture_on_commit_callbacks
):
    """Revoked, and checked offline without a status list: genuine signature, status
    unknown, exit 3; nothing it prints says "VALID"."""
    with django_capture_on_commit_callbacks(execute=True):
        revocation.revoke(admin_user, certificate, reason="Issued in error.")
    code, text = offline(
        links.qr_content(certificate), "--name", "Chan Sokha", "--title", ENGLISH_TITLE
    )
    assert code == 3
    assert "SIGNATURE GENUINE" in text and "STATUS UNKNOWN" in text
    assert "VALID" not in text.upper().replace("INVALID", "")


def test_offline_check_refuses_another_name_and_any_altered_byte(certificate):
    qr = links.qr_content(certificate)
    code, text = offline(qr, "--name", "Someone Else", "--title", ENGLISH_TITLE)
    assert code == 1 and "NOT MATCHING" in text
    url, _, payload = qr.partition("#")
    prefix, data = payload.split(".")
    for at in (8, len(data) - 3):  # a byte of the message, a byte of the signature
        flipped = data[:at] + ("A" if data[at] != "A" else "B") + data[at + 1 :]
        code, text = offline(f"{url}#{prefix}.{flipped}")
        assert code == 1 and "NOT GENUINE" in text
    other_token = url.replace(certificate.token, "A" * len(certificate.token))
    claims = credentials.verify_payload(f"{other_token}#{payload}", signing.public_keys())
    assert not claims.matches("Chan Sokha", ENGLISH_TITLE)  # moved to another URL


def test_version_1_payloads_printed_earlier_still_verify(certificate):
    """QR codes printed with the first format (texts in UTF-8) keep verifying."""
    key = signing.signing_key()
    message = (
        bytes([1, 20])
        + b64url_decode(certificate.token)
        + certificate.code.replace("-", "").encode()
        + (9800).to_bytes(2, "big")
        + bytes.fromhex(key.public.key_id)
        + bytes([10])
        + b"Chan Sokha"
        + bytes([5])
        + b"Title"
    )
    payload = f"CSOA1.{b64url(message)}.{b64url(key.sign(message))}"
    claims = credentials.verify_payload(payload, signing.public_keys())
    assert claims.version == 1 and claims.name == "Chan Sokha" and claims.code == certificate.code


def test_the_issue_date_is_written_day_month_year_in_each_language(client, certificate):
    issued = timezone.localtime(certificate.issued_at)
    english = client.get(verify_path(certificate) + "?lang=en").content.decode()
    assert f"{issued.day} {issued:%b %Y}" in english  # "28 Nov 2026", not "Nov. 28, 2026"
    khmer = client.get(verify_path(certificate)).content.decode()
    assert f"{issued.day} ខែ " in khmer and f"ឆ្នាំ {issued.year}" in khmer
