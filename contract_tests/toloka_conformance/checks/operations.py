"""Asynchronous uploads: the operation ends, its counts add up and match its log, operation_id is idempotent."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    SUITES,
    TASKS,
    created_after,
    expect_error,
    expect_nothing_created,
    invalid_task,
    newest_id,
    poll_until_ended,
    read_log,
    start_async,
    suite,
    task,
    wait_until_ended,
)

ENDS = "[openapi.yaml get_operation] Poll it until `status` is `SUCCESS` or `FAIL`."
COUNTS = (
    "[openapi.yaml OperationDetails] `valid_count + not_valid_count` and `success_count + failed_count` both equal "
    "`total_count` once the operation has ended."
)
LOG = (
    "[openapi.yaml get_operation_log] for every input item, either the id it became (TASK_CREATE / "
    "TASK_SUITE_CREATE, success: true) or the validation errors it got (TASK_VALIDATE / TASK_SUITE_VALIDATE, "
    "success: false). `input` echoes the item as sent, unknown top-level keys included."
)
SAME_ID = "[openapi.yaml Operation.id] Operation ID; equals the `operation_id` sent with the upload, if one was sent."
IDEMPOTENT = (
    '[Create multiple tasks] operation_id: "We recommended sending the ID in the POST request to avoid accidental '
    'errors, such as creating the operation multiple times for the same tasks."; [openapi.yaml] Reusing an id '
    "answers 409 OPERATION_ALREADY_EXISTS and creates nothing."
)
UUID_ONLY = '[Create multiple tasks] operation_id: "The ID should conform to the RFC4122 standard."'
SUITE_COUNTS = "[openapi.yaml OperationDetails] An async tasks upload counts tasks, a suites upload counts suites."

# Two valid items and one invalid one: the counts and the log have something to disagree about.
_MIXED_SIZE = 3
_INVALID_INDEX = 1


@dataclass(frozen=True)
class _Mixed:
    """An ended mixed upload: what was sent, the operation, and the GET that showed it ended."""

    operation_id: str
    items: list[dict[str, Any]]
    operation: dict[str, Any]
    polled: Exchange


def _mixed_upload(ctx: Context) -> _Mixed:
    """An async [valid, invalid, valid] tasks upload with skip_invalid_items=true, polled until it ends."""
    items = [task(ctx, __item_idx=str(index)) for index in range(_MIXED_SIZE)]
    items[_INVALID_INDEX] = invalid_task(ctx, __item_idx=str(_INVALID_INDEX))
    operation_id, exchange = start_async(ctx, TASKS, items, skip_invalid_items=True)
    operation, polled = poll_until_ended(ctx, operation_id, exchange)
    return _Mixed(operation_id, items, operation, polled)


def _details(mixed: _Mixed) -> dict[str, int]:
    details = mixed.operation.get("details")
    names = ("total_count", "valid_count", "not_valid_count", "success_count", "failed_count")
    if not isinstance(details, dict) or not all(isinstance(details.get(name), int) for name in names):
        raise Failed(f"the ended operation lacks integer details {names}: {mixed.polled.summary()}", mixed.polled)
    return {name: details[name] for name in names}


@check("operations.ends", "An async upload's operation ends in SUCCESS or FAIL", ENDS, creates=2)
def operation_ends(ctx: Context) -> str:
    """Start a mixed async upload and poll; it must reach SUCCESS or FAIL within --operation-timeout."""
    mixed = _mixed_upload(ctx)
    return f"the operation ended in {mixed.operation.get('status')}"


@check("operations.counts_add_up", "Operation details counts add up to total_count", COUNTS, creates=2)
def counts_add_up(ctx: Context) -> str:
    """After a [valid, invalid, valid] upload: total 3, valid+not_valid and success+failed equal total."""
    mixed = _mixed_upload(ctx)
    d = _details(mixed)
    if d["total_count"] != _MIXED_SIZE:
        raise Failed(
            f"total_count is {d['total_count']}, the request had {_MIXED_SIZE} tasks. Rule: {COUNTS}", mixed.polled
        )
    if d["valid_count"] + d["not_valid_count"] != d["total_count"]:
        raise Failed(f"valid_count + not_valid_count != total_count in {d}. Rule: {COUNTS}", mixed.polled)
    if d["success_count"] + d["failed_count"] != d["total_count"]:
        raise Failed(f"success_count + failed_count != total_count in {d}. Rule: {COUNTS}", mixed.polled)
    return f"details {d} after 2 valid + 1 invalid tasks"


@check("operations.log_matches_counts", "The operation log agrees with the counts and ids", LOG, creates=2)
def log_matches_counts(ctx: Context) -> str:
    """Log: one TASK_CREATE with a task_id per created task, one TASK_VALIDATE per invalid one, as counted."""
    mixed = _mixed_upload(ctx)
    d = _details(mixed)
    log, read = read_log(ctx, mixed.operation_id)
    kinds = Counter((entry.get("type"), entry.get("success")) for entry in log)
    created, rejected = kinds[("TASK_CREATE", True)], kinds[("TASK_VALIDATE", False)]
    if (created, rejected) != (d["success_count"], d["not_valid_count"]):
        raise Failed(
            f"the log has {created} TASK_CREATE and {rejected} TASK_VALIDATE entries, the operation counts "
            f"success_count={d['success_count']} and not_valid_count={d['not_valid_count']}. Rule: {LOG}",
            read,
        )
    if (created, rejected) != (_MIXED_SIZE - 1, 1):
        raise Failed(
            f"expected 2 created and 1 rejected task in the log, got {created} and {rejected}. Rule: {LOG}", read
        )
    for entry in log:
        if entry.get("type") == "TASK_CREATE" and not isinstance((entry.get("output") or {}).get("task_id"), str):
            raise Failed(f"a TASK_CREATE entry has no output.task_id: {entry!r}. Rule: {LOG}", read)
    return f"{created} TASK_CREATE with task_id and {rejected} TASK_VALIDATE, as counted"


@check("operations.log_echoes_input", "The log echoes each item as sent, __item_idx included", LOG, creates=2)
def log_echoes_input(ctx: Context) -> str:
    """Per-item log entries in request order, each `input` equal to the item sent (its own `__item_idx`)."""
    mixed = _mixed_upload(ctx)
    log, read = read_log(ctx, mixed.operation_id)
    entries = [entry for entry in log if entry.get("type") in ("TASK_CREATE", "TASK_VALIDATE")]
    echoed = [entry.get("input") for entry in entries]
    if echoed != mixed.items:
        raise Failed(
            f"the log's inputs are {echoed!r}; the items were sent, in this order, as {mixed.items!r}. Rule: {LOG}",
            read,
        )
    wrong = [
        f"__item_idx {index}: {entry.get('type')}"
        for index, entry in enumerate(entries)
        if (entry.get("type") == "TASK_VALIDATE") != (index == _INVALID_INDEX)
    ]
    if wrong:
        raise Failed(f"only item {_INVALID_INDEX} is invalid, but the log says {', '.join(wrong)}. Rule: {LOG}", read)
    return f"{len(entries)} entries echo the sent items in order, only __item_idx {_INVALID_INDEX} TASK_VALIDATE"


@check("operations.id_is_operation_id", "The operation's id is the operation_id sent", SAME_ID, creates=1)
def id_is_operation_id(ctx: Context) -> None:
    """Send operation_id=U: the 202 Operation's id is U and GET /operations/U finds it."""
    chosen = str(uuid.uuid4())
    operation_id, exchange = start_async(ctx, TASKS, [task(ctx)], operation_id=chosen)
    if operation_id != chosen:
        raise Failed(f"sent operation_id {chosen}, the operation's id is {operation_id!r}. Rule: {SAME_ID}", exchange)
    wait_until_ended(ctx, chosen, exchange)


@check("operations.idempotent", "Reusing an operation_id: 409, never created twice", IDEMPOTENT, creates=1)
def reused_operation_id(ctx: Context) -> None:
    """The same upload twice with one operation_id: 409 OPERATION_ALREADY_EXISTS, one task in the pool."""
    chosen = str(uuid.uuid4())
    before = newest_id(ctx, TASKS)
    items = [task(ctx)]
    _, first = start_async(ctx, TASKS, items, operation_id=chosen)
    second = ctx.api.post(TASKS, items, async_mode=True, operation_id=chosen)
    expect_error(second, 409, "OPERATION_ALREADY_EXISTS", IDEMPOTENT)
    wait_until_ended(ctx, chosen, first)
    created = created_after(ctx, TASKS, before)
    if len(created) != len(items):
        raise Failed(
            f"{len(created)} tasks were created by two uploads sharing operation_id {chosen}; expected "
            f"{len(items)}. Rule: {IDEMPOTENT}",
            second,
        )


@check("operations.invalid_operation_id", "A non-UUID operation_id answers 400, nothing created", UUID_ONLY)
def invalid_operation_id(ctx: Context) -> None:
    """operation_id=not-a-uuid with async_mode=true: 400 VALIDATION_ERROR and the pool unchanged."""
    before = newest_id(ctx, TASKS)
    exchange = ctx.api.post(TASKS, [task(ctx)], async_mode=True, operation_id="not-a-uuid")
    expect_error(exchange, 400, "VALIDATION_ERROR", UUID_ONLY)
    expect_nothing_created(ctx, TASKS, before, UUID_ONLY, exchange)


@check(
    "operations.suites_counted",
    "An async suites upload counts suites and logs TASK_SUITE_CREATE",
    SUITE_COUNTS,
    creates=2,
)
def suites_counted(ctx: Context) -> str:
    """Two suites async: type TASK_SUITE.BATCH_CREATE, total_count 2, two TASK_SUITE_CREATE log entries."""
    operation_id, exchange = start_async(ctx, SUITES, [suite(ctx), suite(ctx)])
    operation, polled = poll_until_ended(ctx, operation_id, exchange)
    if operation.get("type") != "TASK_SUITE.BATCH_CREATE":
        raise Failed(
            f"operation type is {operation.get('type')!r}, expected TASK_SUITE.BATCH_CREATE. Rule: {SUITE_COUNTS}",
            polled,
        )
    total = (operation.get("details") or {}).get("total_count")
    if total != 2:
        raise Failed(f"total_count is {total!r} for 2 suites. Rule: {SUITE_COUNTS}", polled)
    log, read = read_log(ctx, operation_id)
    steps = [e for e in log if e.get("type") == "TASK_SUITE_CREATE" and e.get("success")]
    if len(steps) != 2 or not all(isinstance((e.get("output") or {}).get("task_suite_id"), str) for e in steps):
        raise Failed(
            f"expected two TASK_SUITE_CREATE entries with output.task_suite_id, got {steps!r}. Rule: {SUITE_COUNTS}",
            read,
        )
    return "TASK_SUITE.BATCH_CREATE, total_count 2, two TASK_SUITE_CREATE entries with task_suite_id"
