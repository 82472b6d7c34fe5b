"""Servers that differ from the emulator but keep the contract: the suite must pass every one of them.

Each is the real emulator wrapped so that it answers in a way the contract (openapi.yaml, issue 9's decisions)
allows and the emulator happens not to use. A suite that fails one of them demands more than the contract does
(a false positive); `test_kill_rate.py` runs the quick suite against each and reports the share passed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from rewriting import (
    SUITES,
    TASKS,
    Rewrite,
    Wrap,
    chain,
    dropping_header,
    emulator_of,
    error,
    header,
    is_log,
    is_operation_read,
    is_upload,
    on_response,
    path,
    pool_project_spec,
    query,
    retimed,
    walk,
    with_query,
    without,
)
from starlette.types import ASGIApp, Scope

_MARK = "conformance.catalogue"
_ITEM_ID = re.compile(r"^[0-9a-f]{10}--[0-9a-f]+$")
_OTHER_ID = re.compile(r"^[0-9A-F]{10}\.[0-9A-F]+$")
_ID_PARAMS = ("id_gt", "id_gte", "id_lt", "id_lte")
_ID_KEYS = ("id", "task_id", "task_suite_id", "origin_task_id")
_SETS = ("reserved_for", "unavailable_for", "traits_all_of", "traits_any_of", "traits_none_of_any")


@dataclass(frozen=True)
class Variant:
    """A valid server: how it differs from the emulator, how to build it, and rows it may leave skipped.

    `may_skip` maps a requirement to the reason a run against this server cannot check it (beyond what the
    correct emulator's run skips); every other row must pass.
    """

    name: str
    differs: str
    wrap: Wrap = lambda app: app
    config: dict[str, Any] | None = None
    may_skip: dict[str, str] = field(default_factory=dict)
    area: str = "contract"  # the class of rules whose room it uses: "model" for the model's invariants
    operation_timeout: float | None = None


def _extra_fields(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Read-only fields the contract does not name, in every object the API answers (never inside the maps the
    client sent: input_values, output_values, or the keyed maps items / validation_errors / payload)."""
    extra = {"conformance_extra": "read-only", "owner": {"id": "conformance", "myself": True}}
    if isinstance(body, dict):
        if isinstance(body.get("items"), list):  # a list answer: each item too
            body["items"] = [{**item, **extra} if isinstance(item, dict) else item for item in body["items"]]
        elif isinstance(body.get("items"), dict):  # a batch result: each created item too
            body["items"] = {k: {**v, **extra} if isinstance(v, dict) else v for k, v in body["items"].items()}
        if isinstance(body.get("tasks"), list):  # a suite's tasks
            body["tasks"] = [
                {**t, "conformance_extra": "read-only"} if isinstance(t, dict) else t for t in body["tasks"]
            ]
        if isinstance(body.get("details"), dict):
            body["details"]["conformance_extra"] = 0
        body = {**body, **extra}
    elif isinstance(body, list):  # a log: each entry
        body = [{**entry, "conformance_extra": "read-only"} if isinstance(entry, dict) else entry for entry in body]
    return status, body


def _reordered_sets(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    return status, walk(body, lambda key, value: value[::-1] if key in _SETS and isinstance(value, list) else value)


def _fraction(digits: int) -> Any:
    def change(moment: str) -> str:
        whole, _, fraction = moment.partition(".")
        return whole if digits == 0 else f"{whole}.{(fraction + '0' * 6)[:digits]}"

    return lambda scope, status, body: (status, retimed(body, change))


def _to_other_id(value: str) -> str:
    return value.replace("--", ".").upper()


def _from_other_id(value: str) -> str:
    return value.lower().replace(".", "--") if _OTHER_ID.match(value) else value


def _other_ids(app: ASGIApp) -> ASGIApp:
    """Task and suite ids in another format (`0000000A1F.6422CA21...` for `0000000a1f--6422ca21...`), still
    sorting in creation order; requests naming them are translated back."""

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        parts = path(scope).split("/")
        if len(parts) == 5 and path(scope).startswith((TASKS + "/", SUITES + "/")):
            parts[4] = _from_other_id(parts[4])
            scope = {**scope, "path": "/".join(parts), "raw_path": "/".join(parts).encode()}
        params = query(scope)
        if any(name in params for name in _ID_PARAMS):
            scope = with_query(scope, {k: _from_other_id(v) if k in _ID_PARAMS else v for k, v in params.items()})
        return scope, body

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        return status, walk(
            body,
            lambda key, value: (
                _to_other_id(value) if key in _ID_KEYS and isinstance(value, str) and _ITEM_ID.match(value) else value
            ),
        )

    return Rewrite(app, request=request, response=response)


def _running_when_accepted(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """The 202 says the operation is already RUNNING (started set)."""
    if status == 202 and isinstance(body, dict) and body.get("status") == "PENDING":
        body["status"], body["started"] = "RUNNING", body.get("submitted")
    return status, body


def _payload_null(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if status >= 400 and isinstance(body, dict) and "code" in body and body.get("payload") is None:
        body["payload"] = None
    return status, body


def _slow_operations(app: ASGIApp) -> ASGIApp:
    """Every operation reads RUNNING for its first three reads, whatever the emulator has done meanwhile."""
    reads: dict[str, int] = {}

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if is_operation_read(scope) and status == 200 and isinstance(body, dict):
            seen = reads[str(body.get("id"))] = reads.get(str(body.get("id")), 0) + 1
            if seen <= 3:
                body["status"] = "RUNNING"
                body["started"] = body.get("started") or body.get("submitted")
                body.pop("finished", None)
        return status, body

    return Rewrite(app, response=response)


_INVALID_SOLUTION = "conformance_invalid_solution"
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "url": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}
# Without a project in the emulator's config: the answer the suite's emulator target uses.
_DEFAULT_OUTPUT_SPEC: dict[str, Any] = {"label": "string"}


def _output_checker(spec: dict[str, Any] | None) -> Callable[[Any], bool]:
    """Whether an output_values matches the output spec (field -> FieldSpec or type name): no undeclared field,
    every required one present, each of its declared type (types this server does not know pass)."""
    fields = {name: getattr(s, "type", s) for name, s in (spec or _DEFAULT_OUTPUT_SPEC).items()}
    required = {name for name, s in (spec or _DEFAULT_OUTPUT_SPEC).items() if getattr(s, "required", True)}

    def valid(values: Any) -> bool:
        if not isinstance(values, dict) or set(values) - set(fields) or required - set(values):
            return False
        return all(_TYPES.get(str(fields[name]).lower(), lambda v: True)(value) for name, value in values.items())

    return valid


def _poison(task: dict[str, Any], valid: Callable[[Any], bool]) -> None:
    """Mark a task whose solutions break the output spec, so that the emulator refuses it (an unknown input field)."""
    solutions = [*(task.get("known_solutions") or []), *(task.get("baseline_solutions") or [])]
    wrong = any(not (isinstance(s, dict) and valid(s.get("output_values"))) for s in solutions)
    if wrong and isinstance(task.get("input_values"), dict):
        task["input_values"] = {**task["input_values"], _INVALID_SOLUTION: True}


def pools(app: ASGIApp) -> list[str]:
    """The configured pool ids."""
    return list(emulator_of(app).config.pools)


def _enforce_output_spec(app: ASGIApp) -> ASGIApp:
    """Known and baseline solutions are checked against the project's output spec (as configured): an item
    with a wrong answer is invalid, its error at `known_solutions.0.output_values` (tasks.<i>. for suites)."""

    checkers = {pool_id: _output_checker(pool_project_spec(app, pool_id, "output_spec")) for pool_id in pools(app)}

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if not is_upload(scope):
            return scope, body
        try:
            parsed = json.loads(body)
        except ValueError:
            return scope, body
        for item in parsed if isinstance(parsed, list) else [parsed]:
            if isinstance(item, dict):
                inner = item.get("tasks") if path(scope) == SUITES else [item]
                for task in inner if isinstance(inner, list) else []:
                    if isinstance(task, dict):
                        _poison(task, checkers.get(str(item.get("pool_id")), _output_checker(None)))
        return scope, json.dumps(parsed).encode()

    def unpoison(key: str, value: Any) -> Any:
        if isinstance(value, dict):
            value.pop(_INVALID_SOLUTION, None)
            for name in [k for k in value if isinstance(k, str) and _INVALID_SOLUTION in k]:
                new = name.replace(f"input_values.{_INVALID_SOLUTION}", "known_solutions.0.output_values")
                value[new] = {"code": "VALUE_NOT_ALLOWED", "message": "The answer does not match the output spec"}
                del value[name]
        return value

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        return status, unpoison("", walk(body, unpoison))

    return Rewrite(app, request=request, response=response)


def _no_created(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Tasks and suites carry no `created` (optional in the read models); operations keep their timestamps."""
    return status, (without(body, "created") if path(scope).startswith((TASKS, SUITES)) else body)


def _no_request_id(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    return status, (without(body, "request_id") if status >= 400 else body)


def _log_reversed(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Log entries in reverse order (a TASK_VALIDATE entry may come first, as in toloka-kit's fixtures)."""
    return status, (body[::-1] if is_log(scope) and isinstance(body, list) else body)


def _numeric_pool_id(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """A POOL_OPEN log entry's `input.pool_id` as a number."""
    if is_log(scope) and isinstance(body, list):
        for entry in body:
            pool_id = (entry.get("input") or {}).get("pool_id") if isinstance(entry, dict) else None
            if entry.get("type") == "POOL_OPEN" and isinstance(pool_id, str) and pool_id.isdigit():
                entry["input"]["pool_id"] = int(pool_id)
    return status, body


def _single_object(app: ASGIApp) -> ASGIApp:
    """A one-object upload is served by this wrapper as the one-item array: 201 with the created object itself,
    a 400 whose payload is keyed by field path, a 202 whose log has one entry."""

    def request(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
        if is_upload(scope):
            try:
                parsed = json.loads(body)
            except ValueError:
                return scope, body
            if isinstance(parsed, dict):
                return {**scope, _MARK: True}, json.dumps([parsed]).encode()
        return scope, body

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if not scope.get(_MARK) or not isinstance(body, dict):
            return status, body
        if status == 201:
            created = (body.get("items") or {}).get("0")
            if created is not None:
                return 201, created
            errors = (body.get("validation_errors") or {}).get("0", {})
            return error(400, "VALIDATION_ERROR", "Validation failed", errors)
        payload = body.get("payload")
        if status == 400 and isinstance(payload, dict) and set(payload) == {"0"}:
            body["payload"] = payload["0"]
        return status, body

    return Rewrite(app, request=request, response=response)


def _suite_task_ids(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """A suite's tasks on reads carry a read-only `id` and `origin_task_id`, as toloka-kit models them."""

    def add(key: str, value: Any) -> Any:
        if key == "tasks" and isinstance(value, list):
            return [
                {**task, "id": f"{index:010x}--suitetask", "origin_task_id": f"{index:010x}--origin"}
                if isinstance(task, dict)
                else task
                for index, task in enumerate(value)
            ]
        return value

    return status, (walk(body, add) if path(scope).startswith(SUITES) else body)


def _false_omitted(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Booleans whose documented default is false are left out when false (absent means the default)."""

    def drop(key: str, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if not (k in ("infinite_overlap", "mixed") and v is False)}
        return value

    if path(scope).startswith((TASKS, SUITES)):
        body = drop("", walk(body, drop))
    return status, body


def _body_before_media_type(app: ASGIApp) -> ASGIApp:
    """A body that is no upload at all answers 400 before its Content-Type is looked at (a request that breaks
    two rules may get either answer)."""

    def answer(scope: Scope, body: bytes) -> tuple[int, Any] | None:
        if not is_upload(scope) or (header(scope, b"content-type") or b"").startswith(b"application/json"):
            return None
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        valid = isinstance(parsed, dict) or (
            isinstance(parsed, list) and bool(parsed) and all(isinstance(i, dict) for i in parsed)
        )
        return None if valid else error(400, "VALIDATION_ERROR", "The body must be a task or an array of tasks")

    return Rewrite(app, answer=answer)


# ---- where the model's invariants leave room


def _only_for(matches: Callable[[Scope, int], bool], rewrite: Callable[[Scope, int, Any], tuple[int, Any]]) -> Wrap:
    """`rewrite` applied to the answers `matches(scope, status)` selects."""

    def selective(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        return rewrite(scope, status, body) if matches(scope, status) else (status, body)

    return on_response(selective)


def _is_list(scope: Scope, status: int) -> bool:
    return scope.get("method") == "GET" and path(scope) in (TASKS, SUITES)


def _is_item_get(scope: Scope, status: int) -> bool:
    return scope.get("method") == "GET" and path(scope).startswith((TASKS + "/", SUITES + "/"))


def _remaining_zero(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """remaining_overlap 0 on every read (Toloka's set-overlap-or-min can leave 0; it never exceeds overlap)."""
    return status, walk(body, lambda key, value: 0 if key == "remaining_overlap" and isinstance(value, int) else value)


def _operation_fields(change: Callable[[dict[str, Any]], None]) -> Callable[[Scope, int, Any], tuple[int, Any]]:
    """Operation answers (202 and GET /operations/{id}) changed by `change`."""

    def rewrite(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if isinstance(body, dict) and "submitted" in body and (is_operation_read(scope) or status == 202):
            change(body)
        return status, body

    return rewrite


def _no_parameters(body: dict[str, Any]) -> None:
    body.pop("parameters", None)


def _parameters_with_more(body: dict[str, Any]) -> None:
    if isinstance(body.get("parameters"), dict):
        body["parameters"] = {**body["parameters"], "pool_id": "1", "operation_owner": "requester"}


def _details_when_ended(body: dict[str, Any]) -> None:
    if body.get("status") not in ("SUCCESS", "FAIL"):
        body.pop("details", None)


def _no_started_finished(body: dict[str, Any]) -> None:
    body.pop("started", None)
    body.pop("finished", None)


def _progress(body: dict[str, Any]) -> None:
    body["progress"] = 100 if body.get("status") in ("SUCCESS", "FAIL") else 0


def _log_extra_step(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """A step of a type the contract does not list (enums grow), and extra keys in each entry's output."""
    if is_log(scope) and isinstance(body, list):
        for entry in body:
            if isinstance(entry, dict) and isinstance(entry.get("output"), dict):
                entry["output"] = {**entry["output"], "step_id": "conformance-extra"}
        body = [{"type": "OPERATION_STARTED", "success": True, "input": {}, "output": {}}, *body]
    return status, body


def _empty_validation_errors(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """A sync batch 201 with nothing invalid carries `validation_errors: {}`."""
    if is_upload(scope) and status == 201 and isinstance(body, dict) and "items" in body:
        body.setdefault("validation_errors", {})
    return status, body


def _by_id_ascending_without_sort(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """A list without `sort` comes newest first (its order is the server's choice)."""
    if "sort" not in query(scope) and isinstance(body, dict) and isinstance(body.get("items"), list):
        body["items"] = body["items"][::-1]
    return status, body


def _started_at_submitted(body: dict[str, Any]) -> None:
    """`started` equal to `submitted`, `finished` to `started` (ordered, not strictly)."""
    if isinstance(body.get("started"), str):
        body["started"] = body["submitted"]
    if isinstance(body.get("finished"), str):
        body["finished"] = body["started"]


def _parameters_sent_only(body: dict[str, Any]) -> None:
    """`parameters` carry only the flags that are true (false ones left out: absent keys say nothing)."""
    if isinstance(body.get("parameters"), dict):
        body["parameters"] = {k: v for k, v in body["parameters"].items() if v is not False}


def _details_extended(body: dict[str, Any]) -> None:
    if isinstance(body.get("details"), dict):
        body["details"] = {**body["details"], "items_count": body["details"].get("total_count")}


def _no_remaining_overlap(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    return status, (without(body, "remaining_overlap") if path(scope).startswith((TASKS, SUITES)) else body)


def _operation_reads_in_seconds(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """GET /operations/{id} shows whole seconds, the 202 milliseconds (the same instants at the coarser precision)."""
    return _fraction(0)(scope, status, body) if is_operation_read(scope) else (status, body)


def _error_entries_first(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Validation entries before creation entries (the log's order is not promised)."""
    if is_log(scope) and isinstance(body, list):
        body = sorted(body, key=lambda entry: bool(isinstance(entry, dict) and entry.get("success")))
    return status, body


def _automerged(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Suites read with `automerged: false` and tasks with `origin_task_id` absent: read-only fields."""

    def add(key: str, value: Any) -> Any:
        if isinstance(value, dict) and "tasks" in value and "pool_id" in value:
            return {**value, "automerged": False}
        return value

    return status, (walk(body, add) if path(scope).startswith(SUITES) else body)


def _error_names_id(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    """Every 404 carries `payload.id`, the id the request named (a foreign object's as a missing one's)."""
    if status == 404 and isinstance(body, dict):
        named = path(scope).rstrip("/").rsplit("/", 1)[-1]
        if is_upload(scope):
            named = "the pool_id sent"
        body["payload"] = {"id": named}
    return status, body


def _allow_with_options(scope: Scope, status: int, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A 405's Allow also names OPTIONS (more than the documented methods)."""
    return [(k, v + b", OPTIONS") if k.lower() == b"allow" else (k, v) for k, v in headers]


def _operation_variant(name: str, differs: str, change: Callable[[dict[str, Any]], None]) -> Variant:
    """A valid server whose operation answers differ by `change` only."""
    return Variant(name, differs, on_response(_operation_fields(change)))


def _retry_after_hour(scope: Scope, status: int, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A 429's Retry-After says an hour (any whole number of seconds >= 0 is documented)."""
    return [(k, b"3600") if k.lower() == b"retry-after" else (k, v) for k, v in headers] if status == 429 else headers


HTTP_VARIANTS: tuple[Variant, ...] = (
    Variant("retry_after_an_hour", "a 429's Retry-After is 3600", lambda app: Rewrite(app, headers=_retry_after_hour)),
    Variant("error_payload_names_id", "every 404 names the id asked for in its payload", on_response(_error_names_id)),
    Variant(
        "allow_lists_options", "a 405's Allow names OPTIONS too", lambda app: Rewrite(app, headers=_allow_with_options)
    ),
)
_MODEL_VARIANTS: tuple[Variant, ...] = (
    Variant(
        "list_created_in_seconds",
        "list pages carry `created` in whole seconds (the same instant at that precision)",
        _only_for(_is_list, _fraction(0)),
    ),
    Variant(
        "get_created_six_digits",
        "GET by id carries `created` with 6 fractional digits, uploads with 3",
        _only_for(_is_item_get, _fraction(6)),
    ),
    Variant("remaining_overlap_zero", "remaining_overlap 0 (below overlap)", on_response(_remaining_zero)),
    _operation_variant("operation_without_parameters", "operations without `parameters`", _no_parameters),
    _operation_variant(
        "operation_parameters_extended",
        "operation `parameters` carry keys beyond the upload flags",
        _parameters_with_more,
    ),
    _operation_variant("details_only_when_ended", "operations carry `details` only once ended", _details_when_ended),
    _operation_variant(
        "operation_without_started_finished", "operations without `started` and `finished`", _no_started_finished
    ),
    _operation_variant("operation_progress", "operations carry `progress`", _progress),
    Variant(
        "log_extra_step", "logs with a step of an unlisted type and extra output keys", on_response(_log_extra_step)
    ),
    Variant(
        "empty_validation_errors",
        "a sync batch 201 with nothing invalid carries `validation_errors: {}`",
        on_response(_empty_validation_errors),
    ),
    _operation_variant(
        "operation_times_equal",
        "an operation's started equals submitted, finished equals started",
        _started_at_submitted,
    ),
    _operation_variant(
        "parameters_true_flags_only", "operation `parameters` leave out the flags that are false", _parameters_sent_only
    ),
    _operation_variant("details_extended", "operation `details` carry a counter beyond the five", _details_extended),
    Variant("no_remaining_overlap", "tasks and suites without `remaining_overlap`", on_response(_no_remaining_overlap)),
    Variant(
        "operation_reads_in_seconds",
        "GET /operations/{id} shows whole seconds, the 202 milliseconds",
        on_response(_operation_reads_in_seconds),
    ),
    Variant("log_errors_first", "log validation entries before creation entries", on_response(_error_entries_first)),
    Variant("suites_automerged", "suites read with `automerged: false`", on_response(_automerged)),
    Variant(
        "lists_newest_first_without_sort",
        "a list without `sort` comes newest first",
        _only_for(_is_list, _by_id_ascending_without_sort),
    ),
)


VARIANTS: tuple[Variant, ...] = (
    Variant(
        "extra_read_only_fields", "read-only fields the contract does not name, everywhere", on_response(_extra_fields)
    ),
    Variant("sets_reordered", "reserved_for, unavailable_for, traits_* in another order", on_response(_reordered_sets)),
    Variant("six_digit_fractions", "timestamps with 6 fractional digits", on_response(_fraction(6))),
    Variant("no_fractions", "timestamps with no fractional seconds", on_response(_fraction(0))),
    Variant("other_id_formats", "task and suite ids in another (still sortable) format", _other_ids),
    Variant("running_when_accepted", "the 202 Operation is already RUNNING", on_response(_running_when_accepted)),
    Variant("payload_null", "errors without details carry `payload: null`", on_response(_payload_null)),
    Variant("slow_operations", "operations read RUNNING for their first three reads", _slow_operations),
    Variant("output_spec_enforced", "solutions are checked against the output spec", _enforce_output_spec),
    Variant("no_created", "tasks and suites without `created`", on_response(_no_created)),
    Variant("no_request_id", "errors without `request_id`", on_response(_no_request_id)),
    Variant("no_retry_after", "a 429 without Retry-After (payload.interval only)", dropping_header(b"retry-after")),
    Variant("log_reordered", "log entries in another order than the request's", on_response(_log_reversed)),
    Variant("numeric_pool_id_in_log", "a POOL_OPEN entry's input.pool_id is a number", on_response(_numeric_pool_id)),
    Variant("single_object_answer", "one-object uploads answered by a wrapper, not the emulator", _single_object),
    Variant(
        "as_the_sources_show",
        "issue 9's server: no created, no request_id, no Retry-After, the log in another order, one-object "
        "uploads answered with the object",
        chain(
            _single_object,
            on_response(_no_created),
            on_response(_no_request_id),
            dropping_header(b"retry-after"),
            on_response(_log_reversed),
            on_response(_numeric_pool_id),
        ),
    ),
    Variant("suite_task_ids", "a suite's tasks read back with `id` and `origin_task_id`", on_response(_suite_task_ids)),
    Variant("false_booleans_omitted", "infinite_overlap / mixed left out when false", on_response(_false_omitted)),
    Variant(
        "small_rate_limit",
        "a per-minute item limit below 5000 (one request above it is a 413)",
        config={"limits": {"items_per_minute": 3000}},
        may_skip={
            row: "a full sync request of 5000 is over this account's per-minute limit"
            for row in ("tasks.sync_full", "suites.sync_full")
        },
    ),
    Variant("body_checked_before_media_type", "a non-upload body is 400 whatever its type", _body_before_media_type),
)

MODEL_VARIANTS = tuple(replace(variant, area="model") for variant in _MODEL_VARIANTS)
VARIANTS = VARIANTS + MODEL_VARIANTS + HTTP_VARIANTS
BY_NAME = {variant.name: variant for variant in VARIANTS}
