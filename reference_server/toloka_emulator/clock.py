"""The emulator's clock: timestamps in the API's form (toloka_contract.timestamps) that never go back."""

from __future__ import annotations

from datetime import UTC, datetime

from toloka_contract.timestamps import format_timestamp

__all__ = ["format_timestamp", "now_timestamp"]

_last = ""


def now_timestamp() -> str:
    """The current UTC time as `YYYY-MM-DDThh:mm:ss.fff` (no zone designator, as the API sends it).

    Exactly three fractional digits (the Java SDK misreads any other count). Never earlier than a timestamp
    it returned before in this process, so `created` grows with ids and `sort=created` agrees with `sort=id`.
    """
    global _last
    now = format_timestamp(datetime.now(UTC))
    if now < _last:
        return _last
    _last = now
    return now
