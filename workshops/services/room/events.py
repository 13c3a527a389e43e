"""The room's event log: numbering, storing and broadcasting events, and reading them back.

Events are stored with the next sequence number of their room, inside one
transaction that holds the workshop row's lock, and are broadcast to the
room's channel layer group only after that transaction commits
(``transaction.on_commit``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import UTC

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.db.models import F

from ...models import Participant, RoomEvent, Workshop
from .errors import room_error

logger = logging.getLogger(__name__)

Kind = RoomEvent.Kind

# Event kinds whose actor is not shown to others (votes are anonymous).
ANONYMOUS_KINDS = {Kind.POLL_VOTED, Kind.QUESTION_UPVOTED}


def group_name(workshop_id: int) -> str:
    return f"workshop.{workshop_id}"


def lock_room(workshop_id: int) -> None:
    """Take the workshop row's write lock for the rest of the transaction.

    A no-op UPDATE rather than ``select_for_update``: on PostgreSQL both take
    the row lock, and on SQLite (which ignores ``FOR UPDATE``) the write
    takes the database's write lock at once, so that two processes never
    read the same ``last_seq``. Precondition: a transaction is open.
    """
    if not Workshop.objects.filter(pk=workshop_id).update(last_seq=F("last_seq")):
        raise room_error("not_found")


def _claim_sql(durable: bool) -> str:
    qn = connection.ops.quote_name
    # Only quoted identifiers from the model are formatted in; the id is a parameter.
    table, pk = qn(Workshop._meta.db_table), qn(Workshop._meta.pk.column)
    returning = "*"
    if not durable and connection.vendor == "postgresql":
        # SET LOCAL as a function, so it costs no round trip of its own.
        returning += ", set_config('synchronous_commit', 'off', true) AS room_commit"
    return f"UPDATE {table} SET last_seq = last_seq + 1 WHERE {pk} = %s RETURNING {returning}"  # noqa: S608


def claim_next_seq(workshop_id: int, *, durable: bool = True) -> Workshop:
    """Lock the workshop row, take the room's next sequence number and read the room,
    in one statement (``UPDATE … RETURNING``).

    Returns the workshop with ``last_seq`` already holding the taken number:
    the transaction must store exactly one event with it (``store_event``) or
    roll back, so that no number is skipped. Precondition: a transaction is open.

    ``durable=False`` (chat messages, on PostgreSQL) commits the transaction
    without waiting for its WAL to reach the disk (``synchronous_commit``
    off for this transaction only, set in the same statement): see "Chat and
    the disk" in docs/workshops.md for what a database crash can then lose.
    """
    sql = _claim_sql(durable)
    rows = list(Workshop.objects.raw(sql, [workshop_id]))
    if not rows:
        raise room_error("not_found")
    return rows[0]


def claim_with_actor(
    workshop_id: int, participant_id: int, *, durable: bool = True
) -> tuple[Workshop, Participant]:
    """``claim_next_seq``, then the acting participant with their account's ``is_active``:
    on PostgreSQL both statements (and the transaction's BEGIN) in one round trip.

    The two are sent together in psycopg's pipeline mode and run one after
    the other, as before: the participant is read by a statement that starts
    after the room's lock is held, so it sees every change committed under
    that lock before (a mute, a removal). Only the waiting for each answer
    in turn is gone. The participant's ``user`` holds its id and
    ``is_active``; anything else of it is loaded when asked for.
    Raises ``RoomError("not_found")`` for an unknown room and
    ``Participant.DoesNotExist`` for a person not in it. Precondition: a
    transaction is open.
    """
    if connection.vendor != "postgresql":
        workshop = claim_next_seq(workshop_id, durable=durable)
        actor = Participant.objects.select_related("user").get(
            pk=participant_id, workshop_id=workshop_id
        )
        return workshop, actor
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    qn = connection.ops.quote_name
    column = {f.name: qn(f.column) for f in Participant._meta.concrete_fields}
    active = qn(user_model._meta.get_field("is_active").column)
    # Only quoted identifiers from the models are formatted in; ids are parameters.
    actor_sql = (
        f"SELECT {', '.join(f'p.{c}' for c in column.values())}, u.{active}"  # noqa: S608
        f" FROM {qn(Participant._meta.db_table)} p JOIN {qn(user_model._meta.db_table)} u"
        f" ON u.{qn(user_model._meta.pk.column)} = p.{column['user']}"
        f" WHERE p.{column['id']} = %s AND p.{column['workshop']} = %s"
    )
    with connection.cursor() as room, connection.cursor() as person:
        with connection.connection.pipeline():
            room.execute(_claim_sql(durable), [workshop_id])
            person.execute(actor_sql, [participant_id, workshop_id])
            room_row = room.fetchone()
            room_columns = [c.name for c in room.description]
            person_row = person.fetchone()
    if room_row is None:
        raise room_error("not_found")
    if person_row is None:
        raise Participant.DoesNotExist("No such participant in this room")
    returned = dict(zip(room_columns, room_row, strict=True))
    # ``from_db`` takes the values in the model's field order (RETURNING * gives the table's).
    fields = Workshop._meta.concrete_fields
    names = [f.attname for f in fields]
    values = [returned[f.column] for f in fields]
    workshop = Workshop.from_db(connection.alias, names, values)
    fields = [f.attname for f in Participant._meta.concrete_fields]
    actor = Participant.from_db(connection.alias, fields, person_row[:-1])
    actor.user = user_model.from_db(
        connection.alias, ["id", "is_active"], [actor.user_id, person_row[-1]]
    )
    return workshop, actor


def utc_timestamp(moment) -> str:
    """The protocol's time form: UTC, milliseconds, ``Z`` (``2026-11-29T07:12:03.120Z``)."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def event_payload(event: RoomEvent) -> dict:
    """The protocol's ``event`` frame for a stored event (see docs/workshop-protocol.md)."""
    actor = None
    anonymous = event.kind in ANONYMOUS_KINDS
    if event.actor_id and not anonymous:
        actor = {"pid": event.actor_id, "name": event.actor.display_name}
    return {
        "type": "event",
        "seq": event.seq,
        "kind": event.kind,
        "at": utc_timestamp(event.created_at),
        "actor": actor,
        # An anonymous event's client id would tell who acted (ids are per
        # person); the voter learns of theirs from the ack.
        "client_id": None if anonymous else (event.client_id or None),
        "target": event.target_seq,
        "data": event.data,
    }


def broadcast(workshop_id: int, message: dict, *, local_first: bool = False) -> None:
    """Send ``message`` to the room's group. Called after commit.

    From a consumer's database thread, the send is handed to the server's
    event loop without waiting for it, so the thread (shared by every
    connection of the process) goes on with the next query at once; with
    ``local_first`` (stored events) the process's own listeners get it
    there at once (``workshops.fanout.publish``). From anywhere else (a
    view, a task) it waits for the send.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    group = group_name(workshop_id)
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        if local_first:
            from ... import fanout  # the process's hubs live beside the consumers

            loop.call_soon_threadsafe(fanout.publish, layer, group, message)
            return
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
    broadcast(event.workshop_id, message, local_first=True)


@dataclass
class Recorded:
    event: RoomEvent
    duplicate: bool = False


def record_event(
    workshop: Workshop,
    kind: str,
    *,
    actor: Participant | None,
    data: dict | None = None,
    target_seq: int | None = None,
    client_id: str = "",
) -> RoomEvent:
    """Store one event with the room's next sequence number and broadcast it after commit.

    Precondition: a transaction is open, ``lock_room(workshop.pk)`` was
    called in it and ``workshop`` was read after that, so ``workshop.last_seq``
    is current and nobody else can allocate a number until this transaction
    ends.
    """
    seq = workshop.last_seq + 1
    Workshop.objects.filter(pk=workshop.pk).update(last_seq=seq)
    workshop.last_seq = seq
    return store_event(
        workshop, seq, kind, actor=actor, data=data, target_seq=target_seq, client_id=client_id
    )


def store_event(
    workshop: Workshop,
    seq: int,
    kind: str,
    *,
    actor: Participant | None,
    data: dict | None = None,
    target_seq: int | None = None,
    client_id: str = "",
) -> RoomEvent:
    """Store one event with a number already taken under the room's lock (by
    ``record_event`` or ``claim_next_seq``) and broadcast it after commit."""
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
