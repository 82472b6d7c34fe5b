"""Turning user items (plain dicts, generated create models, unreadable records) into one request body."""

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import orjson

from toloka_upload.checks import ItemChecker
from toloka_upload.kinds import Kind
from toloka_upload.results import FieldErrors

ITEM_INDEX_KEY = "__item_idx"
Mark = tuple[str, str]
"""(pool id, content digest) of one item: what finds it in its pool once created (see settling)."""


def content_mark(kind: Kind, item: dict[str, Any]) -> Mark | None:
    """What identifies an item in its pool once created: its pool and a digest of its input values (None when it
    has neither, e.g. a malformed item)."""
    pool_id = item.get("pool_id")
    if type(pool_id) is not str:
        return None
    if kind is Kind.TASKS:
        content: Any = item.get("input_values")
    else:
        tasks = item.get("tasks")
        content = [task.get("input_values") for task in tasks if type(task) is dict] if type(tasks) is list else None
    try:
        data = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    return pool_id, hashlib.blake2b(data, digest_size=8).hexdigest()


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
    digests: list[str | None] | None = None
    """Per batch offset, the item's digest (kept only with a checkpoint)."""
    created: dict[int, str] = attrs.field(factory=dict)
    """Batch offsets an earlier run created (per the checkpoint), with their ids: not sent again."""
    unknown: dict[int, str] = attrs.field(factory=dict)
    """Batch offsets an earlier run may have created without knowing: not sent again, reported unknown."""
    marks: list[Mark | None] | None = None
    """Per batch offset, the item's mark (kept for synchronous batches with a checkpoint, to settle them)."""


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


def _serialisable(items: list[dict[str, Any]]) -> dict[int, FieldErrors]:
    """Positions of the items orjson cannot write (only looked for after the whole batch failed to serialise)."""
    refused: dict[int, FieldErrors] = {}
    for position, item in enumerate(items):
        try:
            orjson.dumps(item)
        except TypeError as exc:
            refused[position] = InvalidInput("", f"not JSON-serialisable: {exc}", "NOT_SERIALISABLE").errors()
    return refused


def item_digest(item: object) -> str:
    """A short digest of one item's content (keys sorted): what a checkpoint compares between runs."""
    try:
        data = orjson.dumps(item, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        data = repr(item).encode()
    return hashlib.blake2b(data, digest_size=8).hexdigest()


class ChangedItemError(ValueError):
    """An item an earlier run created (per the checkpoint) differs now: resuming would claim it was sent."""

    def __init__(self, index: int, item_id: str) -> None:
        self.index = index
        self.item_id = item_id
        super().__init__(f"item {index} was created by the earlier run as {item_id}, but it differs now")


def prepare_batch(
    number: int,
    start: int,
    raw: Sequence[object],
    kind: Kind,
    *,
    pool_id: str | None,
    tag: bool,
    skip_invalid: bool,
    checker: ItemChecker,
    earlier: Mapping[int, tuple[str, str]] | None = None,
    held: Mapping[int, str] | None = None,
    digests: bool = False,
    marks: bool = False,
    claim: Callable[[str], str | None] | None = None,
) -> PreparedBatch:
    """Normalise, check and serialise one batch once; with refused items and no skip_invalid, send nothing.

    Every item, dict or model, goes through `checker`. `earlier` maps input positions an earlier run created to
    (digest, id): those are not sent again, and one whose content changed raises ChangedItemError. `held`
    maps positions whose earlier outcome is unknown to why: those are not sent either. With
    `digests` (a checkpoint is kept), each item's digest is recorded in the batch; with `marks`, its mark too.
    """
    payload: list[dict[str, Any]] = []
    sent: list[int] = []
    errors: dict[int, FieldErrors] = {}
    size = len(raw)
    item_digests: list[str | None] | None = [None] * size if digests or earlier else None
    created: dict[int, str] = {}
    unknown: dict[int, str] = {}
    item_marks: list[Mark | None] | None = [None] * size if marks else None
    candidates: list[tuple[int, dict[str, Any]]] = []
    for offset, original in enumerate(raw):
        if held and (reason := held.get(start + offset)) is not None:
            unknown[offset] = reason
            continue
        item = original if type(original) is dict else _as_dict(original, kind)
        if isinstance(item, InvalidInput):
            errors[offset] = item.errors()
            continue
        if pool_id is not None and "pool_id" not in item:
            # One shallow copy, never a change to the caller's dict.
            item = {**item, "pool_id": pool_id}
        if item_digests is not None:
            digest = item_digests[offset] = item_digest(item)
            if earlier is not None and (previous := earlier.get(start + offset)) is not None:
                if previous[0] != digest:
                    raise ChangedItemError(start + offset, previous[1])
                created[offset] = previous[1]
                continue
        known = item_digests[offset] if item_digests is not None else None
        if claim is not None and (item_id := claim(known or item_digest(item))):
            created[offset] = item_id
            continue
        candidates.append((offset, item))
    # The hot path: one check of the whole batch; only a batch with a doubtful item is checked item by item.
    if not checker.all_valid([item for _, item in candidates]):
        check = checker.check
        for offset, item in candidates:
            if (problems := check(item)) is not None:
                errors[offset] = problems
        candidates = [(offset, item) for offset, item in candidates if offset not in errors]
    for offset, item in candidates:
        if item_marks is not None:
            item_marks[offset] = content_mark(kind, item)
        if tag:
            item = {**item, ITEM_INDEX_KEY: str(offset)}
        payload.append(item)
        sent.append(offset)
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
    return PreparedBatch(
        number=number,
        start=start,
        size=size,
        body=body,
        sent=sent,
        errors=errors,
        digests=item_digests,
        created=created,
        unknown=unknown,
        marks=item_marks,
    )
