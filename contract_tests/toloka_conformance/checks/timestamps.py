"""Timestamps are UTC in the documented format, with no zone designator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from toloka_contract.timestamps import is_timestamp, parse_timestamp

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
    "[openapi.yaml Timestamp] an optional fraction of 1 to 6 digits and no zone designator; a real date and time "
    "(`2543-89-92T25:01:54` matches the pattern but is none); `created` is optional."
)
# Wider than any clock skew worth tolerating, narrower than the smallest whole-hour zone offset.
_SKEW = timedelta(minutes=20)


def _check_one(name: str, value: object) -> str | None:
    """Why `value` is not a UTC timestamp of now in the documented format, or None."""
    if not isinstance(value, str) or not is_timestamp(value):
        return f"{name}={value!r} is not a real date and time as YYYY-MM-DDThh:mm:ss[.ffffff] without a zone"
    moment = parse_timestamp(value).replace(tzinfo=UTC)
    now = datetime.now(UTC)
    if abs(moment - now) > _SKEW:
        return f"{name}={value!r} is {moment - now} away from the current UTC time: is it local time?"
    return None


@check("timestamps.utc_format", "Timestamps are current UTC, YYYY-MM-DDThh:mm:ss[.f], no zone", FORMAT, creates=2)
def timestamps_utc(ctx: Context) -> str:
    """`created` of a new task (when sent) and `submitted`/`started`/`finished` of an ended operation."""
    created, posted = create_one(ctx, TASKS, task(ctx), FORMAT)
    operation_id, started = start_async(ctx, TASKS, [task(ctx)])
    operation, polled = poll_until_ended(ctx, operation_id, started)
    seen = [("task.created", created["created"], posted)] if "created" in created else []
    seen += [
        (f"operation.{name}", operation.get(name), polled)
        for name in ("submitted", "started", "finished")
        if name == "submitted" or operation.get(name) is not None  # started/finished are optional
    ]
    found = [(problem, exchange) for name, value, exchange in seen if (problem := _check_one(name, value))]
    if found:
        # The reproduction is the first answer that carried a wrong timestamp.
        raise Failed(
            "; ".join(problem for problem, _ in found),
            expected="current UTC date-times, YYYY-MM-DDThh:mm:ss[.f], no zone",
            rule=FORMAT,
            exchange=found[0][1],
        )
    return "; ".join(f"{name}={value}" for name, value, _ in seen) + f" (within {_SKEW} of this machine's UTC clock)"
