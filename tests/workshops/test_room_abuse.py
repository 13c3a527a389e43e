"""Abuse that used to cost nothing: limits per person across connections, back-off
after a limit close, one history page per fetch, the origin check, anonymous votes."""

import json

import pytest
from channels.db import database_sync_to_async
from django.test import override_settings

from workshops import consumers
from workshops.models import Connection, RoomEvent, Workshop
from workshops.services.room import ratelimit

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


class Clock:
    """The limits' clock, moved by hand: windows and back-off without waiting."""

    def __init__(self):
        self.now = 2_000_000_000.0

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(ratelimit, "time", clock)
    return clock


async def test_the_limit_holds_across_a_persons_connections(
    room, host, learner, live_workshop, clock
):
    """Four connections of one person, each within its own burst, together store no
    more than the room budget; the rest are refused with rate_limited, and another
    person is not affected."""
    tabs = [room(learner) for _ in range(4)]
    for tab in tabs:
        await tab.join()
    for n, tab in enumerate(tabs):
        for m in range(consumers.RATE_BURST - 1):
            await tab.send(type="chat.send", text=f"tab {n} msg {m}", client_id=f"{n}-{m}")
    codes = []
    for tab in tabs:  # each frame gets its answer (an ack or an error), however slowly
        answers = []
        while len(answers) < consumers.RATE_BURST - 1:
            frame = await tab.recv(timeout=10)
            if frame["type"] in ("ack", "error"):
                answers.append(frame.get("code", "ok"))
        codes += answers
    assert codes.count("ok") == ratelimit.LIMIT
    assert codes.count("rate_limited") == 4 * (consumers.RATE_BURST - 1) - ratelimit.LIMIT
    stored = RoomEvent.objects.filter(workshop=live_workshop, actor__user=learner)
    assert await stored.acount() == ratelimit.LIMIT
    h = room(host)
    await h.join()
    assert (await h.act(type="chat.send", text="the host is not limited"))["type"] == "ack"
    clock.now += ratelimit.WINDOW
    assert (await tabs[0].act(type="chat.send", text="next window"))["type"] == "ack"


async def _flood_until_closed(client) -> int:
    for n in range(consumers.RATE_BURST + consumers.MAX_STRIKES + 2):
        await client.send(type="chat.send", text=f"spam {n}")
    return await client.closed()


async def test_reconnecting_after_a_limit_close_waits_longer_each_time(
    room, learner, live_workshop, clock
):
    """After a 4429 the next connection is closed at once with 4429 and the wait in
    its reason (no welcome, no presence); the wait doubles with each limit close."""
    first = room(learner)
    await first.join()
    assert await _flood_until_closed(first) == consumers.CLOSE_FLOODING
    await first.disconnect()

    early = room(learner)
    connected, _ = await early.connect()
    assert connected
    output = await early.communicator.receive_output()
    assert output == {"type": "websocket.close", "code": 4429, "reason": "retry_after=2"}
    present = Connection.objects.filter(workshop=live_workshop, left_at__isnull=True)
    assert await present.acount() == 0

    clock.now += 3 + ratelimit.WINDOW
    again = room(learner)
    await again.join()
    assert await _flood_until_closed(again) == consumers.CLOSE_FLOODING
    await again.disconnect()
    later = room(learner)
    await later.connect()
    assert (await later.communicator.receive_output())["reason"] == "retry_after=4"


async def _answers_until_closed(client) -> tuple[list[str], int]:
    """What the server answered (presence lists and error codes), then the close code."""
    answers = []
    while True:
        output = await client.communicator.receive_output(5)
        if output["type"] == "websocket.close":
            return answers, output.get("code")
        frame = json.loads(output["text"])
        if frame["type"] == "error":
            answers.append(frame["code"])
        elif "participants" in frame:
            answers.append("presence")


async def test_presence_sync_spends_the_persons_budget(room, learner, live_workshop, clock):
    """presence.sync costs a unit like a fetch: four connections of one person get no
    more full lists than the room budget, the rest are refused with rate_limited."""
    tabs = [room(learner) for _ in range(4)]
    for tab in tabs:
        await tab.join()
    for tab in tabs:
        for _ in range(consumers.RATE_BURST - 1):
            await tab.send(type="presence.sync")
    codes = []
    for tab in tabs:
        answers = []
        while len(answers) < consumers.RATE_BURST - 1:
            frame = await tab.recv(timeout=10)
            if frame["type"] == "error":
                answers.append(frame["code"])
            elif frame["type"] == "presence" and "participants" in frame:
                answers.append("presence")
        codes += answers
    assert codes.count("presence") == ratelimit.LIMIT
    assert codes.count("rate_limited") == 4 * (consumers.RATE_BURST - 1) - ratelimit.LIMIT
    clock.now += ratelimit.WINDOW
    await tabs[0].send(type="presence.sync")
    # A batched delta (people arriving) may come first; the list answers the sync.
    frame = await tabs[0].next("presence")
    while "participants" not in frame:
        frame = await tabs[0].next("presence")


async def test_presence_sync_in_a_loop_is_closed_for_flooding(
    room, learner, live_workshop, monkeypatch, clock
):
    """A client asking for the list over and over, its budget spent, gets rate_limited
    and then the documented 4429; the next connection waits (back-off)."""
    monkeypatch.setattr(ratelimit, "LIMIT", 2)
    a = room(learner)
    await a.join()
    for _ in range(consumers.RATE_BURST + consumers.MAX_STRIKES + 2):
        await a.send(type="presence.sync")
    answers, code = await _answers_until_closed(a)
    assert code == consumers.CLOSE_FLOODING
    assert answers.count("presence") == 2
    assert answers.count("rate_limited") == consumers.MAX_STRIKES
    await a.disconnect()
    b = room(learner)
    await b.connect()
    assert (await b.communicator.receive_output())["reason"].startswith("retry_after=")


async def _fill_log(workshop, count):
    def fill():
        RoomEvent.objects.bulk_create(
            RoomEvent(workshop=workshop, seq=n, kind="chat.message", data={"text": f"m{n}"})
            for n in range(1, count + 1)
        )
        Workshop.objects.filter(pk=workshop.pk).update(last_seq=count)

    await database_sync_to_async(fill)()


async def test_fetch_answers_one_page_per_request(room, learner, live_workshop):
    """A fetch from 0 in a long log gets one page (complete: false) and nothing more
    until the client asks again from the last seq it got."""
    await _fill_log(live_workshop, consumers.HISTORY_PAGE + 20)
    a = room(learner, since=consumers.HISTORY_PAGE + 20)
    await a.join()
    await a.send(type="fetch", after=0)
    page = await a.next("history")
    assert (page["fill"], page["complete"]) == (True, False)
    assert [e["seq"] for e in page["events"]] == list(range(1, consumers.HISTORY_PAGE + 1))
    await a.quiet()
    await a.send(type="fetch", after=consumers.HISTORY_PAGE)
    rest = await a.next("history")
    assert rest["complete"] is True and len(rest["events"]) == 20


async def test_history_bytes_count_against_the_limit(
    room, learner, live_workshop, monkeypatch, clock
):
    """Pulling the log again and again spends the budget: once it is spent, a fetch
    is refused with rate_limited, and so is the next connection (4429)."""
    await _fill_log(live_workshop, 50)
    monkeypatch.setattr(ratelimit, "HISTORY_UNIT_BYTES", 200)
    a = room(learner, since=50)
    await a.join()
    await a.send(type="fetch", after=0)
    assert len((await a.next("history"))["events"]) == 50
    await a.send(type="fetch", after=0)
    assert (await a.next("error"))["code"] == "rate_limited"
    await a.disconnect()
    b = room(learner)
    await b.connect()
    assert (await b.communicator.receive_output())["code"] == 4429


@pytest.mark.parametrize(
    ("origin", "host_header", "scheme", "accepted"),
    [
        (b"http://testserver", b"testserver", "ws", True),
        (b"http://testserver:9999", b"testserver", "ws", False),
        (b"https://testserver", b"testserver", "ws", False),
        (b"http://testserver:8000", b"testserver:8000", "ws", True),
        (b"http://testserver", b"testserver:8000", "ws", False),
        (b"https://testserver", b"testserver", "wss", True),
        (b"http://testserver", b"testserver", "wss", False),
        (b"http://evil.example.com", b"evil.example.com", "ws", False),
        (b"null", b"testserver", "ws", False),
        (None, b"testserver", "ws", False),
    ],
)
async def test_origin_must_match_scheme_host_and_port(
    room, learner, origin, host_header, scheme, accepted
):
    """Only a page of this very site (scheme, host, port) may open the room."""
    client = room(learner, origin=origin, host=host_header, scheme=scheme)
    connected, _ = await client.connect()
    assert connected is accepted


@override_settings(CSRF_TRUSTED_ORIGINS=["https://*.academy.example.org"])
async def test_trusted_origins_are_accepted_exactly(room, learner):
    ok, _ = await room(learner, origin=b"https://app.academy.example.org").connect()
    assert ok
    other_port, _ = await room(learner, origin=b"https://app.academy.example.org:444").connect()
    assert not other_port


async def test_anonymous_votes_do_not_tell_others_the_voters_client_id(
    room, host, learner, learner2
):
    """Others see the new counts of a poll vote or an upvote, but neither its actor nor
    its client id; the voter's own ack carries the client id."""
    h = room(host)
    await h.join()
    a = room(learner)
    await a.join()
    b = room(learner2)
    await b.join()
    poll = await h.act(type="poll.open", question="Which?", options=["x", "y"], client_id="p")
    question = await b.act(type="question.ask", text="Why?", client_id="q")
    vote = await a.act(type="poll.vote", seq=poll["seq"], option=1, client_id="sokha-vote-1")
    assert vote["client_id"] == "sokha-vote-1"
    upvote = await a.act(type="question.upvote", seq=question["seq"], client_id="sokha-up-1")
    assert upvote["client_id"] == "sokha-up-1"
    for kind in ("poll.voted", "question.upvoted"):
        seen = await b.next("event", kind=kind)
        assert seen["actor"] is None and seen["client_id"] is None
    _welcome, history = await room(learner2).join()
    anonymous = [e for e in history if e["kind"] in ("poll.voted", "question.upvoted")]
    assert len(anonymous) == 2
    assert all(e["client_id"] is None and e["actor"] is None for e in anonymous)
