"""Room fixtures: workshops, and WebSocket clients that connect as a browser would
(session cookie, same-origin ``Origin`` header) through the project's ASGI application."""

import json
from datetime import timedelta

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from accounts.factories import UserFactory
from lms.asgi import application
from workshops.factories import WorkshopFactory

ORIGIN = b"http://testserver"
HOST = b"testserver"


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


class RoomClient:
    """One participant's WebSocket connection to a room."""

    def __init__(
        self,
        user,
        workshop,
        *,
        since=None,
        origin=ORIGIN,
        lang="en",
        host=HOST,
        scheme="ws",
        protocol=None,
    ):
        self.user = user
        self.host = host
        self.scheme = scheme
        self.workshop = workshop
        self.since = since
        self.origin = origin
        self.lang = lang
        self.protocol = protocol
        self.seen: list[dict] = []
        # Frames read past while waiting for an ack, to be read again in order.
        self.put_back: list[dict] = []
        self.communicator = None

    async def connect(self):
        cookie = await database_sync_to_async(session_cookie)(self.user)
        path = f"/ws/workshops/{self.workshop.pk}/?lang={self.lang}"
        if self.since is not None:
            path += f"&since={self.since}"
        if self.protocol is not None:
            path += f"&protocol={self.protocol}"
        headers = [(b"cookie", f"sessionid={cookie}".encode())]
        if self.host:
            headers.append((b"host", self.host))
        if self.origin:
            headers.append((b"origin", self.origin))
        self.communicator = WebsocketCommunicator(application, path, headers=headers)
        self.communicator.scope["scheme"] = self.scheme
        return await self.communicator.connect(timeout=5)

    async def join(self):
        """Connect and read the welcome and the history; returns (welcome, history events)."""
        connected, _code = await self.connect()
        assert connected, "the room refused the connection"
        welcome = await self.next("welcome")
        events = []
        while True:
            history = await self.next("history")
            events += history["events"]
            if history["complete"]:
                return welcome, events

    async def send(self, **frame):
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def send_raw(self, text):
        await self.communicator.send_to(text_data=text)

    async def recv(self, timeout=3):
        if self.put_back:
            return self.put_back.pop(0)
        frame = json.loads(await self.communicator.receive_from(timeout=timeout))
        self.seen.append(frame)
        return frame

    async def next(self, type_, timeout=3, **match):
        """The next frame of ``type_`` (and matching ``match``), skipping others."""
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def event(self, kind=None, timeout=3):
        frame = await self.next("event", timeout)
        if kind is not None:
            assert frame["kind"] == kind, frame
        return frame

    async def act(self, **frame):
        """Send an action and return its ack or error.

        The room's own broadcast of the event may arrive before or after the
        ack; frames read past are put back for the next ``recv``.
        """
        await self.send(**frame)
        skipped = []
        while True:
            reply = await self.recv()
            if reply["type"] in ("ack", "error"):
                self.put_back[:0] = skipped
                return reply
            skipped.append(reply)

    async def quiet(self, timeout=0.2):
        """Nothing but presence or pong frames arrive within ``timeout``."""
        while self.put_back or not await self.communicator.receive_nothing(timeout=timeout):
            frame = await self.recv()
            assert frame["type"] in ("presence", "pong"), frame

    async def closed(self, timeout=3):
        """The server closed the connection; returns its close code."""
        while True:
            output = await self.communicator.receive_output(timeout)
            if output["type"] == "websocket.close":
                return output.get("code")

    async def disconnect(self):
        if self.communicator is not None:
            await self.communicator.disconnect()
            self.communicator = None


@pytest.fixture
def host(transactional_db):
    return UserFactory(email="host@example.org", display_name="Host Dara")


@pytest.fixture
def learner(transactional_db):
    return UserFactory(email="sokha@example.org", display_name="Sokha")


@pytest.fixture
def learner2(transactional_db):
    return UserFactory(email="vanna@example.org", display_name="Vanna")


@pytest.fixture
def live_workshop(transactional_db, host):
    return WorkshopFactory(
        host=host,
        title_en="Writing a safeguarding policy",
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(minutes=55),
    )


@pytest_asyncio.fixture
async def room(live_workshop):
    """Make room clients for ``live_workshop``; each is disconnected at the end."""
    clients = []

    def make(user, workshop=None, **kwargs):
        client = RoomClient(user, workshop or live_workshop, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.disconnect()
