"""Deliberately broken servers: the emulator with one contract fault each, to prove the suite catches it.

Each fault is an ASGI wrapper around the real emulator app (or the emulator with one config value changed)
that breaks exactly one rule of the contract.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

JsonRewriter = Callable[[Scope, int, Any], tuple[int, Any]]
OTHER_TOKEN = b"emulator-other-token"
REQUESTER_TOKEN = b"emulator-requester-token"


@dataclass(frozen=True)
class Fault:
    """A named fault: the rule it breaks, how to wrap the app, and config overrides for the emulator."""

    name: str
    breaks: str
    wrap: Callable[[ASGIApp], ASGIApp] = lambda app: app
    config: dict[str, Any] | None = None
    caught_by: str | None = None  # the requirement written for this fault, which must be among the failures


def _is(scope: Scope, method: str, prefix: str) -> bool:
    return bool(scope.get("method") == method and str(scope.get("path", "")).startswith(prefix))


def _query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode()))


def _with_query(scope: Scope, query: dict[str, str]) -> Scope:
    return {**scope, "query_string": urlencode(query).encode()}


class _HttpMiddleware:
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


class RewriteJson(_HttpMiddleware):
    """Buffers each HTTP answer and lets `rewrite(scope, status, body)` change its status and JSON body."""

    def __init__(
        self, app: ASGIApp, rewrite: JsonRewriter, *, header_filter: Callable[[bytes], bool] | None = None
    ) -> None:
        super().__init__(app)
        self.rewrite = rewrite
        self.header_filter = header_filter

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, then rewrite the buffered answer."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        status = int(start["status"])
        try:
            status, new_body = self.rewrite(scope, status, json.loads(body))
            body = json.dumps(new_body).encode()
        except ValueError:
            pass
        headers = [
            (name, value)
            for name, value in start.get("headers", [])
            if name.lower() != b"content-length" and (self.header_filter is None or self.header_filter(name.lower()))
        ]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class RewriteRequest(_HttpMiddleware):
    """Changes the request (scope and body) before the emulator sees it."""

    def __init__(self, app: ASGIApp, rewrite: Callable[[Scope, bytes], tuple[Scope, bytes]]) -> None:
        super().__init__(app)
        self.rewrite = rewrite

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the whole body, rewrite scope and body, and replay them to the emulator."""
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        scope, body = self.rewrite(scope, body)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _json_fault(rewrite: JsonRewriter) -> Callable[[ASGIApp], ASGIApp]:
    return lambda app: RewriteJson(app, rewrite)


def _request_fault(rewrite: Callable[[Scope, bytes], tuple[Scope, bytes]]) -> Callable[[ASGIApp], ASGIApp]:
    return lambda app: RewriteRequest(app, rewrite)


# ---- response faults ------------------------------------------------------------------------------------


def _sync_create_200(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    return (200 if status == 201 else status), body


def _rename_items(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if status == 201 and isinstance(body, dict) and "items" in body:
        body["created"] = body.pop("items")
    return status, body


def _drop_has_more(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body, dict):
        body.pop("has_more", None)
    return status, body


def _total_as_string(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body, dict) and isinstance(body.get("details"), dict):
        body["details"]["total_count"] = str(body["details"]["total_count"])
    return status, body


_TIMESTAMPS = ("created", "submitted", "started", "finished")


def _retimed(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with every timestamp field, at any depth, passed through `change`."""
    if isinstance(value, dict):
        return {
            k: (change(v) if k in _TIMESTAMPS and isinstance(v, str) else _retimed(v, change)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_retimed(v, change) for v in value]
    return value


def _zone_suffix(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    return status, _retimed(body, lambda moment: moment + "Z")


def _one_based_errors(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body, dict) and isinstance(body.get("validation_errors"), dict):
        body["validation_errors"] = {str(int(k) + 1): v for k, v in body["validation_errors"].items()}
    return status, body


def _counts_off(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if (
        _is(scope, "GET", "/api/v1/operations/")
        and isinstance(body, dict)
        and body.get("status") in ("SUCCESS", "FAIL")
    ):
        body["details"]["failed_count"] += 1
    return status, body


def _never_finishes(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if _is(scope, "GET", "/api/v1/operations/") and isinstance(body, dict) and "status" in body:
        body["status"] = "RUNNING"
        for key in ("finished",):
            body.pop(key, None)
    return status, body


def _log_drops_unknown_keys(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if str(scope.get("path", "")).endswith("/log") and isinstance(body, list):
        for entry in body:
            if isinstance(entry, dict) and isinstance(entry.get("input"), dict):
                entry["input"].pop("__item_idx", None)
    return status, body


def _without(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [_without(v, key) for v in value]
    return value


def _drop_known_solutions(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Tasks and suites come back without `known_solutions` (accepted, never stored); the log is left alone."""
    if str(scope.get("path", "")).startswith(("/api/v1/tasks", "/api/v1/task-suites")):
        body = _without(body, "known_solutions")
    return status, body


def _local_time(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Timestamps in UTC+1 wall-clock time: still the documented format, one hour off UTC."""
    return status, _retimed(body, lambda moment: (datetime.fromisoformat(moment) + timedelta(hours=1)).isoformat())


def _log_entries(scope: Scope, body: Any) -> list[dict[str, Any]]:
    """The per-item entries of a log answer (none for any other answer)."""
    if not (str(scope.get("path", "")).endswith("/log") and isinstance(body, list)):
        return []
    return [entry for entry in body if isinstance(entry, dict) and isinstance(entry.get("input"), dict)]


def _log_rotates_item_idx(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Each entry echoes the next entry's __item_idx: every index still appears once, on the wrong item."""
    entries = [entry for entry in _log_entries(scope, body) if "__item_idx" in entry["input"]]
    indices = [entry["input"]["__item_idx"] for entry in entries]
    for entry, index in zip(entries, indices[1:] + indices[:1], strict=True):
        entry["input"]["__item_idx"] = index
    return status, body


def _log_alters_input(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """The echoed `input` is the normalised item (overlap dropped), not the item as sent."""
    for entry in _log_entries(scope, body):
        entry["input"].pop("overlap", None)
    return status, body


def _foreign_pool_403(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if status == 404 and scope.get("method") == "POST" and isinstance(body, dict):
        body["code"] = "ACCESS_DENIED"
        return 403, body
    return status, body


def _no_retry_after(app: ASGIApp) -> ASGIApp:
    return RewriteJson(
        app, lambda scope, status, body: (status, body), header_filter=lambda name: name != b"retry-after"
    )


# ---- request faults -------------------------------------------------------------------------------------


def _token(scope: Scope) -> bytes:
    """The token of the request's Authorization header, whatever its scheme."""
    value: bytes = dict(scope["headers"]).get(b"authorization", b"")
    return value.partition(b" ")[2]


def _as_requester(scope: Scope) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"authorization"]
    return {**scope, "headers": [*headers, (b"authorization", b"OAuth " + REQUESTER_TOKEN)]}


def _ignore_auth(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    return (scope if _token(scope) in (REQUESTER_TOKEN, OTHER_TOKEN) else _as_requester(scope)), body


def _other_sees_everything(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    if scope.get("method") == "GET" and _token(scope) == OTHER_TOKEN:
        scope = _as_requester(scope)
    return scope, body


def _partial_creation(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """skip_invalid_items=false is served as true: the valid items of a refused batch get created."""
    query = _query(scope)
    if scope.get("method") == "POST" and query.get("skip_invalid_items", "false") == "false":
        scope = _with_query(scope, {**query, "skip_invalid_items": "true"})
    return scope, body


def _reuse_forgotten(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """operation_id is dropped, so a retried upload creates its items again."""
    query = _query(scope)
    if scope.get("method") == "POST" and "operation_id" in query:
        query.pop("operation_id")
        scope = _with_query(scope, query)
    return scope, body


def _any_operation_id(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """A malformed operation_id is swapped for a fresh UUID instead of being refused."""
    query = _query(scope)
    value = query.get("operation_id")
    if scope.get("method") == "POST" and value is not None:
        try:
            uuid.UUID(value)
        except ValueError:
            scope = _with_query(scope, {**query, "operation_id": str(uuid.uuid4())})
    return scope, body


_REFUSED_BUT_CREATED = "conformance.refused_but_created"


def _create_valid_items(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """A sync skip_invalid_items=false upload is served as true, marked so its answer can be turned into a 400."""
    query = _query(scope)
    sync = query.get("async_mode", "false") == "false"
    if scope.get("method") == "POST" and sync and query.get("skip_invalid_items", "false") == "false":
        scope = {**_with_query(scope, {**query, "skip_invalid_items": "true"}), _REFUSED_BUT_CREATED: True}
    return scope, body


def _answer_400_anyway(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """The documented 400 for a batch with invalid items, although its valid items were created."""
    errors = body.get("validation_errors") if isinstance(body, dict) else None
    if scope.get(_REFUSED_BUT_CREATED) and status == 201 and errors:
        return 400, {
            "request_id": str(uuid.uuid4()),
            "code": "VALIDATION_ERROR",
            "message": "Validation failed",
            "payload": errors,
        }
    return status, body


def _refused_but_created(app: ASGIApp) -> ASGIApp:
    return RewriteRequest(RewriteJson(app, _answer_400_anyway), _create_valid_items)


def _crash_on_empty_body(app: ASGIApp) -> ASGIApp:
    async def crashing(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST":
            message = await receive()
            if not message.get("body") and not message.get("more_body"):
                await send(
                    {"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]}
                )
                await send({"type": "http.response.body", "body": b"Internal Server Error"})
                return
            replayed = [message]

            async def replay() -> Message:
                return replayed.pop() if replayed else await receive()

            await app(scope, replay, send)
            return
        await app(scope, receive, send)

    return crashing


def _ignore_allow_defaults(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    query = _query(scope)
    query.pop("allow_defaults", None)
    return _with_query(scope, query), body


def _ignore_open_pool(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    query = _query(scope)
    query.pop("open_pool", None)
    return _with_query(scope, query), body


FAULTS: tuple[Fault, ...] = (
    Fault("sync_create_200", "a sync upload answers 201", _json_fault(_sync_create_200)),
    Fault("items_renamed", "the batch result's `items` field", _json_fault(_rename_items)),
    Fault("has_more_missing", "list answers carry `has_more`", _json_fault(_drop_has_more)),
    Fault("total_count_string", "details.total_count is an integer", _json_fault(_total_as_string)),
    Fault("zoned_timestamps", "timestamps have no zone designator", _json_fault(_zone_suffix)),
    Fault("errors_one_based", "validation_errors keyed by 0-based index", _json_fault(_one_based_errors)),
    Fault("partial_creation", "skip_invalid_items=false creates nothing", _request_fault(_partial_creation)),
    Fault("operation_id_not_idempotent", "a reused operation_id creates nothing", _request_fault(_reuse_forgotten)),
    Fault("counts_do_not_add_up", "success_count + failed_count == total_count", _json_fault(_counts_off)),
    Fault("operation_never_finishes", "an operation ends in SUCCESS or FAIL", _json_fault(_never_finishes)),
    Fault("auth_ignored", "a missing or unknown token answers 401", _request_fault(_ignore_auth)),
    Fault("other_account_visible", "another account's objects answer 404", _request_fault(_other_sees_everything)),
    Fault("crash_on_empty_body", "no input yields a 5xx", _crash_on_empty_body),
    Fault(
        "sync_limit_not_enforced", "at most 5000 items per sync request", config={"limits": {"sync_max_items": 6000}}
    ),
    Fault("retry_after_missing", "a 429 carries Retry-After", _no_retry_after),
    Fault("log_drops_item_idx", "the log echoes unknown keys like __item_idx", _json_fault(_log_drops_unknown_keys)),
    Fault("foreign_pool_403", "a foreign or missing pool answers 404", _json_fault(_foreign_pool_403)),
    Fault(
        "allow_defaults_ignored", "allow_defaults=true takes the pool default", _request_fault(_ignore_allow_defaults)
    ),
    Fault("open_pool_ignored", "open_pool=true opens a closed pool", _request_fault(_ignore_open_pool)),
    Fault(
        "known_solutions_dropped",
        "a created item reads back with every field it was sent with",
        _json_fault(_drop_known_solutions),
        caught_by="tasks.read_back.solutions",
    ),
    Fault(
        "operation_id_not_validated",
        "an operation_id that is not an RFC 4122 UUID is refused",
        _request_fault(_any_operation_id),
        caught_by="operations.invalid_operation_id",
    ),
    Fault(
        "local_timestamps",
        "timestamps are UTC",
        _json_fault(_local_time),
        caught_by="timestamps.utc_format",
    ),
    Fault(
        "log_item_idx_rotated",
        "the log echoes each item's own __item_idx",
        _json_fault(_log_rotates_item_idx),
        caught_by="operations.log_echoes_input",
    ),
    Fault(
        "log_input_altered",
        "the log's input is the item as sent",
        _json_fault(_log_alters_input),
        caught_by="operations.log_echoes_input",
    ),
    Fault(
        "refused_but_created",
        "a 400 for skip_invalid_items=false means nothing was created",
        _refused_but_created,
        caught_by="tasks.skip_invalid_false.atomic",
    ),
)
