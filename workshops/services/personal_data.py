"""What a person left in workshops: their data export, and erasing it before their account goes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Attendance, CalendarFeed, Participant, Registration, RoomEvent, Workshop

if TYPE_CHECKING:
    from accounts.models import User

Kind = RoomEvent.Kind
#: Event kinds whose data names the participant they are about.
NAMED_KINDS = [
    Kind.HAND_RAISED,
    Kind.HAND_LOWERED,
    Kind.PARTICIPANT_MUTED,
    Kind.PARTICIPANT_UNMUTED,
    Kind.PARTICIPANT_REMOVED,
]


def export_personal_data(user: User) -> dict:
    participants = Participant.objects.filter(user=user).select_related("workshop")
    written = RoomEvent.objects.filter(
        actor__user=user, kind__in=[Kind.CHAT_MESSAGE, Kind.QUESTION_ASKED]
    ).select_related("workshop")
    return {
        "registrations": [
            {"workshop": r.workshop.title, "starts_at": r.workshop.starts_at.isoformat()}
            for r in Registration.objects.filter(user=user).select_related("workshop")
        ],
        "attendance": [
            {
                "workshop": a.workshop.title,
                "first_joined_at": a.first_joined_at.isoformat(),
                "last_left_at": a.last_left_at.isoformat(),
                "minutes": a.minutes,
                "attended": a.attended,
            }
            for a in Attendance.objects.filter(user=user).select_related("workshop")
        ],
        "rooms": [
            {"workshop": p.workshop.title, "display_name": p.display_name} for p in participants
        ],
        "messages": [
            {
                "workshop": e.workshop.title,
                "kind": e.kind,
                "at": e.created_at.isoformat(),
                "text": e.data.get("text", ""),
            }
            for e in written
        ],
        "calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
    }


def erase_personal_data(user: User) -> None:
    """Before an account goes: erase what they wrote in rooms and hand their workshops on.

    Their messages stay in the log as deleted entries (so sequence numbers
    stay gapless), events about them lose their name; hosted workshops pass
    to a co-host where there is one.
    """
    RoomEvent.objects.filter(
        actor__user=user, kind__in=[Kind.CHAT_MESSAGE, Kind.QUESTION_ASKED]
    ).update(data={"text": "", "deleted": True})
    # Events about them (a raised hand, a mute) name them in their data, and are
    # replayed to everyone who joins later: the name goes, the event stays.
    pids = list(Participant.objects.filter(user=user).values_list("pk", flat=True))
    named = RoomEvent.objects.filter(kind__in=NAMED_KINDS, data__pid__in=pids)
    for event in named.only("pk", "data"):
        event.data = {**event.data, "name": ""}
        event.save(update_fields=["data"])
    for workshop in Workshop.objects.filter(host=user).prefetch_related("co_hosts"):
        successor = next((u for u in workshop.co_hosts.all() if u.pk != user.pk), None)
        if successor is not None:
            workshop.host = successor
            workshop.save(update_fields=["host"])
            workshop.co_hosts.remove(successor)
