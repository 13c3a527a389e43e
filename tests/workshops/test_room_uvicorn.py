"""The room behind a real Uvicorn, as the README runs it: invalid UTF-8 is closed by
the server (1007), a flooder is closed (4429) with frames still queued, and the
server's log holds no traceback, no send after close; the honest pair talks on."""

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest
import websockets

from accounts.factories import UserFactory
from workshops.factories import WorkshopFactory

from .servers import ROOT, database_url, free_port, require_shared_database, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def uvicorn(**extra_env):
    """Run ``uvicorn lms.asgi:application`` until the block ends; yields (port, log path).

    ``extra_env`` adds environment variables (settings) for the server process."""
    port = free_port()
    env = {
        **os.environ,
        **extra_env,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    (ROOT / "var").mkdir(exist_ok=True)
    path = ROOT / "var" / f"uvicorn-test-{port}.log"
    log = open(path, "w")  # noqa: SIM115 (closed below, after the process)
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "uvicorn", "lms.asgi:application", "--host", "127.0.0.1"]
        + ["--port", str(port), "--ws-ping-interval", "30", "--ws-ping-timeout", "45"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, path.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                assert time.monotonic() < deadline, path.read_text()
                time.sleep(0.2)
        yield port, path
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


async def _open(port, workshop, cookie):
    ws = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/workshops/{workshop.pk}/",
        additional_headers={"Cookie": f"sessionid={cookie}"},
        origin=f"http://127.0.0.1:{port}",
    )
    while json.loads(await ws.recv())["type"] != "history":
        pass
    return ws


async def _said(ws, text, timeout=5):
    """Wait for the chat message ``text`` (the flood's messages pass by first)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "event" and frame["data"].get("text") == text:
                return frame


def test_abuse_over_a_real_uvicorn_leaves_no_traceback():
    require_shared_database()
    workshop = WorkshopFactory(status="live")
    people = [UserFactory(display_name=name) for name in ("Dara", "Sokha", "Flood", "Bytes")]
    cookies = [session_cookie(person) for person in people]

    async def scenario(port):
        dara, sokha = [await _open(port, workshop, c) for c in cookies[:2]]
        flooder = await _open(port, workshop, cookies[2])
        for n in range(60):  # without reading: the later frames are queued when it closes
            await flooder.send(json.dumps({"type": "chat.send", "text": f"flood {n}"}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with asyncio.timeout(10):
                while True:
                    await flooder.recv()
        assert closed.value.rcvd.code == 4429

        bad = await _open(port, workshop, cookies[3])
        await bad.send(b"\xff\xfe{", text=True)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with asyncio.timeout(10):
                while True:
                    await bad.recv()
        assert closed.value.rcvd.code == 1007

        await dara.send(json.dumps({"type": "chat.send", "text": "we carry on"}))
        assert (await _said(sokha, "we carry on"))["kind"] == "chat.message"
        for ws in (dara, sokha):
            await ws.close()

    with uvicorn() as (port, log):
        asyncio.run(scenario(port))
        time.sleep(0.5)  # let the server write what it has to say
        text = log.read_text()
    assert "Traceback" not in text, text
    assert "Unexpected ASGI message" not in text, text
