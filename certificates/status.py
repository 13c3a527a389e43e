"""Revocation status that any wallet can check: a W3C Bitstring Status List.

Every credential carries a ``credentialStatus`` entry pointing at one bit of
a published *status list credential* (Bitstring Status List v1.0): bit set,
revoked. The list is itself a credential signed with the platform key, served
at a stable URL (``/verify/status/<n>.json``) and cached until a certificate's
status changes. A revoked certificate, and the copy of its credential inside
its PDF, then fail in any verifier that checks status, with no call to us
beyond fetching the list (which tells nobody which certificate is checked).

Each certificate is given a random free position, so neighbouring positions
say nothing about who was certified when; a list holds
:data:`LIST_SIZE` positions (the specification's minimum, for herd privacy)
and a new list is opened when the ones in use are half full.
"""

from __future__ import annotations

import gzip
import secrets

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from . import credentials, signing
from .encoding import b64url, b64url_decode
from .models import Certificate

LIST_SIZE = 131_072  # bits in one list (16 KB before compression)
PURPOSE = "revocation"
CACHE_SECONDS = 24 * 3600  # the list is rebuilt at once when a status changes
HTTP_MAX_AGE = 300  # what a verifier may cache it for


def _cache_key(number: int) -> str:
    return f"certificates:status-list:{number}"


def list_url(number: int) -> str:
    from .services.links import site_url

    return site_url() + reverse("verify:status_list", args=[number])


def position(index: int) -> tuple[int, int]:
    """(list number, position in it) of a certificate's status index."""
    return 1 + index // LIST_SIZE, index % LIST_SIZE


def entry(certificate: Certificate) -> dict:
    """The ``credentialStatus`` of a certificate's credential."""
    number, at = position(certificate.status_index)
    url = list_url(number)
    return {
        "id": f"{url}#{at}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(at),
        "statusListCredential": url,
    }


def allocate(certificate: Certificate) -> None:
    """Give ``certificate`` a free, random status index (once).

    The unique constraint settles a race between two processes; the loser
    draws again.
    """
    if certificate.status_index is not None:
        return
    for _attempt in range(20):
        used = Certificate.objects.filter(status_index__isnull=False).count()
        lists = 1 + used // (LIST_SIZE // 2)
        index = secrets.randbelow(LIST_SIZE * lists)
        try:
            with transaction.atomic():
                Certificate.objects.filter(pk=certificate.pk).update(status_index=index)
        except IntegrityError:
            continue
        certificate.status_index = index
        return
    raise RuntimeError("Could not find a free status index.")


def encode(positions) -> str:
    """``encodedList``: multibase base64url (``u``) of the GZIP of the bitstring.

    Position 0 is the most significant bit of the first byte.
    """
    bits = bytearray(LIST_SIZE // 8)
    for at in positions:
        bits[at // 8] |= 0x80 >> (at % 8)
    return "u" + b64url(gzip.compress(bytes(bits), mtime=0))


def is_set(encoded_list: str, at: int) -> bool:
    """Whether bit ``at`` of an ``encodedList`` is set (for offline checks)."""
    if not encoded_list.startswith("u"):
        raise ValueError("Not a multibase base64url string.")
    bits = gzip.decompress(b64url_decode(encoded_list[1:]))
    return bool(bits[at // 8] & (0x80 >> (at % 8)))


def revoked_positions(number: int) -> list[int]:
    low = (number - 1) * LIST_SIZE
    indexes = Certificate.objects.filter(
        status=Certificate.Status.REVOKED,
        status_index__gte=low,
        status_index__lt=low + LIST_SIZE,
    ).values_list("status_index", flat=True)
    return [index - low for index in indexes]


def build(number: int) -> dict:
    """The signed status list credential ``number`` as it stands now."""
    from .services.links import issuer_url

    url = list_url(number)
    key = signing.signing_key()
    now = timezone.now()
    unsigned = {
        "@context": [credentials.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(),
        "validFrom": credentials.xsd_datetime(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked_positions(number)),
        },
    }
    return credentials.sign_credential(
        unsigned,
        key,
        verification_method=f"{issuer_url()}#key-{key.public.key_id}",
        created=now,
    )


def status_list(number: int) -> str | None:
    """The status list credential as served (JSON), from the cache; ``None`` past the last list."""
    if number < 1:
        return None
    if (
        number > 1
        and not Certificate.objects.filter(status_index__gte=(number - 1) * LIST_SIZE).exists()
    ):
        return None
    text = cache.get(_cache_key(number))
    if text is None:
        text = credentials.credential_json(build(number))
        cache.set(_cache_key(number), text, CACHE_SECONDS)
    return text


def changed(certificate: Certificate) -> None:
    """A certificate's status changed: rebuild its list on the next request (after commit)."""
    if certificate.status_index is None:
        return
    number, _at = position(certificate.status_index)
    transaction.on_commit(lambda: cache.delete(_cache_key(number)))
