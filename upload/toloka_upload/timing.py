"""The one clock and the one sleep every waiting part of an upload uses (pacer, retries, polling, the deadline).

Tests pass a fake pair (`FakeClock`) so that minutes of backoff, pacing and polling run in no time.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import attrs

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
WAIT_KEY = "toloka_wait"
"""The attribute of a log record that announces a wait: a `Wait` (what a progress display shows while waiting)."""
logger = logging.getLogger("toloka_upload")


@attrs.frozen
class Wait:
    """A wait about to begin: how long, and what for ("the rate limit", "a retry after HTTP 503")."""

    seconds: float
    why: str


def announce_wait(seconds: float, why: str, message: str, *args: object) -> None:
    """Log `message` at INFO, carrying the wait for whoever watches the upload (the command's progress line)."""
    logger.info(message, *args, extra={WAIT_KEY: Wait(seconds, why)})


class DeadlinePassed(Exception):
    """The upload's total deadline (`give_up_after`) has passed: nothing more is retried or waited for."""


@attrs.frozen
class Timing:
    """A monotonic clock in seconds, the matching sleep, and the moment the upload gives up (None: never)."""

    clock: Clock = time.monotonic
    sleep: Sleep = asyncio.sleep
    deadline: float | None = None

    def left(self) -> float:
        """Seconds until the deadline (infinite without one)."""
        return float("inf") if self.deadline is None else self.deadline - self.clock()

    def passed(self) -> bool:
        """True once the deadline is reached."""
        return self.left() <= 0

    async def wait(self, seconds: float) -> None:
        """Sleep `seconds`, unless that would end past the deadline: then DeadlinePassed, without sleeping."""
        if seconds > self.left():
            raise DeadlinePassed
        await self.sleep(seconds)

    def with_deadline(self, give_up_after: float | None) -> "Timing":
        """This clock and sleep, giving up `give_up_after` seconds from now."""
        return attrs.evolve(self, deadline=None if give_up_after is None else self.clock() + give_up_after)


class FakeClock:
    """A clock that only moves when slept on: `sleep(5)` advances it by 5 s at once (then yields to the loop)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the clock by `seconds`."""
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)

    def timing(self, give_up_after: float | None = None) -> Timing:
        """A Timing on this clock."""
        return Timing(self, self.sleep).with_deadline(give_up_after)
