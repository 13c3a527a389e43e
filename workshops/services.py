"""State changes for workshops and their live rooms.

Every function checks who may act first, then writes. Room events are
stored with the next sequence number of their room, inside one transaction
that holds the workshop row's lock, and are broadcast to the room's channel
layer group only after that transaction commits (``transaction.on_commit``).
Consumers call these through ``database_sync_to_async``; views call them
directly.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    Attendance,
    CalendarFeed,
    Connection,
    Participant,
    Registration,
    RoomEvent,
    Workshop,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

Kind = RoomEvent.Kind

#: Longest chat message, question, poll question or notice, in characters.
MAX_TEXT_LENGTH = 1000
MAX_POLL_OPTIONS = 8
MAX_OPTION_LENGTH = 120
#: A connection not heard from for this long is treated as gone.
PRESENCE_TIMEOUT = timedelta(seconds=75)
REMINDER_OFFSETS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}
#: A workshop nobody ended is ended this long after its scheduled end.
AUTO_END_GRACE = timedelta(minutes=30)

# Event kinds whose actor is not shown to others (votes are anonymous).
ANONYMOUS_KINDS = {Kind.POLL_VOTED, Kind.QUESTION_UPVOTED}


class RoomError(Exception):
    """A refused room action: ``code`` is for programs, ``message`` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


ERROR_MESSAGES = {
    "bad_json": gettext_lazy("That message could not be read."),
    "too_large": gettext_lazy("That message is too large."),
    "unknown_type": gettext_lazy("That kind of message is not known."),
    "invalid": gettext_lazy("That message is missing something or has a wrong value."),
    "too_long": gettext_lazy("That text is too long."),
    "empty": gettext_lazy("Write something first."),
    "rate_limited": gettext_lazy("You are sending too fast. Wait a moment."),
    "host_only": gettext_lazy("Only a host can do that."),
    "muted": gettext_lazy("A host has muted you. You can still raise your hand."),
    "removed": gettext_lazy("A host has removed you from this workshop."),
    "ended": gettext_lazy("This workshop has ended."),
    "not_found": gettext_lazy("That message, question or poll does not exist."),
    "already_voted": gettext_lazy("You have already voted."),
    "poll_closed": gettext_lazy("This poll is closed."),
    "bad_state": gettext_lazy("That cannot be done now."),
}


def room_error(code: str) -> RoomError:
    return RoomError(code, str(ERROR_MESSAGES[code]))


# ---------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------


def is_host(user: User, workshop: Workshop) -> bool:
    if not user.is_authenticated:
        return False
    return workshop.host_id == user.pk or workshop.co_hosts.filter(pk=user.pk).exists()


def can_schedule(user: User) -> bool:
    """Mentors (the ``host_workshop`` permission) and staff schedule workshops."""
    return user.is_authenticated and (user.is_staff or user.has_perm("workshops.host_workshop"))


def mentors_group():
    """The "Mentors" group, whose members schedule and host workshops (made by a migration;
    made again here if it was removed)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name="Mentors")
    permission = Permission.objects.filter(
        content_type__app_label="workshops", codename="host_workshop"
    ).first()
    if permission is not None:
        group.permissions.add(permission)
    return group


def _enrolled_in_course(user: User, workshop: Workshop) -> bool:
    if workshop.course_id is None:
        return False
    from courses.services import get_enrolment

    return get_enrolment(user, workshop.course) is not None


def member_of_pair(user: User, workshop: Workshop) -> bool:
    """Whether ``user`` belongs to one of the two organisations of the workshop's pair."""
    if workshop.mentoring_pair_id is None:
        return False
    from mentoring.services import is_pair_member

    return is_pair_member(user, workshop.mentoring_pair_id)


def in_audience(user: User, workshop: Workshop) -> bool:
    """The audience rule alone (hosts aside)."""
    if not user.is_authenticated or not user.is_active:
        return False
    audience = workshop.audience
    if audience == Workshop.Audience.SIGNED_IN:
        return True
    if audience == Workshop.Audience.INVITED:
        return workshop.invitees.filter(pk=user.pk).exists()
    if audience == Workshop.Audience.COURSE:
        return _enrolled_in_course(user, workshop)
    if audience == Workshop.Audience.PAIR:
        return member_of_pair(user, workshop)
    return False


def may_see(user: User, workshop: Workshop) -> bool:
    """Who may see a workshop's page: its hosts and its audience."""
    return is_host(user, workshop) or in_audience(user, workshop)


def may_join(user: User, workshop: Workshop) -> bool:
    """Who may connect to the room: hosts, and the audience unless removed or shut out by
    capacity (a registered person always has a place)."""
    if is_host(user, workshop):
        return True
    if not in_audience(user, workshop):
        return False
    if Participant.objects.filter(workshop=workshop, user=user, is_removed=True).exists():
        return False
    if Registration.objects.filter(workshop=workshop, user=user).exists():
        return True
    return workshop.is_ended or _seats_left(workshop) > 0


def get_workshop_for_user(user: User, pk: int) -> Workshop:
    """The workshop if ``user`` may see it; 404 for everyone else."""
    workshop = Workshop.objects.select_related("host").filter(pk=pk).first()
    if workshop is None or not may_see(user, workshop):
        raise Http404
    return workshop


def get_workshop_for_host(user: User, pk: int) -> Workshop:
    """The workshop if ``user`` hosts it; 404 otherwise."""
    workshop = Workshop.objects.select_related("host").filter(pk=pk).first()
    if workshop is None or not is_host(user, workshop):
        raise Http404
    return workshop


def visible_upcoming_for(user: User, limit: int | None = None, course_page=None) -> list[Workshop]:
    """Upcoming workshops ``user`` may see, with their registration state.

    A constant number of queries whatever the number of workshops.
    """
    if not user.is_authenticated:
        return []
    audience = Q(audience=Workshop.Audience.SIGNED_IN) | Q(
        audience=Workshop.Audience.INVITED, invitees=user
    )
    audience |= Q(host=user) | Q(co_hosts=user)
    audience |= Q(audience=Workshop.Audience.COURSE, course__translation_key__in=_course_keys(user))
    audience |= Q(audience=Workshop.Audience.PAIR, mentoring_pair_id__in=_pair_ids(user))
    workshops = Workshop.objects.upcoming().filter(audience).distinct().select_related("host")
    if course_page is not None:
        workshops = workshops.filter(_course_filter(course_page))
    if limit:
        workshops = workshops[:limit]
    workshops = list(workshops)
    registered = set(
        Registration.objects.filter(user=user, workshop__in=workshops).values_list(
            "workshop_id", flat=True
        )
    )
    for workshop in workshops:
        workshop.is_registered = workshop.pk in registered
    return workshops


def _course_filter(course_page) -> Q:
    """Workshops of ``course_page`` or of any of its translations."""
    return Q(course__translation_key=course_page.translation_key)


def _course_keys(user: User):
    """The courses ``user`` is enrolled in (translation keys, so any language counts)."""
    from courses.models import Enrolment

    return Enrolment.objects.for_user(user).values("course_key")


def _pair_ids(user: User) -> list[int]:
    from mentoring.services import pair_ids_for_user

    return pair_ids_for_user(user)


# ---------------------------------------------------------------------------
# Scheduling
# ---------------------------------------------------------------------------

WORKSHOP_FIELDS = (
    "title_km",
    "title_en",
    "description_km",
    "description_en",
    "starts_at",
    "ends_at",
    "capacity",
    "audience",
    "video_url",
    "course",
)


def can_schedule_for_pair(user: User, pair) -> bool:
    """The mentoring side of an active pair may hold private workshops for it."""
    from mentoring.services import is_pair_mentor

    return pair.status == "active" and is_pair_mentor(user, pair)


@transaction.atomic
def schedule_pair_workshop(user: User, pair, *, co_hosts=(), **data) -> Workshop:
    """A private workshop for the two organisations of a mentoring pair."""
    if not can_schedule_for_pair(user, pair):
        raise PermissionDenied
    fields = {k: data[k] for k in WORKSHOP_FIELDS if k in data and k not in ("audience", "course")}
    workshop = Workshop(host=user, audience=Workshop.Audience.PAIR, mentoring_pair=pair, **fields)
    return _save_new(workshop, co_hosts, ())


@transaction.atomic
def schedule_workshop(
    user: User, *, co_hosts=(), invitees=(), host: User | None = None, **data
) -> Workshop:
    """A mentor or an admin schedules a workshop (``user`` hosts it unless ``host`` is given)."""
    if not can_schedule(user):
        raise PermissionDenied
    workshop = Workshop(host=host or user, **{k: data[k] for k in WORKSHOP_FIELDS if k in data})
    return _save_new(workshop, co_hosts, invitees)


def _save_new(workshop: Workshop, co_hosts, invitees) -> Workshop:
    workshop.full_clean()
    workshop.save()
    workshop.co_hosts.set(co_hosts)
    workshop.invitees.set(invitees)
    transaction.on_commit(lambda: schedule_background_tasks(workshop))
    return workshop


@transaction.atomic
def update_workshop(
    user: User, workshop: Workshop, *, co_hosts=None, invitees=None, **data
) -> Workshop:
    if not (is_host(user, workshop) or user.is_staff):
        raise PermissionDenied
    if workshop.is_ended:
        raise ValidationError(_("An ended workshop cannot be changed."))
    old_start = workshop.starts_at
    for field in WORKSHOP_FIELDS:
        if field in data:
            setattr(workshop, field, data[field])
    workshop.full_clean()
    workshop.save()
    if co_hosts is not None:
        workshop.co_hosts.set(co_hosts)
    if invitees is not None:
        workshop.invitees.set(invitees)
    if workshop.starts_at != old_start:
        # Reminders already sent were for the old time; send again for the new one.
        workshop.registrations.update(reminded_24h_at=None, reminded_1h_at=None)
        transaction.on_commit(lambda: schedule_background_tasks(workshop))
    return workshop


def schedule_background_tasks(workshop: Workshop) -> list:
    """Enqueue the 24-hour and 1-hour reminders and the automatic end, each with a run time.

    Needs a task backend that supports deferred tasks (``supports_defer``:
    the database backend in production). The immediate backend of
    development and tests cannot defer, so nothing is enqueued there and the
    ``workshop_housekeeping`` command (run from cron) sends what is due instead.
    Every task re-checks the workshop when it runs, so a stale one (the
    workshop was moved) does nothing, and flags on each registration make a
    reminder go out at most once.
    """
    from .tasks import end_overdue_workshop, send_workshop_reminders

    if not send_workshop_reminders.get_backend().supports_defer:
        logger.info(
            "Task backend cannot defer: workshop %s reminders rely on workshop_housekeeping",
            workshop.pk,
        )
        return []
    now = timezone.now()
    results = []
    for which, offset in REMINDER_OFFSETS.items():
        run_after = workshop.starts_at - offset
        if run_after > now:
            results.append(
                send_workshop_reminders.using(run_after=run_after).enqueue(
                    workshop.pk, which, workshop.starts_at.isoformat()
                )
            )
    results.append(
        end_overdue_workshop.using(run_after=workshop.ends_at + AUTO_END_GRACE).enqueue(workshop.pk)
    )
    return results


def send_due_reminders(workshop: Workshop, which: str, now: datetime | None = None) -> int:
    """Send the ``which`` reminder to everyone registered who has not had it. Returns how many."""
    from lms.mail import send_templated_email

    now = now or timezone.now()
    if workshop.is_ended or workshop.starts_at <= now:
        return 0
    flag = "reminded_24h_at" if which == "24h" else "reminded_1h_at"
    sent = 0
    registrations = workshop.registrations.filter(**{f"{flag}__isnull": True}).select_related(
        "user"
    )
    for registration in registrations:
        # Claim the reminder first, so that two runs never both send it.
        claimed = Registration.objects.filter(pk=registration.pk, **{f"{flag}__isnull": True})
        if not claimed.update(**{flag: now}):
            continue
        user = registration.user
        send_templated_email(
            "workshops/email/reminder",
            to=[user.email],
            context={"workshop": workshop, "user": user, "which": which},
            language=user.preferred_language,
        )
        sent += 1
    return sent


def housekeeping(now: datetime | None = None) -> dict:
    """What deferred tasks do, for backends that cannot defer: due reminders, overdue ends."""
    now = now or timezone.now()
    counts = {"reminders": 0, "ended": 0}
    for which, offset in REMINDER_OFFSETS.items():
        due = Workshop.objects.upcoming().filter(starts_at__gt=now, starts_at__lte=now + offset)
        for workshop in due:
            counts["reminders"] += send_due_reminders(workshop, which, now)
    for workshop in Workshop.objects.exclude(status=Workshop.Status.ENDED).filter(
        ends_at__lte=now - AUTO_END_GRACE
    ):
        end_workshop_automatically(workshop)
        counts["ended"] += 1
    return counts


# ---------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------


def _seats_left(workshop: Workshop) -> int:
    return workshop.capacity - workshop.registrations.count()


def register(user: User, workshop: Workshop) -> Registration:
    """Take a place in a workshop (idempotent). Refused when full or not in the audience."""
    if not may_see(user, workshop):
        raise Http404
    if workshop.is_ended:
        raise ValidationError(_("This workshop has ended."))
    with transaction.atomic():
        _lock_room(workshop.pk)
        existing = Registration.objects.filter(workshop=workshop, user=user).first()
        if existing:
            return existing
        if not is_host(user, workshop) and _seats_left(workshop) <= 0:
            raise ValidationError(_("This workshop is full."))
        return Registration.objects.create(workshop=workshop, user=user)


def unregister(user: User, workshop: Workshop) -> None:
    Registration.objects.filter(workshop=workshop, user=user).delete()


def is_registered(user: User, workshop: Workshop) -> bool:
    return (
        user.is_authenticated and Registration.objects.filter(workshop=workshop, user=user).exists()
    )


# ---------------------------------------------------------------------------
# The room's event log
# ---------------------------------------------------------------------------


def group_name(workshop_id: int) -> str:
    return f"workshop.{workshop_id}"


def _lock_room(workshop_id: int) -> None:
    """Take the workshop row's write lock for the rest of the transaction.

    A no-op UPDATE rather than ``select_for_update``: on PostgreSQL both take
    the row lock, and on SQLite (which ignores ``FOR UPDATE``) the write
    takes the database's write lock at once, so that two processes never
    read the same ``last_seq``. Precondition: a transaction is open.
    """
    if not Workshop.objects.filter(pk=workshop_id).update(last_seq=F("last_seq")):
        raise room_error("not_found")


def event_payload(event: RoomEvent) -> dict:
    """The protocol's ``event`` frame for a stored event (see docs/workshop-protocol.md)."""
    actor = None
    if event.actor_id and event.kind not in ANONYMOUS_KINDS:
        actor = {"pid": event.actor_id, "name": event.actor.display_name}
    return {
        "type": "event",
        "seq": event.seq,
        "kind": event.kind,
        "at": event.created_at.isoformat(),
        "actor": actor,
        "client_id": event.client_id or None,
        "target": event.target_seq,
        "data": event.data,
    }


def _broadcast(workshop_id: int, message: dict) -> None:
    """Send ``message`` to the room's group. Called after commit.

    From a consumer's database thread, the send is handed to the server's
    event loop without waiting for it, so the thread (shared by every
    connection of the process) goes on with the next query at once. From
    anywhere else (a view, a task) it waits for the send.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    group = group_name(workshop_id)
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop)
        future.add_done_callback(_log_broadcast_failure)
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # The stored log is the truth: clients fill gaps from it, so a failed
        # broadcast (Redis restarting, a full channel) loses nothing.
        logger.warning("Broadcast to workshop %s failed", workshop_id, exc_info=True)


def _log_broadcast_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("Broadcast failed", exc_info=future.exception())


def _broadcast_event(event: RoomEvent) -> None:
    payload = event_payload(event)
    message = {"type": "room.event", "seq": event.seq, "text": json.dumps(payload)}
    if event.kind == Kind.PARTICIPANT_REMOVED:
        message["close_pid"] = event.data["pid"]
    _broadcast(event.workshop_id, message)


@dataclass
class Recorded:
    event: RoomEvent
    duplicate: bool = False


def _record(
    workshop: Workshop,
    kind: str,
    *,
    actor: Participant | None,
    data: dict | None = None,
    target_seq: int | None = None,
    client_id: str = "",
) -> RoomEvent:
    """Store one event with the room's next sequence number and broadcast it after commit.

    Precondition: a transaction is open, ``_lock_room(workshop.pk)`` was
    called in it and ``workshop`` was read after that, so ``workshop.last_seq``
    is current and nobody else can allocate a number until this transaction
    ends.
    """
    seq = workshop.last_seq + 1
    Workshop.objects.filter(pk=workshop.pk).update(last_seq=seq)
    workshop.last_seq = seq
    event = RoomEvent.objects.create(
        workshop=workshop,
        seq=seq,
        kind=kind,
        actor=actor,
        client_id=client_id,
        target_seq=target_seq,
        data=data or {},
    )
    transaction.on_commit(lambda: _broadcast_event(event))
    return event


class _Action:
    """The open transaction of one room action: locked room, fresh actor, duplicate check."""

    def __init__(self, workshop_id: int, participant_id: int, client_id: str):
        self.workshop_id = workshop_id
        self.participant_id = participant_id
        self.client_id = (client_id or "")[:64]

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            _lock_room(self.workshop_id)
            self.workshop = Workshop.objects.get(pk=self.workshop_id)
            self.actor = Participant.objects.select_related("user").get(
                pk=self.participant_id, workshop_id=self.workshop_id
            )
            self.duplicate = None
            if self.client_id:
                self.duplicate = (
                    RoomEvent.objects.filter(
                        workshop_id=self.workshop_id, actor=self.actor, client_id=self.client_id
                    )
                    .select_related("actor")
                    .first()
                )
            if self.duplicate is None:
                if self.actor.is_removed:
                    raise room_error("removed")
                if not self.actor.user.is_active:
                    raise room_error("removed")
        except BaseException as exc:
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    def __exit__(self, *exc_info):
        return self._atomic.__exit__(*exc_info)

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
        return Recorded(
            _record(self.workshop, kind, actor=self.actor, client_id=self.client_id, **kwargs)
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
    text = text.strip()
    if not text:
        raise room_error("empty")
    if len(text) > limit:
        raise room_error("too_long")
    return text


def _run(action: _Action, body) -> Recorded:
    """Run ``body`` inside ``action`` unless the client's id was already stored."""
    try:
        with action:
            if action.duplicate is not None:
                return Recorded(action.duplicate, duplicate=True)
            return body(action)
    except IntegrityError:
        # Two processes raced on the same client id: the first one stored it.
        existing = (
            RoomEvent.objects.filter(
                workshop_id=action.workshop_id,
                actor_id=action.participant_id,
                client_id=action.client_id,
            )
            .select_related("actor")
            .first()
        )
        if existing is None or not action.client_id:
            raise
        return Recorded(existing, duplicate=True)


def post_chat(workshop_id: int, participant_id: int, text, client_id: str = "") -> Recorded:
    def body(a: _Action):
        a.require_voice()
        return a.record(Kind.CHAT_MESSAGE, data={"text": _clean_text(text)})

    return _run(_Action(workshop_id, participant_id, client_id), body)


def delete_message(workshop_id: int, participant_id: int, seq, client_id: str = "") -> Recorded:
    """A host deletes a chat message or a question; its stored text is erased too."""

    def body(a: _Action):
        a.require_host()
        target = a.target(seq, Kind.CHAT_MESSAGE, Kind.QUESTION_ASKED)
        if target.data.get("deleted"):
            raise room_error("not_found")
        target.data = {"text": "", "deleted": True}
        target.save(update_fields=["data"])
        return a.record(Kind.CHAT_DELETED, target_seq=target.seq)

    return _run(_Action(workshop_id, participant_id, client_id), body)


def set_hand(
    workshop_id: int, participant_id: int, raised: bool, pid=None, client_id: str = ""
) -> Recorded:
    """Raise or lower one's own hand; a host may also lower someone else's."""

    def body(a: _Action):
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

    return _run(_Action(workshop_id, participant_id, client_id), body)


def ask_question(workshop_id: int, participant_id: int, text, client_id: str = "") -> Recorded:
    def body(a: _Action):
        a.require_voice()
        return a.record(Kind.QUESTION_ASKED, data={"text": _clean_text(text)})

    return _run(_Action(workshop_id, participant_id, client_id), body)


def upvote_question(workshop_id: int, participant_id: int, seq, client_id: str = "") -> Recorded:
    def body(a: _Action):
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

    return _run(_Action(workshop_id, participant_id, client_id), body)


def answer_question(workshop_id: int, participant_id: int, seq, client_id: str = "") -> Recorded:
    def body(a: _Action):
        a.require_host()
        question = a.target(seq, Kind.QUESTION_ASKED)
        if RoomEvent.objects.filter(
            workshop_id=workshop_id, kind=Kind.QUESTION_ANSWERED, target_seq=question.seq
        ).exists():
            raise room_error("bad_state")
        return a.record(Kind.QUESTION_ANSWERED, target_seq=question.seq)

    return _run(_Action(workshop_id, participant_id, client_id), body)


def open_poll(
    workshop_id: int, participant_id: int, question, options, client_id: str = ""
) -> Recorded:
    def body(a: _Action):
        a.require_host()
        a.require_open()
        if not isinstance(options, list) or not 2 <= len(options) <= MAX_POLL_OPTIONS:
            raise room_error("invalid")
        cleaned = [_clean_text(option, MAX_OPTION_LENGTH) for option in options]
        return a.record(
            Kind.POLL_OPENED, data={"question": _clean_text(question), "options": cleaned}
        )

    return _run(_Action(workshop_id, participant_id, client_id), body)


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

    def body(a: _Action):
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

    return _run(_Action(workshop_id, participant_id, client_id), body)


def close_poll(workshop_id: int, participant_id: int, seq, client_id: str = "") -> Recorded:
    def body(a: _Action):
        a.require_host()
        poll = a.target(seq, Kind.POLL_OPENED)
        if _poll_is_closed(workshop_id, poll.seq):
            raise room_error("poll_closed")
        return a.record(
            Kind.POLL_CLOSED,
            target_seq=poll.seq,
            data={"counts": _poll_counts(workshop_id, poll)},
        )

    return _run(_Action(workshop_id, participant_id, client_id), body)


def set_muted(
    workshop_id: int, participant_id: int, pid, muted: bool, client_id: str = ""
) -> Recorded:
    def body(a: _Action):
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

    return _run(_Action(workshop_id, participant_id, client_id), body)


def remove_participant(workshop_id: int, participant_id: int, pid, client_id: str = "") -> Recorded:
    """A host removes someone: their connections close and they cannot come back."""

    def body(a: _Action):
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

    return _run(_Action(workshop_id, participant_id, client_id), body)


def pin_notice(workshop_id: int, participant_id: int, text, client_id: str = "") -> Recorded:
    """A host pins a notice above the chat; empty text unpins it."""

    def body(a: _Action):
        a.require_host()
        if not isinstance(text, str):
            raise room_error("invalid")
        notice = text.strip()
        if len(notice) > 500:
            raise room_error("too_long")
        a.workshop.pinned_notice = notice
        Workshop.objects.filter(pk=workshop_id).update(pinned_notice=notice)
        return a.record(Kind.NOTICE_PINNED, data={"text": notice})

    return _run(_Action(workshop_id, participant_id, client_id), body)


def start_workshop(workshop_id: int, participant_id: int, client_id: str = "") -> Recorded:
    def body(a: _Action):
        a.require_host()
        if a.workshop.status != Workshop.Status.SCHEDULED:
            raise room_error("bad_state")
        now = timezone.now()
        Workshop.objects.filter(pk=workshop_id).update(status=Workshop.Status.LIVE, started_at=now)
        return a.record(Kind.WORKSHOP_STARTED)

    return _run(_Action(workshop_id, participant_id, client_id), body)


def end_workshop(workshop_id: int, participant_id: int, client_id: str = "") -> Recorded:
    """A host ends the workshop: the room becomes read-only and attendance is recorded."""

    def body(a: _Action):
        a.require_host()
        if a.workshop.is_ended:
            raise room_error("ended")
        recorded = a.record(Kind.WORKSHOP_ENDED)
        _mark_ended(a.workshop)
        return recorded

    return _run(_Action(workshop_id, participant_id, client_id), body)


def _mark_ended(workshop: Workshop) -> None:
    """Precondition: the room is locked in the open transaction."""
    now = timezone.now()
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.ENDED, ended_at=now)
    workshop.status = Workshop.Status.ENDED
    workshop.ended_at = now
    workshop_id = workshop.pk
    transaction.on_commit(lambda: record_attendance_for_workshop(workshop_id))


def end_workshop_automatically(workshop: Workshop) -> RoomEvent | None:
    """End a workshop nobody ended, well after its scheduled end (a task or cron does this)."""
    with transaction.atomic():
        _lock_room(workshop.pk)
        workshop = Workshop.objects.get(pk=workshop.pk)
        if workshop.is_ended or timezone.now() < workshop.ends_at + AUTO_END_GRACE:
            return None
        event = _record(workshop, Kind.WORKSHOP_ENDED, actor=None, data={"automatic": True})
        _mark_ended(workshop)
        return event


def participant_for(user: User, workshop: Workshop) -> Participant:
    participant, _created = Participant.objects.get_or_create(
        workshop=workshop, user=user, defaults={"display_name": user.display_name}
    )
    return participant


# ---------------------------------------------------------------------------
# History and room state
# ---------------------------------------------------------------------------


def events_after(workshop_id: int, after: int, until: int | None = None, limit: int = 500):
    """Stored events with ``after < seq <= until``, oldest first, as protocol payloads."""
    events = RoomEvent.objects.filter(workshop_id=workshop_id).after(after).for_payload()
    if until is not None:
        events = events.filter(seq__lte=until)
    return [event_payload(e) for e in events[:limit]]


def my_votes(participant: Participant) -> dict:
    """What this person voted for, which others cannot see: ``{"votes": {poll: option},
    "upvoted": [question, ...]}``."""
    mine = RoomEvent.objects.filter(
        workshop_id=participant.workshop_id,
        actor=participant,
        kind__in=[Kind.POLL_VOTED, Kind.QUESTION_UPVOTED],
    ).values_list("kind", "target_seq", "data")
    votes, upvoted = {}, []
    for kind, target, data in mine:
        if kind == Kind.POLL_VOTED:
            votes[str(target)] = data["option"]
        else:
            upvoted.append(target)
    return {"votes": votes, "upvoted": upvoted}


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


# ---------------------------------------------------------------------------
# Presence and connections
# ---------------------------------------------------------------------------


@dataclass
class Joined:
    workshop: Workshop
    participant: Participant
    connection: Connection
    is_host: bool


def _presence_entry(participant: Participant, host_ids: set[int]) -> dict:
    return {
        "pid": participant.pk,
        "name": participant.display_name,
        "host": participant.user_id in host_ids,
        "hand": participant.hand_raised,
        "muted": participant.is_muted,
    }


def _host_ids(workshop: Workshop) -> set[int]:
    ids = set(workshop.co_hosts.values_list("pk", flat=True))
    if workshop.host_id:
        ids.add(workshop.host_id)
    return ids


def _online_participants(workshop_id: int, exclude_connection: int | None = None):
    cutoff = timezone.now() - PRESENCE_TIMEOUT
    live = Connection.objects.filter(
        workshop_id=workshop_id, left_at__isnull=True, last_seen_at__gte=cutoff
    )
    if exclude_connection:
        live = live.exclude(pk=exclude_connection)
    return live


def presence_snapshot(workshop_id: int) -> list[dict]:
    """Everyone connected now, hosts first then by name."""
    workshop = Workshop.objects.get(pk=workshop_id)
    host_ids = _host_ids(workshop)
    pids = _online_participants(workshop_id).values("participant_id")
    participants = Participant.objects.filter(pk__in=pids, is_removed=False)
    entries = [_presence_entry(p, host_ids) for p in participants]
    return sorted(entries, key=lambda e: (not e["host"], e["name"].lower(), e["pid"]))


def online_count(workshop_id: int) -> int:
    return _online_participants(workshop_id).values("participant_id").distinct().count()


def join_room(user: User, workshop_id: int, channel_name: str) -> Joined | None:
    """Admit ``user`` to the room, or ``None`` to refuse the connection.

    Registers an audience member who has not registered (while seats are
    left), records the connection, and tells the room if they were not
    already present on another connection.
    """
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None or not user.is_authenticated or not may_join(user, workshop):
        return None
    host = is_host(user, workshop)
    with transaction.atomic():
        participant = participant_for(user, workshop)
        if participant.display_name != user.display_name:
            participant.display_name = user.display_name
            participant.save(update_fields=["display_name"])
        if not host and not workshop.is_ended:
            try:
                register(user, workshop)
            except ValidationError:
                return None
        already_present = _online_participants(workshop_id).filter(participant=participant).exists()
        connection = Connection.objects.create(
            workshop=workshop, participant=participant, channel_name=channel_name
        )
        if not already_present:
            entry = _presence_entry(participant, _host_ids(workshop))
            transaction.on_commit(
                lambda: _broadcast(workshop_id, {"type": "room.presence", "joined": [entry]})
            )
    return Joined(workshop=workshop, participant=participant, connection=connection, is_host=host)


def touch_connection(connection_id: int) -> None:
    """A heartbeat: the connection is still there."""
    Connection.objects.filter(pk=connection_id, left_at__isnull=True).update(
        last_seen_at=timezone.now()
    )


def leave_room(connection_id: int) -> None:
    """Close a connection; tell the room if its person has no other connection left."""
    connection = Connection.objects.select_related("participant").filter(pk=connection_id).first()
    if connection is None:
        return
    now = timezone.now()
    with transaction.atomic():
        closed = Connection.objects.filter(pk=connection_id, left_at__isnull=True).update(
            left_at=now, last_seen_at=now
        )
        if closed:
            _after_departure(connection.workshop_id, [connection.participant])


def _after_departure(workshop_id: int, participants: list[Participant]) -> None:
    online = set(_online_participants(workshop_id).values_list("participant_id", flat=True))
    gone = [p for p in participants if p.pk not in online]
    if gone:
        pids = sorted({p.pk for p in gone})
        transaction.on_commit(
            lambda: _broadcast(workshop_id, {"type": "room.presence", "left": pids})
        )
    for participant in gone:
        user_id = participant.user_id
        transaction.on_commit(
            lambda user_id=user_id: _record_attendance_by_ids(workshop_id, user_id)
        )


def sweep_stale_connections(workshop_id: int) -> list[int]:
    """Close connections not heard from within ``PRESENCE_TIMEOUT`` (a lost phone, a dead
    server process). Each stale connection is closed by exactly one sweeper, which then
    tells the room. Returns the participant ids that went offline."""
    cutoff = timezone.now() - PRESENCE_TIMEOUT
    stale = list(
        Connection.objects.filter(
            workshop_id=workshop_id, left_at__isnull=True, last_seen_at__lt=cutoff
        ).select_related("participant")
    )
    closed = []
    with transaction.atomic():
        for connection in stale:
            if Connection.objects.filter(pk=connection.pk, left_at__isnull=True).update(
                left_at=connection.last_seen_at
            ):
                closed.append(connection.participant)
        if closed:
            _after_departure(workshop_id, closed)
    return sorted({p.pk for p in closed})


# ---------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------


def attendance_threshold_minutes(workshop: Workshop) -> int:
    """Minutes present that count as attending: half the workshop, at most
    ``WORKSHOPS_ATTENDANCE_MINUTES`` (30 by default)."""
    start = workshop.started_at or workshop.starts_at
    end = workshop.ended_at or workshop.ends_at
    half = max(1, int((end - start).total_seconds() // 120))
    return min(getattr(settings, "WORKSHOPS_ATTENDANCE_MINUTES", 30), half)


def _present_seconds(workshop: Workshop, connections, now: datetime) -> float:
    """Time covered by the union of the connections, within the live part of the workshop."""
    window_start = workshop.started_at or workshop.starts_at
    window_end = workshop.ended_at or (now if workshop.is_live else workshop.ends_at)
    intervals = []
    for c in connections:
        end = c.left_at or min(now, c.last_seen_at + PRESENCE_TIMEOUT)
        start, end = max(c.joined_at, window_start), min(end, window_end)
        if end > start:
            intervals.append((start, end))
    total, current_start, current_end = 0.0, None, None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return total


def _record_attendance_by_ids(workshop_id: int, user_id: int) -> None:
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    participant = Participant.objects.filter(workshop_id=workshop_id, user_id=user_id).first()
    if workshop and participant:
        record_attendance(workshop, participant)


def record_attendance(workshop: Workshop, participant: Participant) -> Attendance | None:
    """Compute one person's attendance from their connections and store it.

    When it counts as attended and the workshop belongs to a course, the
    courses app re-evaluates that person's completion (after commit).
    Hosts are not counted as attendees.
    """
    if participant.user_id in _host_ids(workshop):
        return None
    connections = list(participant.connections.all())
    if not connections:
        return None
    now = timezone.now()
    minutes = int(_present_seconds(workshop, connections, now) // 60)
    attended = minutes >= attendance_threshold_minutes(workshop)
    first_joined = min(c.joined_at for c in connections)
    last_left = max((c.left_at or c.last_seen_at) for c in connections)
    with transaction.atomic():
        attendance, _created = Attendance.objects.update_or_create(
            workshop=workshop,
            user_id=participant.user_id,
            defaults={
                "first_joined_at": first_joined,
                "last_left_at": last_left,
                "minutes": minutes,
                "attended": attended,
            },
        )
        course_page = workshop.course
        if attended and course_page is not None:
            user = participant.user
            transaction.on_commit(lambda: _evaluate_completion(user, course_page))
    return attendance


def _evaluate_completion(user: User, course_page) -> None:
    from courses.services import evaluate_completion_for

    evaluate_completion_for(user, course_page)


def record_attendance_for_workshop(workshop_id: int) -> int:
    workshop = Workshop.objects.get(pk=workshop_id)
    count = 0
    for participant in workshop.participants.select_related("user"):
        if record_attendance(workshop, participant):
            count += 1
    return count


def attended_workshops_count(user: User, course_page) -> int:
    """Workshops of ``course_page`` (in any language) that ``user`` attended."""
    if not user.is_authenticated:
        return 0
    return Attendance.objects.filter(
        user=user,
        attended=True,
        workshop__course__translation_key=course_page.translation_key,
    ).count()


def attendance_rows(workshop: Workshop) -> list[dict]:
    """One row per person who joined, for the host's sheet (first join order)."""
    attendances = {a.user_id: a for a in Attendance.objects.filter(workshop=workshop)}
    host_ids = _host_ids(workshop)
    rows = []
    now = timezone.now()
    participants = workshop.participants.select_related("user").prefetch_related("connections")
    for participant in participants:
        connections = list(participant.connections.all())
        if not connections:
            continue
        attendance = attendances.get(participant.user_id)
        minutes = (
            attendance.minutes
            if attendance
            else int(_present_seconds(workshop, connections, now) // 60)
        )
        rows.append(
            {
                "name": participant.display_name,
                "host": participant.user_id in host_ids,
                "first_joined_at": min(c.joined_at for c in connections),
                "last_left_at": max((c.left_at or c.last_seen_at) for c in connections),
                "sessions": len(connections),
                "minutes": minutes,
                "attended": bool(attendance and attendance.attended),
                "removed": participant.is_removed,
            }
        )
    return sorted(rows, key=lambda r: r["first_joined_at"])


# ---------------------------------------------------------------------------
# Calendar feed
# ---------------------------------------------------------------------------


def calendar_feed_for(user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def reset_calendar_feed(user: User) -> CalendarFeed:
    """Give ``user`` a new feed address; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


def get_feed_user(token: str):
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


def feed_workshops(user: User):
    return (
        Workshop.objects.registered_by(user)
        .filter(starts_at__gte=timezone.now() - timedelta(days=90))
        .select_related("host")
        .order_by("starts_at")
    )


# ---------------------------------------------------------------------------
# Personal data
# ---------------------------------------------------------------------------


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
    stay gapless); hosted workshops pass to a co-host where there is one.
    """
    RoomEvent.objects.filter(
        actor__user=user, kind__in=[Kind.CHAT_MESSAGE, Kind.QUESTION_ASKED]
    ).update(data={"text": "", "deleted": True})
    for workshop in Workshop.objects.filter(host=user).prefetch_related("co_hosts"):
        successor = next((u for u in workshop.co_hosts.all() if u.pk != user.pk), None)
        if successor is not None:
            workshop.host = successor
            workshop.save(update_fields=["host"])
            workshop.co_hosts.remove(successor)
