"""Rows of notifications: the notice centre, marking read, preferences."""

from __future__ import annotations

from notifications import kinds as notice_kinds

from .outcomes import (
    DONE,
    NOT_ALLOWED,
    OK,
    OK_CHANGED,
    signed_in,
)
from .shapes import (
    Row,
    rows,
)

NOTICES_STATE = rows("notifications.Notice", "notifications.Preference")


ROWS: dict[str, Row] = {
    # Everyone in the world has an unread notice: opening the centre reads it.
    "notices/": Row(get=signed_in(OK_CHANGED), state=NOTICES_STATE),
    "notices/read/": Row(
        get=signed_in(NOT_ALLOWED),
        post=signed_in(DONE),
        state=NOTICES_STATE,
    ),
    "notices/preferences/": Row(
        get=signed_in(OK),
        post=signed_in(DONE),
        data=lambda w: {kind.key: "digest" for kind in notice_kinds.KINDS},
        state=NOTICES_STATE,
    ),
}
