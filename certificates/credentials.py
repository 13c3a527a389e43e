"""Open Badges 3.0 credentials and the compact offline payload, both signed.

Credential
    An ``OpenBadgeCredential`` (W3C Verifiable Credentials Data Model 2.0)
    secured with a Data Integrity proof using the ``eddsa-jcs-2022``
    cryptosuite: the document and the proof options are canonicalised with
    JCS (RFC 8785), hashed with SHA-256, and the two hashes signed with the
    platform's Ed25519 key. No JSON-LD processing (and so no network) is
    needed to sign or verify. ``docs/certificates.md`` describes it.

Offline payload
    ``CSOA2.<base32 of message ‖ signature>``: a fixed 31-byte message (code,
    date, key, status position, and a digest binding the token, the name and
    the title; see :func:`encode_claims`) and the Ed25519 signature of it. The
    QR code carries it in the fragment of the verification URL, so a phone
    opens the public page and anyone with the public key can check it with no
    server at all. Version 1 (``CSOA1.``, the texts themselves) still verifies.
"""

from __future__ import annotations

import base64
import binascii
import copy
import dataclasses
import datetime
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from .encoding import b58decode, b58encode, b64url, b64url_decode, canonical_json
from .signing import PublicKey, SigningKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"

PAYLOAD_PREFIX = "CSOA2"
PAYLOAD_VERSION = 2


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

EPOCH = datetime.date(2000, 1, 1)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # the alphabet of certificate codes
TOKEN_IN_URL = re.compile(r"/verify/([A-Za-z0-9_-]{16,64})/")


@dataclass(frozen=True)
class OfflineClaims:
    """What an offline payload says. Version 2 carries a digest of the holder's name
    and the title (bound to the token) instead of the texts: ``name`` and
    ``title`` are then empty, and :meth:`matches` checks what is printed."""

    token: str
    code: str
    issued_on: str
    name: str
    title: str
    key_id: str
    version: int = 2
    digest: bytes = b""
    status_index: int | None = None

    def matches(self, name: str, title: str) -> bool:
        """True if ``name`` and ``title`` are the ones this payload was signed for."""
        if self.version == 1:
            return self.name == name and (self.title == title or self.title.endswith("…"))
        return bool(self.token) and self.digest == name_title_digest(self.token, name, title)


def name_title_digest(token: str, name: str, title: str) -> bytes:
    """The first 16 bytes of SHA-256 over the token, the name and the title (NFC, UTF-8)."""
    parts = [b"CSOA2", b64url_decode(token), *(_nfc(t).encode() for t in (name, title))]
    return hashlib.sha256(b"\0".join(parts)).digest()[:16]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _code_bits(code: str) -> bytes:
    raw = code.replace("-", "")
    if len(raw) != 8 or any(c not in CROCKFORD for c in raw):
        raise ValueError("Unexpected code.")
    number = 0
    for char in raw:
        number = number * 32 + CROCKFORD.index(char)
    return number.to_bytes(5, "big")


def _code_text(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(8):
        number, digit = divmod(number, 32)
        chars.append(CROCKFORD[digit])
    raw = "".join(reversed(chars))
    return f"{raw[:4]}-{raw[4:]}"


def encode_claims(claims: OfflineClaims) -> bytes:
    """The signed message of version 2: 31 bytes, whatever the name and title.

    ``version 0x02 (1) | code (5: 8 Crockford base32 digits) | days since
    2000-01-01 (2) | key id (first 4 bytes) | status index (3) |
    name_title_digest (16)``; see ``docs/certificates.md``.
    """
    days = (datetime.date.fromisoformat(claims.issued_on) - EPOCH).days
    index = claims.status_index if claims.status_index is not None else 0xFFFFFF
    return b"".join(
        [
            bytes([PAYLOAD_VERSION]),
            _code_bits(claims.code),
            days.to_bytes(2, "big"),
            bytes.fromhex(claims.key_id)[:4],
            index.to_bytes(3, "big"),
            name_title_digest(claims.token, claims.name, claims.title),
        ]
    )


MESSAGE_LENGTH = 31


def _decode_v2(message: bytes, token: str) -> OfflineClaims:
    if len(message) != MESSAGE_LENGTH or message[0] != 2:
        raise VerificationError("Malformed payload.")
    days = int.from_bytes(message[6:8], "big")
    index = int.from_bytes(message[12:15], "big")
    return OfflineClaims(
        token=token,
        code=_code_text(message[1:6]),
        issued_on=(EPOCH + datetime.timedelta(days=days)).isoformat(),
        name="",
        title="",
        key_id=message[8:12].hex(),
        version=2,
        digest=message[15:31],
        status_index=None if index == 0xFFFFFF else index,
    )


def _decode_v1(message: bytes) -> OfflineClaims:
    """Version 1 (certificates printed before 2027): the texts themselves, in UTF-8."""
    try:
        if message[0] != 1:
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
        version=1,
    )


def make_payload(claims: OfflineClaims, key: SigningKey) -> str:
    """``CSOA2.`` and base32 (RFC 4648, upper case, no padding) of message ‖ signature.

    Upper-case base32 fits QR's alphanumeric mode, and the message has a
    fixed length, so every certificate's QR code is the same small symbol
    whatever the length or script of the name and title.
    """
    message = encode_claims(claims)
    data = base64.b32encode(message + key.sign(message)).decode("ascii").rstrip("=")
    return f"{PAYLOAD_PREFIX}.{data}"


def split_payload(text: str) -> tuple[str, str]:
    """(the token in the URL or ``""``, the payload) of a scanned text."""
    text = text.strip()
    url, _hash, fragment = text.rpartition("#")
    if not _hash:
        return "", text
    match = TOKEN_IN_URL.search(url)
    return (match.group(1) if match else ""), fragment


def extract_payload(text: str) -> str:
    """The payload in ``text``: itself, or the fragment of a verification URL."""
    return split_payload(text)[1]


def verify_payload(text: str, keys: list[PublicKey]) -> OfflineClaims:
    """The claims of a genuine payload (either version); :class:`VerificationError` otherwise.

    For version 2, pass the whole URL the QR code holds: the token in it is
    bound into the signed digest (see :meth:`OfflineClaims.matches`).
    """
    token, payload = split_payload(text)
    prefix, _dot, data = payload.partition(".")
    if prefix == "CSOA1":
        return _verify_v1(data, keys)
    if prefix != PAYLOAD_PREFIX or not data:
        raise VerificationError("Not a CSO Academy certificate payload.")
    try:
        raw = base64.b32decode(data + "=" * (-len(data) % 8))
    except (ValueError, binascii.Error) as exc:
        raise VerificationError("Malformed payload.") from exc
    message, signature = raw[:MESSAGE_LENGTH], raw[MESSAGE_LENGTH:]
    claims = _decode_v2(message, token)
    key = next((k for k in keys if k.key_id.startswith(claims.key_id)), None)
    if key is None:
        raise VerificationError("Signed with an unknown key.")
    if len(signature) != 64 or not key.verify(signature, message):
        raise VerificationError("The signature does not match: the payload was altered.")
    return dataclasses.replace(claims, key_id=key.key_id)


def _verify_v1(data: str, keys: list[PublicKey]) -> OfflineClaims:
    parts = data.split(".")
    if len(parts) != 2:
        raise VerificationError("Malformed payload.")
    try:
        message = b64url_decode(parts[0])
        signature = b64url_decode(parts[1])
    except ValueError as exc:
        raise VerificationError("Malformed payload.") from exc
    if not message:
        raise VerificationError("Malformed payload.")
    claims = _decode_v1(message)
    key = next((k for k in keys if k.key_id == claims.key_id), None)
    if key is None:
        raise VerificationError("Signed with an unknown key.")
    if not key.verify(signature, message):
        raise VerificationError("The signature does not match: the payload was altered.")
    return claims
