"""The resume file: which batches are done (with their outcomes) and which async operation each started one uses.

An append-only JSON Lines file: a header naming the upload's shape, then per batch a `start` record written
(and fsynced) before its first request, and a `done` record with its outcome. A rerun skips done batches and
re-sends started async batches with the same operation_id, which the API never executes twice.
"""

import os
from pathlib import Path
from typing import IO, Any

import attrs
import orjson

from toloka_upload.errors import CheckpointMismatchError
from toloka_upload.results import BatchOutcome

FORMAT = "toloka-upload-checkpoint/1"


@attrs.frozen
class Started:
    """A batch that was sent (or about to be) in an earlier run."""

    digest: str
    operation_id: str | None


class Checkpoint:
    """Reads the state of an earlier run and records this one's progress."""

    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        self.path = path
        self._started: dict[int, Started] = {}
        self._done: dict[int, dict[str, Any]] = {}
        header = {"format": FORMAT, **header}
        resumed = path.exists() and self._load(header)
        self._file: IO[bytes] = path.open("ab")
        if not resumed:
            self._append(header)

    def _load(self, header: dict[str, Any]) -> bool:
        """Read an earlier run's records; False when the file holds none (not even a whole header)."""
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
        if records[0] != header:
            raise CheckpointMismatchError(
                f"{self.path} belongs to another upload (it has {records[0]}, "
                f"this one is {header}); use another checkpoint file or delete it"
            )
        for record in records[1:]:
            if record.get("event") == "start":
                self._started[record["batch"]] = Started(record["digest"], record.get("operation_id"))
            elif record.get("event") == "done":
                self._done[record["batch"]] = record
        return True

    def done(self, number: int) -> BatchOutcome | None:
        """The outcome of batch `number` if an earlier run finished it (handed out once, then forgotten)."""
        record = self._done.pop(number, None)
        return None if record is None else BatchOutcome.from_record(record)

    def started(self, number: int, digest: str) -> Started | None:
        """The earlier start of batch `number`, after checking the batch still has the same content."""
        started = self._started.pop(number, None)
        if started is not None and started.digest != digest:
            raise CheckpointMismatchError(
                f"batch {number} differs from the one recorded in {self.path}: the input changed since that run"
            )
        return started

    def record_start(self, number: int, digest: str, operation_id: str | None) -> None:
        """Note, durably, that batch `number` is about to be sent (with this operation_id, if async)."""
        self._append({"event": "start", "batch": number, "digest": digest, "operation_id": operation_id})

    def record_done(self, outcome: BatchOutcome) -> None:
        """Note, durably, what became of a batch."""
        self._append({"event": "done", **outcome.to_record()})

    def _append(self, record: dict[str, Any]) -> None:
        self._file.write(orjson.dumps(record) + b"\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file."""
        self._file.close()
