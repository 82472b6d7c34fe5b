"""Reading create objects from JSON Lines and from Toloka-style CSV/TSV (`INPUT:field` columns), lazily.

Readers yield (line, record, digest) triples: the line a record starts on, which is not its position (JSON Lines
skips blank lines, a CSV/TSV row may span lines), and with `digests` a short digest of the record's text (what
an `--output` line records, so that `--retry-from` can tell an edited, deleted or shifted line). A record that
cannot be read becomes an InvalidInput naming its line and field, so it is reported at its position instead of
stopping the upload or vanishing.
"""

import csv
import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

import orjson

from toloka_upload.items import InvalidInput
from toloka_upload.kinds import Kind

INPUT_PREFIX = "INPUT:"
GOLDEN_PREFIX = "GOLDEN:"
HINT_COLUMN = "HINT:text"
INTEGER_COLUMNS = ("overlap",)
STRING_COLUMNS = ("pool_id",)


def _invalid(line: int, field: str, message: str) -> InvalidInput:
    return InvalidInput(field, f"line {line}: {field + ': ' if field else ''}{message}")


Numbered = Iterator[tuple[int, object, str]]
"""(line, record, digest) triples: a record with the 1-based line it starts on and its text's digest ("" when
not asked for)."""
Source = tuple[int, int, str]
"""Where a position comes from: (line, input index, digest)."""


def text_digest(text: bytes) -> str:
    """The digest an `--output` line records of its input record's text."""
    return hashlib.blake2b(text, digest_size=8).hexdigest()


class SourceLines:
    """The source (line, input index, digest) of each position read and not yet reported; holds only the batches
    in flight. With `only`, just the records at those input indices are handed on (--retry-from)."""

    def __init__(self, only: Collection[int] | None = None) -> None:
        self._sources: dict[int, Source] = {}
        self._only = only

    def records(self, numbered: Iterable[tuple[int, object, str]]) -> Iterator[object]:
        """The records alone, for the uploader, noting where each position comes from."""
        only = self._only
        sources = self._sources
        position = 0
        for index, (line, record, digest) in enumerate(numbered):
            if only is not None and index not in only:
                continue
            sources[position] = (line, index, digest)
            position += 1
            yield record

    def take(self, start: int, size: int) -> list[Source]:
        """Where positions start..start+size-1 come from, forgotten once taken."""
        pop = self._sources.pop
        return [pop(position) for position in range(start, start + size)]

    def line_of(self, position: int) -> int | None:
        """The line of a position not reported yet."""
        source = self._sources.get(position)
        return source[0] if source is not None else None


def read_jsonl(lines: Iterable[bytes], kind: Kind, pool_id: str | None = None, *, digests: bool = False) -> Numbered:
    """One create object per non-blank line; `pool_id` goes into records without one (they are the reader's own).

    With `digests`, each record's digest is that of its line (without the line break)."""
    loads = orjson.loads
    blake2b = hashlib.blake2b  # text_digest, inlined: a call per line shows in the command's CPU
    digest = ""
    for number, line in enumerate(lines, start=1):
        if digests:
            digest = blake2b(line.rstrip(b"\r\n"), digest_size=8).hexdigest()
        try:
            record = loads(line)
        except orjson.JSONDecodeError as exc:
            if not line.strip():
                continue
            yield number, _invalid(number, "", f"not valid JSON at column {exc.colno}: {exc.msg}"), digest
            continue
        if type(record) is dict:
            if pool_id is not None and "pool_id" not in record:
                record["pool_id"] = pool_id
            yield number, record, digest
        else:
            yield number, _invalid(number, "", f"expected a JSON object, got {type(record).__name__}"), digest


def _cell(value: str, decode: bool) -> Any:
    """A cell's value: the text itself, or with `decode` the JSON number/boolean/array/object it spells."""
    if decode:
        try:
            parsed = orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
        if not isinstance(parsed, str) and parsed is not None:
            return parsed
    return value


def _column_target(name: str) -> tuple[str, str] | None:
    """Where a column goes: ("input", field), ("golden", field), ("hint", ""), ("top", key); None = unknown."""
    if name.startswith(INPUT_PREFIX) and len(name) > len(INPUT_PREFIX):
        return "input", name[len(INPUT_PREFIX) :]
    if name.startswith(GOLDEN_PREFIX) and len(name) > len(GOLDEN_PREFIX):
        return "golden", name[len(GOLDEN_PREFIX) :]
    if name == HINT_COLUMN:
        return "hint", ""
    if name in INTEGER_COLUMNS or name in STRING_COLUMNS:
        return "top", name
    return None


def _undecodable(text: str) -> bool:
    """Whether text read with errors="surrogateescape" holds bytes that were not UTF-8."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


CellTyper = Callable[[str, str], Any]
"""(input field, cell text) -> value: the project's input spec typing a cell (InputSpec.cell)."""


def read_table(
    text_lines: Iterable[str],
    kind: Kind,
    delimiter: str,
    decode_cells: bool = False,
    typed: CellTyper | None = None,
    *,
    digests: bool = False,
) -> Numbered:
    """Tasks from a header row of `INPUT:field` (and optional `GOLDEN:field`, `HINT:text`, `pool_id`,
    `overlap`) columns, one task a row; empty cells are left out, as in Toloka's own TSV uploads.

    `typed` types INPUT cells by the project's input spec (as Toloka's own TSV upload does); without it,
    `decode_cells` reads cells like `5`, `true`, `[1]` as JSON, and otherwise every cell is text. With `digests`,
    each record's digest is that of its cells. `text_lines` decoded with errors="surrogateescape" make a row that
    is not UTF-8 invalid at its line (a header that is not: a ValueError) instead of stopping the upload."""
    if kind is not Kind.TASKS:
        raise ValueError("CSV/TSV input holds tasks; write task suites as JSON Lines")
    reader = csv.reader(text_lines, delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return
    if not "".join(header).isascii() and _undecodable("".join(header)):
        raise ValueError("line 1: the header is not UTF-8 text: save the file as UTF-8")
    targets = [_column_target(name) for name in header]
    unknown = [name for name, target in zip(header, targets, strict=True) if target is None]
    if unknown or not any(target and target[0] == "input" for target in targets):
        raise ValueError(f"columns must be INPUT:<field>, GOLDEN:<field>, HINT:text, pool_id or overlap; got {header}")
    end = reader.line_num
    for row in reader:
        # A quoted cell may hold line breaks: a row starts on the line after the previous one ended.
        line, end = end + 1, reader.line_num
        if not row:
            continue
        text = "\x1f".join(row)
        digest = text_digest(text.encode("utf-8", "surrogateescape")) if digests else ""
        if not text.isascii() and _undecodable(text):
            yield line, _invalid(line, "", "not UTF-8 text: save the file as UTF-8"), digest
            continue
        if len(row) != len(header):
            yield line, _invalid(line, "", f"expected {len(header)} columns, got {len(row)}"), digest
            continue
        record: dict[str, Any] = {"input_values": {}}
        golden: dict[str, Any] = {}
        problem = None
        for value, (place, name) in zip(row, targets, strict=True):  # type: ignore[misc]
            if value == "":
                continue
            if place == "input":
                record["input_values"][name] = typed(name, value) if typed else _cell(value, decode_cells)
            elif place == "golden":
                golden[name] = _cell(value, decode_cells)
            elif place == "hint":
                record["message_on_unknown_solution"] = value
            elif name in INTEGER_COLUMNS:
                try:
                    record[name] = int(value)
                except ValueError:
                    problem = (name, f"expected an integer, got {value!r}")
            else:
                record[name] = value
        if golden:
            record["known_solutions"] = [{"output_values": golden, "correctness_weight": 1}]
        yield line, record if problem is None else _invalid(line, *problem), digest
