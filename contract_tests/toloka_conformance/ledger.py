"""What the run creates on the account: a cap on the items (`--max-items`) and a ledger of every object made.

Every upload the suite sends (its checks, schemathesis, the generated client) passes `Ledger.reserve` before it
goes out and `Ledger.observe` when answered: a request that would take the run past the cap is not sent
(`BudgetSpent`), and each task, suite or operation created is listed with its pool and the row that made it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# The paths that create items (a POST there uploads tasks or task suites).
UPLOADS = {"/api/v1/tasks": "task", "/api/v1/task-suites": "task_suite"}


class BudgetSpent(Exception):
    """An upload would take the run past `--max-items`: it was not sent (the row is skipped, saying so)."""


@dataclass(frozen=True)
class Created:
    """One object the run created: a task, a task suite, or an async operation (its items not yet listed)."""

    kind: str
    id: str
    pool: str
    requirement: str
    items: int = 1


@dataclass
class Ledger:
    """The run's item cap (None: no cap) and what it created, row by row (thread-safe)."""

    max_items: int | None = None
    used: int = 0
    entries: list[Created] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _row: threading.local = field(default_factory=threading.local, repr=False)

    @contextmanager
    def row(self, requirement: str) -> Iterator[None]:
        """Attribute what this thread creates inside the block to `requirement`."""
        previous = getattr(self._row, "name", None)
        self._row.name = requirement
        try:
            yield
        finally:
            self._row.name = previous

    @property
    def current(self) -> str:
        """The row this thread is running (what its uploads are attributed to)."""
        return getattr(self._row, "name", None) or "suite"

    def left(self) -> int | None:
        """Items the cap still allows (None: no cap)."""
        return None if self.max_items is None else max(self.max_items - self.used, 0)

    def reserve(self, method: str, path: str, body: bytes | None) -> int:
        """Count an upload's items against the cap before it is sent; BudgetSpent when they do not fit."""
        count = _items_sent(method, path, body)
        if not count:
            return 0
        with self._lock:
            if self.max_items is not None and self.used + count > self.max_items:
                raise BudgetSpent(
                    f"not sent: its {count} item(s) do not fit in --max-items {self.max_items} "
                    f"({self.max_items - self.used} left)"
                )
            self.used += count
        return count

    def observe(
        self,
        method: str,
        path: str,
        sent: int,
        status: int,
        request: bytes | None,
        answer: bytes,
        *,
        reserved: bool = True,
    ) -> None:
        """Record what an upload of `sent` items created, by its answer: items reserved but not created are given
        back; with `reserved=False` (an upload counted by a budget of its own: schemathesis') what it created is
        added."""
        if not sent:
            return
        kind = UPLOADS[_upload_path(method, path) or ""]
        pool = _pool_of(request)
        body = _json(answer)
        made: list[Created] = []
        if status == 201 and isinstance(body, dict):
            items = body.get("items") if isinstance(body.get("items"), dict) else None
            objects = list(items.values()) if items is not None else [body]
            for item in objects:
                if isinstance(item, dict) and item.get("id") is not None:
                    made.append(Created(kind, str(item["id"]), str(item.get("pool_id", pool)), self.current))
            created = len(made)
        elif status == 202 and isinstance(body, dict) and body.get("id") is not None:
            made.append(Created(f"operation ({kind}s)", str(body["id"]), pool, self.current, sent))
            created = sent  # an async upload may create every item sent: counted as such
        else:
            created = 0
        with self._lock:
            self.used += (min(created, sent) - sent) if reserved else created
            self.entries += made

    def summary(self) -> str:
        """`N objects created (n tasks, ...), M items counted against --max-items`."""
        kinds: dict[str, int] = {}
        for entry in self.entries:
            kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
        said = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())) or "nothing"
        cap = f" of --max-items {self.max_items}" if self.max_items is not None else ""
        return f"created: {said}; {self.used} item(s) counted{cap}"


def _upload_path(method: str, path: str) -> str | None:
    trimmed = path.rstrip("/")
    for upload in UPLOADS:
        if method.upper() == "POST" and trimmed.endswith(upload):
            return upload
    return None


def _items_sent(method: str, path: str, body: bytes | None) -> int:
    """Items an upload request may create: the array's length, 1 for one object, 0 for anything else."""
    if _upload_path(method, path) is None:
        return 0
    value = _json(body or b"")
    if isinstance(value, list):
        return len(value)
    return 1 if isinstance(value, dict) else 0


def _pool_of(request: bytes | None) -> str:
    value = _json(request or b"")
    first = value[0] if isinstance(value, list) and value else value
    pool = first.get("pool_id") if isinstance(first, dict) else None
    return str(pool) if pool is not None else "?"


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None
