"""The emulator's timestamps: the API's form (toloka_contract.timestamps), read from the app's one clock."""

from __future__ import annotations

from datetime import UTC, datetime

from toloka_contract.clock import Clock
from toloka_contract.timestamps import format_timestamp

__all__ = ["Timestamps", "format_timestamp"]


class Timestamps:
    """`now()` as `YYYY-MM-DDThh:mm:ss.fff` from a wall clock in seconds, never earlier than a stamp it gave before."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._last = ""

    def now(self) -> str:
        """The clock's time in UTC, no zone designator, as the API sends it.

        Exactly three fractional digits (the Java SDK misreads any other count). Never earlier than the last
        one, so `created` grows with ids and `sort=created` agrees with `sort=id`.
        """
        now = format_timestamp(datetime.fromtimestamp(self._clock(), UTC))
        if now > self._last:
            self._last = now
        return self._last
