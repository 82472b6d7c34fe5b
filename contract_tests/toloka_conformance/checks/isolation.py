"""One account's token sees nothing of another account: operations, logs, tasks, suites, lists."""

from __future__ import annotations

from typing import Any

from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    OPERATIONS,
    POOLS,
    PROJECTS,
    SUITES,
    TASKS,
    closed_pool,
    create_one,
    expect_error,
    json_object,
    pool_status,
    read_pool,
    restoring_closed,
    start_async,
    suite,
    task,
)

OPERATION = "[openapi.yaml get_operation] Another account's operation answers 404, as a missing one does."
ITEM = "[openapi.yaml get_task / get_task_suite] Another account's task (suite) answers 404, as a missing one does."
LIST = "[openapi.yaml list_tasks] Lists the caller's tasks, optionally of one pool."
POOL = (
    "[openapi.yaml get_pool / get_project / open_pool] Another account's pool or project answers 404, as a missing "
    "one does, to reads and to actions (nothing about it leaks, nothing is changed)."
)


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
        raise Failed(exchange.summary(), expected="a task list or 404", rule=LIST, exchange=exchange)
    leaked = [item.get("id") for item in items if isinstance(item, dict)]
    if leaked:
        raise Failed(
            f"the other account's list shows {len(leaked)} task(s) of this account's pool",
            expected="none",
            rule=LIST,
            exchange=exchange,
        )


@check("isolation.pool", "Another account cannot read a pool or its project", POOL)
def foreign_pool_hidden(ctx: Context) -> str:
    """This account's pool and its project, read with the other account's token: 404 DOES_NOT_EXIST for both."""
    other = ctx.other_account()
    pool, _ = read_pool(ctx, ctx.target.pool_id)
    expect_error(other.get(f"{POOLS}/{ctx.target.pool_id}"), 404, "DOES_NOT_EXIST", POOL)
    expect_error(other.get(f"{PROJECTS}/{pool.get('project_id')}"), 404, "DOES_NOT_EXIST", POOL)
    return f"pool {ctx.target.pool_id} and project {pool.get('project_id')}: 404 to the other account"


@check("isolation.pool_action", "Another account cannot open a pool", POOL)
def foreign_pool_action(ctx: Context) -> str:
    """POST /pools/{id}/open on this account's closed pool with the other account's token: 404, still CLOSED."""
    other = ctx.other_account()
    pool_id = closed_pool(ctx)
    with restoring_closed(ctx, pool_id):
        expect_error(other.post(f"{POOLS}/{pool_id}/open", None), 404, "DOES_NOT_EXIST", POOL)
        status, read = pool_status(ctx, pool_id)
        if status != "CLOSED":
            raise Failed(
                f"after the other account's open the pool reads {status!r}", expected="CLOSED", rule=POOL, exchange=read
            )
    return f"the other account's POST /pools/{pool_id}/open: 404, the pool still CLOSED"
