"""A client-side pace: no more than a given number of items in any minute, and of requests in any second, so the
server rarely has to say 429; a 429 that comes anyway holds every batch back for the wait the server asked for."""

import asyncio
import collections
import logging

from toloka_upload.settings import DOCUMENTED_REQUESTS_PER_SECOND
from toloka_upload.timing import Timing, announce_wait

WINDOW = 60.0
# Float rounding could leave an entry a hair inside the window after sleeping exactly until it leaves.
TOLERANCE = 1e-6
logger = logging.getLogger("toloka_upload")


class Pacer:
    """Lets items go while the last 60 s hold at most `items_per_minute`, and the last second at most
    `requests_per_second` batches: a log of what went when.

    A sliding window rather than a token bucket: a batch as large as the whole limit still goes once a minute.
    The log holds one entry per batch sent in the last minute. Waits go through the upload's Timing (so past
    the deadline `acquire` raises DeadlinePassed instead of waiting).
    """

    def __init__(
        self,
        items_per_minute: int,
        timing: Timing | None = None,
        *,
        requests_per_second: int = DOCUMENTED_REQUESTS_PER_SECOND,
    ) -> None:
        if items_per_minute < 1 or requests_per_second < 1:
            raise ValueError("items_per_minute and requests_per_second must be positive")
        self._limit = items_per_minute
        self._requests = requests_per_second
        self._timing = timing or Timing()
        self._clock = self._timing.clock
        self._sent: collections.deque[tuple[float, int]] = collections.deque()
        self._in_window = 0
        self._held_until = float("-inf")
        self._lock = asyncio.Lock()

    def hold(self, seconds: float) -> None:
        """The server answered 429 asking to wait `seconds`: no batch goes before then (one 429, not one per
        batch in flight)."""
        self._held_until = max(self._held_until, self._clock() + seconds)

    def delay_for(self, items: int) -> float:
        """Seconds until `items` may go (0 if now); takes the items when it answers 0.

        More than a minute's worth at once (which a server refuses anyway) goes once the window is empty.
        """
        now = self._clock()
        if self._held_until > now:
            return self._held_until - now
        sent = self._sent
        while sent and sent[0][0] <= now - WINDOW + TOLERANCE:
            self._in_window -= sent.popleft()[1]
        if len(sent) >= self._requests and (second := sent[-self._requests][0] + 1.0 - now) > TOLERANCE:
            return second
        room = self._limit - self._in_window
        wanted = min(items, self._limit)
        if wanted <= room:
            sent.append((now, items))
            self._in_window += items
            return 0.0
        for at, count in sent:
            room += count
            if room >= wanted:
                return at + WINDOW - now
        raise AssertionError("the window always empties")  # pragma: no cover (room reaches the limit)

    async def acquire(self, items: int) -> None:
        """Wait until `items` more may be sent; callers queue in order."""
        async with self._lock:
            while (delay := self.delay_for(items)) > 0:
                why = "the server's rate limit (429)" if self._held_until > self._clock() else "the rate limit"
                announce_wait(delay, why, "pacing: %d items wait %.1f s for %s", items, delay, why)
                await self._timing.wait(delay)
