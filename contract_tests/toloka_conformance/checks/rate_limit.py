"""Rate limits: uploads over the per-minute item limit answer 429 with guidance; async uploads count as sync ones do.

Both checks are opt-in (--rate-limit-items N, the account's per-minute item limit) and run last, async first:
they fill the window, so nothing may run after them. Every request stays within the limit on its own (a single
request over it is a 413, not a 429). A fixed minute window lets up to 2N items through across a boundary, so
each check sends up to 2N+1 items before it concludes there is no limit. The async check runs first, in a
window the run has barely used, so it shows that async items are counted (not only that a full window refuses
them); when none of its async items got a 429 it sends as many synchronously: a 429 then means the async ones
were not counted, none means there is no limit at all (the sync check's finding; the async one is skipped). The
sync check then finds the window full, or fills it.
"""

from __future__ import annotations

from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, Skipped, check
from toloka_conformance.checks.support import TASKS, accepted_operation, expect_error, task

RETRY_AFTER = (
    '[Create multiple tasks] "You can add a maximum of 100,000 tasks per minute and a maximum of 2,000,000 tasks per '
    'day."; [openapi.yaml TooManyRequests] 429 TOO_MANY_REQUESTS; `payload.interval` names the window (MIN, HOUR, '
    "DAY); `Retry-After`, when present, says how many seconds to wait (integer): a client honours whichever is there."
)
ASYNC_COUNTED = (
    "[openapi.yaml TooManyRequests; Create multiple tasks: the per-minute limit counts tasks added, in either mode] "
    "Items uploaded with async_mode=true count against the rate limit as synchronous ones do."
)
_SYNC_MAX = 5000
_INTERVALS = ("MIN", "HOUR", "DAY")


def _limit(ctx: Context) -> int:
    limit = ctx.target.rate_limit_items
    if limit is None:
        raise Skipped("provoking a 429 creates up to 2N+1 items: opt in with --rate-limit-items N")
    return limit


@check(
    "rate_limit.async_counted",
    "Async uploads count against the item rate limit",
    ASYNC_COUNTED,
    runs_last=True,
)
def async_counted(ctx: Context) -> str:
    """Upload async chunks (each within the limit) until a 429, on an async POST or on a one-task sync probe."""
    limit = _limit(ctx)
    ceiling, sent = provoking_items_per_check(limit), 0
    chunk = [task(ctx)] * min(_SYNC_MAX, limit)
    while sent < ceiling:
        size = min(len(chunk), ceiling - sent)
        exchange = ctx.api.post(TASKS, chunk[:size], async_mode=True)
        if exchange.status == 429:
            expect_error(exchange, 429, "TOO_MANY_REQUESTS", ASYNC_COUNTED)
            return f"an async upload answered 429 after {sent} items uploaded async"
        accepted_operation(exchange, ASYNC_COUNTED)
        sent += size
        probe = ctx.api.post(TASKS, [task(ctx)])
        if probe.status == 429:
            expect_error(probe, 429, "TOO_MANY_REQUESTS", ASYNC_COUNTED)
            return f"a one-task sync upload answered 429 after {sent} items uploaded async"
        if probe.status != 201:
            raise Failed(
                probe.summary(), expected="201 or 429 for the one-task probe", rule=ASYNC_COUNTED, exchange=probe
            )
        sent += 1
    # No 429 yet: are sync uploads limited at all? As many again synchronously tell "async uncounted" (a 429 now)
    # from "no limit" (rate_limit.retry_after's rule: this one cannot be decided then).
    synced, refused = _fill_synchronously(ctx, chunk, ceiling, ASYNC_COUNTED)
    if refused is not None:
        raise Failed(
            f"{sent} tasks uploaded async (with one-task sync probes) were all accepted, then a sync upload "
            f"answered 429 after {synced} more",
            expected=f"the async items counted: a 429 before twice the limit of {limit} items",
            rule=ASYNC_COUNTED,
            exchange=refused,
        )
    raise Skipped(
        f"no 429 for {sent} async and {synced} sync tasks: the limit itself is not enforced (rate_limit.retry_after)"
    )


@check(
    "rate_limit.retry_after",
    "Exceeding the item rate limit answers 429 with retry guidance",
    RETRY_AFTER,
    runs_last=True,
)
def retry_after_on_429(ctx: Context) -> str:
    """Upload tasks in sync chunks (each within the limit) until a 429 with Retry-After or payload.interval."""
    limit = _limit(ctx)
    chunk = [task(ctx)] * min(_SYNC_MAX, limit)
    sent, refused = _fill_synchronously(ctx, chunk, provoking_items_per_check(limit), RETRY_AFTER)
    if refused is not None:
        return check_429(refused, RETRY_AFTER) + f" after {sent} more items"
    raise Failed(
        f"{sent} tasks within a minute, all accepted",
        expected=f"a 429 before twice the limit of {limit} items",
        rule=RETRY_AFTER,
    )


def _fill_synchronously(
    ctx: Context, chunk: list[dict[str, Any]], ceiling: int, rule: str
) -> tuple[int, Exchange | None]:
    """Upload `chunk`s synchronously until a 429 or `ceiling` items: how many were accepted, and the 429 if any."""
    sent = 0
    while sent < ceiling:
        size = min(len(chunk), ceiling - sent)
        exchange = ctx.api.post(TASKS, chunk[:size])
        if exchange.status == 429:
            return sent, exchange
        if exchange.status != 201:
            raise Failed(
                exchange.summary(), expected="201 or 429 while filling the rate limit", rule=rule, exchange=exchange
            )
        sent += size
    return sent, None


def provoking_items_per_check(limit: int) -> int:
    """The most items one check sends for a per-minute limit of `limit`."""
    return 2 * limit + 1


def provoking_items(limit: int) -> int:
    """The most items the rate-limit checks together send for a per-minute limit of `limit` (with the probes)."""
    probes = -(-provoking_items_per_check(limit) // min(_SYNC_MAX, limit))
    # The async check: its async items, its probes, and as many sync items when none of them got a 429.
    return 3 * provoking_items_per_check(limit) + probes


def check_429(exchange: Exchange, rule: str) -> str:
    """Fail unless the 429 is TOO_MANY_REQUESTS with guidance: an integer Retry-After or a known payload.interval."""
    body = exchange.json()
    if not isinstance(body, dict) or body.get("code") != "TOO_MANY_REQUESTS":
        raise Failed(exchange.summary(), expected="a TOO_MANY_REQUESTS error body", rule=rule, exchange=exchange)
    retry_after = exchange.response.headers.get("Retry-After")
    payload = body.get("payload")
    interval = payload.get("interval") if isinstance(payload, dict) else None
    if retry_after is not None and not retry_after.strip().isdigit():
        raise Failed(
            f"Retry-After {retry_after!r}",
            expected="an integer of seconds (or no header)",
            rule=rule,
            exchange=exchange,
        )
    if interval is not None and interval not in _INTERVALS:
        raise Failed(f"payload.interval {interval!r}", expected=f"one of {_INTERVALS}", rule=rule, exchange=exchange)
    if retry_after is None and interval is None:
        raise Failed(
            exchange.summary(),
            expected="Retry-After or payload.interval: some guidance on when to retry",
            rule=rule,
            exchange=exchange,
        )
    return f"429 TOO_MANY_REQUESTS with Retry-After {retry_after} / payload.interval {interval}"
