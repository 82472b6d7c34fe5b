"""Per-account rate limits answered with 429 and Retry-After: items over fixed minute and day windows, and requests
over one-second windows."""

from __future__ import annotations

import math
from dataclasses import dataclass

from toloka_contract.clock import Clock

from toloka_emulator.errors import ApiError

_WINDOWS = (("MIN", 60), ("DAY", 86400))


@dataclass(frozen=True)
class Reservation:
    """Items counted for an account, with the window each limit counted them in."""

    account: str
    count: int
    windows: tuple[tuple[str, int], ...]  # (interval, window start)


class RateLimiter:
    """Counts items per account in the current minute and day; not thread-safe (the writer thread owns it)."""

    def __init__(self, per_minute: int, per_day: int, *, clock: Clock) -> None:
        self._limits = {"MIN": per_minute, "DAY": per_day}
        self._clock = clock
        # (account, interval) -> (window start, items counted in it)
        self._used: dict[tuple[str, str], tuple[int, int]] = {}

    def reserve(self, account: str, count: int) -> Reservation:
        """Count `count` items for the account, or raise 429 if that would exceed a limit.

        More items than a limit allows in a whole window can never be accepted, so waiting cannot help:
        such a request is 413, and nothing is counted.
        """
        for interval, _ in _WINDOWS:
            if count > self._limits[interval]:
                raise ApiError(
                    413,
                    "ENTITY_TOO_LARGE",
                    "More items in one request than the rate limit allows",
                    {"limit": self._limits[interval], "interval": interval},
                )
        now = self._clock()
        updates = []
        for interval, seconds in _WINDOWS:
            start = int(now // seconds) * seconds
            window_start, used = self._used.get((account, interval), (start, 0))
            if window_start != start:
                used = 0
            if used + count > self._limits[interval]:
                retry_after = max(1, math.ceil(start + seconds - now))
                raise ApiError(
                    429,
                    "TOO_MANY_REQUESTS",
                    "Too many requests",
                    {"interval": interval},
                    {"Retry-After": str(retry_after)},
                )
            updates.append(((account, interval), (start, used + count)))
        self._used.update(updates)
        return Reservation(account, count, tuple((interval, start) for (_, interval), (start, _) in updates))

    def release(self, reservation: Reservation, count: int | None = None) -> None:
        """Give back `count` (default: all) of the reserved items; a window that has ended since keeps its count."""
        returned = reservation.count if count is None else min(count, reservation.count)
        for interval, start in reservation.windows:
            key = (reservation.account, interval)
            window_start, used = self._used.get(key, (None, 0))
            if window_start == start:
                self._used[key] = (start, max(0, used - returned))


class RequestRate:
    """Requests per account in the current second of the clock; above the limit, 429 with `Retry-After: 1`."""

    def __init__(self, per_second: int, *, clock: Clock) -> None:
        self._limit = per_second
        self._clock = clock
        self._used: dict[str, tuple[int, int]] = {}  # account -> (second, requests in it)

    def count(self, account: str) -> None:
        """Count one request of the account, or raise 429 when it is over the limit (a limit of 0 counts nothing)."""
        if self._limit <= 0:
            return
        second = int(self._clock())
        start, used = self._used.get(account, (second, 0))
        used = used + 1 if start == second else 1
        self._used[account] = (second, used)
        if used > self._limit:
            raise ApiError(
                429, "TOO_MANY_REQUESTS", "Too many requests per second", {"limit": self._limit}, {"Retry-After": "1"}
            )
