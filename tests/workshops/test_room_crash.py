"""A handler that fails unexpectedly, and a consumer that crashes outright: the
client is answered (server_error) or the connection ends, and the crashed one
leaves nothing behind: no presence, no listener, no traceback for later events."""

import logging

import pytest

from workshops import fanout, services
from workshops.models import Connection
from workshops.services.room import frames

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def _listeners(workshop) -> int:
    return sum(
        len(hub.listeners)
        for hubs in fanout._hubs.values()
        for (_layer, group), hub in hubs.items()
        if group == f"workshop.{workshop.pk}"
    )


async def test_an_unexpected_failure_is_answered_and_the_connection_lives_on(
    room, learner, live_workshop, monkeypatch
):
    """Not only ValueError: any failure of a handler is a server_error frame for that
    frame (with its client_id), and the next frame is served as usual."""

    def broken(*args, **kwargs):
        raise RuntimeError("the database said no")

    a = room(learner)
    await a.join()
    monkeypatch.setattr(services, "post_chat", broken)
    error = await a.act(type="chat.send", text="hello", client_id="c-1")
    assert (error["type"], error["code"], error["client_id"]) == ("error", "server_error", "c-1")
    assert error["message"]
    monkeypatch.undo()
    assert (await a.act(type="chat.send", text="hello again"))["type"] == "ack"


async def test_a_crashed_consumer_leaves_no_presence_and_no_listener(
    room, host, learner, live_workshop, monkeypatch, caplog
):
    """A consumer that dies on a frame (the failure escapes it) still leaves the room:
    the others are told it left, its connection is closed, the hub forgets it, and
    later events in the room log no traceback."""
    h = room(host)
    await h.join()
    a = room(learner)
    await a.join()
    assert _listeners(live_workshop) == 2

    def crash(text_data, bytes_data):
        raise RecursionError("deep")

    monkeypatch.setattr(frames, "parse_frame", crash)
    await a.send(type="ping")
    with pytest.raises(RecursionError):
        await a.communicator.receive_output(timeout=3)
    a.communicator = None  # it is gone: nothing to disconnect at the end
    monkeypatch.undo()

    left = await h.next("presence")
    while "left" not in left:
        left = await h.next("presence")
    assert left["online"] == 1
    present = Connection.objects.filter(workshop=live_workshop, left_at__isnull=True)
    assert await present.acount() == 1
    assert _listeners(live_workshop) == 1

    caplog.clear()
    caplog.set_level(logging.WARNING)
    for n in range(3):
        assert (await h.act(type="chat.send", text=f"after the crash {n}"))["type"] == "ack"
        assert (await h.event("chat.message"))["data"]["text"] == f"after the crash {n}"
    assert not [r for r in caplog.records if r.exc_info], caplog.text
