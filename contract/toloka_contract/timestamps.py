"""The API's timestamps: UTC without a zone designator, `YYYY-MM-DDThh:mm:ss` and an optional 1-6 digit fraction.

`TIMESTAMP_PATTERN` is `components.schemas.Timestamp.pattern` of openapi.yaml (format `date-time-local`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final

from toloka_contract.spec import load_spec


def _spec_pattern() -> str:
    pattern = load_spec()["components"]["schemas"]["Timestamp"]["pattern"]
    if not isinstance(pattern, str):
        raise TypeError("openapi.yaml: components.schemas.Timestamp.pattern is not a string")
    return pattern


TIMESTAMP_PATTERN: Final[str] = _spec_pattern()
"""The Timestamp schema's pattern, as written in openapi.yaml (anchored with ^...$)."""
TIMESTAMP_FORMAT: Final = "date-time-local"
"""The OpenAPI format name the Timestamp schema carries."""

_TIMESTAMP_RE: Final = re.compile(TIMESTAMP_PATTERN)
# The groups of a timestamp the pattern admits; parse_timestamp checks both.
_PARTS: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?")


def parse_timestamp(value: str) -> datetime:
    """An API timestamp (`2016-09-29T18:04:00`, `2023-03-28T11:06:09.827`) as a naive UTC datetime.

    ValueError when `value` does not match the pattern or names no real date and time (`2543-89-92T25:01:54`).
    A fraction is padded on the right: `.827` is 827 ms (the API has been seen sending 5 digits).
    """
    parts = _PARTS.fullmatch(value) if isinstance(value, str) else None
    if parts is None or _TIMESTAMP_RE.search(value) is None:
        raise ValueError(f"not a Toloka timestamp (YYYY-MM-DDThh:mm:ss[.ffffff], UTC, no zone): {value!r}")
    year, month, day, hour, minute, second, fraction = parts.groups()
    microsecond = int((fraction or "0").ljust(6, "0"))
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), microsecond)
    except ValueError:
        raise ValueError(f"not a real date and time: {value!r}") from None


def is_timestamp(value: object) -> bool:
    """Whether `value` is a string of the Timestamp form that names a real date and time."""
    if not isinstance(value, str):
        return False
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    return True


def format_timestamp(value: datetime) -> str:
    """A datetime the way the emulator writes it: exactly 3 fractional digits (truncated), no zone.

    A naive datetime is taken as UTC; an aware one is converted to UTC first.
    """
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    # Not strftime: `%Y` writes year 1 as `1` on glibc; the pattern wants 4 digits.
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
        f".{value.microsecond // 1000:03d}"
    )
