"""One object instead of an array, as toloka-kit's create_task / create_task_suite and the Java SDK send it."""

from __future__ import annotations

from typing import Any

from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    SUITES,
    TASKS,
    expect_error,
    expect_nothing_created,
    expect_status,
    invalid_task,
    item_index,
    json_object,
    newest_id,
    poll_until_ended,
    read_log,
    start_async,
    suite,
    task,
)
from toloka_conformance.oracle import differences

SYNC = (
    "[openapi.yaml create_tasks / create_task_suites; fullApi createTask: oneOf [TaskFormV1, array]] One object "
    "with async_mode=false: 201 with the created Task / TaskSuite object itself (Java SDK createTask accepts only "
    "201)."
)
ASYNC = (
    '[openapi.yaml; toloka-kit create_task sends one object with async_mode=true and "__item_idx": "0"] One object '
    "with async_mode=true: 202 Operation whose log has one entry for the item, echoing it."
)
INVALID = (
    "[openapi.yaml BadRequest] for a single-object body `payload` is keyed by field path alone "
    '(`{"input_values.image": {"code": "VALUE_REQUIRED", ...}}`), with skip_invalid_items=true too; nothing created.'
)
_CREATE_STEP = {TASKS: ("TASK_CREATE", "task_id"), SUITES: ("TASK_SUITE_CREATE", "task_suite_id")}


def _sync(ctx: Context, path: str, sent: dict[str, Any]) -> str:
    exchange = ctx.api.post(path, sent)
    expect_status(exchange, 201, SYNC)
    created = json_object(exchange, SYNC)
    if not isinstance(created.get("id"), str) or "items" in created:
        raise Failed(
            exchange.summary(), expected="the created object itself, with a string id", rule=SYNC, exchange=exchange
        )
    wrong = differences(sent, created)
    if wrong:
        raise Failed(
            f"the 201 object differs from what was sent: {'; '.join(wrong)}",
            expected="every field sent, with the value sent",
            rule=SYNC,
            exchange=exchange,
        )
    by_id = ctx.api.get(f"{path}/{created['id']}")
    expect_status(by_id, 200, SYNC)
    wrong = differences(sent, json_object(by_id, SYNC))
    if wrong:
        raise Failed(
            f"GET by id differs from what was sent: {'; '.join(wrong)}",
            expected="every field sent, with the value sent",
            rule=SYNC,
            exchange=by_id,
        )
    return f"201 with the created object {created['id']}, read back by id"


@check("tasks.single.sync", "One task object, sync: 201 with the created task", SYNC, creates=1)
def tasks_single_sync(ctx: Context) -> str:
    """POST one task object (no array): 201 whose body is the task, with an id; GET by id reads it back."""
    return _sync(ctx, TASKS, task(ctx))


@check("suites.single.sync", "One suite object, sync: 201 with the created suite", SYNC, creates=1)
def suites_single_sync(ctx: Context) -> str:
    """POST one suite object (no array): 201 whose body is the suite, with an id; GET by id reads it back."""
    return _sync(ctx, SUITES, suite(ctx))


def _async(ctx: Context, path: str, sent: dict[str, Any]) -> str:
    sent["__item_idx"] = "0"
    operation_id, started = start_async(ctx, path, sent)
    operation, polled = poll_until_ended(ctx, operation_id, started)
    total = (operation.get("details") or {}).get("total_count")
    if operation.get("status") != "SUCCESS" or total != 1:
        raise Failed(
            f"the operation ended {operation.get('status')!r} with total_count {total!r}",
            expected="SUCCESS with total_count 1",
            rule=ASYNC,
            exchange=polled,
        )
    log, read = read_log(ctx, operation_id)
    step, key = _CREATE_STEP[path]
    entries = [entry for entry in log if item_index(entry) is not None or entry.get("type") == step]
    if len(entries) != 1 or entries[0].get("type") != step or entries[0].get("success") is not True:
        raise Failed(
            f"item entries {entries!r}", expected=f"exactly one successful {step} entry", rule=ASYNC, exchange=read
        )
    entry = entries[0]
    if entry.get("input") != sent:
        raise Failed(
            f"the entry's input {entry.get('input')!r}",
            expected=f"the object as sent: {sent!r}",
            rule=ASYNC,
            exchange=read,
        )
    created_id = (entry.get("output") or {}).get(key)
    if not isinstance(created_id, str):
        raise Failed(
            f"the entry's output {entry.get('output')!r}", expected=f"output.{key}, a string", rule=ASYNC, exchange=read
        )
    by_id = ctx.api.get(f"{path}/{created_id}")
    expect_status(by_id, 200, ASYNC)
    wrong = differences({k: v for k, v in sent.items() if k != "__item_idx"}, json_object(by_id, ASYNC))
    if wrong:
        raise Failed(
            f"the created item differs from what was sent: {'; '.join(wrong)}",
            expected="every field sent, with the value sent",
            rule=ASYNC,
            exchange=by_id,
        )
    return f"202 -> SUCCESS, total_count 1, one {step} entry echoing __item_idx 0 -> {created_id}"


@check("tasks.single.async", "One task object, async: a one-entry operation log", ASYNC, creates=1)
def tasks_single_async(ctx: Context) -> str:
    """POST one task object with async_mode=true and __item_idx "0": SUCCESS, one TASK_CREATE entry, the task."""
    return _async(ctx, TASKS, task(ctx))


@check("suites.single.async", "One suite object, async: a one-entry operation log", ASYNC, creates=1)
def suites_single_async(ctx: Context) -> str:
    """POST one suite object with async_mode=true: SUCCESS, one TASK_SUITE_CREATE entry, the suite."""
    return _async(ctx, SUITES, suite(ctx))


@check("tasks.single.invalid", "One invalid task object: 400 keyed by field path, nothing created", INVALID, creates=1)
def tasks_single_invalid(ctx: Context) -> str:
    """An invalid task object, with skip_invalid_items false and true: 400 VALIDATION_ERROR keyed by field path."""
    before = newest_id(ctx, TASKS)
    for skip in (False, True):
        exchange = ctx.api.post(TASKS, invalid_task(ctx), skip_invalid_items=skip)
        payload = expect_error(exchange, 400, "VALIDATION_ERROR", INVALID).get("payload")
        # Which path and code each error has is validation.paths' and validation.codes' rule; this one is the shape.
        if (
            not isinstance(payload, dict)
            or not payload
            or any(str(key).isdigit() or not _is_error(value) for key, value in payload.items())
        ):
            raise Failed(
                f"with skip_invalid_items={str(skip).lower()} the payload is {payload!r}",
                expected="field errors ({code, message}) keyed by field path, with no item index",
                rule=INVALID,
                exchange=exchange,
            )
        expect_nothing_created(ctx, TASKS, before, INVALID, exchange)
    return "400 VALIDATION_ERROR keyed by field path with skip_invalid_items false and true, nothing created"


def _is_error(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("code"), str)
