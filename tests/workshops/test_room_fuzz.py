"""Generated frames thrown at a real consumer: each is answered or closed with a
documented code, nothing is left behind, and an honest pair keeps talking."""

import asyncio
import json
import logging
import time

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.factories import UserFactory
from workshops import consumers, fanout
from workshops.models import Connection, RoomEvent, Workshop
from workshops.services.room import frames

from .conftest import RoomClient

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

#: The frame types a server may send, and the close codes the protocol documents.
SERVER_TYPES = {"welcome", "history", "event", "presence", "ack", "error", "pong"}
CLOSE_CODES = {4400, 4403, 4408, 4409, 4429}
ERROR_CODES = set(consumers.ERROR_MESSAGES)

# Every character, lone surrogates, NUL and controls included.
any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
any_text = st.text(any_char, max_size=40)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["text", "seq", "pid", "option", "options", "question", "after", "until", "muted", "client_id"]
)
protocol_frames = st.builds(
    lambda kind, fields: json.dumps({"type": kind, **fields}),
    st.sampled_from([*frames.FIELDS, "chat.shout", ""]) | any_text,
    st.dictionaries(field_names, json_values, max_size=4),
)
nested = st.integers(min_value=1, max_value=4000).flatmap(
    lambda n: st.sampled_from(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n, "[" * n])
)
odd_json = st.sampled_from(
    [
        "NaN",
        '{"type": "fetch", "after": NaN}',
        '{"type": "fetch", "after": Infinity}',
        '{"type": "fetch", "after": 1e999}',
        '{"type": "fetch", "after": ' + "9" * 5000 + "}",
        '{"type": "fetch", "after": true}',
        '{"type": "fetch", "after": 1.5}',
        '{"type": "chat.send", "text": "\\u0000\\ud800\\u001b[31m"}',
        '{"type": "chat.send", "text": "\\u200b\\u200b"}',
        '{"type": "chat.send", "client_id": "\\u0000"}',
        "",
        "null",
    ]
)
oversize = st.integers(min_value=frames.MAX_FRAME_CHARS + 1, max_value=200_000).map(
    lambda n: "x" * n
)
text_frames = protocol_frames | nested | odd_json | oversize | any_text
frames_to_send = st.lists(
    st.one_of(
        text_frames.map(lambda t: ("text", t)), st.binary(max_size=64).map(lambda b: ("bytes", b))
    ),
    min_size=1,
    max_size=14,
)


@pytest_asyncio.fixture
async def room_pair(room, host, learner, live_workshop):
    """A host and a learner, connected for the whole run: the honest pair. The room
    has a seat for every fuzzing client (each is a new person, registered on joining)."""
    await Workshop.objects.filter(pk=live_workshop.pk).aupdate(capacity=100_000)
    pair = room(host), room(learner)
    for client in pair:
        await client.join()
    return pair


def _tracebacks(caplog):
    return [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def _talk(host_client, learner_client, text) -> float:
    started = time.monotonic()
    await host_client.send(type="chat.send", text=text)
    while True:  # the fuzzers' events (a raised hand, a chat) pass by first
        frame = await learner_client.next("event")
        if frame["kind"] == "chat.message" and frame["data"]["text"] == text:
            return time.monotonic() - started


async def _fuzz(workshop, batch):
    """One fuzzing client: joins, sends ``batch`` without reading, then reads every answer."""
    fuzzer = RoomClient(await database_sync_to_async(UserFactory)(), workshop)
    try:
        await fuzzer.join()
        communicator = fuzzer.communicator
        for kind, payload in batch:
            # As a server hands frames over (the communicator refuses an empty text).
            await communicator.send_input({"type": "websocket.receive", kind: payload})
        closed_with = None
        while await communicator.receive_nothing(timeout=0.3) is False:
            output = await communicator.receive_output()
            if output["type"] == "websocket.close":
                closed_with = output.get("code")
                break
            frame = json.loads(output["text"])
            assert frame["type"] in SERVER_TYPES, frame
            if frame["type"] == "error":
                assert frame["code"] in ERROR_CODES and frame["code"] != "server_error", frame
        assert closed_with is None or closed_with in CLOSE_CODES
    finally:
        await fuzzer.disconnect()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(frames_to_send, min_size=1, max_size=3))
async def test_generated_frames_never_poison_the_room(batches, room_pair, live_workshop, caplog):
    """Whatever fuzzing clients send at once, every frame is answered with a protocol
    frame (an error of a documented code among them) or the connection is closed
    with a documented code; no traceback is logged, the fuzzers leave no presence or
    listener behind, and the honest pair still talks."""
    caplog.set_level(logging.WARNING)
    await asyncio.gather(*(_fuzz(live_workshop, batch) for batch in batches))

    assert not _tracebacks(caplog), [r.getMessage() for r in _tracebacks(caplog)]
    present = Connection.objects.filter(workshop=live_workshop, left_at__isnull=True)
    assert await present.acount() == 2, "only the honest pair is still connected"
    listening = [
        hub
        for hubs in fanout._hubs.values()
        for (_layer, group), hub in hubs.items()
        if group == f"workshop.{live_workshop.pk}"
    ]
    assert sum(len(hub.listeners) for hub in listening) == 2, "no crashed listener stays"
    texts = RoomEvent.objects.filter(workshop=live_workshop, kind="chat.message")
    async for event in texts:
        stored = event.data["text"]
        assert stored.strip() and "\x00" not in stored and "\x1b" not in stored
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in stored)
    host_client, learner_client = room_pair
    assert await _talk(host_client, learner_client, f"still here {time.monotonic()}") < 1.0
