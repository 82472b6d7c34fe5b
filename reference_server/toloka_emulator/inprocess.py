"""The emulator without a socket: one httpx transport that every client can use, sync and async alike.

`InProcessEmulator` runs `create_app()` with its lifespan (so the worker ends async operations) on an event loop
of its own, in a daemon thread. Its `transport` is both an `httpx.BaseTransport` and an `httpx.AsyncBaseTransport`,
so the typed client (`toloka_client.AuthenticatedClient(..., httpx_args={"transport": emulator.transport})`, sync
and async calls), `toloka_upload`'s functions (`transport=emulator.transport`) and plain httpx clients all reach
the same app, from any thread and any event loop:

    from toloka_emulator.inprocess import InProcessEmulator
    from toloka_upload import upload_tasks

    with InProcessEmulator() as emulator:
        upload_tasks([{"input_values": {"image": "https://example.com/1.png"}}], pool_id="1",
                     **emulator.upload_options())

`running(app)` is the async form for a test that already runs in an event loop and uses `httpx.ASGITransport`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Coroutine, Mapping, MutableMapping
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from starlette.applications import Starlette
from starlette.types import ASGIApp
from toloka_contract.clock import Clock, Sleep

from toloka_emulator.access import EmulatorAccess
from toloka_emulator.app import create_app
from toloka_emulator.config import EmulatorConfig
from toloka_emulator.recording import RecordedRequest

IN_PROCESS_URL = "http://toloka-emulator.invalid"
T = TypeVar("T")


@contextlib.asynccontextmanager
async def running(app: Starlette) -> AsyncIterator[Starlette]:
    """Run the app's lifespan (its operation worker) in this event loop for the block; the app is closed after."""
    async with app.router.lifespan_context(app):
        yield app


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Requests handed to an InProcessEmulator's app on its own loop; closing a client leaves the emulator running.

    An answer whose body is shorter than its Content-Length (an injected `drop_after_commit` fault) raises
    `httpx.RemoteProtocolError`, as a dropped connection does over a socket.
    """

    def __init__(self, emulator: InProcessEmulator) -> None:
        self._emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send a request from synchronous code."""
        request.read()
        return self._emulator.submit(exchange(self._emulator.app, request)).result()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send a request from any event loop."""
        await request.aread()
        return await asyncio.wrap_future(self._emulator.submit(exchange(self._emulator.app, request)))

    def close(self) -> None:
        """Nothing to release: the InProcessEmulator owns the app."""

    async def aclose(self) -> None:
        """Nothing to release: the InProcessEmulator owns the app."""


async def exchange(app: ASGIApp, request: httpx.Request) -> httpx.Response:
    """One HTTP exchange with an ASGI app (the request's body already read), the whole answer collected.

    Unlike httpx.ASGITransport, an answer the app leaves unfinished (an injected `drop_after_commit`) is what a
    client sees when the server drops the connection: `httpx.RemoteProtocolError`.
    """
    url = request.url
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "headers": [(key.lower(), value) for key, value in request.headers.raw],
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "server": (url.host, url.port or 80),
        "client": ("127.0.0.1", 123),
        "root_path": "",
    }
    body = request.content
    sent = False
    started: dict[str, Any] = {}
    parts: list[bytes] = []
    complete = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # the client waits: no disconnect while the app works
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal complete
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))
            complete = not message.get("more_body", False)

    await app(scope, receive, send)
    if not started or not complete:
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body", request=request)
    return httpx.Response(
        started["status"], headers=started.get("headers", []), content=b"".join(parts), request=request
    )


class InProcessEmulator(EmulatorAccess):
    """An emulator app served on a private event-loop thread (no socket), for tests and notebooks.

    `config`: an EmulatorConfig, a config file, or a dict of overrides of the packaged default. `clock`/`sleep`:
    the app's clock (see `create_app`); the sleep runs on the emulator's loop. The app is made with
    `testing=True`: `reset()` gives a clean state (optionally another config) and `requests()` what was sent.
    """

    def __init__(
        self,
        config: EmulatorConfig | Mapping[str, Any] | Path | str | None = None,
        *,
        db_path: Path | str = ":memory:",
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        timing: dict[str, Any] = {"clock": clock} if clock is not None else {}
        if sleep is not None:
            timing["sleep"] = sleep
        self.app = create_app(config, db_path, testing=True, **timing)
        self.base_url = IN_PROCESS_URL
        self.config = self.app.state.emulator.config
        self.transport: EmulatorTransport = EmulatorTransport(self)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="toloka-emulator", daemon=True)
        self._lifespan: contextlib.AbstractAsyncContextManager[Any] | None = None

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> Future[T]:
        """Run a coroutine on the emulator's loop (started on first use)."""
        if not self._thread.is_alive():
            self.start()
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def start(self) -> Self:
        """Start the loop thread and the app's lifespan (idempotent)."""
        if self._lifespan is None:
            self._thread.start()
            self._lifespan = self.app.router.lifespan_context(self.app)
            asyncio.run_coroutine_threadsafe(self._lifespan.__aenter__(), self._loop).result()
        return self

    def reset(self, overrides: Mapping[str, Any] | None = None) -> None:
        """Forget every item, operation, pool change and recorded request; `overrides` of the starting config."""
        self.submit(self._reset(overrides)).result()
        self.config = self.app.state.emulator.config

    async def _reset(self, overrides: Mapping[str, Any] | None) -> None:
        request = httpx.Request("POST", f"{IN_PROCESS_URL}/_emulator/reset", json=dict(overrides or {}))
        response = await exchange(self.app, request)
        if response.status_code != 204:
            raise ValueError(f"the emulator refused the reset: {response.text}")

    def requests(self) -> list[RecordedRequest]:
        """Every API request since the last reset, oldest first."""
        return list(self.app.state.records)

    def close(self) -> None:
        """End the lifespan (the worker, the database) and the loop thread."""
        if self._lifespan is not None:
            asyncio.run_coroutine_threadsafe(self._lifespan.__aexit__(None, None, None), self._loop).result()
            self._lifespan = None
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._loop.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
