"""Deliberately broken servers: the emulator with one contract fault each, to prove the suite catches it.

Each fault is an ASGI wrapper around the real emulator app (or the emulator with one config value changed)
that breaks exactly one rule of the contract, and names the requirement (the suite's row) written to catch it.
`test_kill_rate.py` serves each in its own process and runs the part of the suite that row belongs to: the
fault counts as caught only when that row fails. Other rows of that part may fail too only when they are listed
in `also`, each with the reason in `why_also` (the rule they check is the same one, seen from another request).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rewriting import (
    OPERATIONS,
    OTHER_TOKEN,
    POOLS,
    REQUESTER_TOKEN,
    SUITES,
    TASKS,
    HttpMiddleware,
    JsonRewriter,
    Rewrite,
    Wrap,
    as_requester,
    call_buffered,
    emulator_of,
    error,
    flag,
    header,
    is_log,
    is_operation_read,
    is_request,
    is_upload,
    on_request,
    on_response,
    path,
    query,
    read_body,
    replaying,
    retimed,
    token,
    walk,
    with_query,
    without,
)
from starlette.types import ASGIApp, Receive, Scope, Send

_MARK = "conformance.catalogue"


@dataclass(frozen=True)
class Fault:
    """A named fault: the rule it breaks, the requirement that must catch it, and how to build the server.

    `config` overrides the emulator config for both the server and the suite (which reads pools and tokens from
    it); `server_config` overrides only what the server runs with (the suite believes `config`).
    """

    name: str
    breaks: str
    requirement: str
    wrap: Wrap = lambda app: app
    config: dict[str, Any] | None = None
    server_config: dict[str, Any] | None = None
    also: frozenset[str] = field(default_factory=frozenset)
    why_also: str = ""
    operation_timeout: float | None = None


def _items(body: bytes) -> list[dict[str, Any]]:
    """The items of an upload body (one object or an array); none if it is not JSON."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return []
    parsed = parsed if isinstance(parsed, list) else [parsed]
    return [item for item in parsed if isinstance(item, dict)]


def _marked(scope: Scope) -> Any:
    return scope.get(_MARK)


def _mark(scope: Scope, value: Any = True) -> Scope:
    return {**scope, _MARK: value}


# ---- answers -----------------------------------------------------------------------------------------------


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
    if isinstance(body, dict) and isinstance(body.get("details"), dict) and "total_count" in body["details"]:
        body["details"]["total_count"] = str(body["details"]["total_count"])
    return status, body


def _zone_suffix(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    return status, retimed(body, lambda moment: moment + "Z")


def _local_time(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Timestamps in UTC+1 wall-clock time: still the documented format, one hour off UTC."""
    return status, retimed(body, lambda moment: (datetime.fromisoformat(moment) + timedelta(hours=1)).isoformat())


def _impossible_time(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Timestamps that match the documented pattern but name no real date and time."""
    return status, retimed(body, lambda moment: "2543-89-92T25:01:54")


def _one_based_errors(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body, dict) and isinstance(body.get("validation_errors"), dict):
        body["validation_errors"] = {str(int(k) + 1): v for k, v in body["validation_errors"].items()}
    return status, body


def _counts_off(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """A SUCCESSful upload operation counts one item too many as failed (FAIL counts are another row's rule)."""
    details = body.get("details") if isinstance(body, dict) else None
    if (
        is_operation_read(scope)
        and body.get("status") == "SUCCESS"
        and str(body.get("type", "")).endswith("BATCH_CREATE")
        and isinstance(details, dict)
        and isinstance(details.get("failed_count"), int)
    ):
        details["failed_count"] += 1
    return status, body


def _failed_counts_as_success(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """A FAILed operation claims every item succeeded (the counts still add up)."""
    details = body.get("details") if isinstance(body, dict) else None
    if is_operation_read(scope) and body.get("status") == "FAIL" and isinstance(details, dict):
        details["success_count"], details["failed_count"] = details.get("total_count", 0), 0
    return status, body


def _never_finishes(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if is_operation_read(scope) and isinstance(body, dict) and "status" in body:
        body["status"] = "RUNNING"
        body.pop("finished", None)
    return status, body


def _log_entries(scope: Scope, body: Any) -> list[dict[str, Any]]:
    """The per-item entries of a log answer (none for any other answer)."""
    if not (is_log(scope) and isinstance(body, list)):
        return []
    return [entry for entry in body if isinstance(entry, dict) and isinstance(entry.get("input"), dict)]


def _log_drops_unknown_keys(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    for entry in _log_entries(scope, body):
        entry["input"].pop("__item_idx", None)
    return status, body


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


def _on_items(change: Callable[[str, Any], Any], prefix: str = TASKS) -> JsonRewriter:
    """A JSON rewriter applying `change` to every key of task (or suite) answers: uploads, reads and lists."""

    def rewrite(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if path(scope) == prefix or path(scope).startswith(prefix + "/"):
            body = walk(body, change)
        return status, body

    return rewrite


def _drop_known_solutions(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Tasks and suites come back without `known_solutions` (accepted, never stored); the log is left alone."""
    if path(scope).startswith((TASKS, SUITES)):
        body = without(body, "known_solutions")
    return status, body


def _alter_known_output(key: str, value: Any) -> Any:
    if key == "known_solutions" and isinstance(value, list):
        return [{**s, "output_values": {"label": "not-what-was-sent"}} if isinstance(s, dict) else s for s in value]
    return value


def _drop_inner_message(key: str, value: Any) -> Any:
    """A suite's tasks lose `message_on_unknown_solution` (the suite itself has no such field)."""
    if key == "tasks" and isinstance(value, list):
        return [{k: v for k, v in t.items() if k != "message_on_unknown_solution"} for t in value]
    return value


def _drop_a_trait(key: str, value: Any) -> Any:
    """A set of two or more traits loses its last member (the rest in order: not a reordering)."""
    return value[:-1] if key == "traits_any_of" and isinstance(value, list) and len(value) > 1 else value


def _false_reads_true(key: str, value: Any) -> Any:
    return True if key == "mixed" and value is False else value


def _foreign_pool_id(app: ASGIApp) -> set[str]:
    """The ids of pools the emulator's first account does not own."""
    config = emulator_of(app).config
    me = config.accounts[0].name
    return {pool.id for pool in config.pools.values() if pool.owner != me}


def _foreign_pool_403(app: ASGIApp) -> ASGIApp:
    """Another account's pool answers 403 ACCESS_DENIED (a missing one still 404): its existence leaks."""
    foreign = _foreign_pool_id(app)

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if is_upload(scope) and any(str(item.get("pool_id")) in foreign for item in _items(body)):
            scope = _mark(scope)
        return scope, body

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if _marked(scope) and status == 404 and isinstance(body, dict):
            return 403, {**body, "code": "ACCESS_DENIED"}
        return status, body

    return Rewrite(app, request=request, response=response)


def _no_retry_guidance(app: ASGIApp) -> ASGIApp:
    """A 429 with neither Retry-After nor payload.interval: a client cannot tell when to retry."""

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if status == 429 and isinstance(body, dict):
            body.pop("payload", None)
        return status, body

    return Rewrite(
        app,
        response=response,
        headers=lambda scope, status, headers: [h for h in headers if h[0].lower() != b"retry-after"],
    )


def _list_first_only(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """A task list sorted by id answers only its first item, with `has_more: false`."""
    if (
        scope.get("method") == "GET"
        and path(scope) == TASKS
        and query(scope).get("sort") == "id"
        and isinstance(body, dict)
        and isinstance(body.get("items"), list)
    ):
        body["items"], body["has_more"] = body["items"][:1], False
    return status, body


def _has_more(value: bool) -> Callable[[Scope, int, Any], tuple[int, Any]]:
    """Task lists always say `has_more: <value>`."""

    def rewrite(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if scope.get("method") == "GET" and path(scope) == TASKS and isinstance(body, dict):
            body["has_more"] = value
        return status, body

    return rewrite


def _task_list_without(name: str) -> Callable[[Scope, bytes], tuple[Scope, bytes]]:
    """Task lists are served as if query parameter `name` was not sent."""

    def rewrite(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if scope.get("method") == "GET" and path(scope) == TASKS:
            scope = with_query(scope, {k: v for k, v in query(scope).items() if k != name})
        return scope, body

    return rewrite


def _errors_renamed(change: Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]) -> Any:
    """A JSON rewriter applying `change(field path, error)` to every field error of validation answers."""

    def fix(key: str, value: Any) -> Any:
        if key in ("payload", "validation_errors") and isinstance(value, dict):
            return (
                {k: _renamed_errors(v, change) for k, v in value.items()}
                if _by_index(value)
                else dict(_renamed_errors(value, change))
            )
        return value

    def rewrite(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        return status, walk(body, fix)

    return rewrite


def _by_index(value: dict[str, Any]) -> bool:
    return bool(value) and all(key.isdigit() for key in value)


def _renamed_errors(errors: Any, change: Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]) -> Any:
    if not isinstance(errors, dict):
        return errors
    return dict(change(k, v) if isinstance(v, dict) and "code" in v else (k, v) for k, v in errors.items())


def _unprefixed(key: str, error: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A task's `input_values.image` -> `image`: the path no longer says which object the field is in (the paths
    inside a suite's tasks and solutions are left alone)."""
    return key.removeprefix("input_values."), error


def _code_renamed(old: str, new: str) -> Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]:
    def change(key: str, error: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return key, ({**error, "code": new} if error.get("code") == old else error)

    return change


def _index_dropped(prefix: str) -> Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]:
    """`<prefix>.<i>.rest` -> `<prefix>.rest`: the path no longer says which task / solution the error is in."""

    def change(key: str, error: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        head, _, rest = key.partition(".")
        index, _, tail = rest.partition(".")
        return (f"{head}.{tail}" if head == prefix and index.isdigit() else key), error

    return change


def _params_dropped(key: str, error: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return key, {k: v for k, v in error.items() if k != "params"}


def _all_invalid_201(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """skip_invalid_items=true with no valid item: 201 with nothing created, instead of the documented 400."""
    payload = body.get("payload") if isinstance(body, dict) else None
    if (
        is_upload(scope)
        and flag(scope, "skip_invalid_items")
        and not flag(scope, "async_mode")
        and status == 400
        and isinstance(payload, dict)
        and _by_index(payload)
    ):
        return 201, {"items": {}, "validation_errors": payload}
    return status, body


# ---- requests ----------------------------------------------------------------------------------------------


def _ignore_auth(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """A missing or unknown OAuth token is served as the first account (ApiKey left alone)."""
    value = header(scope, b"authorization") or b""
    if not value.startswith(b"ApiKey ") and token(scope) not in (REQUESTER_TOKEN, OTHER_TOKEN):
        scope = as_requester(scope)
    return scope, body


def _api_key_refused(app: ASGIApp) -> ASGIApp:
    """`ApiKey <key>` is answered 401 whatever the key (only OAuth works)."""

    def answer(scope: Scope, body: bytes) -> tuple[int, Any] | None:
        if (header(scope, b"authorization") or b"").startswith(b"ApiKey "):
            return error(401, "AUTHENTICATION_ERROR", "Unknown credential")
        return None

    return Rewrite(app, answer=answer)


def _unknown_api_key_accepted(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """Any `ApiKey` credential is served as the first account."""
    if (header(scope, b"authorization") or b"").startswith(b"ApiKey "):
        scope = as_requester(scope)
    return scope, body


def _other_reads(matches: Callable[[Scope], bool]) -> Callable[[Scope, bytes], tuple[Scope, bytes]]:
    """The other account's requests that `matches` are served as the first account's."""

    def rewrite(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if scope.get("method") == "GET" and token(scope) == OTHER_TOKEN and matches(scope):
            scope = as_requester(scope)
        return scope, body

    return rewrite


def _partial_creation(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """Sync uploads: skip_invalid_items=false is served as true, the valid items of a refused batch get created.
    (Async ones are left alone: a FAILed operation's counts are operations.fail_counts' rule.)"""
    params = query(scope)
    if is_upload(scope) and not flag(scope, "async_mode") and params.get("skip_invalid_items", "false") == "false":
        scope = with_query(scope, {**params, "skip_invalid_items": "true"})
    return scope, body


def _reuse_forgotten(app: ASGIApp) -> ASGIApp:
    """A second upload with an operation_id already used gets a fresh one: it creates its items again."""
    seen: set[str] = set()

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        params = query(scope)
        chosen = params.get("operation_id")
        if is_upload(scope) and chosen is not None:
            if chosen in seen:  # byte for byte: another letter case is operations.id_case_insensitive's rule
                scope = with_query(scope, {**params, "operation_id": str(uuid.uuid4())})
            seen.add(chosen)
        return scope, body

    return Rewrite(app, request=request)


def _case_sensitive_ids(app: ASGIApp) -> ASGIApp:
    """operation_id compared byte for byte: an id with capitals names another operation than its lower case."""
    stored: dict[str, str] = {}  # the id as sent (with capitals) -> the id the emulator keeps
    sent: dict[str, str] = {}

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        params = query(scope)
        chosen = params.get("operation_id")
        if is_upload(scope) and chosen is not None and chosen != chosen.lower():
            kept = stored.setdefault(chosen, str(uuid.uuid4()))
            sent[kept] = chosen
            scope = with_query(scope, {**params, "operation_id": kept})
        elif path(scope).startswith(OPERATIONS):
            parts = path(scope).split("/")
            named = parts[4] if len(parts) > 4 else ""
            if named != named.lower():
                parts[4] = stored.get(named, "no-such-operation")
                scope = {**scope, "path": "/".join(parts), "raw_path": "/".join(parts).encode()}
        return scope, body

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if isinstance(body, dict) and body.get("id") in sent:
            body["id"] = sent[body["id"]]
        return status, body

    return Rewrite(app, request=request, response=response)


def _any_operation_id(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """A malformed operation_id is swapped for a fresh UUID instead of being refused."""
    params = query(scope)
    value = params.get("operation_id")
    if is_upload(scope) and value is not None:
        try:
            uuid.UUID(value)
        except ValueError:
            scope = with_query(scope, {**params, "operation_id": str(uuid.uuid4())})
    return scope, body


def _refused_but_created(app: ASGIApp) -> ASGIApp:
    """A sync skip_invalid_items=false task upload creates its valid items, yet answers the documented 400."""

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        params = query(scope)
        if (
            is_upload(scope)
            and path(scope) == TASKS
            and not flag(scope, "async_mode")
            and params.get("skip_invalid_items", "false") == "false"
        ):
            scope = _mark(with_query(scope, {**params, "skip_invalid_items": "true"}))
        return scope, body

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        errors = body.get("validation_errors") if isinstance(body, dict) else None
        if _marked(scope) and status == 201 and errors:
            return error(400, "VALIDATION_ERROR", "Validation failed", errors)
        return status, body

    return Rewrite(app, request=request, response=response)


def _crash_on_empty_body(app: ASGIApp) -> ASGIApp:
    """An upload without a body crashes (a pool's open/close, which has none, still works)."""

    def answer(scope: Scope, body: bytes) -> tuple[int, Any] | None:
        return (500, None) if is_upload(scope) and not body else None

    return Rewrite(app, answer=answer)


def _ignore_allow_defaults(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """allow_defaults=true is not read on task uploads (suites still honour it)."""
    params = query(scope)
    if path(scope) == TASKS and "allow_defaults" in params:
        params.pop("allow_defaults")
        scope = with_query(scope, params)
    return scope, body


def _defaults_override_own(app: ASGIApp) -> ASGIApp:
    """allow_defaults=true gives every task the pool's default overlap, even one that brought its own."""
    defaults = {pool.id: pool.default_overlap_for_new_tasks for pool in emulator_of(app).config.pools.values()}

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if is_upload(scope) and path(scope) == TASKS and flag(scope, "allow_defaults"):
            parsed = json.loads(body)
            for item in parsed if isinstance(parsed, list) else [parsed]:
                if isinstance(item, dict) and str(item.get("pool_id")) in defaults:
                    item["overlap"] = defaults[str(item["pool_id"])]
            body = json.dumps(parsed).encode()
        return scope, body

    return Rewrite(app, request=request)


def _always_open_pool(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """Every upload is served as if open_pool=true: a closed pool is opened by any upload into it."""
    return (with_query(scope, {**query(scope), "open_pool": "true"}) if is_upload(scope) else scope), body


def _answers_refused(app: ASGIApp) -> ASGIApp:
    """Any task with known or baseline solutions is refused: even the project's valid answer."""

    def answer(scope: Scope, body: bytes) -> tuple[int, Any] | None:
        solved = [
            index
            for index, item in enumerate(_items(body))
            if item.get("known_solutions") or item.get("baseline_solutions")
        ]
        if is_upload(scope) and path(scope) == TASKS and solved:
            payload = {"known_solutions.0.output_values": {"code": "VALUE_NOT_ALLOWED", "message": "Not accepted"}}
            return error(400, "VALIDATION_ERROR", "Validation failed", {str(index): payload for index in solved})
        return None

    return Rewrite(app, answer=answer)


def _ignore_open_pool(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    params = query(scope)
    params.pop("open_pool", None)
    return with_query(scope, params), body


def _closed_pool_refuses(app: ASGIApp) -> ASGIApp:
    """Uploads into a closed pool answer 409 unless open_pool=true (the real API accepts them)."""
    closed = {pool.id for pool in emulator_of(app).config.pools.values() if pool.status == "closed"}

    def answer(scope: Scope, body: bytes) -> tuple[int, Any] | None:
        if (
            is_upload(scope)
            and not flag(scope, "open_pool")
            and any(str(item.get("pool_id")) in closed for item in _items(body))
        ):
            return error(409, "INAPPROPRIATE_STATUS", "The pool is closed")
        return None

    return Rewrite(app, answer=answer)


def _close_ignored(app: ASGIApp) -> ASGIApp:
    """POST /pools/{id}/close answers 204 ("already closed") and leaves the pool open."""

    def answer(scope: Scope, body: bytes) -> tuple[int, Any] | None:
        if is_request(scope, "POST", POOLS) and path(scope).endswith("/close"):
            return 204, None
        return None

    return Rewrite(app, answer=answer)


def _open_pool_crash(app: ASGIApp) -> ASGIApp:
    """open_pool=true into a pool that is already open crashes with a 500 (after creating the items)."""
    already_open = {pool.id for pool in emulator_of(app).config.pools.values() if pool.status == "open"}

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if (
            is_upload(scope)
            and flag(scope, "open_pool")
            and any(str(item.get("pool_id")) in already_open for item in _items(body))
        ):
            scope = _mark(scope)
        return scope, body

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        return error(500, "INTERNAL_ERROR", "Internal Server Error") if _marked(scope) else (status, body)

    return Rewrite(app, request=request, response=response)


def _media_type_ignored(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """Any Content-Type is read as JSON."""
    if scope.get("method") == "POST":
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-type"]
        scope = {**scope, "headers": [*headers, (b"content-type", b"application/json")]}
    return scope, body


class _InvalidStoredAnyway(HttpMiddleware):
    """skip_invalid_items=true (sync tasks): the answer is right (the invalid items in `validation_errors`, left
    out of `items`), yet the pool gets one more task for each invalid item (a copy of a valid one of the request):
    an item reported invalid was stored."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)
        status, headers, content = await call_buffered(self.app, scope, replaying(body))
        if (
            is_upload(scope)
            and path(scope) == TASKS
            and flag(scope, "skip_invalid_items")
            and not flag(scope, "async_mode")
        ):
            await self._store_invalid(scope, body, status, content)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    async def _store_invalid(self, scope: Scope, body: bytes, status: int, content: bytes) -> None:
        try:
            sent, answer = json.loads(body), json.loads(content)
        except ValueError:
            return
        if status != 201 or not isinstance(sent, list) or not isinstance(answer, dict):
            return
        created, invalid = answer.get("items") or {}, answer.get("validation_errors") or {}
        valid = [sent[int(index)] for index in created if index.isdigit() and int(index) < len(sent)]
        if not valid or not invalid:
            return
        copy = json.dumps([valid[0]] * len(invalid)).encode()
        stored = with_query(scope, {"skip_invalid_items": "false"})
        await call_buffered(self.app, stored, replaying(copy))


def _invalid_created_silently(app: ASGIApp) -> ASGIApp:
    return _InvalidStoredAnyway(app)


class _Unlimited:
    """A rate limiter that counts nothing (its reservations name no window, so releasing them is a no-op)."""

    def reserve(self, account: str, count: int) -> Any:
        from toloka_emulator.ratelimit import Reservation

        return Reservation(account, count, ())

    def release(self, reservation: Any, count: int | None = None) -> None:
        """Nothing was counted."""


def _async_uncounted(app: ASGIApp) -> ASGIApp:
    """Async uploads bypass the rate limit (sync ones still count). Reaches into the emulator's internals
    (`Emulator._rate`, `Emulator._accept_async`): if those are renamed this fault must follow."""
    emulator = emulator_of(app)
    accept = emulator._accept_async

    def uncounted(*args: Any) -> Any:
        limiter, emulator._rate = emulator._rate, _Unlimited()
        try:
            return accept(*args)
        finally:
            emulator._rate = limiter

    emulator._accept_async = uncounted
    return app


_TIMEOUT_SHORT = 0.6
_WAITERS = frozenset(
    {
        "links.async_chain",
        "operations.counts_add_up",
        "operations.log_matches_counts",
        "operations.log_echoes_input",
        "operations.id_is_operation_id",
        "operations.idempotent",
        "operations.suites_counted",
        "isolation.operation",
        "operations.fail_counts",
        "operations.id_case_insensitive",
        "tasks.single.async",
        "suites.single.async",
        "pools.open_pool",
        "timestamps.utc_format",
    }
)

FAULTS: tuple[Fault, ...] = (
    # -- the answer's shape, as schemathesis validates it against openapi.yaml
    Fault(
        "sync_create_200",
        "a sync upload answers 201",
        "schemathesis.status_code_conformance",
        on_response(_sync_create_200),
    ),
    Fault(
        "items_renamed",
        "the batch result's `items` field",
        "schemathesis.response_schema_conformance",
        on_response(_rename_items),
    ),
    Fault(
        "has_more_missing",
        "list answers carry `has_more`",
        "schemathesis.response_schema_conformance",
        on_response(_drop_has_more),
    ),
    Fault(
        "total_count_string",
        "details.total_count is an integer",
        "schemathesis.response_schema_conformance",
        on_response(_total_as_string),
    ),
    # -- timestamps
    Fault("zoned_timestamps", "timestamps have no zone designator", "timestamps.utc_format", on_response(_zone_suffix)),
    Fault("local_timestamps", "timestamps are UTC", "timestamps.utc_format", on_response(_local_time)),
    Fault(
        "impossible_timestamps",
        "timestamps are real dates and times, not only the pattern",
        "timestamps.utc_format",
        on_response(_impossible_time),
    ),
    # -- sync batches
    Fault(
        "errors_one_based",
        "validation_errors keyed by 0-based index",
        "tasks.skip_invalid.partition",
        on_response(_one_based_errors),
        also=frozenset({"suites.skip_invalid.partition"}),
        why_also="the same answer shape for suites",
    ),
    Fault(
        "partial_creation",
        "skip_invalid_items=false creates nothing",
        "tasks.skip_invalid_false.atomic",
        on_request(_partial_creation),
        also=frozenset({"suites.skip_invalid_false.atomic"}),
        why_also="the same rule for suites",
    ),
    Fault(
        "refused_but_created",
        "a 400 for skip_invalid_items=false means nothing was created",
        "tasks.skip_invalid_false.atomic",
        _refused_but_created,
    ),
    Fault(
        "all_invalid_answers_201",
        "skip_invalid_items=true with no valid item answers 400, nothing created",
        "tasks.skip_invalid.none_valid",
        on_response(_all_invalid_201),
        also=frozenset({"suites.skip_invalid.none_valid"}),
        why_also="the same rule for suites",
    ),
    Fault(
        "sync_limit_not_enforced",
        "at most 5000 items per sync request",
        "tasks.sync_limit",
        config={"limits": {"sync_max_items": 6000}},
        also=frozenset({"suites.sync_limit"}),
        why_also="the same limit for suites",
    ),
    Fault(
        "allow_defaults_ignored",
        "allow_defaults=true takes the pool default",
        "tasks.allow_defaults",
        on_request(_ignore_allow_defaults),
    ),
    Fault(
        "allow_defaults_overrides_own_overlap",
        "allow_defaults=true keeps an item's own overlap; only items without one take the pool default",
        "tasks.allow_defaults.keeps_own",
        _defaults_override_own,
    ),
    Fault(
        "invalid_item_created_silently",
        "an item reported in validation_errors is not created",
        "tasks.skip_invalid.invalid_not_created",
        _invalid_created_silently,
    ),
    # -- validation errors
    Fault(
        "error_path_unprefixed",
        "validation errors name the exact field path (input_values.<field>)",
        "validation.paths",
        on_response(_errors_renamed(_unprefixed)),
    ),
    Fault(
        "value_required_renamed",
        "a missing required field is VALUE_REQUIRED",
        "validation.codes",
        on_response(_errors_renamed(_code_renamed("VALUE_REQUIRED", "REQUIRED"))),
    ),
    Fault(
        "value_not_allowed_renamed",
        "an unknown field is VALUE_NOT_ALLOWED",
        "validation.codes",
        on_response(_errors_renamed(_code_renamed("VALUE_NOT_ALLOWED", "UNKNOWN_FIELD"))),
    ),
    Fault(
        "type_code_renamed",
        "a value of the wrong type is <TYPE>_EXPECTED",
        "validation.codes",
        on_response(_errors_renamed(_code_renamed("STRING_EXPECTED", "TYPE_MISMATCH"))),
    ),
    Fault(
        "suite_task_path_unindexed",
        "a suite task's errors are under tasks.<i>.input_values.<field>",
        "validation.paths",
        on_response(_errors_renamed(_index_dropped("tasks"))),
    ),
    Fault(
        "solution_path_unindexed",
        "a known solution's errors are under known_solutions.<i>.output_values.<field>",
        "validation.solution_paths",
        on_response(_errors_renamed(_index_dropped("known_solutions"))),
    ),
    Fault(
        "bound_params_dropped",
        "a bound code carries its `params`",
        "validation.codes",
        on_response(_errors_renamed(_params_dropped)),
    ),
    # -- read-back
    Fault(
        "known_solutions_dropped",
        "a created item reads back with every field it was sent with",
        "tasks.read_back.solutions",
        on_response(_drop_known_solutions),
        also=frozenset({"suites.read_back.solutions"}),
        why_also="the same rule for the tasks of a suite",
    ),
    Fault(
        "known_solution_output_altered",
        "known solutions read back with the output_values sent",
        "tasks.read_back.solutions",
        on_response(_on_items(_alter_known_output)),
    ),
    Fault(
        "suite_task_field_dropped",
        "a suite's tasks read back with every field they were sent with",
        "suites.read_back.solutions",
        on_response(_on_items(_drop_inner_message, SUITES)),
    ),
    Fault(
        "set_member_dropped",
        "a set (traits_any_of) reads back with every member sent",
        "tasks.read_back",
        on_response(_on_items(_drop_a_trait)),
    ),
    Fault(
        "false_reads_true",
        "an optional boolean sent as false reads back false (or absent: the default)",
        "suites.read_back",
        on_response(_on_items(_false_reads_true, SUITES)),
    ),
    # -- lists
    Fault(
        "list_first_item_only",
        "a paged walk returns every created item",
        "tasks.list.paged_walk",
        on_response(_list_first_only),
    ),
    Fault(
        "has_more_always_false",
        "has_more is true when a full page leaves more",
        "tasks.list.paged_walk",
        on_response(_has_more(False)),
    ),
    Fault(
        "has_more_always_true",
        "has_more is false at the end",
        "tasks.list.paged_walk",
        on_response(_has_more(True)),
    ),
    Fault("limit_ignored", "`limit` is honoured", "tasks.list.paged_walk", on_request(_task_list_without("limit"))),
    Fault(
        "pool_filter_ignored",
        "a list of one pool never shows another pool's items",
        "tasks.list.paged_walk",
        on_request(_task_list_without("pool_id")),
    ),
    # -- async operations
    Fault(
        "operation_id_not_idempotent",
        "a reused operation_id creates nothing",
        "operations.idempotent",
        _reuse_forgotten,
    ),
    Fault(
        "operation_id_case_sensitive",
        "an operation_id in another letter case is the same operation",
        "operations.id_case_insensitive",
        _case_sensitive_ids,
    ),
    Fault(
        "operation_id_not_validated",
        "an operation_id that is not an RFC 4122 UUID is refused",
        "operations.invalid_operation_id",
        on_request(_any_operation_id),
    ),
    Fault(
        "counts_do_not_add_up",
        "success_count + failed_count == total_count",
        "operations.counts_add_up",
        on_response(_counts_off),
    ),
    Fault(
        "failed_operation_counts_success",
        "a FAILed operation that created nothing counts success_count 0, failed_count = total_count",
        "operations.fail_counts",
        on_response(_failed_counts_as_success),
    ),
    Fault(
        "operation_never_finishes",
        "an operation ends in SUCCESS or FAIL",
        "operations.ends",
        on_response(_never_finishes),
        also=_WAITERS,
        why_also="every row that waits for an operation to end times out the same way",
        operation_timeout=_TIMEOUT_SHORT,
    ),
    Fault(
        "log_drops_item_idx",
        "the log echoes unknown keys like __item_idx",
        "operations.log_echoes_input",
        on_response(_log_drops_unknown_keys),
        also=frozenset({"tasks.single.async", "suites.single.async"}),
        why_also="the single-object rows check the same echo of the one item's input",
    ),
    Fault(
        "log_item_idx_rotated",
        "the log echoes each item's own __item_idx",
        "operations.log_echoes_input",
        on_response(_log_rotates_item_idx),
    ),
    Fault(
        "log_input_altered",
        "the log's input is the item as sent",
        "operations.log_echoes_input",
        on_response(_log_alters_input),
        also=frozenset({"tasks.single.async", "suites.single.async"}),
        why_also="the single-object rows check the same echo of the one item's input",
    ),
    # -- auth and isolation
    Fault("auth_ignored", "a missing or unknown token answers 401", "auth.required", on_request(_ignore_auth)),
    Fault("api_key_refused", "`ApiKey <key>` is accepted as `OAuth <token>` is", "auth.api_key", _api_key_refused),
    Fault(
        "unknown_api_key_accepted",
        "an unknown credential is refused in the ApiKey scheme too",
        "auth.required",
        on_request(_unknown_api_key_accepted),
    ),
    Fault(
        "other_account_reads_operations",
        "another account's operation answers 404",
        "isolation.operation",
        on_request(_other_reads(lambda scope: path(scope).startswith(OPERATIONS))),
    ),
    Fault(
        "other_account_reads_tasks",
        "another account's task answers 404",
        "isolation.task",
        on_request(_other_reads(lambda scope: path(scope).startswith(TASKS + "/"))),
    ),
    Fault(
        "other_account_reads_suites",
        "another account's suite answers 404",
        "isolation.suite",
        on_request(_other_reads(lambda scope: path(scope).startswith(SUITES + "/"))),
    ),
    Fault(
        "other_account_lists",
        "another account's lists never show this account's items",
        "isolation.list",
        on_request(_other_reads(lambda scope: path(scope) in (TASKS, SUITES))),
    ),
    # -- requests
    Fault("crash_on_empty_body", "no input yields a 5xx", "requests.bad_body", _crash_on_empty_body),
    Fault(
        "media_type_ignored",
        "a body that is not application/json answers 415",
        "requests.media_type",
        on_request(_media_type_ignored),
    ),
    # -- pools
    Fault(
        "foreign_pool_403",
        "a foreign pool answers 404, as a missing one",
        "pools.foreign_refused",
        _foreign_pool_403,
    ),
    Fault("open_pool_ignored", "open_pool=true opens a closed pool", "pools.open_pool", on_request(_ignore_open_pool)),
    Fault(
        "closed_pool_refuses",
        "a closed pool accepts uploads",
        "pools.closed_accepts",
        _closed_pool_refuses,
    ),
    Fault(
        "upload_opens_closed_pool",
        "an upload without open_pool=true leaves a closed pool closed",
        "pools.closed_accepts",
        on_request(_always_open_pool),
    ),
    Fault(
        "valid_answer_refused",
        "a task whose solutions carry the project's valid answer is accepted",
        "schemathesis.positive_data_acceptance",
        _answers_refused,
    ),
    Fault(
        "close_pool_ignored",
        "POST /pools/{id}/close closes an open pool (the suite restores what it opened)",
        "pools.open_pool",
        _close_ignored,
        also=frozenset({"tasks.list.paged_walk", "suites.list.paged_walk"}),
        why_also="the walks seed the closed pool and close it again after pools.open_pool (the closed pool's "
        "checks run beside the others since issue 20): the pool it left open does not close for them either",
    ),
    Fault(
        "open_pool_crashes_on_open_pool",
        "open_pool=true into an open pool is no crash (fuzzed uploads use open_pool=true too)",
        "schemathesis.not_a_server_error",
        _open_pool_crash,
        also=frozenset({"schemathesis.negative_data_rejection"}),
        why_also="an invalid upload with open_pool=true gets the same 500, which is no rejection either (whether the "
        "run generates one varies: the schemathesis phase sees other answers before it since issue 20)",
    ),
    # -- rate limits
    Fault(
        "no_retry_guidance",
        "a 429 says when to retry: Retry-After or payload.interval",
        "rate_limit.retry_after",
        _no_retry_guidance,
    ),
    Fault(
        "rate_limit_not_enforced",
        "more items a minute than the account's limit answer 429",
        "rate_limit.retry_after",
        server_config={"limits": {"items_per_minute": 100_000_000}},
    ),
    Fault(
        "async_not_rate_limited",
        "async uploads count against the rate limit as sync ones do",
        "rate_limit.async_counted",
        _async_uncounted,
    ),
)

BY_NAME = {fault.name: fault for fault in FAULTS}
