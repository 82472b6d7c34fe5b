"""What the command tells the user as batches end: progress, problems by input line, `--output` records, hints."""

from collections.abc import Iterator
from pathlib import Path
from typing import IO

import orjson

from toloka_upload.batch import DEADLINE, HELD_BACK, STOPPED
from toloka_upload.progress import Progress
from toloka_upload.readers import Source, SourceLines
from toloka_upload.results import BatchOutcome

MAX_SHOWN_PROBLEMS = 20
# What a pool answers when a CSV/TSV cell is sent as text where its input spec wants another type.
TYPED_FIELD_CODES = frozenset(
    {"INTEGER_EXPECTED", "FLOAT_EXPECTED", "BOOLEAN_EXPECTED", "JSON_EXPECTED", "ARRAY_EXPECTED"}
)
JSON_CELLS_HINT = (
    "hint: {count} item(s) were refused with {codes}: CSV/TSV cells are read as text unless --json-cells is given; "
    "if the pool's input spec has integer, float, boolean, JSON or array fields, rerun with --json-cells"
)


def in_words(errors: object, line: int) -> str:
    """An item's validation errors as text: `field: message (CODE)` per field, `; ` between them; a record that
    could not be read at all says what is wrong with it, without repeating its line."""
    if not isinstance(errors, dict):
        return str(errors)
    parts = []
    for field, error in errors.items():
        if isinstance(error, dict):
            message = str(error.get("message") or "").removeprefix(f"line {line}: ")
            code = error.get("code")
            # A record that could not be read has only the reader's words; the API's codes are worth showing.
            text = f"{message} ({code})" if message and code and code != "MALFORMED_RECORD" else message or str(code)
        else:
            text = str(error)
        parts.append(f"{field}: {text}" if field and not text.startswith(f"{field}: ") else text)
    return "; ".join(parts) or "refused (no reason given)"


def _never_sent(outcome: BatchOutcome) -> bool:
    """Whether the whole batch was left unsent by a stop (and holds nothing else to report)."""
    stopped = f"not created: {STOPPED}"
    failures = outcome.failures
    return (
        not outcome.errors
        and not outcome.unknown
        and len(failures) == outcome.size
        and all(reason == stopped for reason in failures.values())
    )


def held_back(outcome: BatchOutcome) -> int:
    """Valid items of the batch not created only because other items of it were invalid (no --skip-invalid)."""
    if not outcome.errors:
        return 0
    return sum(HELD_BACK in reason for reason in outcome.failures.values())


def problems(outcome: BatchOutcome, sources: list[Source]) -> Iterator[str]:
    """One message per invalid item, and one per distinct failure reason of the batch, by input line (and index,
    numbered as `--output` numbers it)."""
    lines = [line for line, _, _ in sources]
    for offset in sorted(outcome.errors):
        where = f"line {lines[offset]} (item {sources[offset][1]})"
        yield f"{where}: invalid: {in_words(outcome.errors[offset], lines[offset])}"
    by_reason: dict[tuple[str, str], list[int]] = {}
    for offset, reason in outcome.failures.items():
        if HELD_BACK in reason and outcome.errors:
            count = len(outcome.errors)
            reason = (
                f"not created: {count} line(s) of their batch {'is' if count == 1 else 'are'} invalid and "
                "--skip-invalid was not given"
            )
        if DEADLINE in reason:  # the command's flag, not the library's option
            reason = reason.replace(DEADLINE, DEADLINE.replace("give_up_after", "--give-up-after"))
        by_reason.setdefault(("failed", reason), []).append(offset)
    for offset, reason in outcome.unknown.items():
        by_reason.setdefault(("unknown", reason), []).append(offset)
    for (status, reason), offsets in by_reason.items():
        first, last = min(offsets), max(offsets)
        where = (
            f"line {lines[first]} (item {sources[first][1]})"
            if len(offsets) == 1
            else f"{len(offsets)} items on lines {lines[first]}..{lines[last]} "
            f"(items {sources[first][1]}..{sources[last][1]})"
        )
        yield f"{where}: {status}: {reason}"


def _plain(ids: list[str | None]) -> bool:
    """True when every id is a string JSON writes as is (no escapes): one C pass over the batch."""
    try:
        return orjson.dumps(ids) == ('["' + '","'.join(ids) + '"]').encode()  # type: ignore[arg-type]
    except TypeError:  # a None, or an id that is not a string
        return False


def output_records(outcome: BatchOutcome, sources: list[Source]) -> bytes:
    """A batch's `--output` lines: index, line, status, the id (`earlier`), errors or reason, and the digest of
    the input record (what `--retry-from` checks the input against).

    The common case, a batch created whole by this run, is formatted directly by one f-string per item: an
    ItemOutcome and a dict per item for orjson doubled the CPU of a whole upload with `--output`."""
    ids = outcome.ids
    if not (outcome.errors or outcome.failures or outcome.unknown or outcome.earlier) and _plain(ids):
        return "".join(
            [
                f'{{"index":{index},"line":{line},"status":"created","id":"{item_id}","digest":"{digest}"}}\n'
                for item_id, (line, index, digest) in zip(ids, sources, strict=True)
            ]
        ).encode()
    records = []
    for offset, (line, index, digest) in enumerate(sources):
        record = outcome.outcome(offset).to_json()
        record["index"], record["line"], record["digest"] = index, line, digest
        records.append(orjson.dumps(record) + b"\n")
    return b"".join(records)


def typed_field_codes(outcome: BatchOutcome) -> Iterator[set[str]]:
    """Per item refused for a field's type, the codes saying so."""
    for errors in outcome.errors.values():
        codes = {str(error.get("code")) for error in errors.values() if isinstance(error, dict)}
        if codes & TYPED_FIELD_CODES:
            yield codes & TYPED_FIELD_CODES


class Report:
    """The command's on_batch: advances the bar, writes `--output` records, shows the first problems."""

    def __init__(
        self, bar: Progress, source: SourceLines, output: IO[bytes] | None, output_path: Path | None, cells: bool
    ) -> None:
        self._bar = bar
        self._source = source
        self._output = output
        self._output_path = output_path
        self._hint_cells = cells
        self._shown = 0
        self._typed_refusals = 0
        self._typed_codes: set[str] = set()
        self.held_back = 0
        """Valid items not sent because invalid ones shared their batch (no --skip-invalid)."""
        self._stopped: list[int] = []  # count, first line, last line of the batches never sent after a stop

    def __call__(self, outcome: BatchOutcome) -> None:
        # Only what is done moves the bar: failed and unknown items keep it short of 100 %.
        self._bar.update(outcome.created + outcome.invalid)
        sources = self._source.take(outcome.start, outcome.size)
        if self._output is not None:
            self._output.write(output_records(outcome, sources))
            self._output.flush()  # once a batch: what a killed run leaves behind is whole batches
        if self._hint_cells:
            for codes in typed_field_codes(outcome):
                self._typed_refusals += 1
                self._typed_codes |= codes
        self.held_back += held_back(outcome)
        if _never_sent(outcome):
            # After Ctrl-C every batch left is one of these: one line at the end, not a screenful of them.
            lines = [line for line, _, _ in sources]
            count, first, last = self._stopped or [0, lines[0], lines[0]]
            self._stopped = [count + len(lines), min(first, *lines), max(last, *lines)]
            return
        for message in problems(outcome, sources):
            self._shown += 1
            if self._shown <= MAX_SHOWN_PROBLEMS:
                self._bar.write(message)

    @property
    def not_shown(self) -> int:
        """Problem lines beyond the first MAX_SHOWN_PROBLEMS, left off stderr."""
        return max(0, self._shown - MAX_SHOWN_PROBLEMS)

    def where(self) -> str:
        """Where the reasons are: above, or the first of them above and all in the --output file."""
        if not self.not_shown:
            return "the reasons are above" + (f" and in {self._output_path}" if self._output_path else "")
        first = f"the first {MAX_SHOWN_PROBLEMS} problems are above and {self.not_shown:,} more are not shown"
        if self._output_path:
            return f"{first}: all are in {self._output_path}"
        return f"{first}: rerun with --output FILE to get them all"

    def hints(self) -> Iterator[str]:
        """Advice for the end of the run (table cells read as text where the pool wants other types)."""
        if self._stopped:
            count, first, last = self._stopped
            yield (
                f"{count:,} items between lines {first} and {last}: failed: not sent (the upload was stopped before "
                "their batches were sent)"
            )
        if self._typed_refusals:
            yield JSON_CELLS_HINT.format(count=self._typed_refusals, codes="/".join(sorted(self._typed_codes)))
