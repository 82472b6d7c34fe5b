"""Injected faults (`[faults]`): a share of 500/503 answers, uploads whose connection drops after the commit, and
429s while an operation is polled; one random generator seeded from the config, so a run repeats exactly."""

from __future__ import annotations

import random
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from toloka_emulator.config import FaultsConfig
from toloka_emulator.errors import error_body

_UPLOAD_PATHS = ("/api/v1/tasks", "/api/v1/task-suites")
_OPERATIONS = "/api/v1/operations/"
_ERRORS = ((500, "INTERNAL_ERROR", "Internal error"), (503, "REMOTE_SERVICE_UNAVAILABLE", "Service unavailable"))


class FaultSource(Protocol):
    """Where the faults in force and their random generator are (the Emulator: both change with a reset)."""

    @property
    def faults(self) -> FaultsConfig: ...

    @property
    def fault_random(self) -> random.Random: ...


class Faults:
    """ASGI middleware that answers some requests with a fault instead of (or after) the emulator's own answer."""

    def __init__(self, app: ASGIApp, *, source: FaultSource) -> None:
        self.app = app
        self.source = source

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        faults = self.source.faults
        if scope["type"] != "http" or not faults.any or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        draw = self.source.fault_random.random
        if faults.error_rate and draw() < faults.error_rate:
            status, code, message = self.source.fault_random.choice(_ERRORS)
            await _answer(send, status, error_body(code, message), {})
            return
        path, method = scope["path"], scope["method"]
        polled = method == "GET" and path.startswith(_OPERATIONS)
        if polled and faults.poll_429_rate and draw() < faults.poll_429_rate:
            body = error_body("TOO_MANY_REQUESTS", "Too many requests", {"interval": "MIN"})
            await _answer(send, 429, body, {"retry-after": "1"})
            return
        upload = method == "POST" and path in _UPLOAD_PATHS
        if upload and faults.drop_after_commit_rate and draw() < faults.drop_after_commit_rate:
            await self.app(scope, receive, _dropping(send))
            return
        await self.app(scope, receive, send)


def _dropping(send: Send) -> Send:
    """A `send` that passes an error answer through but, for a 201/202 (committed), sends the headers and then
    nothing: the server closes the connection with the body incomplete, as a connection lost mid-answer."""
    committed = False

    async def dropping_send(message: Message) -> None:
        nonlocal committed
        if message["type"] == "http.response.start" and message["status"] in (201, 202):
            committed = True
        if not committed or message["type"] == "http.response.start":
            await send(message)

    return dropping_send


async def _answer(send: Send, status: int, body: bytes, headers: dict[str, str]) -> None:
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(key.encode(), value.encode()) for key, value in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
