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
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
from starlette.applications import Starlette
from toloka_contract.clock import Clock, Sleep

from toloka_emulator.app import create_app
from toloka_emulator.config import EmulatorConfig
from toloka_emulator.recording import RecordedRequest

IN_PROCESS_URL = "http://toloka-emulator.invalid"


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
        return self._answer(request, self._emulator.submit(_exchange(self._emulator.app, request)).result())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send a request from any event loop."""
        await request.aread()
        future = self._emulator.submit(_exchange(self._emulator.app, request))
        return self._answer(request, await asyncio.wrap_future(future))

    @staticmethod
    def _answer(request: httpx.Request, answer: tuple[int, list[tuple[bytes, bytes]], bytes]) -> httpx.Response:
        status, headers, body = answer
        declared = dict(headers).get(b"content-length")
        if declared is not None and int(declared) != len(body):
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body", request=request
            )
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        """Nothing to release: the InProcessEmulator owns the app."""

    async def aclose(self) -> None:
        """Nothing to release: the InProcessEmulator owns the app."""


async def _exchange(app: Starlette, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """One request through httpx's ASGI transport, on the app's loop; the whole answer read there."""
    copy = httpx.Request(request.method, request.url, headers=request.headers, content=request.content)
    response = await httpx.ASGITransport(app=app).handle_async_request(copy)
    body = await response.aread()
    return response.status_code, response.headers.raw, body


class InProcessEmulator:
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
        self.transport = EmulatorTransport(self)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="toloka-emulator", daemon=True)
        self._lifespan: contextlib.AbstractAsyncContextManager[Any] | None = None

    @property
    def config(self) -> EmulatorConfig:
        """The configuration in force (it changes with `reset(overrides)`)."""
        config: EmulatorConfig = self.app.state.emulator.config
        return config

    def token(self, account: str = "requester") -> str:
        """A token of a configured account."""
        return self.config.token_of(account)

    def headers(self, account: str = "requester") -> dict[str, str]:
        """Authorization headers for a configured account."""
        return {"Authorization": f"OAuth {self.token(account)}"}

    def upload_options(self, account: str = "requester") -> dict[str, Any]:
        """`base_url`, `token` and `transport` for toloka_upload's functions and AsyncUploader."""
        return {"base_url": self.base_url, "token": self.token(account), "transport": self.transport}

    def submit(self, coroutine: Any) -> Future[Any]:
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

    async def _reset(self, overrides: Mapping[str, Any] | None) -> None:
        response = await httpx.ASGITransport(app=self.app).handle_async_request(
            httpx.Request("POST", f"{IN_PROCESS_URL}/_emulator/reset", json=dict(overrides or {}))
        )
        body = await response.aread()
        if response.status_code != 204:
            raise ValueError(f"the emulator refused the reset: {body.decode(errors='replace')}")

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
