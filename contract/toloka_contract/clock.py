"""The one clock and sleep a process passes to whatever waits or stamps times, and a fake pair for tests.

`Clock` returns seconds (the emulator's is wall time, `time.time`, because its rate windows and timestamps are
calendar times; a client's deadline clock is `time.monotonic`). `Sleep` is an asyncio-style sleep. `FakeClock`
only moves when told or slept on, so tests of minutes of waiting run in no time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class FakeClock:
    """A settable clock: `advance(s)` or `await sleep(s)` moves it by `s` at once (the sleep then yields once)."""

    def __init__(self, start: float = 1_800_000_030.0) -> None:
        # The default start is the middle of a calendar minute (2027-01-15T08:00:30Z): rate windows never straddle.
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by `seconds` (never back)."""
        self.now += max(0.0, seconds)

    async def sleep(self, seconds: float) -> None:
        """Advance the clock by `seconds`, then let other tasks run."""
        self.slept.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)
