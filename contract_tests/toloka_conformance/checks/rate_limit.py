"""A rate-limited request answers 429 with an integer Retry-After and the documented payload."""

from __future__ import annotations

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, Skipped, check
from toloka_conformance.checks.support import TASKS, task

RETRY_AFTER = (
    '[Create multiple tasks] "You can add a maximum of 100,000 tasks per minute and a maximum of 2,000,000 tasks per '
    'day."; [openapi.yaml TooManyRequests] 429 TOO_MANY_REQUESTS; retry after `Retry-After` seconds (integer, '
    "required); `payload.interval` names the window."
)
_CHUNK = 5000
_INTERVALS = ("MIN", "HOUR", "DAY")


@check(
    "rate_limit.retry_after", "Exceeding the item rate limit answers 429 with Retry-After", RETRY_AFTER, runs_last=True
)
def retry_after_on_429(ctx: Context) -> None:
    """Upload tasks in sync chunks until a 429; it must carry Retry-After and payload.interval.

    Opt-in (--rate-limit-items N, the account's per-minute item limit). A fixed minute window lets up to 2N
    items through across a window boundary, so the check may send 2N+1 before it concludes there is no limit.
    """
    limit = ctx.target.rate_limit_items
    if limit is None:
        raise Skipped("provoking a 429 creates up to 2N+1 items: opt in with --rate-limit-items N")
    ceiling = provoking_items(limit)
    sent = 0
    while sent < ceiling:
        size = min(_CHUNK, ceiling - sent)
        exchange = ctx.api.post(TASKS, [task(ctx)] * size)
        if exchange.status == 429:
            _check_429(exchange)
            return
        if exchange.status != 201:
            raise Failed(f"expected 201 or 429 while filling the rate limit, got {exchange.summary()}", exchange)
        sent += size
    raise Failed(f"{sent} tasks within a minute were all accepted, twice the limit of {limit}. Rule: {RETRY_AFTER}")


def provoking_items(limit: int) -> int:
    """The most items the check sends for a per-minute limit of `limit`."""
    return 2 * limit + 1


def _check_429(exchange: Exchange) -> None:
    retry_after = exchange.response.headers.get("Retry-After")
    if retry_after is None or not retry_after.strip().isdigit():
        raise Failed(
            f"the 429 has Retry-After {retry_after!r}, expected an integer of seconds. Rule: {RETRY_AFTER}", exchange
        )
    body = exchange.json()
    if not isinstance(body, dict) or body.get("code") != "TOO_MANY_REQUESTS":
        raise Failed(f"the 429 body is not TOO_MANY_REQUESTS: {exchange.summary()}. Rule: {RETRY_AFTER}", exchange)
    if (body.get("payload") or {}).get("interval") not in _INTERVALS:
        raise Failed(
            f"the 429 payload.interval is not one of {_INTERVALS}: {exchange.summary()}. Rule: {RETRY_AFTER}", exchange
        )
