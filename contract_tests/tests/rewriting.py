"""ASGI wrappers that alter the emulator's requests or answers: the building blocks of both server catalogues.

A catalogue entry (a broken server in `broken_servers.py`, a valid one in `valid_servers.py`) is the real
emulator app wrapped in one of these, so that it differs from the emulator in exactly one way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

JsonRewriter = Callable[[Scope, int, Any], tuple[int, Any]]
RequestRewriter = Callable[[Scope, bytes], tuple[Scope, bytes]]
Wrap = Callable[[ASGIApp], ASGIApp]
Headers = list[tuple[bytes, bytes]]

OTHER_TOKEN = b"emulator-other-token"
REQUESTER_TOKEN = b"emulator-requester-token"
TASKS = "/api/v1/tasks"
SUITES = "/api/v1/task-suites"
OPERATIONS = "/api/v1/operations/"
POOLS = "/api/v1/pools/"
TIMESTAMP_FIELDS = ("created", "submitted", "started", "finished", "last_started", "last_stopped")


def is_request(scope: Scope, method: str, prefix: str) -> bool:
    """Whether the request is `method` on a path starting with `prefix`."""
    return bool(scope.get("method") == method and str(scope.get("path", "")).startswith(prefix))


def path(scope: Scope) -> str:
    """The request's path."""
    return str(scope.get("path", ""))


def is_upload(scope: Scope) -> bool:
    """A POST of tasks or task suites."""
    return scope.get("method") == "POST" and path(scope) in (TASKS, SUITES)


def is_item_read(scope: Scope) -> bool:
    """A GET of a task or suite, by id or as a list."""
    return scope.get("method") == "GET" and path(scope).startswith((TASKS, SUITES))


def is_log(scope: Scope) -> bool:
    """A GET of an operation's log."""
    return scope.get("method") == "GET" and path(scope).startswith(OPERATIONS) and path(scope).endswith("/log")


def is_operation_read(scope: Scope) -> bool:
    """A GET of an operation (not its log)."""
    return scope.get("method") == "GET" and path(scope).startswith(OPERATIONS) and not path(scope).endswith("/log")


def query(scope: Scope) -> dict[str, str]:
    """The query parameters (the last of a repeated name)."""
    return dict(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))


def with_query(scope: Scope, new: dict[str, str]) -> Scope:
    """The scope with its query string replaced."""
    return {**scope, "query_string": urlencode(new).encode()}


def flag(scope: Scope, name: str) -> bool:
    """A boolean query parameter as the emulator reads it (absent: false)."""
    return query(scope).get(name, "false").lower() == "true"


def token(scope: Scope) -> bytes:
    """The token of the request's Authorization header, whatever its scheme."""
    value: bytes = dict(scope["headers"]).get(b"authorization", b"")
    return value.partition(b" ")[2]


def header(scope: Scope, name: bytes) -> bytes | None:
    """A request header's value (the name in lower case)."""
    return dict(scope["headers"]).get(name)


def with_header(scope: Scope, name: bytes, value: bytes | None) -> Scope:
    """The scope with header `name` set to `value` (removed when None)."""
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != name]
    if value is not None:
        headers.append((name, value))
    return {**scope, "headers": headers}


def as_requester(scope: Scope) -> Scope:
    """The request as the default config's first account sends it."""
    return with_header(scope, b"authorization", b"OAuth " + REQUESTER_TOKEN)


def emulator_of(app: ASGIApp) -> Any:
    """The Emulator behind an app made by `toloka_emulator.create_app` (its `state.emulator`)."""
    return getattr(app, "state").emulator  # noqa: B009  (ASGIApp is a callable type without `state`)


def pool_project_spec(app: ASGIApp, pool_id: str, which: str = "input_spec") -> dict[str, Any] | None:
    """The input (or output) spec of a configured pool's project, field name -> FieldSpec; None if unknown.

    Reads the emulator's config: a pool's own `input_spec` (older configs) or its project's.
    """
    config = emulator_of(app).config
    pool = config.pools.get(pool_id)
    if pool is None:
        return None
    if hasattr(pool, which):
        return dict(getattr(pool, which))
    project = (getattr(config, "projects", None) or {}).get(getattr(pool, "project_id", None))
    return dict(getattr(project, which)) if project is not None else None


def walk(value: Any, change: Callable[[str, Any], Any]) -> Any:
    """`value` with every `key: item` of every object, at any depth, replaced by `change(key, item)` (after its
    own contents were walked)."""
    if isinstance(value, dict):
        return {key: change(key, walk(item, change)) for key, item in value.items()}
    if isinstance(value, list):
        return [walk(item, change) for item in value]
    return value


def retimed(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with every timestamp field, at any depth, passed through `change`."""
    return walk(value, lambda key, item: change(item) if key in TIMESTAMP_FIELDS and isinstance(item, str) else item)


def without(value: Any, key: str) -> Any:
    """`value` with every `key` of every object, at any depth, removed."""
    if isinstance(value, dict):
        return {k: without(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [without(v, key) for v in value]
    return value


def error(status: int, code: str, message: str, payload: Any = None) -> tuple[int, dict[str, Any]]:
    """A Toloka-shaped error answer."""
    body: dict[str, Any] = {"code": code, "message": message}
    if payload is not None:
        body["payload"] = payload
    return status, body


class HttpMiddleware:
    """An ASGI wrapper that passes lifespan through and lets a subclass handle HTTP requests."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request (through `self.app`, altered)."""
        raise NotImplementedError


async def read_body(receive: Receive) -> bytes:
    """The whole request body."""
    body = b""
    while True:
        message = await receive()
        body += bytes(message.get("body", b""))
        if not message.get("more_body"):
            return body


def replaying(body: bytes) -> Receive:
    """A `receive` that yields `body` once, then a disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def send_json(send: Send, status: int, body: Any, headers: Headers | None = None) -> None:
    """Answer `body` as JSON (or no body at all when it is None)."""
    content = b"" if body is None else json.dumps(body).encode()
    extra = [(k, v) for k, v in (headers or []) if k.lower() not in (b"content-length", b"content-type")]
    kind = [] if body is None else [(b"content-type", b"application/json")]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*extra, *kind, (b"content-length", str(len(content)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": content})


async def call_buffered(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[int, Headers, bytes]:
    """Run the app on the request and return its whole answer: status, headers, body."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    return int(start["status"]), list(start.get("headers", [])), b"".join(chunks)


class Rewrite(HttpMiddleware):
    """Changes the request before the emulator sees it, and its answer (status, JSON body, headers) after.

    `answer(scope, body)` may answer (status, JSON or None for no body) instead of the emulator;
    `request(scope, body)` returns the scope and body to serve; `response(scope, status, json)` the status and
    JSON body to answer (only JSON answers are passed); `headers(scope, status, headers)` the answer's headers.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        request: RequestRewriter | None = None,
        response: JsonRewriter | None = None,
        headers: Callable[[Scope, int, Headers], Headers] | None = None,
        answer: Callable[[Scope, bytes], tuple[int, Any] | None] | None = None,
    ) -> None:
        super().__init__(app)
        self.answer = answer
        self.request = request
        self.response = response
        self.headers = headers

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the (rewritten) request, then send the (rewritten) answer."""
        if self.request is not None or self.answer is not None:
            body = await read_body(receive)
            if self.request is not None:
                scope, body = self.request(scope, body)
            if self.answer is not None and (answered := self.answer(scope, body)) is not None:
                await send_json(send, *answered)
                return
            receive = replaying(body)
        status, headers, content = await call_buffered(self.app, scope, receive)
        if self.response is not None and content:
            try:
                parsed = json.loads(content)
            except ValueError:
                pass
            else:
                status, new = self.response(scope, status, parsed)
                content = json.dumps(new).encode()
        if self.headers is not None:
            headers = self.headers(scope, status, headers)
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


def on_response(rewrite: JsonRewriter) -> Wrap:
    """A wrap that rewrites JSON answers."""
    return lambda app: Rewrite(app, response=rewrite)


def on_request(rewrite: RequestRewriter) -> Wrap:
    """A wrap that rewrites requests."""
    return lambda app: Rewrite(app, request=rewrite)


def dropping_header(name: bytes) -> Wrap:
    """A wrap that removes one answer header (lower-case name)."""
    return lambda app: Rewrite(app, headers=lambda scope, status, headers: [h for h in headers if h[0].lower() != name])


def chain(*wraps: Wrap) -> Wrap:
    """Several wraps, the first outermost."""

    def wrap(app: ASGIApp) -> ASGIApp:
        for inner in reversed(wraps):
            app = inner(app)
        return app

    return wrap
