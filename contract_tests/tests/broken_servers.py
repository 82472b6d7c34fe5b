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
from dataclasses import dataclass, field, replace
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
    with_header,
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


def _reuse_refused_but_created(app: ASGIApp) -> ASGIApp:
    """An upload reusing an operation_id on the same endpoint answers the documented 409 OPERATION_ALREADY_EXISTS,
    yet creates its items (served as a sync upload, its answer swapped for the 409)."""
    seen: set[tuple[str, bytes, str]] = set()

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        params = query(scope)
        chosen = params.get("operation_id")
        if is_upload(scope) and chosen is not None:
            # Byte for byte, same endpoint, same account: another letter case, the other endpoint and the other
            # account are other rows'.
            key = (path(scope), token(scope), chosen)
            if key in seen:
                kept = {name: value for name, value in params.items() if name not in ("operation_id", "async_mode")}
                return _mark(with_query(scope, kept)), body
            seen.add(key)
        return scope, body

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if _marked(scope) and status == 201:
            return 409, {"code": "OPERATION_ALREADY_EXISTS", "message": "Operation with this id already exists"}
        return status, body

    return Rewrite(app, request=request, response=response)


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
    (`Emulator._rates`, one limiter per kind, and `Emulator._accept_async`): if those are renamed this fault must
    follow (reading a missing `_rates` raises, so the fault fails loudly rather than doing nothing)."""
    emulator = emulator_of(app)
    accept = emulator._accept_async

    def uncounted(*args: Any) -> Any:
        limiters = emulator._rates
        emulator._rates = {kind: _Unlimited() for kind in limiters}
        try:
            return accept(*args)
        finally:
            emulator._rates = limiters

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
        also=frozenset({"model.items"}),
        why_also="the model reads the same 201 (a batch result without `items` names no created item)",
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
        "operation_id_reuse_refused_but_created",
        "a reused operation_id answers 409 and creates nothing",
        "operations.idempotent",
        _reuse_refused_but_created,
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


# ---- the model's invariants, fault by class: each breaks one invariant in one case only -----------------------
# A read site is where an item is answered: the 201 of a batch upload, the 201 of a one-object upload, GET by
# id, a list page. A case is a kind (tasks or suites) at one site; each fault alters only there, so that the model
# (which compares every read with what was sent) is what must catch it, whichever row sent the request.

_KIND_PREFIX = {"tasks": TASKS, "suites": SUITES}


def _site(scope: Scope, status: int, body: Any, kind: str, where: str) -> list[dict[str, Any]]:
    """The items of kind `kind` in this answer if it is a read of site `where`, else none."""
    prefix = _KIND_PREFIX[kind]
    method, at = scope.get("method"), path(scope)
    if where == "batch" and method == "POST" and at == prefix and status == 201 and isinstance(body, dict):
        items = body.get("items")
        return [item for item in items.values() if isinstance(item, dict)] if isinstance(items, dict) else []
    if where == "single" and method == "POST" and at == prefix and status == 201 and isinstance(body, dict):
        return [body] if "id" in body else []
    if where == "get" and method == "GET" and at.startswith(prefix + "/") and status == 200:
        return [body] if isinstance(body, dict) else []
    if where == "list" and method == "GET" and at == prefix and status == 200 and isinstance(body, dict):
        items = body.get("items")
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    return []


_SITE_WORDS = {
    "batch": "a batch upload's 201",
    "single": "a one-object upload's 201",
    "get": "GET by id",
    "list": "a list page",
}


def _altered_at(kind: str, where: str, change: Callable[[dict[str, Any]], None]) -> Wrap:
    """Items of `kind` answered at site `where` are changed by `change` (every other answer left alone)."""

    def rewrite(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        for item in _site(scope, status, body, kind, where):
            change(item)
        return status, body

    return on_response(rewrite)


def _family(
    site: str,
    breaks: str,
    requirement: str,
    changes: dict[str, tuple[str, Any]],
    wrap: Callable[[str, Any], Wrap],
) -> tuple[Fault, ...]:
    """One fault per change and kind, `model_<kind>_<site>_<change>`, each breaking `requirement` only there."""
    return tuple(
        Fault(
            f"model_{kind}_{site}_{name}",
            breaks.format(kind=kind, words=words),
            requirement,
            wrap(kind, change),
        )
        for name, (words, change) in changes.items()
        for kind in ("tasks", "suites")
    )


def _overlap_plus_one(item: dict[str, Any]) -> None:
    if isinstance(item.get("overlap"), int) and item.get("overlap", 0) > 0:
        item["overlap"] += 1
        if isinstance(item.get("remaining_overlap"), int):
            item["remaining_overlap"] += 1


def _input_extra_key(item: dict[str, Any]) -> None:
    if isinstance(item.get("input_values"), dict):
        item["input_values"] = {**item["input_values"], "added_by_server": 1}
    for inner in item.get("tasks") or []:
        if isinstance(inner, dict) and isinstance(inner.get("input_values"), dict):
            inner["input_values"] = {**inner["input_values"], "added_by_server": 1}


def _created_shifted(item: dict[str, Any]) -> None:
    """`created` one second later than the server stored it (still the documented format)."""
    moment = item.get("created")
    if isinstance(moment, str):
        item["created"] = (datetime.fromisoformat(moment) + timedelta(seconds=1)).isoformat(timespec="milliseconds")


def _remaining_above_overlap(item: dict[str, Any]) -> None:
    if isinstance(item.get("overlap"), int) and item.get("infinite_overlap") is not True:
        item["remaining_overlap"] = item["overlap"] + 5


def _pool_moved(item: dict[str, Any]) -> None:
    if "pool_id" in item:
        item["pool_id"] = "999999"


_ITEM_CHANGES: dict[str, tuple[str, Callable[[dict[str, Any]], None]]] = {
    "overlap": ("the overlap sent", _overlap_plus_one),
    "input": ("the input_values sent, whole", _input_extra_key),
    "pool": ("the pool_id sent", _pool_moved),
}
_ITEM_SITE_FAULTS = tuple(
    Fault(
        f"model_{kind}_{where}_{name}",
        f"{_SITE_WORDS[where]} of {kind} carries {words} (only there)",
        "model.items",
        _altered_at(kind, where, change),
    )
    for name, (words, change) in _ITEM_CHANGES.items()
    for kind in ("tasks", "suites")
    for where in ("batch", "single", "get", "list")
)


def _at(where: str) -> Callable[[str, Any], Wrap]:
    """A family's wrap: the change applied at read site `where` only."""
    return lambda kind, change: _altered_at(kind, where, change)


_ITEM_READ_FAULTS = tuple(
    fault
    for name, words, change, sites in (
        ("created_moves", "`created` is the same instant on every read", _created_shifted, ("get", "list")),
        ("remaining_above_overlap", "remaining_overlap <= overlap", _remaining_above_overlap, tuple(_SITE_WORDS)),
    )
    for where in sites
    for fault in _family(
        where, f"{_SITE_WORDS[where]} of {{kind}}: {{words}}", "model.items", {name: (words, change)}, _at(where)
    )
)


def _batch_keys(change: Callable[[dict[str, Any], dict[str, Any]], None], kind: str) -> Wrap:
    """A sync batch upload's 201 of `kind` rearranged by `change(items, validation_errors)`."""

    def rewrite(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if (
            is_upload(scope)
            and path(scope) == _KIND_PREFIX[kind]
            and status == 201
            and isinstance(body, dict)
            and isinstance(body.get("items"), dict)
        ):
            errors = body.setdefault("validation_errors", {})
            if isinstance(errors, dict):
                change(body["items"], errors)
            if not errors:
                body.pop("validation_errors")
        return status, body

    return on_response(rewrite)


def _stray_index(items: dict[str, Any], errors: dict[str, Any]) -> None:
    """In a batch of two or more, the last created item keyed one past the request's end."""
    if len(items) + len(errors) > 1 and items:
        past_the_end = str(len(items) + len(errors))
        items[past_the_end] = items.pop(max(items, key=int))


def _error_also_created(items: dict[str, Any], errors: dict[str, Any]) -> None:
    """An invalid position is reported as created too (a copy of another created item)."""
    if items and errors:
        key = next(iter(errors))
        items[key] = {**next(iter(items.values()))}


_BATCH_FAULTS = tuple(
    Fault(
        f"model_{kind}_batch_{name}",
        f"a sync {kind} batch's 201: {words}",
        "model.items",
        _batch_keys(change, kind),
    )
    for name, (words, change) in {
        "stray_index": ("created items keyed by positions of the request", _stray_index),
        "error_also_created": ("created and invalid positions never overlap", _error_also_created),
    }.items()
    for kind in ("tasks", "suites")
)


def _operation_changed(kind: str, change: Callable[[dict[str, Any], Scope], None]) -> Wrap:
    """Operation answers (the 202 and GET /operations/{id}) of `kind`'s batch uploads changed by `change`."""
    operation_type = "TASK.BATCH_CREATE" if kind == "tasks" else "TASK_SUITE.BATCH_CREATE"

    def rewrite(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if (
            isinstance(body, dict)
            and body.get("type") == operation_type
            and (is_operation_read(scope) or (is_upload(scope) and status == 202))
        ):
            change(body, scope)
        return status, body

    return on_response(rewrite)


def _swap_type(body: dict[str, Any], scope: Scope) -> None:
    body["type"] = "TASK_SUITE.BATCH_CREATE" if body["type"] == "TASK.BATCH_CREATE" else "TASK.BATCH_CREATE"


def _total_plus_one(body: dict[str, Any], scope: Scope) -> None:
    """One item more in every count that includes it: the sums still add up, the total is not what was sent."""
    details = body.get("details")
    if body.get("status") in ("SUCCESS", "FAIL") and isinstance(details, dict):
        for name in ("total_count", "valid_count", "success_count"):
            if isinstance(details.get(name), int):
                details[name] += 1


def _flag_inverted(name: str) -> Callable[[dict[str, Any], Scope], None]:
    def change(body: dict[str, Any], scope: Scope) -> None:
        parameters = body.get("parameters")
        if isinstance(parameters, dict) and isinstance(parameters.get(name), bool):
            parameters[name] = not parameters[name]

    return change


_SUBMITTED_READS: dict[str, int] = {}


def _submitted_moves(body: dict[str, Any], scope: Scope) -> None:
    """Each read of the operation says it was submitted a second later than the read before."""
    if is_operation_read(scope) and isinstance(body.get("submitted"), str):
        count = _SUBMITTED_READS[body["id"]] = _SUBMITTED_READS.get(body["id"], 0) + 1
        moved = datetime.fromisoformat(body["submitted"]) - timedelta(seconds=count)
        body["submitted"] = moved.isoformat(timespec="milliseconds")


def _finished_before_started(body: dict[str, Any], scope: Scope) -> None:
    if isinstance(body.get("finished"), str) and isinstance(body.get("started"), str):
        started = datetime.fromisoformat(body["started"])
        body["finished"] = (started - timedelta(seconds=1)).isoformat(timespec="milliseconds")


_ENDED_READS: dict[str, int] = {}


def _ended_then_running(body: dict[str, Any], scope: Scope) -> None:
    """An ended operation reads RUNNING again on every other read after the first that showed it ended."""
    if is_operation_read(scope) and body.get("status") in ("SUCCESS", "FAIL"):
        count = _ENDED_READS[body["id"]] = _ENDED_READS.get(body["id"], 0) + 1
        if count % 2 == 0:
            body["status"] = "RUNNING"
            body.pop("finished", None)


def _invalid_counted_created(body: dict[str, Any], scope: Scope) -> None:
    """A SUCCESSful operation with invalid items counts them created as well (the sums still add up)."""
    details = body.get("details")
    if body.get("status") == "SUCCESS" and isinstance(details, dict) and details.get("not_valid_count"):
        moved = details["not_valid_count"]
        details["success_count"] += moved
        details["failed_count"] -= moved


_OPERATION_CHANGES: dict[str, tuple[str, Callable[[dict[str, Any], Scope], None]]] = {
    "type_swapped": ("`type` TASK.BATCH_CREATE / TASK_SUITE.BATCH_CREATE by endpoint", _swap_type),
    "total_not_sent": ("`total_count` is the number of items sent (the sums still add up)", _total_plus_one),
    "submitted_moves": ("every read shows the same `submitted`", _submitted_moves),
    "finished_before_started": ("started <= finished", _finished_before_started),
}
_OPERATION_FAULTS = (
    *_family(
        "operation", "a {kind} upload's operation: {words}", "model.operations", _OPERATION_CHANGES, _operation_changed
    ),
    *_family(
        "operation",
        "a {kind} upload's operation: {words}",
        "model.operations",
        {"invalid_counted_created": ("success_count <= valid_count", _invalid_counted_created)},
        _operation_changed,
    ),
    *(
        Fault(
            f"model_{kind}_operation_ended_reads_running",
            f"a {kind} upload's operation: an ended operation never reads RUNNING again",
            "model.operations",
            _operation_changed(kind, _ended_then_running),
            also=frozenset({"operations.ends"}),
            why_also="operations.ends reads each kind's ended operation once more, as the model does",
        )
        for kind in ("tasks", "suites")
    ),
    *(
        Fault(
            f"model_operation_{flag_name}_inverted",
            f"an upload's operation carries the {flag_name} sent in `parameters`",
            "model.operations",
            _operation_changed("tasks", _flag_inverted(flag_name)),
        )
        for flag_name in ("skip_invalid_items", "allow_defaults", "open_pool")
    ),
    *(
        Fault(
            f"model_suites_operation_{flag_name}_inverted",
            f"a suites upload's operation carries the {flag_name} sent in `parameters`",
            "model.operations",
            _operation_changed("suites", _flag_inverted(flag_name)),
        )
        for flag_name in ("skip_invalid_items", "allow_defaults")  # open_pool: no suites upload opens a pool
    ),
)


def _log_changed(kind: str, change: Callable[[list[Any]], None]) -> Wrap:
    """Log answers of operations of `kind` (known by their entries' step names) changed by `change`."""
    steps = ("TASK_CREATE", "TASK_VALIDATE") if kind == "tasks" else ("TASK_SUITE_CREATE", "TASK_SUITE_VALIDATE")

    def rewrite(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        entries = _log_entries(scope, body)
        if entries and any(entry.get("type") in steps for entry in entries):
            change(body)  # the whole log: a change may add or drop entries
        return status, body

    return on_response(rewrite)


def _item_entries(log: list[Any]) -> list[dict[str, Any]]:
    """The entries of a log that answer for an item (their `input` an object)."""
    return [entry for entry in log if isinstance(entry, dict) and isinstance(entry.get("input"), dict)]


def _step_of_other_kind(entries: list[Any]) -> None:
    for entry in _item_entries(entries):
        step = entry.get("type")
        if isinstance(step, str) and step.startswith("TASK"):
            entry["type"] = (
                step.replace("TASK_SUITE_", "TASK_") if "SUITE" in step else step.replace("TASK_", "TASK_SUITE_")
            )


def _created_id_unknown(entries: list[Any]) -> None:
    """A created entry names an id that does not exist."""
    for entry in _item_entries(entries):
        output = entry.get("output")
        if entry.get("success") and isinstance(output, dict):
            for key in ("task_id", "task_suite_id"):
                if isinstance(output.get(key), str):
                    output[key] = "0000000000--" + "f" * 24
            return


def _created_twice(entries: list[Any]) -> None:
    """The first created entry is logged twice."""
    created = [entry for entry in _item_entries(entries) if entry.get("success")]
    if created:
        entries.append(json.loads(json.dumps(created[0])))


def _created_entry_dropped(entries: list[Any]) -> None:
    """The last created entry is missing (the operation still counts it)."""
    created = [entry for entry in _item_entries(entries) if entry.get("success")]
    if created:
        entries.remove(created[-1])


def _input_value_altered(entries: list[Any]) -> None:
    """Each entry's input carries input_values changed (a suite's: its first task's)."""
    for entry in _item_entries(entries):
        echoed = entry["input"]
        target = echoed if "input_values" in echoed else ((echoed.get("tasks") or [{}])[0])
        if isinstance(target, dict) and isinstance(target.get("input_values"), dict):
            target["input_values"] = {**target["input_values"], "added_by_server": 1}


_LOG_CHANGES: dict[str, tuple[str, Callable[[list[Any]], None]]] = {
    "step_of_other_kind": ("entries are steps of the upload's kind", _step_of_other_kind),
    "created_id_unknown": ("a created entry's id reads back as that item", _created_id_unknown),
    "created_twice": ("each item is logged as created once", _created_twice),
    "created_entry_dropped": ("the created entries number success_count", _created_entry_dropped),
    "input_values_altered": ("each entry's input is the item as sent", _input_value_altered),
}
_LOG_FAULTS = _family("log", "a {kind} upload's log: {words}", "model.logs", _LOG_CHANGES, _log_changed)


def _list_changed(kind: str, change: Callable[[list[Any], dict[str, str]], list[Any]]) -> Wrap:
    """List pages of `kind` changed by `change(items, query)`."""

    def rewrite(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if (
            scope.get("method") == "GET"
            and path(scope) == _KIND_PREFIX[kind]
            and status == 200
            and isinstance(body, dict)
            and isinstance(body.get("items"), list)
        ):
            body["items"] = change(body["items"], query(scope))
        return status, body

    return on_response(rewrite)


def _first_repeated(items: list[Any], params: dict[str, str]) -> list[Any]:
    """A page of two or more items repeats its first at the end, the last dropped (limit still kept)."""
    return [*items[:-1], items[0]] if len(items) > 1 else items


def _reversed_order(items: list[Any], params: dict[str, str]) -> list[Any]:
    """A page sorted by `id` (or `-id`) comes in the opposite order."""
    return items[::-1] if params.get("sort", "").lstrip("-") == "id" else items


def _bound_dropped(kind: str, name: str) -> Wrap:
    """Lists of `kind` are served as if `name` was not sent."""

    def rewrite(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if scope.get("method") == "GET" and path(scope) == _KIND_PREFIX[kind] and name in query(scope):
            scope = with_query(scope, {k: v for k, v in query(scope).items() if k != name})
        return scope, body

    return on_request(rewrite)


_LIST_FAULTS = (
    *(
        Fault(
            f"model_{kind}_list_{name}",
            f"{kind} lists: {words}",
            "model.lists",
            wrap,
        )
        for kind in ("tasks", "suites")
        for name, words, wrap in (
            ("item_repeated", "each id once on a page", _list_changed(kind, _first_repeated)),
            ("order_reversed", "ordered as `sort` asks", _list_changed(kind, _reversed_order)),
            ("id_gte_ignored", "within the id bounds asked for (id_gte)", _bound_dropped(kind, "id_gte")),
            ("limit_ignored", "at most `limit` items on a page", _bound_dropped(kind, "limit")),
            ("pool_filter_ignored", "only the pool asked for", _bound_dropped(kind, "pool_id")),
        )
        # id_lt / id_lte: no request of the run has items above the bound it sends (id_lte comes with id_gte on
        # the newest id), so a server ignoring them only there cannot be seen: no case. id_gt: every "nothing
        # created" read of the suite uses it, so ignoring it fails a dozen rows at once: no case of its own.
        if (kind, name) not in (("tasks", "limit_ignored"), ("tasks", "pool_filter_ignored"))  # in FAULTS already
    ),
    Fault(
        "model_tasks_list_second_sort_key_ignored",
        "sort=created,-id: items of equal `created` by descending id (the second key matters)",
        "tasks.list.multi_key_sort",
        _list_changed("tasks", lambda items, params: _first_key_only(items, params)),
        also=frozenset({"model.lists"}),
        why_also="the model sees the same list answer out of the order asked for",
    ),
)


def _first_key_only(items: list[Any], params: dict[str, str]) -> list[Any]:
    """A multi-key sort by `created` first: sorted by `created` alone, ties by ascending id (the rest ignored)."""
    keys = params.get("sort", "").split(",")
    if len(keys) < 2 or keys[0] != "created":
        return items
    return sorted(items, key=lambda item: (str(item.get("created")), str(item.get("id"))))


MODEL_FAULTS = tuple(
    fault
    for fault in (
        *_ITEM_SITE_FAULTS,
        *_ITEM_READ_FAULTS,
        *_BATCH_FAULTS,
        *_OPERATION_FAULTS,
        *_LOG_FAULTS,
        *_LIST_FAULTS,
    )
)
FAULTS = FAULTS + MODEL_FAULTS
BY_NAME = {fault.name: fault for fault in FAULTS}


def _id_reused_as_new(reuser: Callable[[Scope, str, bytes], bool]) -> Wrap:
    """An upload reusing an operation_id, when `reuser(scope, first endpoint, first token)` says so, gets a new
    operation under that id (the emulator is given a fresh one; the answer shows the reused id)."""

    def wrap(app: ASGIApp) -> ASGIApp:
        first: dict[str, tuple[str, bytes]] = {}  # operation_id -> (endpoint, token) of its first upload

        def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
            params = query(scope)
            chosen = (params.get("operation_id") or "").lower()
            if not (is_upload(scope) and chosen):
                return scope, body
            if chosen not in first:
                first[chosen] = (path(scope), token(scope))
            elif reuser(scope, *first[chosen]):
                scope = _mark(with_query(scope, {**params, "operation_id": str(uuid.uuid4())}), chosen)
            return scope, body

        def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
            if _marked(scope) and status == 202 and isinstance(body, dict):
                body["id"] = _marked(scope)
            return status, body

        return Rewrite(app, request=request, response=response)

    return wrap


_ID_FAULTS = (
    Fault(
        "model_operation_id_reused_by_other_endpoint",
        "an operation id in use is taken for the other endpoint too (no second operation under it)",
        "model.operation_ids",
        _id_reused_as_new(lambda scope, endpoint, _: path(scope) != endpoint),
        also=frozenset({"operations.id_global"}),
        why_also="the row that reuses the id across endpoints sees the same 202",
    ),
    Fault(
        "model_operation_id_reused_by_other_account",
        "an operation id in use is taken for the other account too (ids are global)",
        "model.operation_ids",
        _id_reused_as_new(lambda scope, _, first_token: token(scope) == OTHER_TOKEN != first_token),
        also=frozenset({"operations.id_global"}),
        why_also="the row that reuses the id from the other account sees the same 202",
    ),
)
FAULTS = FAULTS + _ID_FAULTS
BY_NAME = {fault.name: fault for fault in FAULTS}


# ---- HTTP and auth semantics ---------------------------------------------------------------------------------


def _media_type_refused(refused: Callable[[bytes], bool]) -> Wrap:
    """Uploads whose Content-Type `refused(value)` says so answer 415 (plain application/json still works)."""

    def answer(scope: Scope, body: bytes) -> tuple[int, Any] | None:
        if is_upload(scope) and refused(header(scope, b"content-type") or b""):
            return error(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type")
        return None

    return lambda app: Rewrite(app, answer=answer)


def _allow_dropped(scope: Scope, status: int, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [h for h in headers if h[0].lower() != b"allow"] if status == 405 else headers


def _unserved_404(scope: Scope, body: bytes) -> tuple[int, Any] | None:
    """A method a documented path does not serve answers 404, as for a path that does not exist."""
    if scope.get("method") in ("DELETE", "PUT", "PATCH") and path(scope).startswith("/api/v1/"):
        return error(404, "DOES_NOT_EXIST", "Object does not exist")
    return None


def _lenient_authorization(read: Callable[[bytes], bytes | None]) -> Wrap:
    """An Authorization value `read(value)` turns into a known credential is served as `OAuth <credential>`."""

    def rewrite(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        value = header(scope, b"authorization") or b""
        credential = read(value)
        if credential in (REQUESTER_TOKEN, OTHER_TOKEN):
            scope = with_header(scope, b"authorization", b"OAuth " + credential)
        return scope, body

    return on_request(rewrite)


def _foreign_404_says(app: ASGIApp, matches: Callable[[Scope, bytes], bool], says: str) -> ASGIApp:
    """A 404 for a request `matches` marks carries `says` in its message: it tells a foreign object from none."""
    foreign = _foreign_pool_id(app)
    requester_items: set[str] = set()

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if matches(scope, body) and (
            any(str(item.get("pool_id")) in foreign for item in _items(body))
            or path(scope).rsplit("/", 1)[-1] in foreign | requester_items
        ):
            scope = _mark(scope)
        return scope, body

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if is_upload(scope) and status == 201 and token(scope) == REQUESTER_TOKEN and isinstance(body, dict):
            requester_items.update(str(i.get("id")) for i in (body.get("items") or {}).values() if isinstance(i, dict))
        if _marked(scope) and status == 404 and isinstance(body, dict):
            body["message"] = says
        return status, body

    return Rewrite(app, request=request, response=response)


_HTTP_FAULTS = (
    Fault(
        "media_type_parameters_refused",
        "application/json with a charset parameter is application/json",
        "requests.media_type_parameters",
        _media_type_refused(lambda value: b";" in value),
    ),
    Fault(
        "media_type_case_sensitive",
        "media types compare case-insensitively (Application/JSON)",
        "requests.media_type_parameters",
        _media_type_refused(lambda value: value.split(b";")[0].strip() != value.split(b";")[0].strip().lower()),
    ),
    Fault(
        "no_allow_on_405",
        "a 405 answer carries Allow",
        "requests.method_not_served",
        lambda app: Rewrite(app, headers=_allow_dropped),
    ),
    Fault(
        "unserved_method_404",
        "a method a documented path does not serve answers 405, not 404",
        "requests.method_not_served",
        lambda app: Rewrite(app, answer=_unserved_404),
    ),
    Fault(
        "bare_token_accepted",
        "a credential without its scheme answers 401",
        "auth.malformed",
        _lenient_authorization(lambda value: value.strip() or None),
    ),
    Fault(
        "trailing_text_ignored",
        "a credential with trailing text answers 401",
        "auth.malformed",
        _lenient_authorization(lambda value: value.split()[1] if len(value.split()) > 2 else None),
    ),
    Fault(
        "foreign_pool_upload_404_leaks",
        "a 404 for another account's pool says no more than for none",
        "isolation.error_body",
        lambda app: _foreign_404_says(app, lambda scope, body: is_upload(scope), "Pool belongs to another account"),
    ),
    Fault(
        "foreign_pool_read_404_leaks",
        "GET of another account's pool says no more than for none",
        "isolation.error_body",
        lambda app: _foreign_404_says(
            app, lambda scope, body: scope.get("method") == "GET" and path(scope).startswith(POOLS), "Access denied"
        ),
    ),
    Fault(
        "foreign_task_read_404_leaks",
        "another account's task read by id says no more than a missing one",
        "isolation.error_body",
        lambda app: _foreign_404_says(
            app,
            lambda scope, body: scope.get("method") == "GET" and path(scope).startswith(TASKS + "/"),
            "Task is owned by another requester",
        ),
    ),
)
FAULTS = FAULTS + _HTTP_FAULTS
BY_NAME = {fault.name: fault for fault in FAULTS}


# ---- more cases of the same rules: the other kind, the other default, the other read site ----------------------


def _defaults_of(key: str, kind_path: str, *, own_too: bool) -> Wrap:
    """allow_defaults=true on `kind_path` fills overlap from the pool's `key` (also over an item's own one when
    `own_too`), by rewriting the request before the emulator sees it."""

    def wrap(app: ASGIApp) -> ASGIApp:
        defaults = {pool.id: getattr(pool, key) for pool in emulator_of(app).config.pools.values()}

        def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
            if is_upload(scope) and path(scope) == kind_path and flag(scope, "allow_defaults"):
                parsed = json.loads(body)
                for item in parsed if isinstance(parsed, list) else [parsed]:
                    pool = str(item.get("pool_id")) if isinstance(item, dict) else ""
                    if pool in defaults and (own_too or item.get("overlap") is None):
                        item["overlap"] = defaults[pool]
                body = json.dumps(parsed).encode()
            return scope, body

        return Rewrite(app, request=request)

    return wrap


def _failed_claims_success(body: dict[str, Any], scope: Scope) -> None:
    """A FAILed operation claims every item succeeded (the counts still add up)."""
    details = body.get("details")
    if body.get("status") == "FAIL" and isinstance(details, dict):
        details["success_count"], details["failed_count"] = details.get("total_count", 0), 0


def _payload_names_owner(app: ASGIApp) -> ASGIApp:
    """An upload into another account's pool answers the documented 404 with a payload naming the owner."""
    foreign = _foreign_pool_id(app)

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if is_upload(scope) and any(str(item.get("pool_id")) in foreign for item in _items(body)):
            scope = _mark(scope)
        return scope, body

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if _marked(scope) and status == 404 and isinstance(body, dict):
            body["payload"] = {"owner": "other-requester"}
        return status, body

    return Rewrite(app, request=request, response=response)


_CASE_FAULTS = (
    *(
        Fault(
            name,
            breaks,
            requirement,
            _defaults_of(key, kind_path, own_too=own_too),
            also=frozenset({"model.items"}),
            why_also="the model checks the same created item's overlap against the flag and the pool's defaults",
        )
        for name, breaks, requirement, key, kind_path, own_too in (
            (
                "suites_take_the_tasks_default",
                "allow_defaults=true: a suite takes the pool's default_overlap_for_new_task_suites (not the tasks')",
                "suites.allow_defaults",
                "default_overlap_for_new_tasks",
                SUITES,
                False,
            ),
            (
                "tasks_take_the_suites_default",
                "allow_defaults=true: a task takes the pool's default_overlap_for_new_tasks (not the suites')",
                "tasks.allow_defaults",
                "default_overlap_for_new_task_suites",
                TASKS,
                False,
            ),
            (
                "suites_allow_defaults_override_own_overlap",
                "allow_defaults=true keeps a suite's own overlap (for tasks: allow_defaults_overrides_own_overlap)",
                "suites.allow_defaults.keeps_own",
                "default_overlap_for_new_task_suites",
                SUITES,
                True,
            ),
        )
    ),
    Fault(
        "failed_suites_operation_counts_success",
        "a FAILed suites operation that created nothing counts success_count 0 (the tasks' case is "
        "failed_operation_counts_success)",
        "operations.fail_counts",
        _operation_changed("suites", _failed_claims_success),
        also=frozenset({"model.operations"}),
        why_also="the model checks the same counts against the flags sent",
    ),
    Fault(
        "scheme_alone_accepted",
        "an Authorization scheme with no credential answers 401",
        "auth.malformed",
        _lenient_authorization(lambda value: REQUESTER_TOKEN if value.strip() in (b"OAuth", b"ApiKey") else None),
    ),
    Fault(
        "foreign_pool_404_payload_names_owner",
        "a 404 for another account's pool carries nothing a missing pool's does not (no owner in payload)",
        "isolation.error_body",
        _payload_names_owner,
    ),
)
FAULTS = FAULTS + _CASE_FAULTS
BY_NAME = {fault.name: fault for fault in FAULTS}


# The rows besides its requirement that see a fault, each because its own request got the changed answer: a
# read-back, single-object, list, log or operation row reading the same kind of answer, or the model's invariant
# over an answer an older row also reads (measured against each server; the requirement stays the one the fault
# is written for).
_SAME_ANSWER = (
    "rows whose own requests get the changed answer (read-back, single-object, list, log or operation rows, or the "
    "model's invariant over the same answer) see the same change"
)
_ALSO: dict[str, frozenset[str]] = {
    "allow_defaults_overrides_own_overlap": frozenset({"model.items"}),
    "auth_ignored": frozenset({"auth.malformed"}),
    "counts_do_not_add_up": frozenset({"model.operations"}),
    "errors_one_based": frozenset({"model.items"}),
    "failed_operation_counts_success": frozenset({"model.operations"}),
    "false_reads_true": frozenset({"model.items"}),
    "foreign_pool_403": frozenset({"isolation.error_body"}),
    "known_solution_output_altered": frozenset({"model.items"}),
    "known_solutions_dropped": frozenset({"model.items"}),
    "limit_ignored": frozenset({"model.lists"}),
    "log_drops_item_idx": frozenset({"model.logs"}),
    "log_input_altered": frozenset({"model.logs"}),
    "log_item_idx_rotated": frozenset({"model.items", "model.logs"}),
    "model_suites_batch_error_also_created": frozenset({"suites.skip_invalid.partition"}),
    "model_suites_batch_input": frozenset({"suites.read_back", "suites.read_back.solutions"}),
    "model_suites_batch_overlap": frozenset(
        {"suites.allow_defaults", "suites.allow_defaults.keeps_own", "suites.read_back", "suites.read_back.solutions"}
    ),
    "model_suites_batch_pool": frozenset({"suites.read_back", "suites.read_back.solutions"}),
    "model_suites_batch_stray_index": frozenset({"suites.list.paged_walk", "suites.skip_invalid.partition"}),
    "model_suites_get_input": frozenset(
        {
            "links.async_chain",
            "suites.read_back",
            "suites.read_back.solutions",
            "suites.single.async",
            "suites.single.sync",
        }
    ),
    "model_suites_get_overlap": frozenset(
        {"suites.read_back", "suites.read_back.solutions", "suites.single.async", "suites.single.sync"}
    ),
    "model_suites_get_pool": frozenset(
        {"suites.read_back", "suites.read_back.solutions", "suites.single.async", "suites.single.sync"}
    ),
    "model_suites_list_id_gte_ignored": frozenset({"suites.read_back", "suites.read_back.solutions"}),
    "model_suites_list_input": frozenset({"suites.read_back", "suites.read_back.solutions"}),
    "model_suites_list_item_repeated": frozenset({"suites.list.paged_walk"}),
    "model_suites_list_limit_ignored": frozenset({"suites.list.paged_walk"}),
    "model_suites_list_order_reversed": frozenset({"suites.list.paged_walk"}),
    "model_suites_list_overlap": frozenset({"suites.read_back", "suites.read_back.solutions"}),
    "model_suites_list_pool": frozenset(
        {"model.lists", "suites.list.paged_walk", "suites.read_back", "suites.read_back.solutions"}
    ),
    "model_suites_list_pool_filter_ignored": frozenset({"suites.list.paged_walk"}),
    "model_suites_log_created_entry_dropped": frozenset(
        {"links.async_chain", "operations.suites_counted", "suites.single.async"}
    ),
    "model_suites_log_created_id_unknown": frozenset({"links.async_chain", "suites.single.async"}),
    "model_suites_log_created_twice": frozenset({"operations.suites_counted", "suites.single.async"}),
    "model_suites_log_input_values_altered": frozenset({"suites.single.async"}),
    "model_suites_log_step_of_other_kind": frozenset({"operations.suites_counted", "suites.single.async"}),
    "model_suites_operation_total_not_sent": frozenset(
        {
            "model.logs",
            "operations.counts_add_up",
            "operations.fail_counts",
            "operations.suites_counted",
            "suites.single.async",
        }
    ),
    "model_suites_operation_type_swapped": frozenset({"operations.suites_counted"}),
    "model_suites_single_input": frozenset({"suites.single.sync"}),
    "model_suites_single_overlap": frozenset({"suites.single.sync"}),
    "model_suites_single_pool": frozenset({"suites.single.sync"}),
    "model_tasks_batch_error_also_created": frozenset(
        {"tasks.skip_invalid.invalid_not_created", "tasks.skip_invalid.partition"}
    ),
    "model_tasks_batch_input": frozenset({"tasks.read_back", "tasks.read_back.solutions"}),
    "model_tasks_batch_overlap": frozenset(
        {"tasks.allow_defaults", "tasks.allow_defaults.keeps_own", "tasks.read_back", "tasks.read_back.solutions"}
    ),
    "model_tasks_batch_pool": frozenset({"tasks.read_back", "tasks.read_back.solutions"}),
    "model_tasks_batch_stray_index": frozenset(
        {"tasks.list.multi_key_sort", "tasks.list.paged_walk", "tasks.skip_invalid.partition"}
    ),
    "model_tasks_get_input": frozenset(
        {"links.async_chain", "tasks.read_back", "tasks.read_back.solutions", "tasks.single.async", "tasks.single.sync"}
    ),
    "model_tasks_get_overlap": frozenset(
        {"tasks.read_back", "tasks.read_back.solutions", "tasks.single.async", "tasks.single.sync"}
    ),
    "model_tasks_get_pool": frozenset(
        {"tasks.read_back", "tasks.read_back.solutions", "tasks.single.async", "tasks.single.sync"}
    ),
    "model_tasks_list_id_gte_ignored": frozenset(
        {"tasks.list.multi_key_sort", "tasks.read_back", "tasks.read_back.solutions"}
    ),
    "model_tasks_list_input": frozenset({"tasks.read_back", "tasks.read_back.solutions"}),
    "model_tasks_list_item_repeated": frozenset(
        {"tasks.list.multi_key_sort", "tasks.list.paged_walk", "tasks.skip_invalid.invalid_not_created"}
    ),
    "model_tasks_list_order_reversed": frozenset({"tasks.list.paged_walk"}),
    "model_tasks_list_overlap": frozenset({"tasks.read_back", "tasks.read_back.solutions"}),
    "model_tasks_list_pool": frozenset(
        {"model.lists", "tasks.list.paged_walk", "tasks.read_back", "tasks.read_back.solutions"}
    ),
    "model_tasks_log_created_entry_dropped": frozenset(
        {"links.async_chain", "operations.log_echoes_input", "operations.log_matches_counts", "tasks.single.async"}
    ),
    "model_tasks_log_created_id_unknown": frozenset({"links.async_chain", "tasks.single.async"}),
    "model_tasks_log_created_twice": frozenset(
        {"operations.log_echoes_input", "operations.log_matches_counts", "tasks.single.async"}
    ),
    "model_tasks_log_input_values_altered": frozenset({"operations.log_echoes_input", "tasks.single.async"}),
    "model_tasks_log_step_of_other_kind": frozenset(
        {"operations.log_echoes_input", "operations.log_matches_counts", "tasks.single.async"}
    ),
    "model_tasks_operation_invalid_counted_created": frozenset({"model.logs", "operations.log_matches_counts"}),
    "model_tasks_operation_total_not_sent": frozenset(
        {
            "model.logs",
            "operations.counts_add_up",
            "operations.fail_counts",
            "operations.log_matches_counts",
            "tasks.single.async",
        }
    ),
    "model_tasks_single_input": frozenset({"tasks.single.sync"}),
    "model_tasks_single_overlap": frozenset({"tasks.single.sync"}),
    "model_tasks_single_pool": frozenset({"tasks.single.sync"}),
    "open_pool_ignored": frozenset({"model.operations"}),
    "operation_id_not_idempotent": frozenset({"operations.id_global"}),
    "operation_never_finishes": frozenset({"operations.id_global"}),
    "other_account_lists": frozenset({"model.lists"}),
    "other_account_reads_tasks": frozenset({"isolation.error_body"}),
    "partial_creation": frozenset({"model.items"}),
    "pool_filter_ignored": frozenset({"model.lists"}),
    "set_member_dropped": frozenset({"model.items"}),
    "suite_task_field_dropped": frozenset({"model.items"}),
    "upload_opens_closed_pool": frozenset({"model.operations"}),
}


def _with_also(fault: Fault) -> Fault:
    """The fault with the rows that see the same answer allowed, and why."""
    also = _ALSO.get(fault.name, frozenset())
    if not also:
        return fault
    why = f"{fault.why_also}; {_SAME_ANSWER}" if fault.why_also else _SAME_ANSWER
    return replace(fault, also=fault.also | also, why_also=why)


FAULTS = tuple(_with_also(fault) for fault in FAULTS)
BY_NAME = {fault.name: fault for fault in FAULTS}


def _retry_after_value(value: bytes) -> Wrap:
    """A 429's Retry-After says `value` (payload.interval dropped, so the header is the guidance)."""

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if status == 429 and isinstance(body, dict):
            body.pop("payload", None)
        return status, body

    def headers(scope: Scope, status: int, sent: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        if status != 429:
            return sent
        return [*(h for h in sent if h[0].lower() != b"retry-after"), (b"retry-after", value)]

    return lambda app: Rewrite(app, response=response, headers=headers)


_RETRY_AFTER_FAULTS = tuple(
    Fault(
        f"retry_after_{name}",
        f"Retry-After, when sent, is a whole number of seconds >= 0 (not {value.decode()!r})",
        "rate_limit.retry_after",
        _retry_after_value(value),
    )
    for name, value in (("negative", b"-5"), ("fractional", b"0.5"))
)
FAULTS = FAULTS + _RETRY_AFTER_FAULTS
BY_NAME = {fault.name: fault for fault in FAULTS}
