"""docs/workshop-protocol.md and the server agree: its examples are frames the
server reads or writes, its tables name the server's codes, and the rules it
states for odd input hold."""

import asyncio
import json
import logging
import re
from collections import deque
from pathlib import Path

import pytest
from uvicorn.protocols.utils import ClientDisconnected

from workshops import consumers
from workshops.models import Connection
from workshops.services.room import frames

pytestmark = [pytest.mark.django_db(transaction=True)]

DOC = (Path(__file__).resolve().parents[2] / "docs" / "workshop-protocol.md").read_text()
Z_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _json_blocks() -> list[dict]:
    """Every JSON object in the document's ```json blocks (one per line, or one block)."""
    found = []
    for block in re.findall(r"```json\n(.*?)```", DOC, re.DOTALL):
        try:
            found.append(json.loads(block))
            continue
        except ValueError:
            pass
        found += [json.loads(line) for line in block.splitlines() if line.strip()]
    return found


EXAMPLES = _json_blocks()
CLIENT_EXAMPLES = [e for e in EXAMPLES if e["type"] in frames.FIELDS]
# Whole frames only: an example with "..." shows only what one variant adds.
SERVER_EXAMPLES = {
    e["type"]: e for e in EXAMPLES if e["type"] not in frames.FIELDS and "..." not in e
}


def _table_codes(heading: str) -> set[str]:
    section = DOC.split(heading, 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `?([a-z_0-9]+)`? \|", section, re.MULTILINE))


def test_every_client_example_is_a_valid_frame():
    """Each client frame the document shows passes the server's own checks."""
    assert len(CLIENT_EXAMPLES) >= 6
    for example in CLIENT_EXAMPLES:
        assert frames.parse_frame(json.dumps(example))["type"] == example["type"]


def test_the_error_and_close_tables_name_the_servers_codes():
    assert _table_codes("### `error`") >= set(consumers.ERROR_MESSAGES)
    closes = {int(c) for c in _table_codes("## Close codes") if c.isdigit()}
    assert closes >= {
        consumers.CLOSE_TOO_MANY_ERRORS,
        consumers.CLOSE_REMOVED,
        consumers.CLOSE_SILENT,
        consumers.CLOSE_FELL_BEHIND,
        consumers.CLOSE_FLOODING,
    }


def _nested(depth: int, mixed: bool) -> str:
    """A ping whose extra field nests to ``depth`` in all (the frame's object included)."""
    inner = ""
    for level in range(depth - 1):
        inner = f'{{"a": {inner or 1}}}' if mixed and level % 2 else f"[{inner}]"
    return '{"type": "ping", "x": ' + (inner or "1") + "}"


@pytest.mark.parametrize("mixed", [False, True])
def test_nesting_deeper_than_the_document_says_is_bad_json(mixed):
    """The document: nesting arrays and objects more than 8 deep is bad_json."""
    assert frames.parse_frame(_nested(frames.MAX_DEPTH, mixed))["type"] == "ping"
    with pytest.raises(frames.FrameError) as refused:
        frames.parse_frame(_nested(frames.MAX_DEPTH + 1, mixed))
    assert refused.value.code == "bad_json"
    assert "more than 8 deep" in DOC and frames.MAX_DEPTH == 8


def _shape(value):
    """The keys of an object, recursively (the values' types aside)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k != "..."}
    return None


def _same_keys(doc, real, path="frame"):
    assert set(doc) == set(real), f"{path}: document {sorted(doc)} server {sorted(real)}"
    for key, value in doc.items():
        if isinstance(value, dict) and isinstance(real[key], dict) and key not in ("votes", "data"):
            _same_keys(value, real[key], f"{path}.{key}")


@pytest.mark.asyncio
async def test_the_servers_frames_look_like_the_documents(room, host, learner):
    """welcome, event, ack, error and pong as a client gets them have the fields of the
    document's examples, and times in its Z form."""
    h = room(host)
    welcome, _ = await h.join()
    a = room(learner)
    await a.join()
    _same_keys(SERVER_EXAMPLES["welcome"], welcome)
    assert welcome["protocol"] == consumers.PROTOCOL_VERSION == 2
    assert Z_TIME.match(welcome["workshop"]["starts_at"])
    assert Z_TIME.match(SERVER_EXAMPLES["welcome"]["workshop"]["starts_at"])
    ack = await a.act(type="chat.send", text="ជំរាបសួរ", client_id="doc-1")
    _same_keys(SERVER_EXAMPLES["ack"], ack)
    event = await h.event("chat.message")
    _same_keys(SERVER_EXAMPLES["event"], event)
    assert Z_TIME.match(event["at"]) and Z_TIME.match(SERVER_EXAMPLES["event"]["at"])
    error = await a.act(type="workshop.end", client_id="doc-2")
    _same_keys(SERVER_EXAMPLES["error"], error)
    assert error["code"] == "host_only"
    await a.send(type="ping")
    _same_keys(SERVER_EXAMPLES["pong"], await a.next("pong"))


@pytest.mark.parametrize("since", ["abc", "-5", "1.5", "", "٣"])
@pytest.mark.asyncio
async def test_a_bad_since_is_invalid_and_joins_nothing(room, learner, live_workshop, since):
    """Not a non-negative integer: one invalid error, close 4400, no presence."""
    client = room(learner)
    client.since = since
    connected, _ = await client.connect()
    assert connected
    if since == "":  # an empty value is no value: since=0
        assert (await client.next("welcome"))["type"] == "welcome"
        return
    assert (await client.next("error"))["code"] == "invalid"
    assert await client.closed() == consumers.CLOSE_TOO_MANY_ERRORS
    assert not await Connection.objects.filter(workshop=live_workshop).aexists()


@pytest.mark.asyncio
async def test_a_since_ahead_of_the_log_is_told_and_replayed_from_the_start(room, host, learner):
    h = room(host)
    await h.join()
    for n in range(3):
        await h.act(type="chat.send", text=f"m{n}")
    a = room(learner, since=99)
    await a.connect()
    assert (await a.next("welcome"))["workshop"]["last_seq"] == 3
    assert (await a.next("error"))["code"] == "since_ahead"
    history = await a.next("history")
    assert [e["seq"] for e in history["events"]] == [1, 2, 3]


@pytest.mark.parametrize(("lang", "title"), [("en", "Safeguarding"), ("km", "សុវត្ថិភាព")])
@pytest.mark.asyncio
async def test_the_welcome_title_follows_lang(room, learner, live_workshop, lang, title):
    live_workshop.title_en, live_workshop.title_km = "Safeguarding", "សុវត្ថិភាព"
    await live_workshop.asave(update_fields=["title_en", "title_km"])
    welcome, _ = await room(learner, lang=lang).join()
    assert welcome["workshop"]["title"] == title


@pytest.mark.asyncio
async def test_a_mass_disconnect_logs_no_traceback_per_pending_write(caplog):
    """The client vanished while events were queued for it: the writer stops at the
    first failed send, quietly, and nothing is sent after."""
    caplog.set_level(logging.DEBUG)
    consumer = consumers.WorkshopRoomConsumer()
    consumer.connection_id, consumer.held, consumer.backlog = 1, None, deque()
    consumer.history_upto, consumer.pid = 0, 7
    attempts = []

    async def base_send(message):
        attempts.append(message)
        await asyncio.sleep(0)
        raise ClientDisconnected()

    consumer.base_send = base_send
    for seq in range(1, 50):
        consumer.deliver({"type": "room.event", "seq": seq, "text": f"event {seq}"})
    while consumer.writer is not None:
        await asyncio.sleep(0)
    assert len(attempts) == 1
    assert consumer.close_sent
    await consumer.close(code=4409)
    assert len(attempts) == 1, "no close after the client is gone"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING]
