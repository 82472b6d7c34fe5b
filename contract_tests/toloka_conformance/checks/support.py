"""Building blocks the checks share: example items, status expectations, read-back and polling."""

from __future__ import annotations

import time
from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed

TASKS = "/api/v1/tasks"
SUITES = "/api/v1/task-suites"
OPERATIONS = "/api/v1/operations"
ENDED = ("SUCCESS", "FAIL")
_POLL_INTERVAL = 0.1


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
        raise Failed(f"expected HTTP {status}, got {exchange.summary()}. Rule: {rule}", exchange)


def expect_error(exchange: Exchange, status: int, code: str, rule: str) -> dict[str, Any]:
    """Fail unless the response is the Toloka error body with `status` and `code`; return the body."""
    expect_status(exchange, status, rule)
    body = exchange.json()
    if not isinstance(body, dict) or body.get("code") != code:
        raise Failed(f"expected error code {code}, got {exchange.summary()}. Rule: {rule}", exchange)
    return body


def json_object(exchange: Exchange, rule: str) -> dict[str, Any]:
    """The response body, which must be a JSON object."""
    body = exchange.json()
    if not isinstance(body, dict):
        raise Failed(f"expected a JSON object, got {exchange.summary()}. Rule: {rule}", exchange)
    return body


def string_keyed(body: dict[str, Any], key: str, exchange: Exchange, rule: str) -> dict[str, Any]:
    """`body[key]` as an object (absent counts as empty), or fail."""
    value = body.get(key, {})
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise Failed(f"`{key}` is not an object keyed by index: {exchange.summary()}. Rule: {rule}", exchange)
    return value


def create_one(
    ctx: Context, path: str, item: dict[str, Any], rule: str, **params: str | int | bool
) -> tuple[dict[str, Any], Exchange]:
    """POST one item synchronously; fail unless 201 with `items["0"]` carrying an id. Returns (created, exchange)."""
    exchange = ctx.api.post(path, [item], **params)
    expect_status(exchange, 201, rule)
    created = string_keyed(json_object(exchange, rule), "items", exchange, rule).get("0")
    if not isinstance(created, dict) or not isinstance(created.get("id"), str):
        raise Failed(f"items['0'] with an id is missing: {exchange.summary()}. Rule: {rule}", exchange)
    return created, exchange


def newest_id(ctx: Context, path: str, pool_id: str | None = None) -> str | None:
    """The id of the newest item in the pool (ids sort as strings in creation order), None if empty."""
    exchange = ctx.api.get(path, pool_id=pool_id or ctx.target.pool_id, sort="-id", limit=1)
    items = _list_items(exchange)
    return str(items[0]["id"]) if items else None


def created_after(ctx: Context, path: str, after: str | None, pool_id: str | None = None) -> list[dict[str, Any]]:
    """Items of the pool whose id sorts after `after` (all of them when None)."""
    params: dict[str, str | int | bool] = {"pool_id": pool_id or ctx.target.pool_id, "limit": 100_000}
    if after is not None:
        params["id_gt"] = after
    return _list_items(ctx.api.get(path, **params))


def expect_nothing_created(
    ctx: Context, path: str, after: str | None, rule: str, cause: Exchange, pool_id: str | None = None
) -> None:
    """Fail when the pool has items newer than `after`: the request `cause` created something."""
    created = created_after(ctx, path, after, pool_id)
    if created:
        raise Failed(
            f"{len(created)} item(s) were created although the request was refused ({cause.summary()}); "
            f"read back with GET {path}?pool_id=...&id_gt=... Rule: {rule}",
            cause,
        )


def _list_items(exchange: Exchange) -> list[dict[str, Any]]:
    body = exchange.json()
    if exchange.status != 200 or not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise Failed(f"cannot read items back: {exchange.summary()}", exchange)
    return [item for item in body["items"] if isinstance(item, dict)]


def wait_until_ended(ctx: Context, operation_id: str, cause: Exchange) -> dict[str, Any]:
    """Poll the operation until SUCCESS or FAIL; fail when it does not end within the timeout."""
    return poll_until_ended(ctx, operation_id, cause)[0]


def poll_until_ended(ctx: Context, operation_id: str, cause: Exchange) -> tuple[dict[str, Any], Exchange]:
    """Poll the operation until SUCCESS or FAIL; the ended operation and the GET that showed it."""
    deadline = time.monotonic() + ctx.target.operation_timeout
    while True:
        exchange = ctx.api.get(f"{OPERATIONS}/{operation_id}")
        body = json_object(exchange, "GET /operations/{id} answers the operation")
        if body.get("status") in ENDED:
            return body, exchange
        if time.monotonic() > deadline:
            raise Failed(
                f"operation {operation_id} is still {body.get('status')!r} after {ctx.target.operation_timeout:g} s "
                "(--operation-timeout). Rule: poll the operation until `status` is `SUCCESS` or `FAIL`.",
                cause,
            )
        time.sleep(_POLL_INTERVAL)


def start_async(
    ctx: Context, path: str, items: list[dict[str, Any]], **params: str | int | bool
) -> tuple[str, Exchange]:
    """POST in async mode; fail unless it answers 202 with an operation id. Returns (id, exchange)."""
    exchange = ctx.api.post(path, items, async_mode=True, **params)
    expect_status(exchange, 202, "With `async_mode=true` the answer is 202 with an `Operation` to poll until it ends.")
    body = json_object(exchange, "202 carries an Operation")
    operation_id = body.get("id")
    if not isinstance(operation_id, str) or not operation_id:
        raise Failed(f"the 202 answer has no operation id: {exchange.summary()}", exchange)
    return operation_id, exchange


def read_log(ctx: Context, operation_id: str) -> tuple[list[dict[str, Any]], Exchange]:
    """The operation's log entries and the GET that read them; fail unless it is a JSON array."""
    exchange = ctx.api.get(f"{OPERATIONS}/{operation_id}/log")
    body = exchange.json()
    if exchange.status != 200 or not isinstance(body, list):
        raise Failed(f"expected the log as a JSON array, got {exchange.summary()}", exchange)
    return [entry for entry in body if isinstance(entry, dict)], exchange
