"""The resume file: what an upload is for, and per input position what became of it.

An append-only JSON Lines file, each record fsynced: a header with the upload's target (base URL, kind, pool,
flags, salt); per batch a `start` record written before its first request (its input positions, the digest of
each item, the operation id in async mode) and a `done` record with its outcome. A rerun:
- is refused when the target differs (the message says what differs and what to do);
- settles first what an earlier run left open (started batches, or ones it reported unknown): it follows
  their operations (async), or reads the pool back and matches the items' marks (sync, see settling), so what
  they created is known by position;
- then sends only the positions not yet created (per item, not per batch), reports the others as created by
  the earlier run (with their ids), and refuses to go on when an item it created has changed since.
"""

import os
import time
import uuid
from pathlib import Path
from typing import IO, Any

import attrs
import orjson

from toloka_upload.errors import CheckpointMismatchError
from toloka_upload.identity import Target, differences
from toloka_upload.items import PreparedBatch
from toloka_upload.results import BatchOutcome
from toloka_upload.timing import Clock

FORMAT = "toloka-upload-checkpoint/2"
Marks = list[list[str] | None]
"""Per batch offset, the (pool id, content digest) of a synchronous batch's item (None: nothing to find it by)."""


@attrs.define
class Pending:
    """A batch an earlier run sent (or was about to) without learning what became of all of it."""

    key: str
    start: int
    size: int
    sent: list[int]
    digests: list[str | None]
    operation_id: str | None
    at: float
    """Wall-clock time of the start record."""
    known: BatchOutcome | None = None
    """The outcome the earlier run did record (with unknown positions), if any."""
    marks: Marks | None = None
    """Per batch offset, the (pool id, content digest) of a synchronous batch's item, to find it in the pool."""
    floors: dict[str, str] = attrs.field(factory=dict)
    """Per pool, its newest id when the run began: what the batch created comes after it."""

    def unsettled(self) -> list[int]:
        """The batch offsets whose outcome is not known."""
        return sorted(self.known.unknown) if self.known is not None else list(self.sent)


def recorded_salt(path: Path) -> str | None:
    """The `--again` name of the upload a checkpoint file is for (None: it has none, or there is no such file)."""
    try:
        with path.open("rb") as handle:
            header = orjson.loads(handle.readline())
    except (OSError, orjson.JSONDecodeError):
        return None
    target = header.get("target") if isinstance(header, dict) else None
    salt = target.get("salt") if isinstance(target, dict) else None
    return salt if isinstance(salt, str) else None


class Checkpoint:
    """Reads the state of earlier runs and records this one's progress."""

    def __init__(self, path: Path, target: Target, *, wall_clock: Clock = time.time) -> None:
        # The start records' `at` is calendar time, for a person reading the file (nothing decides by it); the
        # upload's own clock is monotonic (its deadline), so this one is separate, and passed in by tests.
        self.path = path
        self.target = target
        self._wall_clock = wall_clock
        self.created: dict[int, tuple[str, str]] = {}
        """Input position -> (item digest, id) of everything earlier runs created."""
        self.unknown: dict[int, str] = {}
        """Input position -> why: what earlier runs could not settle (synchronous batches whose answer was lost)."""
        self.pending: list[Pending] = []
        self.floors: dict[str, str] = {}
        """Per pool, its newest id when this run began (written into each synchronous batch's start record)."""
        header = {"format": FORMAT, "target": target.to_record()}
        resumed = path.exists() and self._load(header)
        self._file: IO[bytes] = path.open("ab")
        if not resumed:
            self._append(header)

    def _load(self, header: dict[str, Any]) -> bool:
        """Read earlier runs' records; False when the file holds none (not even a whole header)."""
        content = self.path.read_bytes()
        if not content.endswith(b"\n"):
            # A crash mid-write leaves at most a torn last line: drop it before appending after it.
            content = content[: content.rfind(b"\n") + 1]
            os.truncate(self.path, len(content))
        records = []
        for number, line in enumerate(content.splitlines()):
            try:
                records.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                raise CheckpointMismatchError(f"{self.path}: line {number + 1} is not JSON") from None
        if not records:
            return False
        first = records[0]
        if not isinstance(first, dict) or first.get("format") != FORMAT:
            raise CheckpointMismatchError(
                f"{self.path} is not a checkpoint of this version of toloka-upload; use a new checkpoint file"
            )
        if first != header:
            found = differences(first.get("target", {}), header["target"])
            raise CheckpointMismatchError(
                f"{self.path} was made for another upload ({'; '.join(found)}). Nothing was sent. To resume that "
                "upload, rerun it as it was; to make this one, use another --checkpoint file"
            )
        starts: dict[str, Pending] = {}
        for record in records[1:]:
            if record.get("event") == "start":
                starts[record["key"]] = Pending(
                    record["key"], record["start"], record["size"], record["sent"], record["digests"],
                    record.get("operation_id"), record.get("at", 0.0), marks=record.get("marks"),
                    floors=record.get("floors") or {},
                )  # fmt: skip
            elif record.get("event") == "done":
                self._take_done(record, starts)
        self.pending = list(starts.values())
        for pending in self.pending:
            if pending.operation_id is None and pending.marks is None:
                # A synchronous batch sent without an answer and no marks to find it by: resending could create
                # it twice.
                for offset in pending.unsettled():
                    self.unknown.setdefault(pending.start + offset, _SYNC_UNKNOWN)
        self.pending = [p for p in self.pending if p.operation_id is not None or p.marks is not None]
        return True

    def _take_done(self, record: dict[str, Any], starts: dict[str, Pending]) -> None:
        outcome = BatchOutcome.from_record(record)
        digests: list[str | None] = record.get("digests") or [None] * outcome.size
        for offset, item_id in enumerate(outcome.ids):
            position = outcome.start + offset
            if item_id is not None and offset not in outcome.unknown and digests[offset] is not None:
                self.created[position] = (str(digests[offset]), item_id)
                self.unknown.pop(position, None)
        started = starts.pop(record.get("key", ""), None)
        if outcome.unknown:
            if started is not None:
                started.known = outcome
                starts[started.key] = started
            else:
                for offset, reason in outcome.unknown.items():
                    self.unknown.setdefault(outcome.start + offset, reason)

    def record_start(self, batch: PreparedBatch, operation_id: str | None) -> str:
        """Note, durably, that `batch` is about to be sent (with this operation_id, if async); its key."""
        key = str(uuid.uuid4())
        record: dict[str, Any] = {
            "event": "start",
            "key": key,
            "start": batch.start,
            "size": batch.size,
            "sent": batch.sent,
            "digests": batch.digests,
            "operation_id": operation_id,
            "at": self._wall_clock(),
        }
        if operation_id is None and batch.marks is not None:
            record["marks"] = batch.marks
            record["floors"] = self.floors
        self._append(record)
        return key

    def record_done(self, outcome: BatchOutcome, digests: list[str | None] | None, key: str | None) -> None:
        """Note, durably, what became of a batch."""
        self._append({"event": "done", "key": key, "digests": digests, **outcome.to_record()})

    def _append(self, record: dict[str, Any]) -> None:
        self._file.write(orjson.dumps(record) + b"\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file."""
        self._file.close()


_SYNC_UNKNOWN = (
    "outcome unknown: an earlier run sent this item in a synchronous batch and stopped before the answer, and its "
    "checkpoint has no marks to find it by; it is not resent, so nothing is created twice: look for it in the pool"
)
