"""What people do in a room: each action checks, then stores one event under the room's lock.

Every action takes ids (the consumer calls them through
``database_sync_to_async``) and a client id that makes a resent frame
harmless: the second time, the stored event is returned as a duplicate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from notifications.services import notify, per_language

from ...models import Connection, Participant, Registration, RoomEvent, Workshop
from ..access import is_host
from .errors import RoomError, room_error
from .events import Kind, Recorded, claim_with_actor, store_event
from .text import is_blank, sanitise

#: Longest chat message, question, poll question or notice, in characters.
MAX_TEXT_LENGTH = 1000
MAX_POLL_OPTIONS = 8
MAX_OPTION_LENGTH = 120


class RoomAction:
    """The open transaction of one room action: locked room, next number taken, fresh actor.

    Taking the lock, the room's next number and the room itself is one
    statement (``claim_next_seq``); the body must then store exactly one event
    with that number (``record``) or fail, which rolls everything back. A
    resent client id is found only when the action fails (``run_action``):
    the unique constraint on (workshop, actor, client id) refuses the second
    insert, so a fresh message costs no look-up for duplicates.
    """

    def __init__(self, workshop_id: int, participant_id: int, client_id: str, *, durable=True):
        self.workshop_id = workshop_id
        self.participant_id = participant_id
        self.client_id = (client_id or "")[:64]
        self.recorded = False
        #: False: committed without waiting for the disk (``claim_next_seq``).
        self.durable = durable

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            self.workshop, self.actor = claim_with_actor(
                self.workshop_id, self.participant_id, durable=self.durable
            )
            if self.actor.is_removed or not self.actor.user.is_active:
                raise room_error("removed")
        except BaseException as exc:
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and not self.recorded:
            # The number taken would be skipped: undo the action rather than leave a gap.
            exc = RuntimeError("A room action must record one event")
            self._atomic.__exit__(RuntimeError, exc, None)
            raise exc
        return self._atomic.__exit__(exc_type, exc, tb)

    def stored(self) -> RoomEvent | None:
        """The event already stored for this actor's client id, if any."""
        if not self.client_id:
            return None
        return (
            RoomEvent.objects.filter(
                workshop_id=self.workshop_id,
                actor_id=self.participant_id,
                client_id=self.client_id,
            )
            .select_related("actor")
            .first()
        )

    @property
    def is_host(self) -> bool:
        return is_host(self.actor.user, self.workshop)

    def require_host(self):
        if not self.is_host:
            raise room_error("host_only")

    def require_open(self):
        if self.workshop.is_ended:
            raise room_error("ended")

    def require_voice(self):
        self.require_open()
        if self.actor.is_muted and not self.is_host:
            raise room_error("muted")

    def record(self, kind, **kwargs) -> Recorded:
        if self.recorded:
            raise RuntimeError("A room action records one event")
        self.recorded = True
        seq = self.workshop.last_seq
        return Recorded(
            store_event(
                self.workshop, seq, kind, actor=self.actor, client_id=self.client_id, **kwargs
            )
        )

    def target(self, seq, *kinds) -> RoomEvent:
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise room_error("invalid")
        event = RoomEvent.objects.filter(
            workshop_id=self.workshop_id, seq=seq, kind__in=kinds
        ).first()
        if event is None:
            raise room_error("not_found")
        return event

    def participant(self, pid) -> Participant:
        if not isinstance(pid, int) or isinstance(pid, bool):
            raise room_error("invalid")
        participant = Participant.objects.filter(pk=pid, workshop_id=self.workshop_id).first()
        if participant is None:
            raise room_error("not_found")
        return participant


def _clean_text(text, limit: int = MAX_TEXT_LENGTH) -> str:
    if not isinstance(text, str):
        raise room_error("invalid")
    text = sanitise(text).strip()
    if is_blank(text):
        raise room_error("empty")
    if len(text) > limit:
        raise room_error("too_long")
    return text


def run_action(action: RoomAction, body) -> Recorded:
    """Run ``body`` inside ``action``; a client id already stored returns the stored event.

    A resent frame fails in one of two ways, and both roll the action back
    before the stored event is looked up: its insert breaks the unique
    constraint on the client id (also when two processes raced on it), or a
    check refuses it first (the room has ended since, the hand is already
    raised, the person was removed). Either way the answer is the stored
    event, as if nothing had been checked.
    """
    try:
        with action:
            return body(action)
    except (RoomError, IntegrityError):
        existing = action.stored()
        if existing is None:
            raise
        return Recorded(existing, duplicate=True)


def post_chat(workshop_id: int, participant_id: int, text, client_id: str = "") -> Recorded:
    """A chat message: committed without waiting for the disk unless
    ``WORKSHOPS_CHAT_WAITS_FOR_DISK`` (docs/workshops.md, "Chat and the disk");
    every other action waits for it."""

    def body(a: RoomAction):
        a.require_voice()
        return a.record(Kind.CHAT_MESSAGE, data={"text": _clean_text(text)})

    durable = getattr(settings, "WORKSHOPS_CHAT_WAITS_FOR_DISK", False)
    action = RoomAction(workshop_id, participant_id, client_id, durable=durable)
    return run_action(action, body)


def delete_message(workshop_id: int, participant_id: int, seq, client_id: str = "") -> Recorded:
    """A host deletes a chat message or a question; its stored text is erased too."""

    def body(a: RoomAction):
        a.require_host()
        target = a.target(seq, Kind.CHAT_MESSAGE, Kind.QUESTION_ASKED)
        if target.data.get("deleted"):
            raise room_error("not_found")
        target.data = {"text": "", "deleted": True}
        target.save(update_fields=["data"])
        return a.record(Kind.CHAT_DELETED, target_seq=target.seq)

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def set_hand(
    workshop_id: int, participant_id: int, raised: bool, pid=None, client_id: str = ""
) -> Recorded:
    """Raise or lower one's own hand; a host may also lower someone else's."""

    def body(a: RoomAction):
        a.require_open()
        subject = a.actor
        if pid is not None and pid != a.actor.pk:
            if raised:
                raise room_error("invalid")
            a.require_host()
            subject = a.participant(pid)
        if subject.hand_raised == raised:
            raise room_error("bad_state")
        subject.hand_raised = raised
        subject.save(update_fields=["hand_raised"])
        kind = Kind.HAND_RAISED if raised else Kind.HAND_LOWERED
        return a.record(kind, data={"pid": subject.pk, "name": subject.display_name})

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def ask_question(workshop_id: int, participant_id: int, text, client_id: str = "") -> Recorded:
    def body(a: RoomAction):
        a.require_voice()
        return a.record(Kind.QUESTION_ASKED, data={"text": _clean_text(text)})

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def upvote_question(workshop_id: int, participant_id: int, seq, client_id: str = "") -> Recorded:
    def body(a: RoomAction):
        a.require_open()
        question = a.target(seq, Kind.QUESTION_ASKED)
        if question.data.get("deleted"):
            raise room_error("not_found")
        votes = RoomEvent.objects.filter(
            workshop_id=workshop_id, kind=Kind.QUESTION_UPVOTED, target_seq=question.seq
        )
        if votes.filter(actor=a.actor).exists():
            raise room_error("already_voted")
        return a.record(
            Kind.QUESTION_UPVOTED, target_seq=question.seq, data={"votes": votes.count() + 1}
        )

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def answer_question(workshop_id: int, participant_id: int, seq, client_id: str = "") -> Recorded:
    def body(a: RoomAction):
        a.require_host()
        question = a.target(seq, Kind.QUESTION_ASKED)
        if RoomEvent.objects.filter(
            workshop_id=workshop_id, kind=Kind.QUESTION_ANSWERED, target_seq=question.seq
        ).exists():
            raise room_error("bad_state")
        recorded = a.record(Kind.QUESTION_ANSWERED, target_seq=question.seq)
        _tell_asker_if_gone(a.workshop, question)
        return recorded

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def _tell_asker_if_gone(workshop: Workshop, question: RoomEvent) -> None:
    """The person who asked has left the room: a notice tells them it was answered."""
    asker = Participant.objects.filter(pk=question.actor_id).values_list("user_id", flat=True)
    user_id = asker.first()
    still_here = Connection.objects.filter(
        workshop_id=workshop.pk, participant_id=question.actor_id, left_at__isnull=True
    ).exists()
    if user_id is None or still_here:
        return
    text = question.data.get("text", "")
    params = {
        "title": per_language(workshop.title_km, workshop.title_en),
        "question": text if len(text) <= 120 else text[:119] + "…",
    }
    event = f"workshop:{workshop.pk}:answered:{question.seq}"
    url = workshop.get_absolute_url()
    transaction.on_commit(
        lambda: notify(
            "question_answered",
            [user_id],
            event=event,
            about=f"workshops.workshop:{workshop.pk}",
            params=params,
            url=url,
        )
    )


def open_poll(
    workshop_id: int, participant_id: int, question, options, client_id: str = ""
) -> Recorded:
    def body(a: RoomAction):
        a.require_host()
        a.require_open()
        if not isinstance(options, list) or not 2 <= len(options) <= MAX_POLL_OPTIONS:
            raise room_error("invalid")
        cleaned = [_clean_text(option, MAX_OPTION_LENGTH) for option in options]
        return a.record(
            Kind.POLL_OPENED, data={"question": _clean_text(question), "options": cleaned}
        )

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def _poll_counts(workshop_id: int, poll: RoomEvent) -> list[int]:
    counts = [0] * len(poll.data["options"])
    votes = RoomEvent.objects.filter(
        workshop_id=workshop_id, kind=Kind.POLL_VOTED, target_seq=poll.seq
    ).values_list("data", flat=True)
    for data in votes:
        counts[data["option"]] += 1
    return counts


def _poll_is_closed(workshop_id: int, poll_seq: int) -> bool:
    return RoomEvent.objects.filter(
        workshop_id=workshop_id, kind=Kind.POLL_CLOSED, target_seq=poll_seq
    ).exists()


def vote_poll(workshop_id: int, participant_id: int, seq, option, client_id: str = "") -> Recorded:
    """One anonymous vote per person per poll: others see the new counts, not the voter."""

    def body(a: RoomAction):
        a.require_open()
        poll = a.target(seq, Kind.POLL_OPENED)
        if _poll_is_closed(workshop_id, poll.seq):
            raise room_error("poll_closed")
        if not isinstance(option, int) or isinstance(option, bool):
            raise room_error("invalid")
        if not 0 <= option < len(poll.data["options"]):
            raise room_error("invalid")
        if RoomEvent.objects.filter(
            workshop_id=workshop_id, kind=Kind.POLL_VOTED, target_seq=poll.seq, actor=a.actor
        ).exists():
            raise room_error("already_voted")
        counts = _poll_counts(workshop_id, poll)
        counts[option] += 1
        return a.record(
            Kind.POLL_VOTED, target_seq=poll.seq, data={"option": option, "counts": counts}
        )

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def close_poll(workshop_id: int, participant_id: int, seq, client_id: str = "") -> Recorded:
    def body(a: RoomAction):
        a.require_host()
        poll = a.target(seq, Kind.POLL_OPENED)
        if _poll_is_closed(workshop_id, poll.seq):
            raise room_error("poll_closed")
        return a.record(
            Kind.POLL_CLOSED,
            target_seq=poll.seq,
            data={"counts": _poll_counts(workshop_id, poll)},
        )

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def set_muted(
    workshop_id: int, participant_id: int, pid, muted: bool, client_id: str = ""
) -> Recorded:
    def body(a: RoomAction):
        a.require_host()
        subject = a.participant(pid)
        if is_host(subject.user, a.workshop):
            raise room_error("bad_state")
        if subject.is_muted == muted:
            raise room_error("bad_state")
        subject.is_muted = muted
        subject.save(update_fields=["is_muted"])
        kind = Kind.PARTICIPANT_MUTED if muted else Kind.PARTICIPANT_UNMUTED
        return a.record(kind, data={"pid": subject.pk, "name": subject.display_name})

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def remove_participant(workshop_id: int, participant_id: int, pid, client_id: str = "") -> Recorded:
    """A host removes someone: their connections close and they cannot come back."""

    def body(a: RoomAction):
        a.require_host()
        subject = a.participant(pid)
        if is_host(subject.user, a.workshop) or subject.is_removed:
            raise room_error("bad_state")
        subject.is_removed = True
        subject.hand_raised = False
        subject.save(update_fields=["is_removed", "hand_raised"])
        Registration.objects.filter(workshop_id=workshop_id, user_id=subject.user_id).delete()
        return a.record(
            Kind.PARTICIPANT_REMOVED, data={"pid": subject.pk, "name": subject.display_name}
        )

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def pin_notice(workshop_id: int, participant_id: int, text, client_id: str = "") -> Recorded:
    """A host pins a notice above the chat; empty text unpins it."""

    def body(a: RoomAction):
        a.require_host()
        if not isinstance(text, str):
            raise room_error("invalid")
        notice = sanitise(text).strip()
        if is_blank(notice):
            notice = ""
        if len(notice) > 500:
            raise room_error("too_long")
        a.workshop.pinned_notice = notice
        Workshop.objects.filter(pk=workshop_id).update(pinned_notice=notice)
        return a.record(Kind.NOTICE_PINNED, data={"text": notice})

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)
