"""Mapping an operation log back to the positions of the batch that started the operation.

The contract lists the log's item steps in request order, one per item that was created or refused; an item
that was neither (a valid item of a failed operation) has no step. So: by our `__item_idx` tag when items carry
one; by order when every sent item has its step; otherwise by matching each step's echoed `input` to the item
sent (equal items get equal outcomes, so ties between them do not matter); always by content for an operation met
again (409), which another run may have sent.
"""

from collections import defaultdict, deque
from typing import Any

import orjson
from toloka_contract.operations import CREATE_STEPS, LOG_TASK_SUITE_VALIDATE, LOG_TASK_VALIDATE

from toloka_upload.items import ITEM_INDEX_KEY, PreparedBatch
from toloka_upload.results import BatchOutcome

VALIDATE_STEPS = frozenset({LOG_TASK_VALIDATE, LOG_TASK_SUITE_VALIDATE})


def _item_steps(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps about one item each (not POOL_OPEN and the like)."""
    return [step for step in log if step.get("type") in CREATE_STEPS or step.get("type") in VALIDATE_STEPS]


def _canonical(item: Any) -> bytes:
    return orjson.dumps(item, option=orjson.OPT_SORT_KEYS)


def _offsets_by_content(steps: list[dict[str, Any]], batch: PreparedBatch) -> list[int | None]:
    waiting: defaultdict[bytes, deque[int]] = defaultdict(deque)
    for position, item in enumerate(orjson.loads(batch.body)):
        waiting[_canonical(item)].append(batch.sent[position])
    offsets: list[int | None] = []
    for step in steps:
        queue = waiting.get(_canonical(step.get("input")))
        offsets.append(queue.popleft() if queue else None)
    return offsets


def _offsets(steps: list[dict[str, Any]], batch: PreparedBatch, by_content: bool) -> list[int | None]:
    """The batch offset each step is about (None when it cannot be told)."""
    if by_content:
        return _offsets_by_content(steps, batch)
    if steps and ITEM_INDEX_KEY in (steps[0].get("input") or {}):
        return [int(tag) if (tag := (s.get("input") or {}).get(ITEM_INDEX_KEY)) is not None else None for s in steps]
    if len(steps) == len(batch.sent):
        return list(batch.sent)
    if not batch.body:
        raise ValueError(f"{len(steps)} item steps for {len(batch.sent)} items sent")
    return _offsets_by_content(steps, batch)


def take_log(
    log: list[dict[str, Any]],
    batch: PreparedBatch,
    created_key: str,
    outcome: BatchOutcome,
    *,
    by_content: bool = False,
) -> int:
    """Record the ids and validation errors an operation log reports into the batch's outcome.

    `by_content`: match every step to an item of the batch by what it echoes (an operation met again may have
    been sent by another run, with other items in another order). Returns how many item steps match no item
    of the batch.
    """
    steps = _item_steps(log)
    ids = outcome.ids
    unmatched = 0
    for offset, step in zip(_offsets(steps, batch, by_content), steps, strict=True):
        if offset is None or not 0 <= offset < len(ids):
            unmatched += 1
            continue
        output = step.get("output") or {}
        if step.get("success") and created_key in output:
            ids[offset] = output[created_key]
        elif not step.get("success"):
            outcome.errors[offset] = output
    return unmatched
