"""One account's token sees nothing of another account: operations, logs, tasks, suites, lists."""

from __future__ import annotations

from typing import Any

from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    OPERATIONS,
    SUITES,
    TASKS,
    create_one,
    expect_error,
    json_object,
    start_async,
    suite,
    task,
)

OPERATION = "[openapi.yaml get_operation] Another account's operation answers 404, as a missing one does."
ITEM = "[openapi.yaml get_task / get_task_suite] Another account's task (suite) answers 404, as a missing one does."
LIST = "[openapi.yaml list_tasks] Lists the caller's tasks, optionally of one pool."


def _created_id(ctx: Context, path: str, item: dict[str, Any]) -> str:
    return str(create_one(ctx, path, item, ITEM)[0]["id"])


@check("isolation.operation", "Another account cannot read an operation or its log", OPERATION, creates=1)
def foreign_operation_hidden(ctx: Context) -> None:
    """An operation of this account, read with the other account's token: 404 for it and for its log."""
    other = ctx.other_account()
    operation_id, _ = start_async(ctx, TASKS, [task(ctx)])
    for path in (f"{OPERATIONS}/{operation_id}", f"{OPERATIONS}/{operation_id}/log"):
        expect_error(other.get(path), 404, "DOES_NOT_EXIST", OPERATION)


@check("isolation.task", "Another account cannot read a task", ITEM, creates=1)
def foreign_task_hidden(ctx: Context) -> None:
    """A task of this account, read by id with the other account's token: 404."""
    other = ctx.other_account()
    task_id = _created_id(ctx, TASKS, task(ctx))
    expect_error(other.get(f"{TASKS}/{task_id}"), 404, "DOES_NOT_EXIST", ITEM)


@check("isolation.suite", "Another account cannot read a task suite", ITEM, creates=1)
def foreign_suite_hidden(ctx: Context) -> None:
    """A suite of this account, read by id with the other account's token: 404."""
    other = ctx.other_account()
    suite_id = _created_id(ctx, SUITES, suite(ctx))
    expect_error(other.get(f"{SUITES}/{suite_id}"), 404, "DOES_NOT_EXIST", ITEM)


@check("isolation.list", "Another account's lists never show this account's items", LIST, creates=1)
def foreign_list_hidden(ctx: Context) -> None:
    """List this account's pool with the other account's token: no item of this account (or 404)."""
    other = ctx.other_account()
    task_id = _created_id(ctx, TASKS, task(ctx))
    exchange = other.get(TASKS, pool_id=ctx.target.pool_id, id_gte=task_id, limit=100)
    if exchange.status == 404:
        return
    items = json_object(exchange, LIST).get("items")
    if not isinstance(items, list):
        raise Failed(f"expected a task list or 404, got {exchange.summary()}. Rule: {LIST}", exchange)
    leaked = [item.get("id") for item in items if isinstance(item, dict)]
    if leaked:
        raise Failed(
            f"the other account's list shows {len(leaked)} task(s) of this account's pool. Rule: {LIST}", exchange
        )
