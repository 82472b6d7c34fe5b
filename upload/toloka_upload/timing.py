"""The one clock and the one sleep every waiting part of an upload uses (pacer, retries, polling, the deadline).

Tests pass a fake pair (toloka_contract's `FakeClock`, re-exported here) so that minutes of backoff, pacing and
polling run in no time: `Timing(clock, clock.sleep)`.
"""

import asyncio
import logging
import time

import attrs
from toloka_contract.clock import Clock, FakeClock, Sleep

__all__ = ["WAIT_KEY", "Clock", "DeadlinePassed", "FakeClock", "Sleep", "Timing", "Wait", "announce_wait"]
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
