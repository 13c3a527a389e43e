"""Open Badges 3.0 credentials and the compact offline payload, both signed.

Credential
    An ``OpenBadgeCredential`` (W3C Verifiable Credentials Data Model 2.0)
    secured with a Data Integrity proof using the ``eddsa-jcs-2022``
    cryptosuite: the document and the proof options are canonicalised with
    JCS (RFC 8785), hashed with SHA-256, and the two hashes signed with the
    platform's Ed25519 key. No JSON-LD processing (and so no network) is
    needed to sign or verify. ``docs/certificates.md`` describes it.

Offline payload
    ``CSOA1.<message>.<signature>``: base64url of a compact binary message
    (token, code, date, key id, name, title; see :func:`encode_claims`) and
    base64url of the Ed25519 signature of those exact message bytes. The QR code carries it in
    the fragment of the verification URL, so a phone opens the public page and
    anyone with the public key can check it with no server at all.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
from dataclasses import dataclass

from .encoding import b58decode, b58encode, b64url, b64url_decode, canonical_json
from .signing import PublicKey, SigningKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"

PAYLOAD_PREFIX = "CSOA1"
PAYLOAD_VERSION = 1
PAYLOAD_TITLE_LIMIT = 60  # characters of the title carried in the QR code


class VerificationError(ValueError):
    """A credential or payload is malformed, altered, or signed by an unknown key."""


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AchievementFacts:
    """What is achieved: the same for every holder, and served at its ``id``."""

    achievement_id: str
    achievement_type: str  # Open Badges AchievementType: "Course", "Achievement", …
    name: str
    name_language: str  # BCP 47 code of ``name``
    description: str
    criteria: str
    image_url: str
    other_name: str = ""  # the name in the other language (the Khmer title)


@dataclass(frozen=True)
class CredentialFacts:
    credential_id: str
    issuer_id: str
    issuer_name: str
    issuer_url: str
    achievement: AchievementFacts
    name: str  # of the holder
    title: str
    description: str
    code: str
    issued_at: datetime.datetime
    status: dict | None = None  # a BitstringStatusListEntry


def xsd_datetime(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_achievement(facts: AchievementFacts) -> dict:
    """The ``Achievement`` (embedded in each credential, and served at its id)."""
    achievement = {
        "id": facts.achievement_id,
        "type": ["Achievement"],
        "achievementType": facts.achievement_type,
        "name": facts.name,
        "description": facts.description,
        "criteria": {"narrative": facts.criteria},
        "image": {"id": facts.image_url, "type": "Image"},
        "inLanguage": facts.name_language,
    }
    if facts.other_name:
        achievement["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifierType": "name", "identifier": facts.other_name}
        ]
    return achievement


def build_credential(facts: CredentialFacts) -> dict:
    """The unsigned ``OpenBadgeCredential`` for one certificate.

    ``humanCode`` (the code printed on the PDF) belongs to this credential,
    not to the achievement every holder shares.
    """
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": facts.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": facts.title,
        "description": facts.description,
        "humanCode": facts.code,
        "issuer": {
            "id": facts.issuer_id,
            "type": ["Profile"],
            "name": facts.issuer_name,
            "url": facts.issuer_url,
        },
        "validFrom": xsd_datetime(facts.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": facts.name,
                }
            ],
            "achievement": build_achievement(facts.achievement),
        },
    }
    if facts.status:
        credential["credentialStatus"] = facts.status
    return credential


def _hash_data(document: dict, proof_config: dict) -> bytes:
    """SHA-256(JCS(proof configuration)) ‖ SHA-256(JCS(document without its proof))."""
    return (
        hashlib.sha256(canonical_json(proof_config)).digest()
        + hashlib.sha256(canonical_json(document)).digest()
    )


def sign_credential(
    document: dict, key: SigningKey, *, verification_method: str, created: datetime.datetime
) -> dict:
    """``document`` secured with an ``eddsa-jcs-2022`` Data Integrity proof.

    As the W3C Recommendation has it (Data Integrity EdDSA Cryptosuites v1.0,
    §3.3.1): the proof configuration carries the document's ``@context``, and
    so does the proof as emitted, which is what a verifier checks. ``proof``
    is a set (a one-item array): Open Badges 3.0's schema requires an array.
    """
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    config = {
        "@context": unsigned["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": xsd_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(unsigned, config))
    return {**unsigned, "proof": [{**config, "proofValue": "z" + b58encode(signature)}]}


def credential_json(document: dict) -> str:
    """The text served and embedded: readable, and stable for a given document."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)


# ---------------------------------------------------------------------------
# Verifying
# ---------------------------------------------------------------------------


def verify_credential(document: dict | str | bytes, keys: list[PublicKey]) -> dict:
    """Check the proofs of a credential; return the document without them.

    ``proof`` may be one proof or a set of them (each is checked). ``keys``
    are the trusted public keys; a proof's ``verificationMethod`` must end in
    ``#key-<key id>`` of one of them. Proofs made before the W3C
    Recommendation (no ``@context`` in the proof, though it was signed in)
    still verify. Raises :class:`VerificationError` on any problem.
    """
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise VerificationError("Not JSON.") from exc
    if not isinstance(document, dict):
        raise VerificationError("Not a JSON object.")
    document = copy.deepcopy(document)
    proofs = document.pop("proof", None)
    if isinstance(proofs, dict):
        proofs = [proofs]
    if not isinstance(proofs, list) or not proofs:
        raise VerificationError("No proof.")
    for proof in proofs:
        _verify_proof(document, proof, keys)
    return document


def _verify_proof(document: dict, proof, keys: list[PublicKey]) -> None:
    if not isinstance(proof, dict):
        raise VerificationError("Malformed proof.")
    proof = dict(proof)
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise VerificationError("Unsupported proof type.")
    if proof.get("proofPurpose") != "assertionMethod":
        raise VerificationError("Unexpected proof purpose.")
    value = proof.pop("proofValue", "")
    if not isinstance(value, str) or not value.startswith("z"):
        raise VerificationError("Malformed proof value.")
    try:
        signature = b58decode(value[1:])
    except ValueError as exc:
        raise VerificationError("Malformed proof value.") from exc
    method = str(proof.get("verificationMethod", ""))
    key = next((k for k in keys if method.endswith(f"#key-{k.key_id}")), None)
    if key is None:
        raise VerificationError("Signed with an unknown key.")
    context = document.get("@context")
    if "@context" in proof:
        # §3.3.2: the document's contexts must start with the proof's, in order.
        proof_context = proof["@context"]
        if not isinstance(proof_context, list) or not isinstance(context, list):
            raise VerificationError("Malformed @context.")
        if context[: len(proof_context)] != proof_context:
            raise VerificationError("The proof's @context does not match the document's.")
        document = {**document, "@context": proof_context}
    else:
        proof["@context"] = context  # signed in, but not emitted, before 2024
    try:
        data = _hash_data(document, proof)
    except (TypeError, KeyError) as exc:
        raise VerificationError("Malformed credential.") from exc
    if not key.verify(signature, data):
        raise VerificationError("The signature does not match: the credential was altered.")


# ---------------------------------------------------------------------------
# Offline payload
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OfflineClaims:
    token: str
    code: str
    issued_on: str
    name: str
    title: str
    key_id: str


EPOCH = datetime.date(2000, 1, 1)


def _short(text: str, limit_bytes: int) -> bytes:
    """``text`` as UTF-8 of at most ``limit_bytes`` bytes, cut at a character boundary."""
    data = text.encode()
    if len(data) <= limit_bytes:
        return data
    return data[:limit_bytes].decode("utf-8", errors="ignore").encode()


def encode_claims(claims: OfflineClaims) -> bytes:
    """The signed message: compact binary, so the QR code stays small and easy to scan.

    ``version(1) | len(1) token | code(8) | days since 2000-01-01 (2) |
    key id (8) | len(1) name | len(1) title``, texts in UTF-8.
    """
    token = b64url_decode(claims.token)
    code = claims.code.replace("-", "").encode("ascii")
    if len(code) != 8 or len(token) > 255:
        raise ValueError("Unexpected token or code length.")
    days = (datetime.date.fromisoformat(claims.issued_on) - EPOCH).days
    title = claims.title
    if len(title) > PAYLOAD_TITLE_LIMIT:
        title = title[: PAYLOAD_TITLE_LIMIT - 1].rstrip() + "…"
    name_bytes = _short(claims.name, 255)
    title_bytes = _short(title, 255)
    return b"".join(
        [
            bytes([PAYLOAD_VERSION, len(token)]),
            token,
            code,
            days.to_bytes(2, "big"),
            bytes.fromhex(claims.key_id),
            bytes([len(name_bytes)]),
            name_bytes,
            bytes([len(title_bytes)]),
            title_bytes,
        ]
    )


def decode_claims(message: bytes) -> OfflineClaims:
    try:
        if message[0] != PAYLOAD_VERSION:
            raise VerificationError("Unsupported payload version.")
        at = 1
        token = message[at + 1 : at + 1 + message[at]]
        at += 1 + message[at]
        code = message[at : at + 8].decode("ascii")
        at += 8
        issued_on = EPOCH + datetime.timedelta(days=int.from_bytes(message[at : at + 2], "big"))
        at += 2
        key_id = message[at : at + 8].hex()
        at += 8
        name = message[at + 1 : at + 1 + message[at]].decode()
        at += 1 + message[at]
        title = message[at + 1 : at + 1 + message[at]].decode()
        at += 1 + message[at]
    except (IndexError, UnicodeDecodeError) as exc:
        raise VerificationError("Malformed payload.") from exc
    if at != len(message) or len(code) != 8:
        raise VerificationError("Malformed payload.")
    return OfflineClaims(
        token=b64url(token),
        code=f"{code[:4]}-{code[4:]}",
        issued_on=issued_on.isoformat(),
        name=name,
        title=title,
        key_id=key_id,
    )


def make_payload(claims: OfflineClaims, key: SigningKey) -> str:
    message = encode_claims(claims)
    return f"{PAYLOAD_PREFIX}.{b64url(message)}.{b64url(key.sign(message))}"


def extract_payload(text: str) -> str:
    """The payload in ``text``: itself, or the fragment of a verification URL."""
    text = text.strip()
    if "#" in text:
        text = text.rsplit("#", 1)[1]
    return text


def verify_payload(text: str, keys: list[PublicKey]) -> OfflineClaims:
    """The claims of a genuine payload; :class:`VerificationError` otherwise."""
    parts = extract_payload(text).split(".")
    if len(parts) != 3 or parts[0] != PAYLOAD_PREFIX:
        raise VerificationError("Not a CSO Academy certificate payload.")
    try:
        message = b64url_decode(parts[1])
        signature = b64url_decode(parts[2])
    except ValueError as exc:
        raise VerificationError("Malformed payload.") from exc
    if not message:
        raise VerificationError("Malformed payload.")
    claims = decode_claims(message)
    key = next((k for k in keys if k.key_id == claims.key_id), None)
    if key is None:
        raise VerificationError("Signed with an unknown key.")
    if not key.verify(signature, message):
        raise VerificationError("The signature does not match: the payload was altered.")
    return claims
