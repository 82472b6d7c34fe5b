"""A client-side pace: no more than a given number of items in any minute, so the server rarely has to say 429."""

import asyncio
import collections

from toloka_upload.timing import Timing

WINDOW = 60.0
# Float rounding could leave an entry a hair inside the window after sleeping exactly until it leaves.
TOLERANCE = 1e-6


class Pacer:
    """Lets items go while the last 60 s hold at most `items_per_minute`: a log of what went when.

    A sliding window rather than a token bucket: a batch as large as the whole limit still goes once a minute.
    The log holds one entry per batch sent in the last minute. Waits go through the upload's Timing (so past
    the deadline `acquire` raises DeadlinePassed instead of waiting).
    """

    def __init__(self, items_per_minute: int, timing: Timing | None = None) -> None:
        if items_per_minute < 1:
            raise ValueError("items_per_minute must be positive")
        self._limit = items_per_minute
        self._timing = timing or Timing()
        self._clock = self._timing.clock
        self._sent: collections.deque[tuple[float, int]] = collections.deque()
        self._in_window = 0
        self._lock = asyncio.Lock()

    def delay_for(self, items: int) -> float:
        """Seconds until `items` may go (0 if now); takes the items when it answers 0.

        More than a minute's worth at once (which a server refuses anyway) goes once the window is empty.
        """
        now = self._clock()
        while self._sent and self._sent[0][0] <= now - WINDOW + TOLERANCE:
            self._in_window -= self._sent.popleft()[1]
        room = self._limit - self._in_window
        wanted = min(items, self._limit)
        if wanted <= room:
            self._sent.append((now, items))
            self._in_window += items
            return 0.0
        for at, count in self._sent:
            room += count
            if room >= wanted:
                return at + WINDOW - now
        raise AssertionError("the window always empties")  # pragma: no cover (room reaches the limit)

    async def acquire(self, items: int) -> None:
        """Wait until `items` more may be sent; callers queue in order."""
        async with self._lock:
            while (delay := self.delay_for(items)) > 0:
                await self._timing.wait(delay)
