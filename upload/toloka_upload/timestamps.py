"""Toloka's timestamps: UTC without a zone designator, `YYYY-MM-DDThh:mm:ss` plus 0 to 6 fractional digits."""

import re
from datetime import datetime

_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?")


def parse_timestamp(value: str) -> datetime:
    """Turn an API timestamp (`2016-09-29T18:04:00`, `2023-03-28T11:06:09.827`) into a naive UTC datetime."""
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        raise ValueError(f"not a Toloka timestamp (YYYY-MM-DDThh:mm:ss[.ffffff], UTC, no zone): {value!r}")
    year, month, day, hour, minute, second, fraction = match.groups()
    # The server has been seen sending 5 digits: pad on the right, so ".827" is 827 ms, not 827 µs.
    microsecond = int((fraction or "0").ljust(6, "0"))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), microsecond)


def format_timestamp(value: datetime) -> str:
    """Write a naive UTC datetime the way the API does (microseconds only when there are some)."""
    if value.tzinfo is not None:
        raise ValueError("expected a naive UTC datetime")
    return value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
