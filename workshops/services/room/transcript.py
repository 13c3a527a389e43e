"""The room's state folded from its log: for the page without JavaScript and the host's export."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import RoomEvent, Workshop
from .events import Kind


def transcript(workshop: Workshop) -> dict:
    """The room's state folded from its log, for the page without JavaScript and exports."""
    events = list(RoomEvent.objects.filter(workshop=workshop).for_payload().order_by("seq"))
    items: dict[int, dict] = {}
    order: list[int] = []
    polls: dict[int, dict] = {}
    for event in events:
        name = event.actor.display_name if event.actor_id else ""
        if event.kind in (Kind.CHAT_MESSAGE, Kind.QUESTION_ASKED):
            items[event.seq] = {
                "seq": event.seq,
                "kind": "question" if event.kind == Kind.QUESTION_ASKED else "message",
                "name": name,
                "at": event.created_at,
                "text": event.data.get("text", ""),
                "deleted": bool(event.data.get("deleted")),
                "votes": 0,
                "answered": False,
            }
            order.append(event.seq)
        elif event.kind == Kind.CHAT_DELETED and event.target_seq in items:
            items[event.target_seq]["deleted"] = True
            items[event.target_seq]["text"] = ""
        elif event.kind == Kind.QUESTION_UPVOTED and event.target_seq in items:
            items[event.target_seq]["votes"] = event.data.get("votes", 0)
        elif event.kind == Kind.QUESTION_ANSWERED and event.target_seq in items:
            items[event.target_seq]["answered"] = True
        elif event.kind == Kind.POLL_OPENED:
            polls[event.seq] = {
                "seq": event.seq,
                "question": event.data["question"],
                "options": event.data["options"],
                "counts": [0] * len(event.data["options"]),
                "closed": False,
                "at": event.created_at,
            }
        elif event.kind in (Kind.POLL_VOTED, Kind.POLL_CLOSED) and event.target_seq in polls:
            polls[event.target_seq]["counts"] = event.data.get("counts", [])
            polls[event.target_seq]["closed"] |= event.kind == Kind.POLL_CLOSED
    for poll in polls.values():
        poll["rows"] = list(zip(poll["options"], poll["counts"], strict=False))
    return {
        "messages": [items[s] for s in order],
        "polls": list(polls.values()),
        "last_seq": events[-1].seq if events else 0,
    }


def transcript_text(workshop: Workshop) -> str:
    """A plain-text transcript for the host, in Cambodia time."""
    lines = [workshop.title, ""]
    state = transcript(workshop)
    for item in state["messages"]:
        when = timezone.localtime(item["at"]).strftime("%Y-%m-%d %H:%M")
        label = "?" if item["kind"] == "question" else ""
        text = _("[deleted]") if item["deleted"] else item["text"]
        lines.append(f"[{when}] {item['name']}{label}: {text}")
    for poll in state["polls"]:
        lines.append("")
        lines.append(_("Poll: %(question)s") % {"question": poll["question"]})
        lines.extend(f"  - {option}: {count}" for option, count in poll["rows"])
    return "\n".join(lines) + "\n"
