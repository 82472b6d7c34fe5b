"""Building blocks the checks share: example items, status expectations, read-back, pools and polling."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, Skipped
from toloka_conformance.waiting import NotEnded

TASKS = "/api/v1/tasks"
SUITES = "/api/v1/task-suites"
OPERATIONS = "/api/v1/operations"
POOLS = "/api/v1/pools"
PROJECTS = "/api/v1/projects"
ENDED = ("SUCCESS", "FAIL")

POOL_READ = (
    "[openapi.yaml get_pool; fullApi getPool] GET /api/v1/pools/{pool_id} answers the pool: `id`, `project_id`, "
    "`status` (OPEN, CLOSED, ARCHIVED, LOCKED), `defaults`."
)
POOL_CLOSE = (
    "[openapi.yaml close_pool; fullApi closePool] POST /api/v1/pools/{pool_id}/close answers 202 with a POOL.CLOSE "
    "Operation, or 204 when the pool already is closed; afterwards the pool reads CLOSED."
)


def task(ctx: Context, **fields: Any) -> dict[str, Any]:
    """A valid task for the target pool (overlap 1 unless given)."""
    return {"pool_id": ctx.target.pool_id, "input_values": dict(ctx.target.input_values), "overlap": 1, **fields}


def invalid_task(ctx: Context, **fields: Any) -> dict[str, Any]:
    """A task whose `input_values` the pool rejects."""
    return task(ctx, input_values=dict(ctx.target.invalid_input_values), **fields)


def suite(ctx: Context, *, valid: bool = True, **fields: Any) -> dict[str, Any]:
    """A task suite of one task for the target pool (overlap 1 unless given)."""
    values = ctx.target.input_values if valid else ctx.target.invalid_input_values
    return {"pool_id": ctx.target.pool_id, "overlap": 1, "tasks": [{"input_values": dict(values)}], **fields}


def expect_status(exchange: Exchange, status: int, rule: str) -> None:
    """Fail unless the response has `status`."""
    if exchange.status != status:
        raise Failed(exchange.summary(), expected=f"HTTP {status}", rule=rule, exchange=exchange)


def expect_error(exchange: Exchange, status: int, code: str, rule: str) -> dict[str, Any]:
    """Fail unless the response is the Toloka error body with `status` and `code`; return the body."""
    if exchange.status != status:
        raise Failed(exchange.summary(), expected=f"HTTP {status} with code {code}", rule=rule, exchange=exchange)
    body = exchange.json()
    if not isinstance(body, dict) or body.get("code") != code:
        raise Failed(exchange.summary(), expected=f"error code {code}", rule=rule, exchange=exchange)
    return body


def json_object(exchange: Exchange, rule: str) -> dict[str, Any]:
    """The response body, which must be a JSON object."""
    body = exchange.json()
    if not isinstance(body, dict):
        raise Failed(exchange.summary(), expected="a JSON object", rule=rule, exchange=exchange)
    return body


def string_keyed(body: dict[str, Any], key: str, exchange: Exchange, rule: str) -> dict[str, Any]:
    """`body[key]` as an object (absent counts as empty), or fail."""
    value = body.get(key, {})
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise Failed(
            f"`{key}` is {type(value).__name__}: {exchange.summary()}",
            expected=f"`{key}` an object keyed by index",
            rule=rule,
            exchange=exchange,
        )
    return value


def create_one(
    ctx: Context, path: str, item: dict[str, Any], rule: str, **params: str | int | bool
) -> tuple[dict[str, Any], Exchange]:
    """POST one item synchronously; fail unless 201 with `items["0"]` carrying an id. Returns (created, exchange)."""
    exchange = ctx.api.post(path, [item], **params)
    expect_status(exchange, 201, rule)
    created = string_keyed(json_object(exchange, rule), "items", exchange, rule).get("0")
    if not isinstance(created, dict) or not isinstance(created.get("id"), str):
        raise Failed(exchange.summary(), expected="items['0'] with a string id", rule=rule, exchange=exchange)
    return created, exchange


def newest_id(ctx: Context, path: str, pool_id: str | None = None) -> str | None:
    """The id of the newest item in the pool (ids sort as strings in creation order), None if empty."""
    exchange = ctx.api.get(path, pool_id=pool_id or ctx.target.pool_id, sort="-id", limit=1)
    items = list_items(exchange)
    return str(items[0]["id"]) if items else None


def created_after(ctx: Context, path: str, after: str | None, pool_id: str | None = None) -> list[dict[str, Any]]:
    """Items of the pool whose id sorts after `after` (all of them when None)."""
    params: dict[str, str | int | bool] = {"pool_id": pool_id or ctx.target.pool_id, "limit": 100_000}
    if after is not None:
        params["id_gt"] = after
    return list_items(ctx.api.get(path, **params))


def expect_nothing_created(
    ctx: Context, path: str, after: str | None, rule: str, cause: Exchange, pool_id: str | None = None
) -> None:
    """Fail when the pool has items newer than `after`: the request `cause` created something.

    In a shared window (`Window`) the target pool is counted once for all its checks, after them: nothing here."""
    if _in_window(ctx, pool_id) is not None:
        return
    created = created_after(ctx, path, after, pool_id)
    if created:
        raise Failed(
            f"{len(created)} item(s) were created (read back with GET {path}?pool_id=...&id_gt=...) after "
            f"{cause.summary()}",
            expected="nothing created by a refused request",
            rule=rule,
            exchange=cause,
        )


def count_created(ctx: Context, path: str, after: str | None, operation_id: str, expected: int) -> int:
    """How many items of the target pool are newer than `after` (the check compares it with `expected`).

    In a shared window the pool is counted once for all its checks: the items the operation `operation_id`
    created (as its log names them) are claimed for the window's count, and `expected` is answered."""
    window = _in_window(ctx)
    if window is None:
        return len(created_after(ctx, path, after))
    window.claim(ctx, path, operation_id, expected)
    return expected


def claim_created(ctx: Context, path: str, operation_id: str, expected: int) -> None:
    """The operation `operation_id` of this check created `expected` items in the target pool: alone, nothing to do
    (the check counts from after it); in a shared window, they are claimed for the window's count."""
    window = _in_window(ctx)
    if window is not None:
        window.claim(ctx, path, operation_id, expected)


@dataclass
class Window:
    """Lone checks that wait for operations share one window where nothing else creates: the target pool is read
    before them and once more after all of them, instead of before and after each (their waits overlap: one
    operation latency instead of one each).

    While in the window, a check does not count the pool itself (`expect_nothing_created` and `count_created` defer
    to the window); it claims what its own uploads created, by the ids its operations' logs name (`claim`). The
    window holds when the pool gained exactly the claimed items: then no refused request of any of its checks
    created anything, and each claimed upload created exactly what it should. Otherwise (or when a claim could not
    be backed by a log) the runner runs the checks again one at a time, each counting the pool itself, so a
    failure is blamed on the check that causes it.
    """

    claimed: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # path -> ids claimed
    unbacked: list[str] = dataclasses.field(default_factory=list)  # why a claim could not be made exactly
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False)

    def claim(self, ctx: Context, path: str, operation_id: str, expected: int) -> None:
        """Claim the items the operation's log names as created in `path` (exactly `expected` of them)."""
        kind, key = ("TASK_CREATE", "task_id") if path == TASKS else ("TASK_SUITE_CREATE", "task_suite_id")
        try:
            log, _ = read_log(ctx, operation_id)
        except Failed as failure:
            self._unbacked(f"the log of operation {operation_id} could not be read: {failure.observed}")
            return
        ids = {
            str(entry["output"][key])
            for entry in log
            if entry.get("type") == kind and isinstance(entry.get("output"), dict) and entry["output"].get(key)
        }
        if len(ids) != expected:
            self._unbacked(f"the log of operation {operation_id} names {len(ids)} created item(s), not {expected}")
        with self._lock:
            self.claimed.setdefault(path, set()).update(ids)

    def _unbacked(self, why: str) -> None:
        with self._lock:
            self.unbacked.append(why)

    def holds(self, created: dict[str, list[str]]) -> str | None:
        """None when the pool gained exactly the claimed items (`created`: path -> ids newer than the window's
        start); else why the window cannot vouch for its checks."""
        if self.unbacked:
            return "; ".join(self.unbacked)
        for path in sorted(set(created) | set(self.claimed)):
            gained, claimed = set(created.get(path, [])), self.claimed.get(path, set())
            if gained != claimed or len(created.get(path, [])) != len(gained):
                return (
                    f"{len(created.get(path, []))} item(s) created in {path} during the window, "
                    f"{len(claimed)} claimed by its checks' operations"
                )
        return None


_WINDOW: ContextVar[Window | None] = ContextVar("window", default=None)


@contextmanager
def in_window(window: Window) -> Iterator[None]:
    """The checks called in the block (in this thread) run in the shared `window`."""
    token = _WINDOW.set(window)
    try:
        yield
    finally:
        _WINDOW.reset(token)


def _in_window(ctx: Context, pool_id: str | None = None) -> Window | None:
    """The shared window this thread's check runs in, for reads of the target pool (None: alone)."""
    window = _WINDOW.get()
    return window if window is not None and (pool_id is None or pool_id == ctx.target.pool_id) else None


def list_items(exchange: Exchange) -> list[dict[str, Any]]:
    """The `items` of a list answer; fail unless it is 200 with an array of items."""
    body = exchange.json()
    if exchange.status != 200 or not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise Failed(
            exchange.summary(),
            expected="200 with {items: [...], has_more}",
            rule="[openapi.yaml list_tasks / list_task_suites] a list answers `items` and `has_more`",
            exchange=exchange,
        )
    return [item for item in body["items"] if isinstance(item, dict)]


def wait_until_ended(ctx: Context, operation_id: str, cause: Exchange) -> dict[str, Any]:
    """Poll the operation until SUCCESS or FAIL; fail when it does not end within the timeout."""
    return poll_until_ended(ctx, operation_id, cause)[0]


OPERATION_READ = "[openapi.yaml get_operation] GET /operations/{id} answers the operation"


def poll_until_ended(ctx: Context, operation_id: str, cause: Exchange) -> tuple[dict[str, Any], Exchange]:
    """Poll the operation until SUCCESS or FAIL (the run's `ctx.waits`); the ended operation and the GET that showed
    it."""
    rule = "[openapi.yaml get_operation] Poll the operation until `status` is `SUCCESS` or `FAIL`."
    try:
        return ctx.waits.until_ended(
            lambda: ctx.api.get(f"{OPERATIONS}/{operation_id}"),
            lambda exchange: json_object(exchange, OPERATION_READ),
        )
    except NotEnded as late:
        timeout = ctx.target.operation_timeout
        said = (
            f"not waited for: {ctx.waits.stuck} earlier in this run (--operation-timeout {timeout:g})"
            if late.already
            else f"after {timeout:g} s (--operation-timeout)"
        )
        raise Failed(
            f"operation {operation_id} is still {late.status!r} {said}",
            expected="`status` SUCCESS or FAIL within the timeout",
            rule=rule,
            exchange=cause,
        ) from None


ASYNC_ACCEPTED = "[openapi.yaml] With `async_mode=true` the answer is 202 with an `Operation` to poll until it ends."


def start_async(ctx: Context, path: str, items: Any, **params: str | int | bool) -> tuple[str, Exchange]:
    """POST in async mode (an array, or one object); fail unless 202 with an operation id. Returns (id, exchange)."""
    exchange = ctx.api.post(path, items, async_mode=True, **params)
    return accepted_operation(exchange), exchange


def accepted_operation(exchange: Exchange, rule: str = ASYNC_ACCEPTED) -> str:
    """The operation id of a 202 answer; fail unless it is one."""
    expect_status(exchange, 202, rule)
    operation_id = json_object(exchange, rule).get("id")
    if not isinstance(operation_id, str) or not operation_id:
        raise Failed(exchange.summary(), expected="a 202 Operation with a string `id`", rule=rule, exchange=exchange)
    return operation_id


def settle_if_accepted(ctx: Context, exchange: Exchange) -> None:
    """A POST the check expects refused but the server accepted (202): wait for its operation to end, best
    effort, so that its items do not land in a later check's pool reads. Never fails by itself."""
    if exchange.status != 202:
        return
    body = exchange.json()
    operation_id = body.get("id") if isinstance(body, dict) else None
    if isinstance(operation_id, str):
        with suppress(Failed):
            wait_until_ended(ctx, operation_id, exchange)


def read_log(ctx: Context, operation_id: str) -> tuple[list[dict[str, Any]], Exchange]:
    """The operation's log entries and the GET that read them; fail unless it is a JSON array."""
    exchange = ctx.api.get(f"{OPERATIONS}/{operation_id}/log")
    body = exchange.json()
    if exchange.status != 200 or not isinstance(body, list):
        raise Failed(
            exchange.summary(),
            expected="200 with the log as a JSON array",
            rule="[openapi.yaml get_operation_log] the log is a JSON array of entries",
            exchange=exchange,
        )
    return [entry for entry in body if isinstance(entry, dict)], exchange


def item_index(entry: dict[str, Any]) -> str | None:
    """The `input.__item_idx` a log entry answers for (clients key on it: the log's order is not promised)."""
    value = (entry.get("input") or {}).get("__item_idx") if isinstance(entry.get("input"), dict) else None
    return None if value is None else str(value)


# ---- pools and projects


def read_pool(ctx: Context, pool_id: str, rule: str = POOL_READ) -> tuple[dict[str, Any], Exchange]:
    """GET the pool; fail unless 200 with an object."""
    exchange = ctx.api.get(f"{POOLS}/{pool_id}")
    expect_status(exchange, 200, rule)
    return json_object(exchange, rule), exchange


def pool_status(ctx: Context, pool_id: str, rule: str = POOL_READ) -> tuple[str, Exchange]:
    """The pool's `status` as read by GET /pools/{id}."""
    body, exchange = read_pool(ctx, pool_id, rule)
    status = body.get("status")
    if not isinstance(status, str):
        raise Failed(exchange.summary(), expected="the pool with a string `status`", rule=rule, exchange=exchange)
    return status, exchange


def pool_defaults(ctx: Context, pool_id: str) -> dict[str, Any]:
    """The pool's `defaults` as read by GET /pools/{id} (an empty dict when it has none)."""
    body, exchange = read_pool(ctx, pool_id)
    defaults = body.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise Failed(exchange.summary(), expected="`defaults` an object", rule=POOL_READ, exchange=exchange)
    return defaults


def close_pool(ctx: Context, pool_id: str) -> str:
    """Close the pool (POST /close, waiting for its operation) and check it reads CLOSED; what happened."""
    exchange = ctx.api.post(f"{POOLS}/{pool_id}/close", None)
    if exchange.status == 204:
        how = "204 (already closed)"
    else:
        operation_id = accepted_operation(exchange, POOL_CLOSE)
        operation = wait_until_ended(ctx, operation_id, exchange)
        if operation.get("type") != "POOL.CLOSE" or operation.get("status") != "SUCCESS":
            raise Failed(
                f"the close operation ended as type {operation.get('type')!r}, status {operation.get('status')!r}",
                expected="a POOL.CLOSE operation that ends in SUCCESS",
                rule=POOL_CLOSE,
                exchange=exchange,
            )
        how = "202 POOL.CLOSE -> SUCCESS"
    status, read = pool_status(ctx, pool_id, POOL_CLOSE)
    if status != "CLOSED":
        raise Failed(f"after closing it, the pool reads {status!r}", expected="CLOSED", rule=POOL_CLOSE, exchange=read)
    return how


def closed_pool(ctx: Context) -> str:
    """The closed pool the suite may upload into, closed now (a run interrupted earlier may have left it open)."""
    pool_id = ctx.target.closed_pool_id
    if pool_id is None:
        raise Skipped("needs a closed pool the suite may upload into and open (--closed-pool-id)")
    status, _ = pool_status(ctx, pool_id)
    if status != "CLOSED":
        close_pool(ctx, pool_id)
    return pool_id


@contextmanager
def restoring_closed(ctx: Context, pool_id: str) -> Iterator[None]:
    """Close the pool again after the block, so the next check (and the next run) finds it closed.

    A failure of the block wins over a failure to close; the close is still tried.
    """
    try:
        yield
    except BaseException:
        with suppress(Exception):  # the block's own failure is the one to report
            close_pool(ctx, pool_id)
        raise
    close_pool(ctx, pool_id)


def read_project(ctx: Context, project_id: str) -> tuple[dict[str, Any], Exchange]:
    """GET the project; fail unless 200 with an object."""
    rule = PROJECT_READ
    exchange = ctx.api.get(f"{PROJECTS}/{project_id}")
    expect_status(exchange, 200, rule)
    return json_object(exchange, rule), exchange


PROJECT_READ = (
    "[openapi.yaml get_project; fullApi getProject] GET /api/v1/projects/{project_id} answers the project with "
    "`task_spec.input_spec` and `task_spec.output_spec` (field name -> FieldSpec)."
)


def project_specs(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    """The target pool's project's (input_spec, output_spec), read through GET pool and GET project."""
    pool, pool_read = read_pool(ctx, ctx.target.pool_id)
    project_id = pool.get("project_id")
    if not isinstance(project_id, (str, int)) or isinstance(project_id, bool):
        raise Failed(pool_read.summary(), expected="the pool with a `project_id`", rule=POOL_READ, exchange=pool_read)
    project, read = read_project(ctx, str(project_id))
    spec = project.get("task_spec")
    if not isinstance(spec, dict):
        raise Failed(read.summary(), expected="`task_spec` an object", rule=PROJECT_READ, exchange=read)
    specs = []
    for key in ("input_spec", "output_spec"):
        value = spec.get(key) or {}
        if not isinstance(value, dict):
            raise Failed(read.summary(), expected=f"`task_spec.{key}` an object", rule=PROJECT_READ, exchange=read)
        specs.append(value)
    return specs[0], specs[1]


def output_values(ctx: Context) -> dict[str, Any]:
    """A valid answer for the target pool's project: --output-values, else built from the project's output spec."""
    if ctx.target.output_values is not None:
        return dict(ctx.target.output_values)
    try:
        _, spec = project_specs(ctx)
    except Failed as failure:
        raise Skipped(f"needs --output-values (the project's output spec is unreadable: {failure.observed})") from None
    values = valid_values(spec)
    if values is None:
        raise Skipped("needs --output-values (no valid value derivable from the project's output spec)")
    return values


def valid_values(spec: dict[str, Any]) -> dict[str, Any] | None:
    """A value for each required field of an input or output spec, valid by its type and bounds; None if unknown."""
    values: dict[str, Any] = {}
    for name, field in spec.items():
        if not isinstance(field, dict) or field.get("required", True) is False:
            continue
        value = _valid_value(field)
        if value is None:
            return None
        values[str(name)] = value
    return values


def _valid_value(field: dict[str, Any]) -> Any:
    kind = str(field.get("type", "")).lower()
    allowed = field.get("allowed_values")
    if isinstance(allowed, list) and allowed:
        return allowed[0]
    if kind.startswith("array_"):
        inner = _valid_value({**field, "type": kind.removeprefix("array_"), "allowed_values": None})
        size = field.get("min_size")
        return None if inner is None else [inner] * max(size if isinstance(size, int) else 1, 1)
    if kind == "url":
        return "https://example.com/conformance.png"
    if kind == "string":
        low, high = field.get("min_length"), field.get("max_length")
        length = max(low if isinstance(low, int) else 1, 1)
        if isinstance(high, int):
            length = min(length, high)
        return "c" * length
    if kind in ("integer", "float"):
        low, high = field.get("min_value"), field.get("max_value")
        value: int | float = low if isinstance(low, (int, float)) else (high if isinstance(high, (int, float)) else 1)
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "json":
        return {"conformance": True}
    if kind == "coordinates":
        return "55.75,37.62"
    return None
