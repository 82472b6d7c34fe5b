"""What became of every input position: created (with its id), invalid (with its errors), failed (never created,
with why) or unknown (may have been created: a rerun of the same command settles it)."""

import bisect
import enum
from collections.abc import Iterator
from typing import Any

import attrs

FieldErrors = dict[str, Any]
"""One item's validation errors: field path (`input_values.image`) → `{code, message, params?}`."""


class ItemStatus(enum.Enum):
    """The four ends an input position can come to."""

    CREATED = "created"
    INVALID = "invalid"
    FAILED = "failed"
    """Known not to be created (refused before sending, never sent, or the server said it did nothing)."""
    UNKNOWN = "unknown"
    """May or may not have been created (an answer was lost, the deadline passed while an operation ran)."""


@attrs.frozen
class ItemOutcome:
    """The end of one input position."""

    index: int
    status: ItemStatus
    id: str | None = None
    errors: FieldErrors | None = None
    reason: str | None = None
    earlier: bool = False
    """Created by an earlier run (found in the checkpoint, or an operation this run met again), not by this one."""

    def to_json(self) -> dict[str, Any]:
        """A plain dict for JSON Lines output: index, status and the id, errors or reason."""
        record: dict[str, Any] = {"index": self.index, "status": self.status.value}
        if self.id is not None:
            record["id"] = self.id
        if self.earlier:
            record["earlier"] = True
        if self.errors is not None:
            record["errors"] = self.errors
        if self.reason is not None:
            record["reason"] = self.reason
        return record


@attrs.define
class BatchOutcome:
    """What became of one batch, compactly: ids by position in the batch, sparse errors and failures."""

    number: int
    start: int
    ids: list[str | None]
    errors: dict[int, FieldErrors] = attrs.field(factory=dict)
    failures: dict[int, str] = attrs.field(factory=dict)
    operation_id: str | None = None
    unknown: dict[int, str] = attrs.field(factory=dict)
    """Positions that may have been created, with why it cannot be told."""
    earlier: set[int] = attrs.field(factory=set)
    """Positions created by an earlier run."""

    @property
    def size(self) -> int:
        """Items in the batch."""
        return len(self.ids)

    @property
    def invalid(self) -> int:
        """Items refused by validation."""
        return len(self.errors)

    @property
    def failed(self) -> int:
        """Items known not to be created, for another reason than their own validation."""
        return len(self.failures)

    @property
    def unsettled(self) -> int:
        """Items that may or may not have been created."""
        return len(self.unknown)

    @property
    def created(self) -> int:
        """Items created (by this run or an earlier one)."""
        return self.size - len(self.errors) - len(self.failures) - len(self.unknown)

    def mark_remaining(self, reason: str, *, unknown: bool = False) -> "BatchOutcome":
        """Mark every position with no id, no errors and no outcome yet as failed (or, with `unknown`, as
        unknown) with `reason`, so nothing goes unreported."""
        if None not in self.ids:
            return self
        target = self.unknown if unknown else self.failures
        for offset, item_id in enumerate(self.ids):
            if (
                item_id is None
                and offset not in self.errors
                and offset not in self.failures
                and offset not in self.unknown
            ):
                target[offset] = reason
        return self

    # The name before `mark_remaining`: "settle" means resolving an unknown outcome by a rerun everywhere else.
    settle = mark_remaining

    def outcome(self, offset: int) -> ItemOutcome:
        """The end of the item at `offset` within this batch."""
        index = self.start + offset
        if offset in self.errors:
            return ItemOutcome(index, ItemStatus.INVALID, errors=self.errors[offset])
        if offset in self.failures:
            return ItemOutcome(index, ItemStatus.FAILED, reason=self.failures[offset])
        if offset in self.unknown:
            return ItemOutcome(index, ItemStatus.UNKNOWN, reason=self.unknown[offset])
        return ItemOutcome(index, ItemStatus.CREATED, id=self.ids[offset], earlier=offset in self.earlier)

    def __iter__(self) -> Iterator[ItemOutcome]:
        return (self.outcome(offset) for offset in range(self.size))

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict for the checkpoint file."""
        return {
            "batch": self.number,
            "start": self.start,
            "ids": self.ids,
            "errors": {str(k): v for k, v in self.errors.items()},
            "failures": {str(k): v for k, v in self.failures.items()},
            "unknown": {str(k): v for k, v in self.unknown.items()},
            "operation_id": self.operation_id,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "BatchOutcome":
        """The inverse of `to_record`."""
        return cls(
            number=record["batch"],
            start=record["start"],
            ids=record["ids"],
            errors={int(k): v for k, v in record["errors"].items()},
            failures={int(k): v for k, v in record["failures"].items()},
            operation_id=record.get("operation_id"),
            unknown={int(k): v for k, v in record.get("unknown", {}).items()},
        )


class UploadResult:
    """Every input position of an upload mapped to its outcome, with counts."""

    def __init__(self, keep_items: bool = True) -> None:
        self._keep_items = keep_items
        self._batches: list[BatchOutcome] = []
        self._starts: list[int] = []
        self.total = 0
        self.created = 0
        self.invalid = 0
        self.failed = 0
        self.unknown = 0
        self.earlier = 0
        """Of `created`, the items an earlier run had created."""
        self.stopped = False
        """The upload was stopped (`stop` set) before all of its input was read."""

    def add(self, batch: BatchOutcome) -> None:
        """Count a finished batch (and keep it, unless the result was made with keep_items=False)."""
        self.total += batch.size
        self.created += batch.created
        self.invalid += batch.invalid
        self.failed += batch.failed
        self.unknown += batch.unsettled
        self.earlier += len(batch.earlier)
        if self._keep_items:
            position = bisect.bisect(self._starts, batch.start)
            self._starts.insert(position, batch.start)
            self._batches.insert(position, batch)

    @property
    def ok(self) -> bool:
        """True when every item was created."""
        return self.created == self.total and not self.stopped

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: int) -> ItemOutcome:
        if not self._keep_items:
            raise LookupError("this result kept only counts (keep_items=False)")
        position = bisect.bisect(self._starts, index) - 1
        if index < 0 or position < 0 or index >= self._starts[position] + self._batches[position].size:
            raise IndexError(index)
        batch = self._batches[position]
        return batch.outcome(index - batch.start)

    def __iter__(self) -> Iterator[ItemOutcome]:
        for batch in self._batches:
            yield from batch

    @property
    def ids(self) -> list[str | None]:
        """Created ids by input position (None where nothing was created)."""
        return [item_id for batch in self._batches for item_id in batch.ids]

    @property
    def operation_ids(self) -> list[str]:
        """The async operations the upload went through, in input order."""
        return [batch.operation_id for batch in self._batches if batch.operation_id]

    def problems(self) -> Iterator[ItemOutcome]:
        """The invalid, failed and unknown positions, in input order."""
        for batch in self._batches:
            for offset in sorted((*batch.errors, *batch.failures, *batch.unknown)):
                yield batch.outcome(offset)

    @property
    def new(self) -> int:
        """Of `created`, the items this run created (the others an earlier run had)."""
        return self.created - self.earlier

    def __repr__(self) -> str:
        # `created` counts what an earlier run made too: the repr splits it, so that a rerun that creates
        # nothing does not read as if it had.
        return (
            f"UploadResult(total={self.total}, new={self.new}, earlier={self.earlier}, invalid={self.invalid}, "
            f"failed={self.failed}, unknown={self.unknown})"
        )
