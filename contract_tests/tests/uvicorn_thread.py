"""Serve an ASGI app with real uvicorn on a loopback port of its own, in a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp
from toloka_emulator.cli import listen

_START_TIMEOUT = 10.0
_KEEP_ALIVE = 75


@contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Run `app` under uvicorn until the block ends; yields its base URL."""
    # The socket is bound here and handed to uvicorn, so no other process can take the port between choosing it
    # and listening on it (asking for a free port and binding it later races with every parallel test). The
    # emulator's `listen` makes it an IPPROTO_TCP socket, so asyncio sets TCP_NODELAY on each connection: without
    # it every kept-alive answer waits ~40 ms for a delayed ACK (the catalogue took five times as long).
    sock = listen("127.0.0.1", 0)
    port = int(sock.getsockname()[1])
    # A long keep-alive (nginx's 75 s, not uvicorn's 5 s): a client that reuses a connection just as the server
    # drops it for idleness sees a reset, which schemathesis reports as a network error of the run.
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", timeout_keep_alive=_KEEP_ALIVE
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError(f"uvicorn did not start on port {port}")
        time.sleep(0.01)  # real time: a real uvicorn thread starting
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(_START_TIMEOUT)
        sock.close()
