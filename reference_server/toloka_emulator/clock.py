"""Timestamps in the API's format and ids that sort as strings in creation order."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now_timestamp() -> str:
    """The current UTC time as `YYYY-MM-DDThh:mm:ss.fff` (no zone designator, as the API sends it)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def item_id(seq: int) -> str:
    """An item id like the real `000248a756--6422ca21e5997032541d856b`: zero-padded hex sequence, random tail."""
    return f"{seq:010x}--{os.urandom(12).hex()}"
