"""Pools: reads, and uploads against pools in each state (closed accepts and open_pool opens it, archived and
missing refuse); every check that touches the closed pool leaves it closed."""

from __future__ import annotations

from toloka_conformance.checks.base import Context, Failed, Skipped, check
from toloka_conformance.checks.support import (
    POOL_READ,
    POOLS,
    PROJECT_READ,
    TASKS,
    closed_pool,
    expect_error,
    expect_nothing_created,
    expect_status,
    newest_id,
    poll_until_ended,
    pool_status,
    read_log,
    read_pool,
    read_project,
    restoring_closed,
    start_async,
    task,
)

OPEN_POOL = (
    '[Create multiple tasks] open_pool: "Open the pool immediately after the operation is completed, if the pool is '
    'closed."; [openapi.yaml get_pool] the pool then reads `status: OPEN`; [openapi.yaml close_pool] closing it '
    "again takes it back to CLOSED."
)
CLOSED_ACCEPTS = (
    "[openapi.yaml Conflict] a closed pool takes uploads, as in the real API; with open_pool=false it stays closed "
    "([Create multiple tasks] open_pool default false)."
)
ARCHIVED = "[openapi.yaml Conflict] 409 INAPPROPRIATE_STATUS for an archived pool."
MISSING = (
    "[openapi.yaml NotFound] a `pool_id` that names no pool of the account ... Another account's objects answer 404 "
    "too, so that nothing about them leaks; the whole request is refused and nothing is created."
)
POOL_MISSING = "[openapi.yaml get_pool] 404 DOES_NOT_EXIST for a pool that does not exist or is another account's."
# A pool id no server hands out (pool ids are digit strings).
_NO_SUCH_POOL = "conformance-no-such-pool"


@check("pools.closed_accepts", "A closed pool accepts uploads and stays closed", CLOSED_ACCEPTS, creates=1)
def closed_pool_accepts(ctx: Context) -> str:
    """The pool reads CLOSED; one task into it with open_pool=false: 201, and it still reads CLOSED."""
    pool_id = closed_pool(ctx)
    with restoring_closed(ctx, pool_id):
        exchange = ctx.api.post(TASKS, [task(ctx, pool_id=pool_id)], open_pool=False)
        expect_status(exchange, 201, CLOSED_ACCEPTS)
        status, read = pool_status(ctx, pool_id)
        if status != "CLOSED":
            raise Failed(
                f"after an upload with open_pool=false the pool reads {status!r}",
                expected="CLOSED",
                rule=CLOSED_ACCEPTS,
                exchange=read,
            )
    return "the pool read CLOSED before and after a 201 upload with open_pool=false"


@check("pools.open_pool", "open_pool=true opens a closed pool (GET /pools/{id} reads OPEN)", OPEN_POOL, creates=1)
def open_pool_opens(ctx: Context) -> str:
    """Async upload into the closed pool with open_pool=true: the pool then reads OPEN; the suite closes it again.

    A POOL_OPEN step in the log, when there is one, must have succeeded ("may appear": its absence is fine).
    """
    pool_id = closed_pool(ctx)
    with restoring_closed(ctx, pool_id):
        operation_id, exchange = start_async(ctx, TASKS, [task(ctx, pool_id=pool_id)], open_pool=True)
        operation, polled = poll_until_ended(ctx, operation_id, exchange)
        if operation.get("status") != "SUCCESS":
            raise Failed(
                f"the upload ended {operation.get('status')!r}", expected="SUCCESS", rule=OPEN_POOL, exchange=polled
            )
        # The operation's `parameters` (optional) are model.operations' invariant, for this upload as for any.
        status, read = pool_status(ctx, pool_id)
        if status != "OPEN":
            raise Failed(
                f"after the upload ended, GET /pools/{pool_id} reads {status!r}",
                expected="OPEN",
                rule=OPEN_POOL,
                exchange=read,
            )
        log, log_read = read_log(ctx, operation_id)
        steps = [entry for entry in log if entry.get("type") == "POOL_OPEN"]
        if not all(entry.get("success") is True for entry in steps):
            raise Failed(
                f"POOL_OPEN steps {steps!r}",
                expected="a successful step (the pool did open)",
                rule=OPEN_POOL,
                exchange=log_read,
            )
        # The generated client's turn (an open, a close) may come now, on the open pool: then it closes the pool,
        # and the close below answers 204 and checks it reads CLOSED.
        ctx.lend_closed_pool("pools.open_pool")
    return f"the pool read OPEN after the upload ({len(steps)} POOL_OPEN step(s) in the log), then CLOSED again"


@check("pools.read", "GET /pools/{id} answers the pool: id, project_id, status, defaults", POOL_READ)
def pool_read(ctx: Context) -> str:
    """The target pool reads OPEN with its id, a project_id and defaults (matching the flags when given)."""
    body, exchange = read_pool(ctx, ctx.target.pool_id)
    if str(body.get("id")) != ctx.target.pool_id:
        raise Failed(
            f"id {body.get('id')!r}", expected=f"the pool's id {ctx.target.pool_id}", rule=POOL_READ, exchange=exchange
        )
    project_id = body.get("project_id")
    if isinstance(project_id, bool) or not isinstance(project_id, (str, int)) or str(project_id) == "":
        raise Failed(
            f"project_id {project_id!r}", expected="the id of the pool's project", rule=POOL_READ, exchange=exchange
        )
    if body.get("status") != "OPEN":
        raise Failed(
            f"status {body.get('status')!r}",
            expected="OPEN (the pool the suite uploads into)",
            rule=POOL_READ,
            exchange=exchange,
        )
    defaults = body.get("defaults")
    if not isinstance(defaults, dict):
        raise Failed(f"defaults {defaults!r}", expected="an object", rule=POOL_READ, exchange=exchange)
    flags = {
        "default_overlap_for_new_tasks": ctx.target.default_overlap,
        "default_overlap_for_new_task_suites": ctx.target.default_suite_overlap,
    }
    for key, flag in flags.items():
        if flag is not None and key in defaults and defaults[key] != flag:
            raise Failed(
                f"defaults.{key} {defaults[key]!r}",
                expected=f"{flag}, as given by the flag",
                rule=POOL_READ,
                exchange=exchange,
            )
    return f"pool {body.get('id')} of project {project_id}: OPEN, defaults {defaults}"


@check("pools.read_missing", "GET /pools/{id} of a missing or another account's pool: 404", POOL_MISSING)
def pool_read_missing(ctx: Context) -> str:
    """A pool id that names no pool, and another account's pool (if known): 404 DOES_NOT_EXIST."""
    expect_error(ctx.api.get(f"{POOLS}/999999999"), 404, "DOES_NOT_EXIST", POOL_MISSING)
    if ctx.target.foreign_pool_id is None:
        return "a missing pool answers 404 (no --foreign-pool-id: another account's pool not tried)"
    expect_error(ctx.api.get(f"{POOLS}/{ctx.target.foreign_pool_id}"), 404, "DOES_NOT_EXIST", POOL_MISSING)
    return "a missing pool and another account's pool both answer 404 DOES_NOT_EXIST"


@check("projects.read", "GET /projects/{id} answers the pool's project with its input and output spec", PROJECT_READ)
def project_read(ctx: Context) -> str:
    """The target pool's project: id as named by the pool, task_spec.input_spec naming the example's fields."""
    pool, _ = read_pool(ctx, ctx.target.pool_id)
    project_id = str(pool.get("project_id"))
    body, exchange = read_project(ctx, project_id)
    if str(body.get("id")) != project_id:
        raise Failed(
            f"id {body.get('id')!r}", expected=f"the project's id {project_id}", rule=PROJECT_READ, exchange=exchange
        )
    spec = body.get("task_spec")
    if not isinstance(spec, dict) or not isinstance(spec.get("input_spec"), dict):
        raise Failed(
            f"task_spec {spec!r}",
            expected="an object with input_spec (and output_spec)",
            rule=PROJECT_READ,
            exchange=exchange,
        )
    if not isinstance(spec.get("output_spec", {}), dict):
        raise Failed(
            f"output_spec {spec.get('output_spec')!r}", expected="an object", rule=PROJECT_READ, exchange=exchange
        )
    unknown = sorted(set(ctx.target.input_values) - set(spec["input_spec"]))
    if unknown:
        raise Failed(
            f"input_spec {sorted(spec['input_spec'])} lacks {unknown}",
            expected="every field of the pool's valid input_values",
            rule=PROJECT_READ,
            exchange=exchange,
        )
    outputs = sorted(spec.get("output_spec") or {})
    return f"project {project_id}: input_spec {sorted(spec['input_spec'])}, output_spec {outputs}"


@check("pools.archived_refused", "An archived pool refuses uploads with 409", ARCHIVED, creates=1)
def archived_pool_refused(ctx: Context) -> None:
    """One task into the archived pool: 409 INAPPROPRIATE_STATUS, nothing created there."""
    pool_id = ctx.target.archived_pool_id
    if pool_id is None:
        raise Skipped("needs an archived pool of the account (--archived-pool-id)")
    before = newest_id(ctx, TASKS, pool_id)
    exchange = ctx.api.post(TASKS, [task(ctx, pool_id=pool_id)])
    expect_error(exchange, 409, "INAPPROPRIATE_STATUS", ARCHIVED)
    expect_nothing_created(ctx, TASKS, before, ARCHIVED, exchange, pool_id)


@check("pools.missing_refused", "An unknown pool_id refuses the whole request with 404", MISSING, creates=2)
def missing_pool_refused(ctx: Context) -> None:
    """[valid task, task for a pool that does not exist]: 404 DOES_NOT_EXIST and the valid one not created."""
    before = newest_id(ctx, TASKS)
    exchange = ctx.api.post(TASKS, [task(ctx), task(ctx, pool_id=_NO_SUCH_POOL)], skip_invalid_items=True)
    expect_error(exchange, 404, "DOES_NOT_EXIST", MISSING)
    expect_nothing_created(ctx, TASKS, before, MISSING, exchange)


@check("pools.foreign_refused", "Another account's pool answers 404, as a missing one", MISSING, creates=1)
def foreign_pool_refused(ctx: Context) -> None:
    """One task into another account's pool: 404 DOES_NOT_EXIST (not 403: nothing may leak)."""
    pool_id = ctx.target.foreign_pool_id
    if pool_id is None:
        raise Skipped("needs a pool of another account (--foreign-pool-id)")
    exchange = ctx.api.post(TASKS, [task(ctx, pool_id=pool_id)])
    expect_error(exchange, 404, "DOES_NOT_EXIST", MISSING)
