"""Credentials that standard tools accept: Digital Bazaar's verifier and 1EdTech's schema.

The verifier checks the W3C Data Integrity proof (``eddsa-jcs-2022``) against
the issuer's published controller document, and the Bitstring Status List
the credential points to; the schema is Open Badges 3.0's AchievementCredential.
Neither is the project's own code.
"""

from __future__ import annotations

import copy
import gzip
import json

import pytest

from certificates import credentials, signing
from certificates.encoding import b64url_decode
from certificates.services import issuing, revocation

from .conftest import pdf_bytes
from .pdf_helpers import attachments
from .standards import dbz_verify, schema_errors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_pdf")]


def published(client, credential: dict) -> dict[str, dict]:
    """What a verifier fetches: the issuer's controller document and the status list."""
    documents = {}
    issuer = credential["issuer"]["id"]
    documents[issuer] = client.get(issuer.removeprefix("https://academy.example.org")).json()
    status_url = credential["credentialStatus"]["statusListCredential"]
    response = client.get(status_url.removeprefix("https://academy.example.org"))
    assert response.status_code == 200
    documents[status_url] = response.json()
    return documents


def test_a_fresh_credential_is_verified_and_not_revoked(client, certificate):
    """Digital Bazaar verifies the proof and reads the status bit: not revoked."""
    credential = json.loads(certificate.credential)
    result = dbz_verify(credential, published(client, credential))
    assert result["verified"], result["errors"]
    assert result["status"] == {"checked": True, "revoked": False}


def test_a_fresh_credential_meets_the_open_badges_schema(certificate):
    assert schema_errors(json.loads(certificate.credential)) == []


@pytest.mark.real_pdf
def test_after_a_revocation_the_status_list_says_revoked(
    client, certificate, admin_user, django_capture_on_commit_callbacks
):
    """The copy of the credential inside the PDF reads as revoked once revoked."""
    embedded = json.loads(attachments(pdf_bytes(certificate))["credential.json"])
    before = published(client, embedded)
    with django_capture_on_commit_callbacks(execute=True):
        revocation.revoke(admin_user, certificate, reason="Issued in error.")
    after = published(client, embedded)
    assert after != before  # the cached list was rebuilt
    result = dbz_verify(embedded, after)
    assert result["status"] == {"checked": True, "revoked": True}, result
    assert schema_errors(embedded) == []


def test_a_reissue_flips_the_old_certificates_bit_only(
    client, certificate, admin_user, django_capture_on_commit_callbacks
):
    published(client, json.loads(certificate.credential))  # the list is cached before
    with django_capture_on_commit_callbacks(execute=True):
        new = revocation.reissue(admin_user, certificate, name="Chan Sokha Vannak")
    old_credential = json.loads(certificate.credential)
    new_credential = json.loads(new.credential)
    assert dbz_verify(old_credential, published(client, old_credential))["status"]["revoked"]
    result = dbz_verify(new_credential, published(client, new_credential))
    assert result["verified"] and result["status"] == {"checked": True, "revoked": False}


def test_a_tampered_credential_is_rejected(client, certificate):
    credential = json.loads(certificate.credential)
    documents = published(client, credential)
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    result = dbz_verify(tampered, documents)
    assert not result["verified"]
    assert any("signature" in error.lower() for error in result["errors"]), result


def test_the_status_list_is_a_signed_bitstring_at_a_stable_url(
    client, certificate, admin_user, django_capture_on_commit_callbacks
):
    """Version 1.0 of the list: GZIP'd bits, multibase base64url, our key's proof."""
    entry = json.loads(certificate.credential)["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    path = entry["statusListCredential"].removeprefix("https://academy.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        revocation.revoke(admin_user, certificate, reason="Issued in error.")
    response = client.get(path)
    assert "max-age" in response["Cache-Control"]
    status_list = response.json()
    credentials.verify_credential(status_list, signing.public_keys())
    encoded = status_list["credentialSubject"]["encodedList"]
    bits = gzip.decompress(b64url_decode(encoded[1:]))
    assert encoded[0] == "u" and len(bits) * 8 >= 131_072
    index = int(entry["statusListIndex"])
    assert bits[index // 8] & (0x80 >> (index % 8))
    assert sum(bin(byte).count("1") for byte in bits) == 1
    assert client.get(path).content == response.content  # served from the cache


def test_the_controller_document_defines_assertion_method(client, certificate):
    profile = client.get("/verify/issuer.json").json()
    assert "https://www.w3.org/ns/did/v1" in profile["@context"]
    assert "https://w3id.org/security/multikey/v1" in profile["@context"]
    method = json.loads(certificate.credential)["proof"][0]["verificationMethod"]
    assert method in profile["assertionMethod"]
    assert profile["name"] == "CSO Academy"


def test_the_issuer_name_comes_from_the_settings(client, db):
    from certificates.models import CertificateSettings

    config = CertificateSettings.load()
    config.issuer_name_en = "Civil Society Academy of Cambodia"
    config.save()
    assert client.get("/verify/issuer.json").json()["name"] == "Civil Society Academy of Cambodia"


def test_every_achievement_id_resolves_to_its_achievement(client, certificate):
    """The achievement embedded in a credential is what its id serves."""
    achievement = json.loads(certificate.credential)["credentialSubject"]["achievement"]
    response = client.get(achievement["id"].removeprefix("https://academy.example.org"))
    assert response.status_code == 200
    served = response.json()
    assert {k: v for k, v in served.items() if k != "@context"} == achievement
    assert achievement["image"]["type"] == "Image"
    assert client.get("/verify/achievements/course-999999").status_code == 404


def test_the_code_is_on_the_credential_and_languages_match_their_text(certificate):
    credential = json.loads(certificate.credential)
    achievement = credential["credentialSubject"]["achievement"]
    assert credential["humanCode"] == certificate.code
    assert "humanCode" not in achievement
    assert achievement["name"] == certificate.title_en and achievement["inLanguage"] == "en"
    assert achievement["otherIdentifier"][0]["identifier"] == certificate.title_km


def test_the_proof_is_emitted_as_the_recommendation_has_it(certificate):
    """A proof set (array), each proof carrying the document's @context."""
    credential = json.loads(certificate.credential)
    assert isinstance(credential["proof"], list) and len(credential["proof"]) == 1
    assert credential["proof"][0]["@context"] == credential["@context"]


def test_our_verifier_accepts_a_single_proof_and_the_pre_2024_form(certificate):
    """The project's verifier takes a proof object as well as a set, and still
    verifies proofs made before the Recommendation copied @context into them."""
    credential = json.loads(certificate.credential)
    single = {**credential, "proof": credential["proof"][0]}
    credentials.verify_credential(single, signing.public_keys())

    key = signing.signing_key()
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    options = {k: v for k, v in credential["proof"][0].items() if k not in ("proofValue",)}
    data = credentials._hash_data(unsigned, options)
    from certificates.encoding import b58encode

    old_proof = {k: v for k, v in options.items() if k != "@context"}
    old_proof["proofValue"] = "z" + b58encode(key.sign(data))
    credentials.verify_credential({**unsigned, "proof": old_proof}, signing.public_keys())


def test_a_mentoring_credential_passes_both_checks(client, db):
    from mentoring.factories import MentoringPairFactory

    pair = MentoringPairFactory()
    for certificate in issuing.issue_for_pair(pair):
        certificate.refresh_from_db()
        credential = json.loads(certificate.credential)
        assert schema_errors(credential) == []
        result = dbz_verify(credential, published(client, credential))
        assert result["verified"], result["errors"]
