"""Frames from a room's clients: read with bounded work, checked against the protocol.

``parse_frame`` turns whatever a WebSocket delivers (text, bytes, anything)
into a dict with a known ``type`` and fields of the documented types, or
raises :class:`FrameError` with the protocol's error code. Its work is
bounded before the JSON parser runs: the frame's size and its nesting depth
are checked first, so a deeply nested array cannot reach the parser's
recursion limit. The codes are those of ``docs/workshop-protocol.md``:

``too_large``     over ``MAX_FRAME_CHARS`` characters (or bytes, for a binary frame)
``bad_json``      not JSON (``NaN`` and ``Infinity`` are not JSON), or nested too deep
``invalid``       a binary frame, not an object, no string ``type``, a missing field,
                  a field of the wrong type, a number out of range, a bad ``client_id``
``unknown_type``  a ``type`` the protocol does not have
"""

from __future__ import annotations

import json
import re

from .text import is_safe_token

#: Largest frame accepted from a client, in characters (before JSON decoding).
MAX_FRAME_CHARS = 8 * 1024
#: Deepest nesting of arrays and objects in a frame (the deepest valid one has 2).
MAX_DEPTH = 8
#: Longest ``client_id``.
MAX_CLIENT_ID = 64
#: Sequence numbers, participant ids and option indexes fit in a signed 64-bit column.
MAX_INT = 2**63 - 1


class FrameError(Exception):
    """A frame the server will not act on; ``code`` is the protocol's error code."""

    def __init__(self, code: str, client_id: str | None = None):
        super().__init__(code)
        self.code = code
        self.client_id = client_id


# -- field types -------------------------------------------------------------


def _int(value) -> bool:
    return type(value) is int and 0 <= value <= MAX_INT


def _str(value) -> bool:
    return isinstance(value, str)


def _bool(value) -> bool:
    return isinstance(value, bool)


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


REQUIRED, OPTIONAL = True, False

#: Each client ``type`` and its fields: name -> (check, required). Other fields are ignored.
FIELDS: dict[str, dict[str, tuple]] = {
    "ping": {},
    "fetch": {"after": (_int, REQUIRED), "until": (_int, OPTIONAL)},
    "presence.sync": {},
    "chat.send": {"text": (_str, REQUIRED)},
    "chat.delete": {"seq": (_int, REQUIRED)},
    "hand.raise": {},
    "hand.lower": {"pid": (_int, OPTIONAL)},
    "question.ask": {"text": (_str, REQUIRED)},
    "question.upvote": {"seq": (_int, REQUIRED)},
    "question.answer": {"seq": (_int, REQUIRED)},
    "poll.open": {"question": (_str, REQUIRED), "options": (_strings, REQUIRED)},
    "poll.vote": {"seq": (_int, REQUIRED), "option": (_int, REQUIRED)},
    "poll.close": {"seq": (_int, REQUIRED)},
    "participant.mute": {"pid": (_int, REQUIRED), "muted": (_bool, OPTIONAL)},
    "participant.remove": {"pid": (_int, REQUIRED)},
    "notice.pin": {"text": (_str, OPTIONAL)},
    "workshop.start": {},
    "workshop.end": {},
}

# -- reading -----------------------------------------------------------------

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
#: Deletes every ASCII character but brackets (anything else outside a string
#: is not JSON, and stays, to be refused).
_BRACKETS_ONLY = {code: None for code in range(128) if chr(code) not in "[]{}"}


def _too_deep(text: str) -> bool:
    """Whether ``text`` nests arrays/objects deeper than ``MAX_DEPTH`` (strings aside),
    or holds brackets that do not pair up (not JSON either way).

    Run before the parser, whose recursion a few thousand ``[`` would exhaust.
    Strings are dropped and only brackets kept, then the innermost pairs are
    removed, one level a round: what is left after ``MAX_DEPTH`` rounds nests
    deeper. A few C string operations per round, whatever the frame holds;
    most frames hold too few brackets to need them at all.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    skeleton = _STRING.sub("", text).translate(_BRACKETS_ONLY)
    for _ in range(MAX_DEPTH):
        if not skeleton:
            return False
        # Through a marker, so that "{[]}" loses one level a round, not two.
        reduced = skeleton.replace("[]", "\0").replace("{}", "\0").replace("\0", "")
        if reduced == skeleton:
            return True
        skeleton = reduced
    return bool(skeleton)


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("out of range")
    return value


def _bounded_int(text: str):
    # A number too large for any field is kept as a float (never a valid
    # field value), without converting thousands of digits to an int.
    return int(text) if len(text) <= 20 else float("inf")


def _loads(text: str):
    return json.loads(
        text,
        parse_constant=_no_constant,
        parse_float=_finite_float,
        parse_int=_bounded_int,
    )


def parse_frame(text_data=None, bytes_data=None) -> dict:
    """The checked frame, or :class:`FrameError`. Never raises anything else."""
    if not isinstance(text_data, str):
        if bytes_data is not None and len(bytes_data) > MAX_FRAME_CHARS:
            raise FrameError("too_large")
        raise FrameError("invalid")  # a binary frame (or none at all)
    if len(text_data) > MAX_FRAME_CHARS:
        raise FrameError("too_large")
    if _too_deep(text_data):
        raise FrameError("bad_json")
    try:
        content = _loads(text_data)
    except (ValueError, TypeError, RecursionError, OverflowError):
        # ValueError covers JSONDecodeError and UnicodeDecodeError.
        raise FrameError("bad_json") from None
    if not isinstance(content, dict):
        raise FrameError("invalid")
    client_id = content.get("client_id")
    if client_id is not None and (
        not isinstance(client_id, str)
        or len(client_id) > MAX_CLIENT_ID
        or not is_safe_token(client_id)
    ):
        raise FrameError("invalid")
    kind = content.get("type")
    if not isinstance(kind, str):
        raise FrameError("invalid", client_id)
    fields = FIELDS.get(kind)
    if fields is None:
        raise FrameError("unknown_type", client_id)
    for name, (check, required) in fields.items():
        if name not in content or content[name] is None:
            if required:
                raise FrameError("invalid", client_id)
            content.pop(name, None)
        elif not check(content[name]):
            raise FrameError("invalid", client_id)
    return content


def parse_since(values: list[str]) -> int | None:
    """The connection's ``since`` (its query values; 0 when absent), or None when it is
    not a non-negative integer written in ASCII digits."""
    value = values[-1] if values else "0"
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value)
