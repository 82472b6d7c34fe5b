"""Timestamps in the API's format and ids that sort as strings in creation order."""

from __future__ import annotations

import os
from datetime import UTC, datetime

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


def format_timestamp(moment: datetime) -> str:
    """A datetime (taken as UTC) in the API's form with exactly three fractional digits."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def item_id(seq: int) -> str:
    """An item id like the real `000248a756--6422ca21e5997032541d856b`: zero-padded hex sequence, random tail."""
    return f"{seq:010x}--{os.urandom(12).hex()}"
