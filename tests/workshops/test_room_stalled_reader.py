"""A reader that stops reading, behind a real Uvicorn run as the README runs it: it is
closed with the documented 4409 (not the keepalive's 1011), leaves the list at once,
sees the close when it reads again, and resumes from the log with nothing lost."""

import asyncio
import json
import random
import socket
import time

import pytest
import websockets

from accounts.factories import UserFactory
from workshops.factories import WorkshopFactory

from .servers import require_shared_database, session_cookie
from .test_room_uvicorn import uvicorn

pytestmark = [pytest.mark.django_db(transaction=True)]

#: Long messages in Khmer letters: a few kilobytes a frame (the reader takes them
#: uncompressed), so its buffers fill within seconds.
_rng = random.Random(17)


def long_text(n: int) -> str:
    return f"{n} " + "".join(chr(_rng.randrange(0x1780, 0x17B4)) for _ in range(900))


async def connect(port, workshop, cookie, *, since=0, small_buffer=False):
    """A room connection and its welcome; ``small_buffer`` gives it the segments of a
    real network and a phone's receive buffer (loopback's 64 KB segments give the
    server's socket megabytes of buffer), so that not reading soon blocks the server's
    writes to it."""
    sock = None
    if small_buffer:
        sock = socket.socket()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1400)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
    ws = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/workshops/{workshop.pk}/?since={since}",
        additional_headers={"Cookie": f"sessionid={cookie}"},
        origin=f"http://127.0.0.1:{port}",
        sock=sock,
        max_queue=4,
        ping_interval=None,  # as a browser: the server's keepalive, not the client's
        compression=None if small_buffer else "deflate",
    )
    welcome = json.loads(await ws.recv())
    assert welcome["type"] == "welcome", welcome
    return ws, welcome


async def history(ws) -> list[dict]:
    events = []
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] == "history":
            events += frame["events"]
            if frame["complete"]:
                return events


def test_a_reader_that_stops_reading_is_closed_with_4409_and_resumes():
    require_shared_database()
    workshop = WorkshopFactory(status="live")
    names = ("Dara", "Sokha", "Chea", "Bopha", "Vanna", "Rith", "Reader")
    people = [UserFactory(display_name=name) for name in names]
    cookies = [session_cookie(person) for person in people]

    async def scenario(port):
        chatters = []
        for cookie in cookies[:-1]:
            ws, _welcome = await connect(port, workshop, cookie)
            await history(ws)
            chatters.append(ws)
        reader, welcome = await connect(port, workshop, cookies[-1], small_buffer=True)
        await history(reader)
        reader_pid = welcome["you"]["pid"]
        reader_gone = asyncio.Event()
        stored = set()  # the seq of every chat message the room stored

        async def listen(ws, watch):
            async for text in ws:
                frame = json.loads(text)
                if frame["type"] == "event" and frame["kind"] == "chat.message":
                    stored.add(frame["seq"])
                if watch and frame["type"] == "presence" and reader_pid in frame.get("left", []):
                    reader_gone.set()

        listeners = [asyncio.create_task(listen(ws, n == 0)) for n, ws in enumerate(chatters)]
        started = time.monotonic()
        n = 0
        # The others chat, within the rate limit, while the reader reads nothing.
        while not reader_gone.is_set():
            assert time.monotonic() - started < 55, (
                f"the reader was never closed ({n} sent, {len(stored)} stored)"
            )
            for ws in chatters:
                await ws.send(json.dumps({"type": "chat.send", "text": long_text(n)}))
                n += 1
            try:
                await asyncio.wait_for(reader_gone.wait(), 0.6)
            except TimeoutError:
                pass
        stalled_for = time.monotonic() - started

        received = []
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with asyncio.timeout(30):
                async for text in reader:
                    frame = json.loads(text)
                    if frame["type"] == "event":
                        received.append(frame["seq"])
        assert closed.value.rcvd is not None, "closed without a close frame"
        assert closed.value.rcvd.code == 4409, closed.value.rcvd

        # It resumes from the last event it applied (events may arrive out of order: a
        # client applies them in seq order, docs/workshop-protocol.md): nothing is lost.
        assert len(received) == len(set(received)), "an event arrived twice"
        last = 0
        while last + 1 in received:
            last += 1
        again, _welcome = await connect(port, workshop, cookies[-1], since=last)
        resumed = [event["seq"] for event in await history(again)]
        await asyncio.sleep(0.5)  # the chatters' last frames
        for ws in [*chatters, again]:
            await ws.close()
        await asyncio.gather(*listeners)
        assert set(received) | set(resumed) >= stored
        assert not {seq for seq in received if seq <= last} & set(resumed)
        return stalled_for, len(received), len(resumed)

    # The keepalive as the README runs it (1011 after 75 s), the stall limit shortened
    # from its documented 20 s so that the test takes seconds: 4409 must come first.
    with uvicorn(WORKSHOP_STALL_TIMEOUT="3") as (port, log):
        stalled_for, before, after = asyncio.run(scenario(port))
        time.sleep(0.5)  # let the server write what it has to say
        text = log.read_text()
    print(f"\nclosed after {stalled_for:.1f} s; {before} events read, {after} resumed")
    assert "Traceback" not in text, text


def test_the_document_gives_the_servers_stall_timeout():
    from workshops.consumers import protocol

    from .servers import ROOT

    text = (ROOT / "docs" / "workshop-protocol.md").read_text()
    seconds = int(protocol.STALL_TIMEOUT)
    assert f"took none of the live events sent to it for {seconds} seconds" in text
    assert f"has been taken for {seconds} seconds" in text
