"""Timestamps are UTC in the documented format, with no zone designator."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    TASKS,
    create_one,
    poll_until_ended,
    start_async,
    task,
)

FORMAT = (
    '[Create multiple tasks] "The UTC date and time ... in ISO 8601 format: YYYY-MM-DDThh:mm:ss[.sss]"; '
    "[openapi.yaml Timestamp] an optional fraction of 1 to 6 digits and no zone designator."
)
PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$")
# Wider than any clock skew worth tolerating, narrower than the smallest whole-hour zone offset.
_SKEW = timedelta(minutes=20)


def _check_one(name: str, value: object) -> str | None:
    """Why `value` is not a UTC timestamp of now in the documented format, or None."""
    if not isinstance(value, str) or not PATTERN.match(value):
        return f"{name}={value!r} is not YYYY-MM-DDThh:mm:ss[.ffffff] without a zone"
    moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
    now = datetime.now(UTC)
    if abs(moment - now) > _SKEW:
        return f"{name}={value!r} is {moment - now} away from the current UTC time: is it local time?"
    return None


@check("timestamps.utc_format", "Timestamps are current UTC, YYYY-MM-DDThh:mm:ss[.f], no zone", FORMAT, creates=2)
def timestamps_utc(ctx: Context) -> str:
    """`created` of a new task and `submitted`/`started`/`finished` of an ended operation."""
    created, posted = create_one(ctx, TASKS, task(ctx), FORMAT)
    operation_id, started = start_async(ctx, TASKS, [task(ctx)])
    operation, polled = poll_until_ended(ctx, operation_id, started)
    seen = [("task.created", created.get("created"), posted)] + [
        (f"operation.{name}", operation.get(name), polled) for name in ("submitted", "started", "finished")
    ]
    found = [(problem, exchange) for name, value, exchange in seen if (problem := _check_one(name, value))]
    if found:
        # The reproduction is the first answer that carried a wrong timestamp.
        raise Failed(f"{'; '.join(problem for problem, _ in found)}. Rule: {FORMAT}", found[0][1])
    return "; ".join(f"{name}={value}" for name, value, _ in seen) + f" (within {_SKEW} of this machine's UTC clock)"
