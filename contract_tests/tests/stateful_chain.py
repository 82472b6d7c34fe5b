"""Recording what the stateful phase sent, to find the spec's link chain create (async) -> operation -> log -> item."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

OPERATIONS = "/api/v1/operations/"
ITEM_PATHS = {"task_id": "/api/v1/tasks/", "task_suite_id": "/api/v1/task-suites/"}


@dataclass(frozen=True)
class Call:
    """One request the server answered: method, path, query, status and the JSON body (None if not JSON)."""

    method: str
    path: str
    query: dict[str, list[str]]
    status: int
    body: Any


@dataclass
class Recorder:
    """An ASGI wrapper keeping every HTTP call in order."""

    app: ASGIApp
    calls: list[Call] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status, chunks = 0, []

        async def keep(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        try:
            body = json.loads(b"".join(chunks))
        except ValueError:
            body = None
        query = parse_qs(scope.get("query_string", b"").decode())
        self.calls.append(Call(scope["method"], scope["path"], query, status, body))


@dataclass(frozen=True)
class Chain:
    """An async upload whose operation and log were read; the item the log's first entry names, and when read."""

    operation_id: str
    item: str
    item_read: bool


def link_chains(calls: list[Call]) -> list[Chain]:
    """Every async 202 followed by GETs of its operation and its log (whose first entry names a created item),
    and whether a GET of that item followed the log; each step uses the id an earlier answer carried.

    The spec links the 202 to both the operation and the log, so the operation may be read before or after the log.
    """
    chains = []
    for start, created in enumerate(calls):
        if not (created.method == "POST" and created.status == 202 and isinstance(created.body, dict)):
            continue
        operation = f"{OPERATIONS}{created.body.get('id')}"
        logged = _next_get(calls, start, f"{operation}/log")
        if _next_get(calls, start, operation) is None or logged is None:
            continue
        first = calls[logged].body[0] if isinstance(calls[logged].body, list) and calls[logged].body else {}
        output = (first.get("output") if isinstance(first, dict) else None) or {}
        for key, prefix in ITEM_PATHS.items():
            if isinstance(output.get(key), str):
                item = f"{prefix}{output[key]}"
                chains.append(Chain(str(created.body.get("id")), item, _next_get(calls, logged, item) is not None))
    return chains


def _next_get(calls: list[Call], after: int, path: str) -> int | None:
    """The position of the first successful GET of `path` after position `after`."""
    return next(
        (
            index
            for index in range(after + 1, len(calls))
            if calls[index].method == "GET" and calls[index].path == path and calls[index].status == 200
        ),
        None,
    )
