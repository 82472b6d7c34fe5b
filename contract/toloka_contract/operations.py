"""Asynchronous operations: their statuses, types and log steps, and waiting for one to end.

The names are the spec's (`OperationStatus`, `Operation.type`, `OperationLogItem.type`); contract/tests pin them to
openapi.yaml. `wait_for_operation` / `async_wait_for_operation` are the one polling loop: fetch, stop on an ended
status, sleep with a growing interval, give up after a timeout; the clock and sleep are injectable for tests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Final, TypeVar

T = TypeVar("T")

# OperationStatus
PENDING: Final = "PENDING"
RUNNING: Final = "RUNNING"
SUCCESS: Final = "SUCCESS"
FAIL: Final = "FAIL"
STATUSES: Final = (PENDING, RUNNING, SUCCESS, FAIL)
ENDED_STATUSES: Final = frozenset({SUCCESS, FAIL})
"""An operation in one of these never changes again: stop polling."""

# Operation.type (an open set: the API has many more)
TASK_BATCH_CREATE: Final = "TASK.BATCH_CREATE"
TASK_SUITE_BATCH_CREATE: Final = "TASK_SUITE.BATCH_CREATE"
POOL_OPEN: Final = "POOL.OPEN"
POOL_CLOSE: Final = "POOL.CLOSE"
OPERATION_TYPES: Final = (TASK_BATCH_CREATE, TASK_SUITE_BATCH_CREATE, POOL_OPEN, POOL_CLOSE)

# OperationLogItem.type (an open set: "other steps, such as POOL_OPEN, may appear")
LOG_TASK_CREATE: Final = "TASK_CREATE"
LOG_TASK_SUITE_CREATE: Final = "TASK_SUITE_CREATE"
LOG_TASK_VALIDATE: Final = "TASK_VALIDATE"
LOG_TASK_SUITE_VALIDATE: Final = "TASK_SUITE_VALIDATE"
LOG_POOL_OPEN: Final = "POOL_OPEN"
LOG_STEP_TYPES: Final = (
    LOG_TASK_CREATE,
    LOG_TASK_SUITE_CREATE,
    LOG_TASK_VALIDATE,
    LOG_TASK_SUITE_VALIDATE,
    LOG_POOL_OPEN,
)
CREATE_STEPS: Final = frozenset({LOG_TASK_CREATE, LOG_TASK_SUITE_CREATE})
"""Log steps whose success means an item was created (`output` holds `task_id` / `task_suite_id`)."""

DEFAULT_INTERVAL: Final = 0.1
DEFAULT_BACKOFF: Final = 1.5
DEFAULT_MAX_INTERVAL: Final = 5.0
DEFAULT_TIMEOUT: Final = 60.0


class OperationTimeoutError(TimeoutError):
    """The operation had not ended when the timeout ran out; `last` is what the last fetch returned."""

    def __init__(self, status: str, waited: float, last: object) -> None:
        super().__init__(f"the operation is still {status} after {waited:.1f} s")
        self.status = status
        self.waited = waited
        self.last = last


def operation_status(operation: object) -> str:
    """The `status` of an operation: a JSON object's key, or a model's attribute (an enum's value)."""
    status = operation.get("status") if isinstance(operation, Mapping) else getattr(operation, "status", None)
    value = getattr(status, "value", status)
    return value if isinstance(value, str) else repr(value)


def is_ended(operation: object) -> bool:
    """Whether the operation's status is SUCCESS or FAIL."""
    return operation_status(operation) in ENDED_STATUSES


class _Schedule:
    """The shared arithmetic of both loops: the deadline, the next sleep, when to give up."""

    def __init__(
        self, clock: Callable[[], float], interval: float, backoff: float, max_interval: float, timeout: float | None
    ) -> None:
        if interval <= 0 or backoff < 1 or max_interval < interval:
            raise ValueError("need interval > 0, backoff >= 1 and max_interval >= interval")
        if timeout is not None and timeout < 0:
            raise ValueError("timeout must be >= 0 or None")
        self._clock = clock
        self._start = clock()
        self._timeout = timeout
        self._delay = interval
        self._backoff = backoff
        self._max = max_interval

    def next_sleep(self, status: str, last: object) -> float:
        """Seconds to sleep before the next fetch; OperationTimeoutError once the timeout has run out."""
        waited = self._clock() - self._start
        if self._timeout is not None and waited >= self._timeout:
            raise OperationTimeoutError(status, waited, last)
        delay = self._delay if self._timeout is None else min(self._delay, self._timeout - waited)
        self._delay = min(self._max, self._delay * self._backoff)
        return delay


def wait_for_operation(
    fetch: Callable[[], T],
    *,
    initial: T | None = None,
    status_of: Callable[[T], str] = operation_status,
    interval: float = DEFAULT_INTERVAL,
    backoff: float = DEFAULT_BACKOFF,
    max_interval: float = DEFAULT_MAX_INTERVAL,
    timeout: float | None = DEFAULT_TIMEOUT,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> T:
    """Call `fetch()` until `status_of` its result is SUCCESS or FAIL; return that result.

    `initial`: an operation already in hand (the 202 answer), looked at before the first fetch. Sleeps `interval`,
    then `backoff` times longer each time up to `max_interval`; the last sleep is cut to end at the timeout, and one
    fetch follows it. Raises OperationTimeoutError when the timeout (seconds; None: never) has run out.
    Whatever `fetch` raises propagates.
    """
    schedule = _Schedule(clock, interval, backoff, max_interval, timeout)
    current = initial if initial is not None else fetch()
    while (status := status_of(current)) not in ENDED_STATUSES:
        sleep(schedule.next_sleep(status, current))
        current = fetch()
    return current


async def async_wait_for_operation(
    fetch: Callable[[], Awaitable[T]],
    *,
    initial: T | None = None,
    status_of: Callable[[T], str] = operation_status,
    interval: float = DEFAULT_INTERVAL,
    backoff: float = DEFAULT_BACKOFF,
    max_interval: float = DEFAULT_MAX_INTERVAL,
    timeout: float | None = DEFAULT_TIMEOUT,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """`wait_for_operation` for asyncio: `fetch` and `sleep` are awaited."""
    schedule = _Schedule(clock, interval, backoff, max_interval, timeout)
    current = initial if initial is not None else await fetch()
    while (status := status_of(current)) not in ENDED_STATUSES:
        await sleep(schedule.next_sleep(status, current))
        current = await fetch()
    return current
