"""Uploads against pools in each state: closed accepts and open_pool opens it, archived and missing refuse."""

from __future__ import annotations

from toloka_conformance.checks.base import Context, Failed, Skipped, check
from toloka_conformance.checks.support import (
    TASKS,
    expect_error,
    expect_nothing_created,
    expect_status,
    newest_id,
    poll_until_ended,
    read_log,
    start_async,
    task,
)

OPEN_POOL = (
    '[Create multiple tasks] open_pool: "Open the pool immediately after the operation is completed, if the pool is '
    'closed."; [openapi.yaml get_operation_log] "Other steps, such as POOL_OPEN, may appear."'
)
CLOSED_ACCEPTS = (
    "[openapi.yaml Conflict] a closed pool takes uploads, as in the real API; open_pool=true opens it afterwards."
)
ARCHIVED = "[openapi.yaml Conflict] 409 INAPPROPRIATE_STATUS for an archived pool."
MISSING = (
    "[openapi.yaml NotFound] a `pool_id` that names no pool of the account ... Another account's objects answer 404 "
    "too, so that nothing about them leaks; the whole request is refused and nothing is created."
)
# A pool id no server hands out (pool ids are digit strings).
_NO_SUCH_POOL = "conformance-no-such-pool"


def _closed_pool(ctx: Context) -> str:
    if ctx.target.closed_pool_id is None:
        raise Skipped("needs a closed pool the suite may upload into and open (--closed-pool-id)")
    return ctx.target.closed_pool_id


@check("pools.closed_accepts", "A closed pool accepts uploads", CLOSED_ACCEPTS, creates=1)
def closed_pool_accepts(ctx: Context) -> None:
    """One task into the closed pool with open_pool=false: 201."""
    pool_id = _closed_pool(ctx)
    exchange = ctx.api.post(TASKS, [task(ctx, pool_id=pool_id)], open_pool=False)
    expect_status(exchange, 201, CLOSED_ACCEPTS)


@check("pools.open_pool", "open_pool=true opens a closed pool (POOL_OPEN in the log)", OPEN_POOL, creates=1)
def open_pool_opens(ctx: Context) -> str:
    """Async upload into the closed pool with open_pool=true: the log shows a successful POOL_OPEN step.

    The contract has no pool read, so the log is the only place the opening is observable; a server that
    omits the step (allowed: "may appear") is reported as skipped, not passed.
    """
    pool_id = _closed_pool(ctx)
    operation_id, exchange = start_async(ctx, TASKS, [task(ctx, pool_id=pool_id)], open_pool=True)
    operation, polled = poll_until_ended(ctx, operation_id, exchange)
    if (operation.get("parameters") or {}).get("open_pool") is not True:
        raise Failed(f"the operation's parameters.open_pool is not true: {operation!r}. Rule: {OPEN_POOL}", polled)
    log, read = read_log(ctx, operation_id)
    steps = [entry for entry in log if entry.get("type") == "POOL_OPEN"]
    if not steps:
        raise Skipped("the log has no POOL_OPEN step and the contract offers no pool read: opening is unobservable")
    if not all(entry.get("success") is True for entry in steps):
        raise Failed(f"the POOL_OPEN step did not succeed: {steps!r}. Rule: {OPEN_POOL}", read)
    return f"parameters.open_pool true and {len(steps)} successful POOL_OPEN step(s) in the log"


@check("pools.archived_refused", "An archived pool refuses uploads with 409", ARCHIVED)
def archived_pool_refused(ctx: Context) -> None:
    """One task into the archived pool: 409 INAPPROPRIATE_STATUS, nothing created there."""
    pool_id = ctx.target.archived_pool_id
    if pool_id is None:
        raise Skipped("needs an archived pool of the account (--archived-pool-id)")
    before = newest_id(ctx, TASKS, pool_id)
    exchange = ctx.api.post(TASKS, [task(ctx, pool_id=pool_id)])
    expect_error(exchange, 409, "INAPPROPRIATE_STATUS", ARCHIVED)
    expect_nothing_created(ctx, TASKS, before, ARCHIVED, exchange, pool_id)


@check("pools.missing_refused", "An unknown pool_id refuses the whole request with 404", MISSING)
def missing_pool_refused(ctx: Context) -> None:
    """[valid task, task for a pool that does not exist]: 404 DOES_NOT_EXIST and the valid one not created."""
    before = newest_id(ctx, TASKS)
    exchange = ctx.api.post(TASKS, [task(ctx), task(ctx, pool_id=_NO_SUCH_POOL)], skip_invalid_items=True)
    expect_error(exchange, 404, "DOES_NOT_EXIST", MISSING)
    expect_nothing_created(ctx, TASKS, before, MISSING, exchange)


@check("pools.foreign_refused", "Another account's pool answers 404, as a missing one", MISSING)
def foreign_pool_refused(ctx: Context) -> None:
    """One task into another account's pool: 404 DOES_NOT_EXIST (not 403: nothing may leak)."""
    pool_id = ctx.target.foreign_pool_id
    if pool_id is None:
        raise Skipped("needs a pool of another account (--foreign-pool-id)")
    exchange = ctx.api.post(TASKS, [task(ctx, pool_id=pool_id)])
    expect_error(exchange, 404, "DOES_NOT_EXIST", MISSING)
