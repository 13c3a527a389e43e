"""Small, dependency-free encodings used by credentials and offline payloads."""

from __future__ import annotations

import base64
import json

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet), as used by multibase ``z`` strings."""
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, remainder = divmod(number, 58)
        out.append(B58_ALPHABET[remainder])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = B58_ALPHABET.find(char)
        if index < 0:
            raise ValueError("Not base58.")
        number = number * 58 + index
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c in text for c in "=+/ \n"):
        raise ValueError("Not unpadded base64url.")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _reject_floats(value):
    if isinstance(value, float):
        raise TypeError("Canonical JSON here carries no floating-point numbers.")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("Object keys must be strings.")
            _reject_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _reject_floats(item)


def canonical_json(value) -> bytes:
    """The JSON Canonicalization Scheme (RFC 8785) for the values we sign.

    For strings, integers, booleans, null, arrays and objects with ASCII keys,
    sorted keys with no whitespace and minimal escaping is exactly JCS; floats
    (whose JCS form differs from Python's) are refused rather than mis-encoded.
    """
    _reject_floats(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )
