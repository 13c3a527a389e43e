"""Rows of workshops: listings, scheduling, registration, the room's HTTP
doors, calendars and exports; the workshops and attendance admin; and the
WebSocket route of a room.
"""

from __future__ import annotations

from django.utils import timezone

from .outcomes import (
    ANON,
    DONE,
    EDITOR,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    OK_CHANGED,
    OTHER,
    OTHER_ORG,
    OWNER,
    SENT_BACK,
    STAFF,
    Outcome,
    everyone,
    private,
    signed_in,
)
from .shapes import (
    REFUSED,
    SIGNED_IN_PAGE,
    VIEWSET_CRUD,
    Row,
    admin_viewset,
    pk_of,
    pk_row,
    rows,
    token_values,
)

# -- POST bodies and watched state ----------------------------------------------


def workshop_data(world):
    starts = timezone.localtime() + timezone.timedelta(days=10)
    return {
        "title_km": "",
        "title_en": "Budget basics",
        "description_en": "For new treasurers.",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": 30,
        "audience": "signed_in",
        "invitee_emails": "",
        "video_url": "",
    }


WORKSHOPS_STATE = rows(
    "workshops.Workshop",
    "workshops.Registration",
    "workshops.RoomEvent",
    "workshops.CalendarFeed",
)


ROWS: dict[str, Row] = {
    "workshops/": SIGNED_IN_PAGE,
    "workshops/new/": Row(
        # Mentors (the owner and the other organisation's representative) and staff.
        get=signed_in(FORBIDDEN, owner=OK, other_org=OK, editor=OK),
        post=signed_in(FORBIDDEN, owner=DONE, other_org=DONE, editor=DONE),
        data=workshop_data,
        state=WORKSHOPS_STATE,
    ),
    "workshops/calendar/": Row(
        get=signed_in(OK),
        post=signed_in(OK_CHANGED),  # a new address, shown on this answer only
        state=WORKSHOPS_STATE,
    ),
    "workshops/calendar/<str:token>.ics": Row(
        get=everyone(OK),
        values=token_values("feed"),
        objects=True,
        foreign=OK,  # the address is the credential
        neighbour=NOT_FOUND,
    ),
    "workshops/<int:pk>/": Row(
        get=private(OK), values=pk_row("workshop"), objects=True, state=WORKSHOPS_STATE
    ),
    "workshops/<int:pk>/edit/": Row(
        get=private(OK),
        post=private(DONE),
        values=pk_row("workshop"),
        objects=True,
        data=workshop_data,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/register/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(DONE),
        values=pk_row("workshop"),
        objects=True,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/unregister/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(SENT_BACK),
        values=pk_row("workshop"),
        objects=True,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/post/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(SENT_BACK),  # the room has not started: the page says so
        values=pk_row("workshop"),
        objects=True,
        data=lambda w: {"text": "Hello", "kind": "chat"},
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/start/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(DONE),
        values=pk_row("workshop"),
        objects=True,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/end/": Row(
        get=private(NOT_ALLOWED, refused=NOT_ALLOWED, anonymous=LOGIN),
        post=private(DONE),
        values=pk_row("workshop"),
        objects=True,
        state=WORKSHOPS_STATE,
    ),
    "workshops/<int:pk>/workshop.ics": Row(
        get=private(OK), values=pk_row("workshop"), objects=True
    ),
    "workshops/<int:pk>/attendance.csv": Row(
        get=private(OK), values=pk_row("workshop"), objects=True
    ),
    "workshops/<int:pk>/transcript.txt": Row(
        get=private(OK), values=pk_row("workshop"), objects=True
    ),
    # --- admin -------------------------------------------------------------------
    **admin_viewset(
        "admin/workshop_admin/",
        pk=pk_of(lambda w: w.own.workshop),
        state=WORKSHOPS_STATE,
        actions=VIEWSET_CRUD,
    ),
    **admin_viewset(
        "admin/workshop_attendance/",
        pk=pk_of(lambda w: w.own.attendance),
        state=rows("workshops.Attendance"),
        # Recorded by the room; the admin corrects "attended", never adds a row.
        actions={
            **VIEWSET_CRUD,
            "new/": REFUSED,
            "copy/<int:pk>/": None,
            "edit/<int:pk>/": {"get": OK, "post": Outcome(302, changed=True)},
        },
    ),
}

#: The WebSocket routes. ``True``: the connection is accepted.
WEBSOCKET = {
    "ws/workshops/<int:workshop_id>/": {
        ANON: False,
        OWNER: True,  # the host
        OTHER: False,
        OTHER_ORG: False,
        EDITOR: False,  # a private room is for its audience, staff included
        STAFF: False,
    },
}
