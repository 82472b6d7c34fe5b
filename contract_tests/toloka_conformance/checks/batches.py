"""Synchronous batch uploads: index partition, all-or-nothing validation, defaults, limits."""

from __future__ import annotations

from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, Skipped, check
from toloka_conformance.checks.support import (
    SUITES,
    TASKS,
    create_one,
    created_after,
    expect_error,
    expect_nothing_created,
    expect_status,
    invalid_task,
    json_object,
    newest_id,
    pool_defaults,
    string_keyed,
    suite,
    task,
)

SKIP_TRUE = (
    '[Create multiple tasks] skip_invalid_items "true — Create the tasks that passed validation. Skip the rest of the '
    'tasks (errors will be listed in the response to the request)."; [openapi.yaml TaskBatchCreateResult] "The two '
    'sets of keys never overlap; with skip_invalid_items=true together they cover every position of the request."'
)
SKIP_FALSE = (
    "[Create multiple tasks] skip_invalid_items \"false — If one or more tasks didn't pass validation, stop the "
    "operation and don't create any tasks.\"; [openapi.yaml] answer 400 VALIDATION_ERROR, payload keyed by index."
)
NONE_VALID = (
    '[toloka-api-notes: Batch upload] "With `true` and no valid item at all, also 400"; [openapi.yaml BadRequest] '
    "400 VALIDATION_ERROR, nothing created."
)
SYNC_LIMIT_TASKS = (
    '[Create multiple tasks] async_mode "false — Synchronous. ... Maximum of 5000 tasks per request."; '
    "[openapi.yaml] 413 above that, nothing created."
)
SYNC_LIMIT_SUITES = (
    '[Create multiple task suites] "false — Synchronous. ... Maximum of 5000 task suites per request."; '
    "[openapi.yaml] 413 above that, nothing created."
)
SYNC_LIMIT = 5000


def _partition(exchange: Exchange, size: int, expected_invalid: set[str]) -> None:
    """Fail unless `items` and `validation_errors` split the indices 0..size-1 as expected."""
    expect_status(exchange, 201, SKIP_TRUE)
    body = json_object(exchange, SKIP_TRUE)
    created = set(string_keyed(body, "items", exchange, SKIP_TRUE))
    errors = string_keyed(body, "validation_errors", exchange, SKIP_TRUE)
    everything = {str(index) for index in range(size)}
    if created & set(errors):
        raise Failed(
            f"indices {sorted(created & set(errors))} are both in items and in validation_errors",
            expected="each index in exactly one of the two",
            rule=SKIP_TRUE,
            exchange=exchange,
        )
    if created | set(errors) != everything:
        raise Failed(
            f"items {sorted(created)} + validation_errors {sorted(errors)}",
            expected=f"together the request's indices {sorted(everything)} (0-based positions as strings)",
            rule=SKIP_TRUE,
            exchange=exchange,
        )
    if set(errors) != expected_invalid:
        raise Failed(
            f"validation_errors keyed {sorted(errors)}",
            expected=f"keyed by the invalid items' indices {sorted(expected_invalid)}",
            rule=SKIP_TRUE,
            exchange=exchange,
        )
    for index, item_errors in errors.items():
        if not isinstance(item_errors, dict) or not item_errors:
            raise Failed(
                f"validation_errors[{index!r}] is {item_errors!r}",
                expected="a field path -> {code, message} map",
                rule=SKIP_TRUE,
                exchange=exchange,
            )
        for path, error in item_errors.items():
            if not isinstance(error, dict) or not isinstance(error.get("code"), str):
                raise Failed(
                    f"validation_errors[{index!r}][{path!r}] is {error!r}",
                    expected="{code, message} with a string code",
                    rule=SKIP_TRUE,
                    exchange=exchange,
                )


@check("tasks.skip_invalid.partition", "Task indices partition into items and validation_errors", SKIP_TRUE, creates=3)
def tasks_partition(ctx: Context) -> None:
    """[valid, invalid, valid] with skip_invalid_items=true: 0 and 2 created, 1 in validation_errors."""
    items = [task(ctx), invalid_task(ctx), task(ctx)]
    _partition(ctx.api.post(TASKS, items, skip_invalid_items=True), len(items), {"1"})


@check(
    "tasks.skip_invalid.invalid_not_created",
    "skip_invalid_items=true: the pool gains the created tasks, never the invalid one",
    SKIP_TRUE,
    creates=3,
)
def tasks_invalid_not_created(ctx: Context) -> str:
    """[valid, invalid, valid] with skip_invalid_items=true: the pool's new tasks are exactly the answer's items."""
    before = newest_id(ctx, TASKS)
    exchange = ctx.api.post(TASKS, [task(ctx), invalid_task(ctx), task(ctx)], skip_invalid_items=True)
    expect_status(exchange, 201, SKIP_TRUE)
    created = string_keyed(json_object(exchange, SKIP_TRUE), "items", exchange, SKIP_TRUE)
    answered = sorted(str(item.get("id")) for item in created.values() if isinstance(item, dict))
    stored = sorted(str(item.get("id")) for item in created_after(ctx, TASKS, before))
    if stored != answered:
        raise Failed(
            f"the pool gained {len(stored)} task(s) {stored}, the answer's items are {answered}",
            expected="exactly the answer's items: an item in validation_errors is not created",
            rule=SKIP_TRUE,
            exchange=exchange,
        )
    return f"the pool gained exactly the {len(answered)} created tasks"


@check(
    "suites.skip_invalid.partition", "Suite indices partition into items and validation_errors", SKIP_TRUE, creates=2
)
def suites_partition(ctx: Context) -> None:
    """[invalid, valid] suites with skip_invalid_items=true: 1 created, 0 in validation_errors."""
    items = [suite(ctx, valid=False), suite(ctx)]
    _partition(ctx.api.post(SUITES, items, skip_invalid_items=True), len(items), {"0"})


def _none_valid(ctx: Context, path: str, items: list[dict[str, Any]]) -> str:
    before = newest_id(ctx, path)
    exchange = ctx.api.post(path, items, skip_invalid_items=True)
    expect_error(exchange, 400, "VALIDATION_ERROR", NONE_VALID)
    expect_nothing_created(ctx, path, before, NONE_VALID, exchange)
    return f"{len(items)} invalid items with skip_invalid_items=true: 400 VALIDATION_ERROR, nothing created"


@check(
    "tasks.skip_invalid.none_valid",
    "skip_invalid_items=true, no valid task: 400, nothing created",
    NONE_VALID,
    creates=2,
)
def tasks_none_valid(ctx: Context) -> str:
    """[invalid, invalid] tasks with skip_invalid_items=true: 400 VALIDATION_ERROR and the pool unchanged."""
    return _none_valid(ctx, TASKS, [invalid_task(ctx), invalid_task(ctx)])


@check(
    "suites.skip_invalid.none_valid",
    "skip_invalid_items=true, no valid suite: 400, nothing created",
    NONE_VALID,
    creates=1,
)
def suites_none_valid(ctx: Context) -> str:
    """[invalid] suites with skip_invalid_items=true: 400 VALIDATION_ERROR and the pool unchanged."""
    return _none_valid(ctx, SUITES, [suite(ctx, valid=False)])


def _all_or_nothing(ctx: Context, path: str, items: list[dict[str, Any]], invalid_index: str) -> None:
    before = newest_id(ctx, path)
    exchange = ctx.api.post(path, items, skip_invalid_items=False)
    body = expect_error(exchange, 400, "VALIDATION_ERROR", SKIP_FALSE)
    payload = body.get("payload")
    if not isinstance(payload, dict) or set(payload) != {invalid_index}:
        keys = sorted(payload) if isinstance(payload, dict) else payload
        raise Failed(
            f"the 400 payload is keyed {keys!r}",
            expected=f"keyed by the invalid item's index {invalid_index!r}",
            rule=SKIP_FALSE,
            exchange=exchange,
        )
    expect_nothing_created(ctx, path, before, SKIP_FALSE, exchange)


@check(
    "tasks.skip_invalid_false.atomic", "One invalid task: nothing created, 400 keyed by index", SKIP_FALSE, creates=2
)
def tasks_all_or_nothing(ctx: Context) -> None:
    """[valid, invalid] with skip_invalid_items=false: 400 and no task in the pool afterwards."""
    _all_or_nothing(ctx, TASKS, [task(ctx), invalid_task(ctx)], "1")


@check(
    "suites.skip_invalid_false.atomic", "One invalid suite: nothing created, 400 keyed by index", SKIP_FALSE, creates=2
)
def suites_all_or_nothing(ctx: Context) -> None:
    """[valid, invalid] suites with skip_invalid_items=false: 400 and no suite in the pool afterwards."""
    _all_or_nothing(ctx, SUITES, [suite(ctx), suite(ctx, valid=False)], "1")


ALLOW_DEFAULTS = (
    '[Create multiple tasks] allow_defaults "true — Use the overlap that is set in the pool parameters (in the '
    'defaults.default_overlap_for_new_tasks key)." (task suites: default_overlap_for_new_task_suites)'
)
KEEPS_OWN = (
    "[openapi.yaml AllowDefaults; toloka-kit create_tasks(allow_defaults=True)] the pool default is for items "
    "without an overlap of their own: an item that sets `overlap` keeps it."
)
NO_OVERLAP = (
    '[Create multiple tasks] allow_defaults "false — Use the overlap that is set in the task parameters"; '
    "[openapi.yaml AllowDefaults] an item without one is invalid."
)
_DEFAULT_KEYS = {TASKS: "default_overlap_for_new_tasks", SUITES: "default_overlap_for_new_task_suites"}


def _pool_default(ctx: Context, path: str) -> tuple[int, str]:
    """The pool's default overlap for `path`'s items: read with GET /pools/{id}, else the flag; and its source."""
    key = _DEFAULT_KEYS[path]
    flag = ctx.target.default_overlap if path == TASKS else ctx.target.default_suite_overlap
    try:
        value = pool_defaults(ctx, ctx.target.pool_id).get(key)
    except Failed:
        value = None
    if isinstance(value, int) and not isinstance(value, bool):
        if flag is not None and flag != value:
            raise Skipped(f"the flag says the pool's {key} is {flag}, GET /pools/{{id}} says {value}: which is it?")
        return value, f"defaults.{key} of GET /pools/{{id}}"
    if flag is None:
        raise Skipped(f"the pool's {key} is unknown: GET /pools/{{id}} has none and no --default-overlap was given")
    return flag, "the flag"


def _takes_default(ctx: Context, path: str, item: dict[str, Any]) -> str:
    expected, source = _pool_default(ctx, path)
    del item["overlap"]
    created, exchange = create_one(ctx, path, item, ALLOW_DEFAULTS, allow_defaults=True)
    if created.get("overlap") != expected:
        raise Failed(
            f"created overlap {created.get('overlap')!r}",
            expected=f"the pool's default {expected} ({source})",
            rule=ALLOW_DEFAULTS,
            exchange=exchange,
        )
    return f"created with overlap {expected}, the pool's default ({source})"


@check("tasks.allow_defaults", "allow_defaults=true takes the pool's default task overlap", ALLOW_DEFAULTS, creates=1)
def tasks_allow_defaults(ctx: Context) -> str:
    """A task without overlap, allow_defaults=true: created with default_overlap_for_new_tasks."""
    return _takes_default(ctx, TASKS, task(ctx))


@check("suites.allow_defaults", "allow_defaults=true takes the pool's default suite overlap", ALLOW_DEFAULTS, creates=1)
def suites_allow_defaults(ctx: Context) -> str:
    """A suite without overlap, allow_defaults=true: created with default_overlap_for_new_task_suites."""
    return _takes_default(ctx, SUITES, suite(ctx))


def _keeps_own(ctx: Context, path: str, make: Any) -> str:
    default, source = _pool_default(ctx, path)
    own = default + 1 if default < 30_000 else default - 1  # never equal to the default: no pass by coincidence
    created, exchange = create_one(ctx, path, make(ctx, overlap=own), KEEPS_OWN, allow_defaults=True)
    if created.get("overlap") != own:
        raise Failed(
            f"created overlap {created.get('overlap')!r} for an item sent with overlap {own}",
            expected=f"{own}, its own (the pool's default {default} from {source} is for items without one)",
            rule=KEEPS_OWN,
            exchange=exchange,
        )
    return f"overlap {own} kept under allow_defaults=true (the pool's default is {default}, {source})"


@check("tasks.allow_defaults.keeps_own", "allow_defaults=true keeps a task's own overlap", KEEPS_OWN, creates=1)
def tasks_keeps_own(ctx: Context) -> str:
    """A task with overlap default+1, allow_defaults=true: created with default+1 (tasks.allow_defaults checks
    that one without an overlap takes the default)."""
    return _keeps_own(ctx, TASKS, task)


@check("suites.allow_defaults.keeps_own", "allow_defaults=true keeps a suite's own overlap", KEEPS_OWN, creates=1)
def suites_keeps_own(ctx: Context) -> str:
    """A suite with overlap default+1, allow_defaults=true: created with default+1."""
    return _keeps_own(ctx, SUITES, suite)


@check(
    "tasks.allow_defaults_false.overlap_required",
    "allow_defaults=false: a task without overlap is invalid",
    NO_OVERLAP,
    creates=1,
)
def tasks_overlap_required(ctx: Context) -> None:
    """A task without overlap, allow_defaults=false: 400 VALIDATION_ERROR and nothing created."""
    item = task(ctx)
    del item["overlap"]
    before = newest_id(ctx, TASKS)
    exchange = ctx.api.post(TASKS, [item], allow_defaults=False)
    expect_error(exchange, 400, "VALIDATION_ERROR", NO_OVERLAP)
    expect_nothing_created(ctx, TASKS, before, NO_OVERLAP, exchange)


def _over_limit(ctx: Context, path: str, item: dict[str, Any], rule: str) -> None:
    before = newest_id(ctx, path)
    exchange = ctx.api.post(path, [item] * (SYNC_LIMIT + 1))
    expect_error(exchange, 413, "ENTITY_TOO_LARGE", rule)
    expect_nothing_created(ctx, path, before, rule, exchange)


@check("tasks.sync_limit", "5001 tasks in one sync request: 413, nothing created", SYNC_LIMIT_TASKS, creates=5001)
def tasks_sync_limit(ctx: Context) -> None:
    """5001 valid tasks with async_mode=false: 413 ENTITY_TOO_LARGE and the pool unchanged."""
    _over_limit(ctx, TASKS, task(ctx), SYNC_LIMIT_TASKS)


@check("suites.sync_limit", "5001 suites in one sync request: 413, nothing created", SYNC_LIMIT_SUITES, creates=5001)
def suites_sync_limit(ctx: Context) -> None:
    """5001 valid suites with async_mode=false: 413 ENTITY_TOO_LARGE and the pool unchanged."""
    _over_limit(ctx, SUITES, suite(ctx), SYNC_LIMIT_SUITES)
