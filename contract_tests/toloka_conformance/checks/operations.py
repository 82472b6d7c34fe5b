"""Asynchronous uploads: the operation ends, its counts add up and match its log, operation_id is idempotent."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    OPERATION_READ,
    OPERATIONS,
    SUITES,
    TASKS,
    claim_created,
    count_created,
    expect_error,
    expect_nothing_created,
    expect_status,
    invalid_task,
    item_index,
    json_object,
    newest_id,
    poll_until_ended,
    read_log,
    settle_if_accepted,
    start_async,
    suite,
    task,
    wait_until_ended,
)

ENDS = (
    "[openapi.yaml get_operation, OperationStatus] Poll it until `status` is `SUCCESS` (done) or `FAIL` (not "
    "completed): both are final, a later read shows the same status."
)
COUNTS = (
    "[openapi.yaml OperationDetails] `valid_count + not_valid_count` and `success_count + failed_count` both equal "
    "`total_count` once the operation has ended."
)
LOG = (
    "[openapi.yaml get_operation_log] for every input item, either the id it became (TASK_CREATE / "
    "TASK_SUITE_CREATE, success: true) or the validation errors it got (TASK_VALIDATE / TASK_SUITE_VALIDATE, "
    "success: false). `input` echoes the item as sent, unknown top-level keys included. The log's order is not "
    "promised: clients key on `input.__item_idx` (toloka-kit tests/test_operation_log.py lists a TASK_VALIDATE entry "
    "first)."
)
SAME_ID = "[openapi.yaml Operation.id] Operation ID; equals the `operation_id` sent with the upload, if one was sent."
IDEMPOTENT = (
    '[Create multiple tasks] operation_id: "We recommended sending the ID in the POST request to avoid accidental '
    'errors, such as creating the operation multiple times for the same tasks."; [openapi.yaml] Reusing an id '
    "answers 409 OPERATION_ALREADY_EXISTS and creates nothing."
)
UUID_ONLY = '[Create multiple tasks] operation_id: "The ID should conform to the RFC4122 standard."'
SUITE_COUNTS = "[openapi.yaml OperationDetails] An async tasks upload counts tasks, a suites upload counts suites."
FAIL_COUNTS = (
    "[openapi.yaml OperationDetails, the FAIL example of get_operation] success_count: items created, failed_count: "
    "items not created; an async upload with skip_invalid_items=false and an invalid item ends FAIL with "
    "success_count 0 and failed_count = total_count, nothing created."
)
ID_CASE = (
    "[openapi.yaml Operation.id, OperationIdParam] UUIDs are case-insensitive: `AAAA…` and `aaaa…` name one "
    "operation (read it either way; reusing it in another case is a 409)."
)

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


def _mixed_upload(ctx: Context, path: str = TASKS, make: Any = task, broken: Any = invalid_task) -> _Mixed:
    """An async [valid, invalid, valid] upload (tasks unless told) with skip_invalid_items=true, polled to its end."""
    return _mixed_ended(ctx, _mixed_started(ctx, path, make, broken))


def _mixed_started(ctx: Context, path: str, make: Any, broken: Any) -> tuple[str, list[dict[str, Any]], Exchange]:
    """The mixed upload sent: its operation id, items and answer."""
    items = [make(ctx, __item_idx=str(index)) for index in range(_MIXED_SIZE)]
    items[_INVALID_INDEX] = broken(ctx, __item_idx=str(_INVALID_INDEX))
    operation_id, exchange = start_async(ctx, path, items, skip_invalid_items=True)
    return operation_id, items, exchange


def _mixed_ended(ctx: Context, started: tuple[str, list[dict[str, Any]], Exchange]) -> _Mixed:
    """The mixed upload's operation polled to its end."""
    operation_id, items, exchange = started
    operation, polled = poll_until_ended(ctx, operation_id, exchange)
    return _Mixed(operation_id, items, operation, polled)


def _details(mixed: _Mixed) -> dict[str, int]:
    return _counts(mixed.operation, mixed.polled)


_NAMES = ("total_count", "valid_count", "not_valid_count", "success_count", "failed_count")


def _counts(operation: dict[str, Any], polled: Exchange) -> dict[str, int]:
    details = operation.get("details")
    if not isinstance(details, dict) or not all(type(details.get(name)) is int for name in _NAMES):
        raise Failed(
            polled.summary(),
            expected=f"the ended operation with integer details {_NAMES}",
            rule=COUNTS,
            exchange=polled,
        )
    return {name: details[name] for name in _NAMES}


@check("operations.ends", "An async upload's operation ends in SUCCESS or FAIL and stays ended", ENDS, creates=6)
def operation_ends(ctx: Context) -> str:
    """Start a mixed async upload of tasks and of suites and poll each; it must reach SUCCESS or FAIL within
    --operation-timeout, and a second read must show the same status (a client that polled to the end trusts it)."""
    return _each_kind(
        lambda path, make, broken: _mixed_started(ctx, path, make, broken),
        lambda path, started: _stays_ended(ctx, _mixed_ended(ctx, started)),
    )


def _stays_ended(ctx: Context, mixed: _Mixed) -> str:
    ended = mixed.operation.get("status")
    again = ctx.api.get(f"{OPERATIONS}/{mixed.operation_id}")
    status = json_object(again, OPERATION_READ).get("status")
    if status != ended:
        raise Failed(
            f"status {status!r} on the read after the one that showed {ended!r}",
            expected=f"{ended!r} again: an ended operation keeps its status",
            rule=ENDS,
            exchange=again,
        )
    return f"ended in {ended} and read {status} again"


@check("operations.counts_add_up", "Operation details counts add up to total_count", COUNTS, creates=6)
def counts_add_up(ctx: Context) -> str:
    """After a [valid, invalid, valid] upload of tasks, and of suites: total 3, valid+not_valid and
    success+failed equal total (each kind its own upload: a fault is blamed on the case that shows it)."""
    observed = _each_kind(
        lambda path, make, broken: _mixed_started(ctx, path, make, broken),
        lambda path, started: _counts_add_up(_mixed_ended(ctx, started)),
    )
    return observed + " after 2 valid + 1 invalid items"


def _invalid_suite(ctx: Context, **fields: Any) -> dict[str, Any]:
    return suite(ctx, valid=False, **fields)


_Started = TypeVar("_Started")  # what a kind's upload, once sent, leaves to its end

# Each kind with its valid and invalid item: a rule run for both, each kind its own upload.
_KINDS = ((TASKS, "tasks", task, invalid_task), (SUITES, "suites", suite, _invalid_suite))


def _each_kind(start: Callable[[str, Any, Any], _Started], finish: Callable[[str, _Started], str]) -> str:
    """`start(path, make, broken)` for tasks and suites, then `finish(path, started)` for each: both uploads are
    sent before either operation is waited for, so their waits overlap. A failure says which kind's upload showed
    it."""
    started: dict[str, _Started] = {}
    for path, kind, make, broken in _KINDS:
        with _blaming(kind):
            started[path] = start(path, make, broken)
    seen = []
    for path, kind, _, _ in _KINDS:
        with _blaming(kind):
            seen.append(f"{kind}: {finish(path, started[path])}")
    return "; ".join(seen)


@contextmanager
def _blaming(kind: str) -> Iterator[None]:
    """A failure in the block is about the kind's async upload."""
    try:
        yield
    except Failed as failure:
        raise failure.about(f"an async {kind} upload") from None


def _counts_add_up(mixed: _Mixed) -> str:
    d = _details(mixed)
    if d["total_count"] != _MIXED_SIZE:
        raise Failed(
            f"total_count {d['total_count']}",
            expected=f"{_MIXED_SIZE}, the items in the request (in the kind's unit)",
            rule=COUNTS,
            exchange=mixed.polled,
        )
    if d["valid_count"] + d["not_valid_count"] != d["total_count"]:
        raise Failed(
            f"details {d}", expected="valid_count + not_valid_count == total_count", rule=COUNTS, exchange=mixed.polled
        )
    if d["success_count"] + d["failed_count"] != d["total_count"]:
        raise Failed(
            f"details {d}", expected="success_count + failed_count == total_count", rule=COUNTS, exchange=mixed.polled
        )
    return f"details {d}"


@check("operations.log_matches_counts", "The operation log agrees with the counts and ids", LOG, creates=3)
def log_matches_counts(ctx: Context) -> str:
    """Log: one TASK_CREATE with a task_id per created task, one TASK_VALIDATE per invalid one, as counted."""
    mixed = _mixed_upload(ctx)
    d = _details(mixed)
    log, read = read_log(ctx, mixed.operation_id)
    kinds = Counter((entry.get("type"), entry.get("success")) for entry in log)
    created, rejected = kinds[("TASK_CREATE", True)], kinds[("TASK_VALIDATE", False)]
    if (created, rejected) != (d["success_count"], d["not_valid_count"]):
        raise Failed(
            f"{created} TASK_CREATE and {rejected} TASK_VALIDATE entries, the operation counts "
            f"success_count={d['success_count']} and not_valid_count={d['not_valid_count']}",
            expected="as many entries of each kind as counted",
            rule=LOG,
            exchange=read,
        )
    if (created, rejected) != (_MIXED_SIZE - 1, 1):
        raise Failed(
            f"{created} created and {rejected} rejected task(s) in the log", expected="2 and 1", rule=LOG, exchange=read
        )
    for entry in log:
        if entry.get("type") == "TASK_CREATE" and not isinstance((entry.get("output") or {}).get("task_id"), str):
            raise Failed(f"a TASK_CREATE entry {entry!r}", expected="output.task_id, a string", rule=LOG, exchange=read)
    return f"{created} TASK_CREATE with task_id and {rejected} TASK_VALIDATE, as counted"


@check("operations.log_echoes_input", "The log echoes each item as sent, __item_idx included", LOG, creates=3)
def log_echoes_input(ctx: Context) -> str:
    """Per-item log entries, in any order, each `input` equal to the item sent under its own `__item_idx`."""
    mixed = _mixed_upload(ctx)
    log, read = read_log(ctx, mixed.operation_id)
    entries = [entry for entry in log if entry.get("type") in ("TASK_CREATE", "TASK_VALIDATE")]
    sent = {str(item["__item_idx"]): item for item in mixed.items}
    by_index: dict[str, dict[str, Any]] = {}
    for entry in entries:
        index = item_index(entry)
        if index not in sent or index in by_index:
            raise Failed(
                f"an entry with input.__item_idx {index!r}: {entry!r}",
                expected=f"exactly one entry for each __item_idx of {sorted(sent)}",
                rule=LOG,
                exchange=read,
            )
        by_index[index] = entry
    if set(by_index) != set(sent):
        raise Failed(
            f"entries for __item_idx {sorted(by_index)}",
            expected=f"one for each of {sorted(sent)}",
            rule=LOG,
            exchange=read,
        )
    for index, entry in sorted(by_index.items()):
        if entry.get("input") != sent[index]:
            raise Failed(
                f"the entry for __item_idx {index} has input {entry.get('input')!r}",
                expected=f"the item as sent: {sent[index]!r}",
                rule=LOG,
                exchange=read,
            )
        if (entry.get("type") == "TASK_VALIDATE") != (index == str(_INVALID_INDEX)):
            raise Failed(
                f"the entry for __item_idx {index} is {entry.get('type')}",
                expected=f"TASK_VALIDATE only for item {_INVALID_INDEX}, TASK_CREATE for the others",
                rule=LOG,
                exchange=read,
            )
    order = [item_index(entry) for entry in entries]
    return f"{len(entries)} entries (order {order}) echo the sent items, only __item_idx {_INVALID_INDEX} TASK_VALIDATE"


@check("operations.id_is_operation_id", "The operation's id is the operation_id sent", SAME_ID, creates=1)
def id_is_operation_id(ctx: Context) -> None:
    """Send operation_id=U: the 202 Operation's id is U and GET /operations/U finds it."""
    chosen = str(uuid.uuid4())
    operation_id, exchange = start_async(ctx, TASKS, [task(ctx)], operation_id=chosen)
    if operation_id != chosen:
        raise Failed(
            f"the operation's id {operation_id!r}",
            expected=f"the operation_id sent, {chosen}",
            rule=SAME_ID,
            exchange=exchange,
        )
    wait_until_ended(ctx, chosen, exchange)


@check("operations.idempotent", "Reusing an operation_id: 409, never created twice", IDEMPOTENT, creates=2, window=True)
def reused_operation_id(ctx: Context) -> None:
    """The same upload twice with one operation_id: 409 OPERATION_ALREADY_EXISTS, one task in the pool."""
    chosen = str(uuid.uuid4())
    before = newest_id(ctx, TASKS)
    items = [task(ctx)]
    _, first = start_async(ctx, TASKS, items, operation_id=chosen)
    second = ctx.api.post(TASKS, items, async_mode=True, operation_id=chosen)
    settle_if_accepted(ctx, second)
    expect_error(second, 409, "OPERATION_ALREADY_EXISTS", IDEMPOTENT)
    wait_until_ended(ctx, chosen, first)
    created = count_created(ctx, TASKS, before, chosen, len(items))
    if created != len(items):
        raise Failed(
            f"{created} tasks created by two uploads sharing operation_id {chosen}",
            expected=f"{len(items)}",
            rule=IDEMPOTENT,
            exchange=second,
        )


GLOBAL_ID = (
    "[openapi.yaml OperationIdQuery] Reusing an id answers 409 `OPERATION_ALREADY_EXISTS` and creates nothing. "
    "Operation ids are global: an id used by any account is taken (whichever endpoint reuses it)."
)


@check(
    "operations.id_global",
    "An operation_id in use is taken for the other endpoint and the other account too",
    GLOBAL_ID,
    creates=2,
    window=True,
)
def operation_id_global(ctx: Context) -> str:
    """A tasks upload takes id U; a suites upload with U, and (with --other-token-env and --foreign-pool-id) the
    other account's tasks upload into its own pool with U, answer 409 OPERATION_ALREADY_EXISTS, nothing created."""
    chosen = str(uuid.uuid4())
    _, first = start_async(ctx, TASKS, [task(ctx)], operation_id=chosen)
    wait_until_ended(ctx, chosen, first)
    claim_created(ctx, TASKS, chosen, 1)  # in a shared window: the first upload's task is this check's
    before = {path: newest_id(ctx, path) for path in (TASKS, SUITES)}  # the first upload's task included
    reusers = [("the suites endpoint", ctx.api, SUITES, [suite(ctx)])]
    if ctx.other is not None and ctx.target.foreign_pool_id is not None:  # the other account's own pool
        reusers.append(("the other account", ctx.other, TASKS, [task(ctx, pool_id=ctx.target.foreign_pool_id)]))
    for who, api, path, items in reusers:
        second = api.post(path, items, async_mode=True, operation_id=chosen)
        settle_if_accepted(ctx, second)
        try:
            expect_error(second, 409, "OPERATION_ALREADY_EXISTS", GLOBAL_ID)
        except Failed as failure:
            raise failure.about(f"operation_id reused by {who}") from None
        if api is ctx.api:  # the other account's pool is not ours to read
            expect_nothing_created(ctx, path, before[path], GLOBAL_ID, second)
    return f"operation_id {chosen} refused (409) when reused by {' and '.join(who for who, *_ in reusers)}"


@check(
    "operations.id_case_insensitive",
    "An operation_id in another letter case is the same operation",
    ID_CASE,
    creates=2,
    window=True,
)
def operation_id_case(ctx: Context) -> str:
    """Upload with operation_id=u (lowercase): GET /operations/U (uppercase) finds it; reusing U is a 409."""
    chosen = str(uuid.uuid4())
    upper = chosen.upper()
    before = newest_id(ctx, TASKS)
    items = [task(ctx)]
    _, first = start_async(ctx, TASKS, items, operation_id=chosen)
    read = ctx.api.get(f"{OPERATIONS}/{upper}")
    expect_status(read, 200, ID_CASE)
    found = json_object(read, ID_CASE).get("id")
    if not isinstance(found, str) or found.lower() != chosen:
        raise Failed(
            f"GET /operations/{upper} answers id {found!r}",
            expected=f"the operation {chosen}",
            rule=ID_CASE,
            exchange=read,
        )
    second = ctx.api.post(TASKS, items, async_mode=True, operation_id=upper)
    settle_if_accepted(ctx, second)
    expect_error(second, 409, "OPERATION_ALREADY_EXISTS", ID_CASE)
    wait_until_ended(ctx, chosen, first)
    created = count_created(ctx, TASKS, before, chosen, len(items))
    if created != len(items):
        raise Failed(
            f"{created} tasks created by uploads with operation_id {chosen} and {upper}",
            expected=f"{len(items)}",
            rule=ID_CASE,
            exchange=second,
        )
    return f"{upper} reads operation {found} and reusing it answers 409"


@check("operations.invalid_operation_id", "A non-UUID operation_id answers 400, nothing created", UUID_ONLY, creates=1)
def invalid_operation_id(ctx: Context) -> None:
    """operation_id=not-a-uuid with async_mode=true: 400 VALIDATION_ERROR and the pool unchanged."""
    before = newest_id(ctx, TASKS)
    exchange = ctx.api.post(TASKS, [task(ctx)], async_mode=True, operation_id="not-a-uuid")
    settle_if_accepted(ctx, exchange)
    expect_error(exchange, 400, "VALIDATION_ERROR", UUID_ONLY)
    expect_nothing_created(ctx, TASKS, before, UUID_ONLY, exchange)


@check(
    "operations.fail_counts",
    "A FAILed upload counts nothing created: success 0, failed = total",
    FAIL_COUNTS,
    creates=4,
    window=True,
)
def fail_counts(ctx: Context) -> str:
    """Async [valid, invalid] tasks, and suites, with skip_invalid_items=false: FAIL, success_count 0,
    failed_count 2, the pool unchanged."""
    return _each_kind(
        lambda path, make, broken: _fail_counts_started(ctx, path, make, broken),
        lambda path, started: _fail_counts(ctx, path, *started),
    )


def _fail_counts_started(ctx: Context, path: str, make: Any, broken: Any) -> tuple[str | None, str, Exchange]:
    """The newest item of the kind's pool, then the [valid, invalid] upload sent: (newest id, operation id, answer)."""
    before = newest_id(ctx, path)
    items = [make(ctx, __item_idx="0"), broken(ctx, __item_idx="1")]
    operation_id, started = start_async(ctx, path, items, skip_invalid_items=False)
    return before, operation_id, started


def _fail_counts(ctx: Context, path: str, before: str | None, operation_id: str, started: Exchange) -> str:
    operation, polled = poll_until_ended(ctx, operation_id, started)
    if operation.get("status") != "FAIL":
        raise Failed(
            f"the operation ended {operation.get('status')!r}", expected="FAIL", rule=FAIL_COUNTS, exchange=polled
        )
    d = _counts(operation, polled)
    wanted = {"total_count": 2, "success_count": 0, "failed_count": 2}
    wrong = {name: d[name] for name, value in wanted.items() if d[name] != value}
    if wrong:
        raise Failed(f"details {d}", expected=f"{wanted} (nothing was created)", rule=FAIL_COUNTS, exchange=polled)
    expect_nothing_created(ctx, path, before, FAIL_COUNTS, started)
    return f"FAIL with details {d}, nothing created"


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
            f"operation type {operation.get('type')!r}",
            expected="TASK_SUITE.BATCH_CREATE",
            rule=SUITE_COUNTS,
            exchange=polled,
        )
    total = (operation.get("details") or {}).get("total_count")
    if total != 2:
        raise Failed(f"total_count {total!r} for 2 suites", expected="2", rule=SUITE_COUNTS, exchange=polled)
    log, read = read_log(ctx, operation_id)
    steps = [e for e in log if e.get("type") == "TASK_SUITE_CREATE" and e.get("success")]
    if len(steps) != 2 or not all(isinstance((e.get("output") or {}).get("task_suite_id"), str) for e in steps):
        raise Failed(
            f"successful TASK_SUITE_CREATE entries {steps!r}",
            expected="two, each with output.task_suite_id",
            rule=SUITE_COUNTS,
            exchange=read,
        )
    return "TASK_SUITE.BATCH_CREATE, total_count 2, two TASK_SUITE_CREATE entries with task_suite_id"
