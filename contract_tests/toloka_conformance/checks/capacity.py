"""A full synchronous request is accepted: 5000 items of each kind in one request, the documented bound."""

from __future__ import annotations

from typing import Any

from toloka_conformance.checks.base import Context, Failed, Skipped, check
from toloka_conformance.checks.batches import SYNC_LIMIT
from toloka_conformance.checks.support import SUITES, TASKS, expect_status, json_object, string_keyed, suite, task

SYNC_FULL_TASKS = (
    '[Create multiple tasks] async_mode "false — Synchronous. ... Maximum of 5000 tasks per request.": a request '
    "of 5000 valid tasks is within the limit and is answered 201 with every task created."
)
SYNC_FULL_SUITES = (
    '[Create multiple task suites] "Maximum of 5000 task suites per request.": a request of 5000 valid suites is '
    "within the limit and is answered 201 with every suite created."
)


@check("tasks.sync_full", "5000 tasks in one sync request: 201, all created", SYNC_FULL_TASKS, creates=SYNC_LIMIT)
def tasks_sync_full(ctx: Context) -> str:
    """5000 valid tasks with async_mode=false: 201 and an item for each (a server refusing less fails here)."""
    return _full(ctx, TASKS, task(ctx), SYNC_FULL_TASKS)


@check("suites.sync_full", "5000 suites in one sync request: 201, all created", SYNC_FULL_SUITES, creates=SYNC_LIMIT)
def suites_sync_full(ctx: Context) -> str:
    """5000 valid suites with async_mode=false: 201 and an item for each."""
    return _full(ctx, SUITES, suite(ctx), SYNC_FULL_SUITES)


def _full(ctx: Context, path: str, item: dict[str, Any], rule: str) -> str:
    per_minute = ctx.target.rate_limit_items
    if per_minute is not None and per_minute < SYNC_LIMIT:  # then a request of 5000 is over the limit: a 413
        raise Skipped(f"the account's per-minute limit ({per_minute}, --rate-limit-items) is below {SYNC_LIMIT}")
    exchange = ctx.api.post(path, [item] * SYNC_LIMIT)
    if exchange.status == 413:
        raise Failed(
            exchange.summary(),
            expected=f"201: {SYNC_LIMIT} items are within the sync limit (give --rate-limit-items when the "
            "account's per-minute limit is below it)",
            rule=rule,
            exchange=exchange,
        )
    expect_status(exchange, 201, rule)
    body = json_object(exchange, rule)
    created = string_keyed(body, "items", exchange, rule)
    refused = string_keyed(body, "validation_errors", exchange, rule)
    if len(created) != SYNC_LIMIT or refused:
        raise Failed(
            f"{len(created)} created, {len(refused)} refused of {SYNC_LIMIT} valid items",
            expected=f"all {SYNC_LIMIT} created",
            rule=rule,
            exchange=exchange,
        )
    return f"201 with {len(created)} items created in one request"
