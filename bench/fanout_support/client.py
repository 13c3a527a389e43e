"""A WebSocket client that costs the harness as little as possible per frame.

One harness process plays up to 2,000 people; with ``websockets.connect``
each received frame costs a reader task's wake-up, a queue, an ``async
for`` step and an assembler, and at 2,000 clients the harness, not the
server, set the latency (of the floor too). This client is a plain
``asyncio.Protocol`` around websockets' Sans-I/O ``ClientProtocol``: a
frame is parsed in ``data_received`` and handed to ``on_text`` there, with
no task per connection. The same client drives the room and the floor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from websockets.client import ClientProtocol
from websockets.exceptions import InvalidHandshake
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.typing import Origin
from websockets.uri import parse_uri


class Connection(asyncio.Protocol):
    def __init__(self, url: str, origin: str | None, headers: dict, on_text: Callable[[str], None]):
        self.uri = parse_uri(url)
        self.protocol = ClientProtocol(
            self.uri, origin=Origin(origin) if origin else None, max_size=None
        )
        self.request = self.protocol.connect()
        for name, value in headers.items():
            self.request.headers[name] = value
        self.on_text = on_text
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None

    # -- asyncio.Protocol -------------------------------------------------

    def connection_made(self, transport):
        self.transport = transport
        self.protocol.send_request(self.request)
        self._flush()

    def data_received(self, data):
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if self.protocol.handshake_exc is not None:
                    self._fail(self.protocol.handshake_exc)
                elif not self.opened.done():
                    self.opened.set_result(None)
            elif event.opcode is Opcode.TEXT:
                self.on_text(event.data.decode())
            elif event.opcode is Opcode.CLOSE:
                self._closed_by_peer()
        self._flush()

    def eof_received(self):
        self.protocol.receive_eof()
        self._flush()
        return False

    def connection_lost(self, exc):
        self._fail(exc or ConnectionError("connection lost"))
        self._closed_by_peer()
        if not self.closed.done():
            self.closed.set_result(None)

    # -- the harness's side -----------------------------------------------

    async def send(self, text: str) -> None:
        if self.close_code is not None or self.transport is None:
            raise ConnectionError("closed")
        self.protocol.send_text(text.encode())
        self._flush()

    async def close(self) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        if self.protocol.state is State.OPEN:
            self.protocol.send_close(1000)
            self._flush()
        self.transport.close()

    # -- helpers ----------------------------------------------------------

    def _flush(self):
        if self.transport is None:
            return
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def _fail(self, exc):
        if not self.opened.done():
            self.opened.set_exception(
                exc if isinstance(exc, OSError | InvalidHandshake) else ConnectionError(str(exc))
            )

    def _closed_by_peer(self):
        if self.close_code is None:
            received = self.protocol.close_rcvd
            self.close_code = received.code if received is not None else 1006


async def connect(url: str, *, origin=None, headers=None, on_text, timeout=120) -> Connection:
    uri = parse_uri(url)
    loop = asyncio.get_running_loop()
    connection = Connection(url, origin, headers or {}, on_text)
    await asyncio.wait_for(loop.create_connection(lambda: connection, uri.host, uri.port), timeout)
    try:
        await asyncio.wait_for(asyncio.shield(connection.opened), timeout)
    except BaseException:
        if connection.transport is not None:
            connection.transport.close()
        raise
    return connection
