"""Bad connections and bad input: resume, gap fill, resends, garbage, floods."""

import asyncio

import pytest

from workshops import consumers, presence_fanout
from workshops.models import RoomEvent

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_resume_sends_exactly_the_missed_events(room, host, learner, live_workshop):
    """A learner drops mid-stream; others keep posting; reconnecting with the last seq
    delivers exactly the missed events, in order, then live ones, nothing twice."""
    h = room(host)
    await h.join()
    a = room(learner)
    await a.join()
    for n in range(3):
        await h.act(type="chat.send", text=f"before {n}")
    seen = [(await a.event("chat.message"))["seq"] for _ in range(3)]
    assert seen == [1, 2, 3]
    await a.disconnect()

    for n in range(4):
        await h.act(type="chat.send", text=f"while away {n}")

    back = room(learner, since=seen[-1])
    welcome, missed = await back.join()
    assert welcome["workshop"]["last_seq"] == 7
    assert [e["seq"] for e in missed] == [4, 5, 6, 7]
    assert [e["data"]["text"] for e in missed] == [f"while away {n}" for n in range(4)]

    await h.act(type="chat.send", text="live again")
    live = await back.event("chat.message")
    assert live["seq"] == 8
    await back.quiet()


async def test_gap_is_filled_on_request(room, host, learner):
    """A client that saw seq 5 but not 3-4 asks for that range and gets exactly it."""
    h = room(host)
    await h.join()
    for n in range(5):
        await h.act(type="chat.send", text=f"m{n}")
    await h.send(type="fetch", after=2, until=4)
    fill = await h.next("history")
    assert fill["fill"] is True and fill["complete"] is True
    assert [e["seq"] for e in fill["events"]] == [3, 4]


async def test_resend_with_same_client_id_is_stored_once(room, host, learner, live_workshop):
    """The same client id sent again (after a reconnect) is acknowledged as a duplicate
    with the original seq, and stored and broadcast only once."""
    h = room(host)
    await h.join()
    a = room(learner)
    await a.join()
    first = await a.act(type="chat.send", text="offline note", client_id="c-42")
    await a.disconnect()
    again = room(learner, since=first["seq"])
    await again.join()
    second = await again.act(type="chat.send", text="offline note", client_id="c-42")
    assert second == {"type": "ack", "client_id": "c-42", "seq": first["seq"], "duplicate": True}
    assert await RoomEvent.objects.filter(workshop=live_workshop).acount() == 1
    assert (await h.event("chat.message"))["seq"] == first["seq"]
    await h.quiet()


async def test_client_ids_are_per_participant(room, host, learner):
    """Two people may happen to use the same client id; both messages are kept."""
    h = room(host)
    await h.join()
    a = room(learner)
    await a.join()
    assert (await h.act(type="chat.send", text="one", client_id="1"))["duplicate"] is False
    assert (await a.act(type="chat.send", text="two", client_id="1"))["duplicate"] is False


MALFORMED = [
    ("{not json", "bad_json"),
    ("[1, 2]", "invalid"),
    ('{"type": "chat.shout", "text": "hi"}', "unknown_type"),
    ('{"type": "chat.send", "text": 42}', "invalid"),
    ('{"type": "chat.send", "text": "   "}', "empty"),
    ('{"type": "poll.vote", "seq": "one", "option": 0}', "invalid"),
    ('{"type": "fetch", "after": "x"}', "invalid"),
    ('{"type": "fetch", "after": true}', "invalid"),
    ('{"type": "fetch", "after": -1}', "invalid"),
    ('{"type": "fetch", "after": 1.5}', "invalid"),
    ('{"type": "fetch", "after": ' + "9" * 30 + "}", "invalid"),
    ('{"type": "fetch", "after": NaN}', "bad_json"),
    ("[" * 5000, "bad_json"),
    ('{"a": ' * 1000 + "1" + "}" * 1000, "bad_json"),
    ('{"type": "chat.send", "text": "hi", "client_id": "\\u0000"}', "invalid"),
    ('{"type": "chat.send"}', "invalid"),
    ('{"type": "chat.send", "text": "\\u200b\\u200b"}', "empty"),
]


@pytest.mark.parametrize("chunk", range(0, len(MALFORMED), 6))
async def test_malformed_input_gets_error_and_room_carries_on(room, learner, live_workshop, chunk):
    """Each kind of garbage is answered with its error code; nothing is stored and the
    connection keeps working (a few at a time: ten strikes would close it)."""
    a = room(learner)
    await a.join()
    for raw, code in MALFORMED[chunk : chunk + 6]:
        await a.send_raw(raw)
        error = await a.next("error")
        assert error["code"] == code, raw
        assert error["message"]
    await a.communicator.send_to(bytes_data=b"\xff\xfe not text")
    assert (await a.next("error"))["code"] == "invalid"
    assert await RoomEvent.objects.filter(workshop=live_workshop).acount() == 0
    assert (await a.act(type="chat.send", text="still here"))["type"] == "ack"


async def test_overlong_text_and_oversized_frame_are_refused(room, learner, live_workshop):
    a = room(learner)
    await a.join()
    too_long = await a.act(type="chat.send", text="ក" * 1001)
    assert too_long["code"] == "too_long"
    await a.send_raw('{"type": "chat.send", "text": "' + "x" * consumers.MAX_FRAME_CHARS + '"}')
    assert (await a.next("error"))["code"] == "too_large"
    assert await RoomEvent.objects.filter(workshop=live_workshop).acount() == 0
    assert (await a.act(type="chat.send", text="ក" * 1000))["type"] == "ack"


async def test_error_messages_speak_the_rooms_language(room, learner):
    a = room(learner, lang="km")
    await a.join()
    await a.send_raw("{not json")
    error = await a.next("error")
    assert error["code"] == "bad_json"
    assert error["message"] != "That message could not be read."


async def test_flooding_gets_rate_limited_then_disconnected(room, host, learner, live_workshop):
    """A burst beyond the limit is refused with rate_limited; keeping on closes the
    connection (4429); the rest of the room is unaffected and nothing extra is stored."""
    h = room(host)
    await h.join()
    a = room(learner)
    await a.join()
    burst = consumers.RATE_BURST + consumers.MAX_STRIKES + 5
    for n in range(burst):
        await a.send(type="chat.send", text=f"spam {n}", client_id=f"s{n}")
    codes = []
    while True:
        output = await a.communicator.receive_output(3)
        if output["type"] == "websocket.close":
            assert output["code"] == 4429
            break
        frame = __import__("json").loads(output["text"])
        if frame["type"] in ("ack", "error"):
            codes.append(frame.get("code", "ok"))
    assert codes.count("rate_limited") == consumers.MAX_STRIKES
    stored = await RoomEvent.objects.filter(workshop=live_workshop).acount()
    assert stored == codes.count("ok") <= consumers.RATE_BURST + 1
    assert (await h.act(type="chat.send", text="we carry on"))["type"] == "ack"


async def test_garbage_that_persists_is_disconnected(room, learner):
    a = room(learner)
    await a.join()
    for _ in range(consumers.MAX_STRIKES):
        await a.send_raw("garbage")
    assert await a.closed() == 4400


async def test_silent_connection_is_closed_and_left(room, host, learner, monkeypatch):
    """A client that stops sending heartbeats is closed, and others see it leave."""
    monkeypatch.setattr(presence_fanout, "BEAT_INTERVAL", 0.05)
    h = room(host)
    await h.join()
    monkeypatch.setattr(consumers.protocol, "HEARTBEAT_TIMEOUT", 0.3)
    a = room(learner)
    await a.join()
    assert await a.closed() == 4408
    await a.disconnect()
    left = await h.next("presence", timeout=3)
    while "left" not in left:
        left = await h.next("presence", timeout=3)
    assert len(left["left"]) == 1


async def test_a_client_that_stops_reading_is_closed_not_waited_for(monkeypatch):
    """Live events queue per connection; one that falls too far behind is closed
    (4409, it resumes from the log) instead of holding up the rest of the room."""
    from collections import deque

    from workshops import consumers

    monkeypatch.setattr(consumers.protocol, "MAX_BACKLOG", 3)
    consumer = consumers.WorkshopRoomConsumer()
    consumer.connection_id, consumer.held, consumer.backlog = 1, None, deque()
    consumer.history_upto, consumer.pid = 0, 7
    sent, closed = [], []
    stalled = asyncio.Event()  # never set: the client's socket buffer stays full

    async def send(message):  # the server's ASGI send, under every way the consumer writes
        await stalled.wait()
        sent.append(message.get("text"))

    async def close(code=None, reason=None):
        closed.append(code)

    consumer.base_send, consumer.close = send, close
    for seq in range(1, 6):  # the first write waits; the next ones queue behind it
        consumer.deliver({"type": "room.event", "seq": seq, "text": f"event {seq}"})
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert closed == [consumers.CLOSE_FELL_BEHIND]
    assert sent == []
    consumer.deliver({"type": "room.event", "seq": 6, "text": "event 6"})
    await asyncio.sleep(0)
    assert sent == [], "nothing more is queued for a closing connection"


async def test_live_events_are_written_in_order():
    from collections import deque

    from workshops import consumers

    consumer = consumers.WorkshopRoomConsumer()
    consumer.connection_id, consumer.held, consumer.backlog = 1, None, deque()
    consumer.history_upto, consumer.pid = 2, 7
    sent = []

    async def send(message):  # the server's ASGI send, under every way the consumer writes
        await asyncio.sleep(0)  # a send that yields, as a real one may
        sent.append(message["text"])

    consumer.base_send = send
    for seq in range(1, 6):
        consumer.deliver({"type": "room.event", "seq": seq, "text": f"event {seq}"})
    while consumer.writer is not None:
        await asyncio.sleep(0)
    assert sent == ["event 3", "event 4", "event 5"], "in order, minus what history held"
