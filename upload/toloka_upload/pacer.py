"""A client-side pace: no more than a given number of items in any minute, so the server rarely has to say 429."""

import asyncio
import time
from collections.abc import Callable


class Pacer:
    """A token bucket refilled at `(limit - burst) / 60` items a second, holding at most `burst` items.

    In any 60 s window it lets through at most the bucket's content plus a minute of refill, which is `limit`.
    """

    def __init__(self, items_per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._burst = max(1, min(burst, items_per_minute))
        self._rate = max(items_per_minute - self._burst, 1) / 60.0
        self._clock = clock
        self._tokens = float(self._burst)
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(float(self._burst), self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    def delay_for(self, items: int) -> float:
        """Seconds until `items` may go (0 if now); takes the items when it answers 0."""
        self._refill()
        wanted = min(items, self._burst)
        # The tolerance absorbs float rounding, which could otherwise leave a wait too short to ever add up.
        if self._tokens >= wanted - 1e-6:
            self._tokens -= wanted
            # A batch larger than the bucket takes its remainder from the future.
            self._tokens -= items - wanted
            return 0.0
        return (wanted - self._tokens) / self._rate

    async def acquire(self, items: int) -> None:
        """Wait until `items` more may be sent; callers queue in order."""
        async with self._lock:
            while (delay := self.delay_for(items)) > 0:
                await asyncio.sleep(delay)
