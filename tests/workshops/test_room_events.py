"""Every room event: who may cause it, its payload, and that everyone in the room gets it."""

import pytest
import pytest_asyncio

from workshops.models import Participant, RoomEvent, Workshop

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest_asyncio.fixture
async def three(room, host, learner, learner2):
    """The host and two learners, all connected, presence noise drained."""
    clients = []
    for user in (host, learner, learner2):
        client = room(user)
        await client.join()
        clients.append(client)
    for client in clients:
        await client.quiet()
    return clients


async def everyone_gets(clients, kind):
    frames = [await c.event(kind) for c in clients]
    first = frames[0]
    assert all(f == first for f in frames), "every participant receives the same frame"
    return first


async def test_chat_message(three):
    """A chat message is stored with seq 1 and reaches everyone, sender included, with an ack."""
    host, a, b = three
    ack = await a.act(type="chat.send", text="  Hello from Stung Treng  ", client_id="m1")
    assert ack == {"type": "ack", "client_id": "m1", "seq": 1, "duplicate": False}
    frame = await everyone_gets(three, "chat.message")
    assert frame["seq"] == 1
    assert frame["actor"]["name"] == "Sokha"
    assert frame["data"] == {"text": "Hello from Stung Treng"}
    assert frame["client_id"] == "m1"
    assert frame["target"] is None


async def test_hand_raised_and_lowered(three):
    """Raising a hand is public; a host may lower anyone's hand, a learner only their own."""
    host, a, b = three
    await a.act(type="hand.raise")
    raised = await everyone_gets(three, "hand.raised")
    pid = raised["data"]["pid"]
    assert raised["data"]["name"] == "Sokha"
    refused = await b.act(type="hand.lower", pid=pid)
    assert refused["code"] == "host_only"
    await host.act(type="hand.lower", pid=pid)
    lowered = await everyone_gets(three, "hand.lowered")
    assert lowered["data"]["pid"] == pid
    assert lowered["actor"]["name"] == "Host Dara"
    assert not (await Participant.objects.aget(pk=pid)).hand_raised


async def test_question_asked_upvoted_answered(three):
    host, a, b = three
    ack = await a.act(type="question.ask", text="How long should the policy be?")
    q = ack["seq"]
    asked = await everyone_gets(three, "question.asked")
    assert asked["data"] == {"text": "How long should the policy be?"}
    await b.act(type="question.upvote", seq=q)
    upvoted = await everyone_gets(three, "question.upvoted")
    assert upvoted["target"] == q
    assert upvoted["data"] == {"votes": 1}
    assert upvoted["actor"] is None, "upvotes are anonymous"
    again = await b.act(type="question.upvote", seq=q)
    assert again["code"] == "already_voted"
    refused = await a.act(type="question.answer", seq=q)
    assert refused["code"] == "host_only"
    await host.act(type="question.answer", seq=q)
    answered = await everyone_gets(three, "question.answered")
    assert answered["target"] == q


async def test_poll_opened_voted_closed(three):
    host, a, b = three
    refused = await a.act(type="poll.open", question="Lunch?", options=["Yes", "No"])
    assert refused["code"] == "host_only"
    ack = await host.act(
        type="poll.open",
        question="Does your group have a policy?",
        options=["Yes", "No", "Not sure"],
    )
    poll = ack["seq"]
    opened = await everyone_gets(three, "poll.opened")
    assert opened["data"] == {
        "question": "Does your group have a policy?",
        "options": ["Yes", "No", "Not sure"],
    }
    await a.act(type="poll.vote", seq=poll, option=2)
    voted = await everyone_gets(three, "poll.voted")
    assert voted["actor"] is None, "votes are anonymous"
    assert voted["data"] == {"option": 2, "counts": [0, 0, 1]}
    assert (await a.act(type="poll.vote", seq=poll, option=0))["code"] == "already_voted"
    assert (await b.act(type="poll.vote", seq=poll, option=7))["code"] == "invalid"
    assert (await b.act(type="poll.close", seq=poll))["code"] == "host_only"
    await host.act(type="poll.close", seq=poll)
    closed = await everyone_gets(three, "poll.closed")
    assert closed["data"] == {"counts": [0, 0, 1]}
    assert (await b.act(type="poll.vote", seq=poll, option=0))["code"] == "poll_closed"


async def test_message_deleted_by_host_only(three):
    """A host deletes a message; its text is erased from the stored log too."""
    host, a, b = three
    seq = (await a.act(type="chat.send", text="something unkind"))["seq"]
    await everyone_gets(three, "chat.message")
    assert (await b.act(type="chat.delete", seq=seq))["code"] == "host_only"
    await host.act(type="chat.delete", seq=seq)
    deleted = await everyone_gets(three, "chat.deleted")
    assert deleted["target"] == seq
    stored = await RoomEvent.objects.aget(workshop=host.workshop, seq=seq)
    assert stored.data == {"text": "", "deleted": True}


async def test_participant_muted_and_unmuted(three):
    """A muted learner cannot write; unmuted, they can again."""
    host, a, b = three
    pid = (await Participant.objects.aget(user=a.user)).pk
    assert (await b.act(type="participant.mute", pid=pid))["code"] == "host_only"
    await host.act(type="participant.mute", pid=pid, muted=True)
    muted = await everyone_gets(three, "participant.muted")
    assert muted["data"] == {"pid": pid, "name": "Sokha"}
    refused = await a.act(type="chat.send", text="hello?")
    assert refused["code"] == "muted"
    assert refused["message"].startswith("A host has muted you")
    await host.act(type="participant.mute", pid=pid, muted=False)
    await everyone_gets(three, "participant.unmuted")
    assert (await a.act(type="chat.send", text="thank you"))["type"] == "ack"


async def test_participant_removed_is_disconnected_and_kept_out(three, room, learner):
    host, a, b = three
    pid = (await Participant.objects.aget(user=learner)).pk
    assert (await b.act(type="participant.remove", pid=pid))["code"] == "host_only"
    await host.act(type="participant.remove", pid=pid)
    for client in (host, b):
        removed = await client.event("participant.removed")
        assert removed["data"]["pid"] == pid
    await a.event("participant.removed")
    assert await a.closed() == 4403
    connected, _ = await room(learner).connect()
    assert connected is False


async def test_workshop_started_and_ended(three, live_workshop):
    host, a, b = three
    await Workshop.objects.filter(pk=live_workshop.pk).aupdate(status="scheduled")
    assert (await a.act(type="workshop.start"))["code"] == "host_only"
    await host.act(type="workshop.start")
    await everyone_gets(three, "workshop.started")
    assert (await Workshop.objects.aget(pk=live_workshop.pk)).status == "live"
    assert (await a.act(type="workshop.end"))["code"] == "host_only"
    await host.act(type="workshop.end")
    await everyone_gets(three, "workshop.ended")
    workshop = await Workshop.objects.aget(pk=live_workshop.pk)
    assert workshop.status == "ended" and workshop.ended_at is not None
    assert (await a.act(type="chat.send", text="still there?"))["code"] == "ended"


async def test_notice_pinned_and_unpinned(three, live_workshop):
    host, a, b = three
    assert (await a.act(type="notice.pin", text="Free lunch"))["code"] == "host_only"
    await host.act(type="notice.pin", text="Slides: see the course page")
    pinned = await everyone_gets(three, "notice.pinned")
    assert pinned["data"] == {"text": "Slides: see the course page"}
    assert (await Workshop.objects.aget(pk=live_workshop.pk)).pinned_notice.startswith("Slides")
    await host.act(type="notice.pin", text="")
    assert (await everyone_gets(three, "notice.pinned"))["data"] == {"text": ""}


async def test_refused_host_action_changes_nothing(three, live_workshop):
    """A participant trying every host action gets an error each time and nothing is stored."""
    host, a, b = three
    seq = (await a.act(type="chat.send", text="hi"))["seq"]
    await everyone_gets(three, "chat.message")
    pid = (await Participant.objects.aget(user=b.user)).pk
    for frame in (
        {"type": "workshop.end"},
        {"type": "workshop.start"},
        {"type": "notice.pin", "text": "x"},
        {"type": "chat.delete", "seq": seq},
        {"type": "participant.mute", "pid": pid},
        {"type": "participant.remove", "pid": pid},
        {"type": "poll.open", "question": "q", "options": ["a", "b"]},
        {"type": "question.answer", "seq": seq},
    ):
        reply = await a.act(**frame)
        assert reply["type"] == "error", frame
    assert await RoomEvent.objects.filter(workshop=live_workshop).acount() == 1
    for client in three:
        await client.quiet()


async def test_presence_joined_and_left(room, host, learner):
    """Others see a person join and leave; a second tab of the same person is not a new join."""
    h = room(host)
    await h.join()
    a = room(learner)
    await a.join()
    joined = await h.next("presence")
    while "Sokha" not in [e["name"] for e in joined.get("joined", [])]:
        joined = await h.next("presence")  # the host's own arrival may come first
    # Batched: the host's own arrival may share the frame.
    joined["joined"] = [e for e in joined["joined"] if e["name"] == "Sokha"]
    assert joined["joined"][0]["host"] is False
    second_tab = room(learner)
    await second_tab.join()
    await second_tab.disconnect()
    await h.quiet(0.3)
    await a.disconnect()
    left = await h.next("presence")
    assert left == {"type": "presence", "left": [joined["joined"][0]["pid"]], "online": 1}


async def test_presence_sync_returns_everyone(room, host, learner):
    h = room(host)
    await h.join()
    await room(learner).join()
    await h.send(type="presence.sync")
    snapshot = await h.next("presence")
    while "participants" not in snapshot:
        snapshot = await h.next("presence")
    assert [(p["name"], p["host"]) for p in snapshot["participants"]] == [
        ("Host Dara", True),
        ("Sokha", False),
    ]
