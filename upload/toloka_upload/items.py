"""Turning user items (plain dicts, generated create models, unreadable records) into one request body."""

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, cast

import attrs
import orjson

from toloka_upload.kinds import Kind
from toloka_upload.results import FieldErrors

ITEM_INDEX_KEY = "__item_idx"


@attrs.frozen
class InvalidInput:
    """A record that could not be read as a create object; it ends up invalid at its position, never dropped."""

    field: str
    message: str
    code: str = "MALFORMED_RECORD"

    def errors(self) -> FieldErrors:
        """The record's errors, shaped like the API's validation errors."""
        return {self.field: {"code": self.code, "message": self.message}}


@attrs.define
class PreparedBatch:
    """One batch ready to send: its body, which batch offsets it carries, and what was refused client-side."""

    number: int
    start: int
    size: int
    body: bytes
    sent: list[int]
    """Batch offsets of the items in the body, in request order (the API's indices are positions in the body)."""
    errors: dict[int, FieldErrors]

    def digest(self) -> str:
        """sha256 of the body: a checkpoint refuses to resume a batch whose input changed."""
        return hashlib.sha256(self.body).hexdigest()


def _as_dict(item: object, kind: Kind) -> dict[str, Any] | InvalidInput:
    """The item as a plain dict (the fast path: a dict is used as is), or why it cannot be one."""
    if type(item) is dict:
        return item
    if isinstance(item, InvalidInput):
        return item
    if isinstance(item, kind.model):
        converted: dict[str, Any] = item.to_dict()
        return converted
    if isinstance(item, Mapping):
        return dict(item)
    return InvalidInput("", f"expected an object (a dict or {kind.model.__name__}), got {type(item).__name__}")


def _check(item: dict[str, Any], kind: Kind) -> InvalidInput | None:
    """The client-side checks that keep one bad record from failing a whole request; the server checks the rest."""
    pool_id = item.get("pool_id")
    if type(pool_id) is not str or not pool_id:
        return InvalidInput("pool_id", "pool_id must be a non-empty string (or pass pool_id=...)", "VALUE_REQUIRED")
    if kind.required_key not in item:
        return InvalidInput(kind.required_key, f"{kind.required_key} is required", "VALUE_REQUIRED")
    return None


def _serialisable(items: list[dict[str, Any]]) -> dict[int, FieldErrors]:
    """Positions of the items orjson cannot write (only looked for after the whole batch failed to serialise)."""
    refused: dict[int, FieldErrors] = {}
    for position, item in enumerate(items):
        try:
            orjson.dumps(item)
        except TypeError as exc:
            refused[position] = InvalidInput("", f"not JSON-serialisable: {exc}", "NOT_SERIALISABLE").errors()
    return refused


def prepare_batch(
    number: int,
    start: int,
    raw: Sequence[object],
    kind: Kind,
    *,
    pool_id: str | None,
    tag: bool,
    skip_invalid: bool,
) -> PreparedBatch:
    """Normalise, check and serialise one batch once; with refused items and no skip_invalid, send nothing."""
    payload: list[dict[str, Any]] = []
    sent: list[int] = []
    errors: dict[int, FieldErrors] = {}
    size = len(raw)
    if not tag:
        # The common case, plain dicts sent as given (or with the default pool_id filled in): orjson checks them
        # as it writes them, at C speed; anything it cannot write (generated models, unreadable records) takes
        # the item-by-item path below.
        fast: Sequence[object] | None = raw if pool_id is None else None
        if pool_id is not None and all(type(item) is dict for item in raw):
            dicts = cast(Sequence[dict[str, Any]], raw)
            fast = [item if "pool_id" in item else {**item, "pool_id": pool_id} for item in dicts]
        if fast is not None:
            try:
                return PreparedBatch(number, start, size, orjson.dumps(fast), list(range(size)), {})
            except TypeError:
                pass
    for offset, original in enumerate(raw):
        item = _as_dict(original, kind)
        if type(item) is dict:
            if (pool_id is not None and "pool_id" not in item) or tag:
                # One shallow copy, never a change to the caller's dict.
                item = {**item}
                if pool_id is not None:
                    item.setdefault("pool_id", pool_id)
                if tag:
                    item[ITEM_INDEX_KEY] = str(offset)
            problem = _check(item, kind)
            if problem is None:
                payload.append(item)
                sent.append(offset)
                continue
            item = problem
        assert isinstance(item, InvalidInput)
        errors[offset] = item.errors()
    body = b""
    if payload and (skip_invalid or not errors):
        try:
            body = orjson.dumps(payload)
        except TypeError:
            for position, item_errors in _serialisable(payload).items():
                errors[sent[position]] = item_errors
            kept = [position for position in range(len(payload)) if sent[position] not in errors]
            sent = [sent[position] for position in kept]
            if skip_invalid and kept:
                body = orjson.dumps([payload[position] for position in kept])
    if not body:
        sent = []
    return PreparedBatch(number=number, start=start, size=size, body=body, sent=sent, errors=errors)
