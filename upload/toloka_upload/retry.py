"""`--retry-from OUTPUT`: which input lines an earlier run's `--output` file leaves to send, checked against the
input by each record's digest before anything is sent.

Lines are matched by content, not by index: an input line whose digest OUTPUT reports `created` (or `unknown`)
is not sent again, wherever it is now, so an edit, a deleted line or a shift above it does not make the tool
send a neighbour; every other line (failed, invalid, edited since, or never reached by the earlier run) is
sent. What cannot be resolved is refused, naming the line: an OUTPUT without digests, or a line OUTPUT reports
created whose content is nowhere in the input any more while its place now holds a line to send (an edited
created line: sending it would create it a second time).
"""

from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import orjson

from toloka_upload.errors import UsageError


@attrs.frozen
class RetryPlan:
    """What a `--retry-from` run sends, and the `--output` records of the lines it does not send."""

    send: frozenset[int]
    """Input indices to upload."""
    kept: bytes
    """OUTPUT's records of the input lines not sent (created or unknown), renumbered to where they are now."""
    created: int
    unknown: int


def read_output(path: Path) -> list[dict[str, Any]]:
    """The records of an `--output` file; a UsageError naming the first line that is not one."""
    found: list[dict[str, Any]] = []
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                record = None
            if not isinstance(record, dict) or type(record.get("index")) is not int or "status" not in record:
                raise UsageError(f"{path}: line {number} is not a toloka-upload --output record; nothing was sent")
            if not isinstance(record.get("digest"), str) or not record["digest"]:
                raise UsageError(
                    f"{path}: line {number} has no digest of its input line (written by an older toloka-upload), so "
                    "the input cannot be checked against it; nothing was sent. Rerun the original command instead"
                )
            found.append(record)
    return found


def plan(path: Path, inputs: Iterable[tuple[int, str]]) -> RetryPlan:
    """The plan for the input, given as (line, digest) per input index; a UsageError when it cannot be made."""
    done: dict[str, deque[dict[str, Any]]] = {}
    for record in read_output(path):
        if record["status"] in ("created", "unknown"):
            done.setdefault(record["digest"], deque()).append(record)
    send: set[int] = set()
    lines: dict[int, int] = {}
    kept: list[bytes] = []
    counts = {"created": 0, "unknown": 0}
    for index, (line, digest) in enumerate(inputs):
        lines[index] = line
        queue = done.get(digest)
        if not queue:
            send.add(index)
            continue
        record = queue.popleft()
        counts[record["status"]] += 1
        moved = {**record, "index": index, "line": line}
        if record["status"] == "created":
            moved["earlier"] = True
        kept.append(orjson.dumps(moved) + b"\n")
    for queue in done.values():
        for record in queue:
            index = record["index"]
            if record["status"] == "created" and index in send:
                raise UsageError(
                    f"line {lines[index]}: {path} reports the line there created as {record.get('id')}, but no input "
                    "line has that content now: it was edited after it was created, and sending it would create it "
                    "a second time. Nothing was sent. Restore the line as it was, or upload the changed line as a "
                    "new upload"
                )
    return RetryPlan(frozenset(send), b"".join(kept), counts["created"], counts["unknown"])
