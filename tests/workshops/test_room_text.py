"""What a room stores from what people type: no control, NUL, surrogate or bidi
override reaches the log or the host's transcript, and invisible text is empty."""

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from workshops.models import RoomEvent

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

UNSAFE = "\x00\x1b[31m\x07\x85\u202e\u2066\ud800"


async def test_stored_text_is_stripped_of_unsafe_characters(room, host, learner, live_workshop):
    """A message with NUL, an ANSI escape, a bell, a C1 control, bidi overrides and a
    lone surrogate is stored (and shown to others) without them; line breaks stay."""
    h = room(host)
    await h.join()
    a = room(learner)
    await a.join()
    ack = await a.act(type="chat.send", text=f"red{UNSAFE} alert\r\nnext line")
    assert ack["type"] == "ack"
    event = await h.event("chat.message")
    assert event["data"]["text"] == "red[31m alert\nnext line"
    stored = await RoomEvent.objects.aget(workshop=live_workshop, seq=ack["seq"])
    assert stored.data["text"] == "red[31m alert\nnext line"


async def test_transcript_file_has_no_escape_sequences(room, host, client, live_workshop):
    """The host's plain-text transcript holds what was said, not terminal commands."""
    h = room(host)
    await h.join()
    await h.act(type="chat.send", text="\x1b]0;owned\x07hello\u202egnirts")
    await h.act(type="poll.open", question="q\x1b[2J?", options=["a\x00", "b\x9b"])
    await database_sync_to_async(client.force_login)(host)
    response = await database_sync_to_async(client.get)(
        reverse("workshops:transcript", args=[live_workshop.pk])
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "hello" in text and "gnirts" in text
    assert not any(ord(c) < 32 and c not in "\n\t" for c in text)
    assert not any(0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E for c in text)


@pytest.mark.parametrize(
    "text", ["\u200b", "\u200b\u200c\u200d\ufeff", " \u2060 \u17b4\n", "\x00\x1b", "\u202e"]
)
async def test_text_of_only_invisible_characters_is_empty(room, learner, live_workshop, text):
    a = room(learner)
    await a.join()
    reply = await a.act(type="chat.send", text=text)
    assert reply["code"] == "empty"
    assert not await RoomEvent.objects.filter(workshop=live_workshop).aexists()


async def test_khmer_word_separators_are_kept(room, learner):
    """Khmer separates words with zero-width spaces: a real message keeps them."""
    a = room(learner)
    await a.join()
    ack = await a.act(type="chat.send", text="សួស្តី\u200bបងប្អូន")
    assert ack["type"] == "ack"
    assert (await a.event("chat.message"))["data"]["text"] == "សួស្តី\u200bបងប្អូន"
