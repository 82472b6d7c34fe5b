"""One batch of create objects: request-level pool checks, per-item evaluation, and the stored rows."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import orjson
from toloka_contract.fields import Errors
from toloka_contract.operations import LOG_POOL_OPEN

from toloka_emulator.config import PoolConfig
from toloka_emulator.errors import ApiError, bad_request, not_found
from toloka_emulator.input_spec import SpecValidators
from toloka_emulator.items import (
    ItemKind,
    carries_read_only,
    item_errors,
    read_only_tail,
    resolve_overlap,
    stored_form,
    stored_json,
)
from toloka_emulator.pools import Pools

# An item without a usable pool has no spec to check its input (or output) values against: only their shape is
# checked, so the pool_id error is not buried under spurious VALUE_NOT_ALLOWED for every field.
_UNKNOWN_SPEC = SpecValidators()


@dataclass
class Evaluation:
    """Which items of a batch are valid (index, item, pool, overlap) and the errors of the others."""

    valid: list[tuple[int, dict[str, Any], PoolConfig, int | None]] = field(default_factory=list)
    errors: dict[int, Errors] = field(default_factory=dict)

    def error_payload(self, single: bool = False) -> Errors | dict[str, Errors]:
        """Errors keyed by the index as a string, as the API sends them; a single object's errors as they are."""
        if single:
            return self.errors[0]
        return {str(index): errs for index, errs in self.errors.items()}


def parse_items(body: bytes) -> tuple[list[dict[str, Any]], bool]:
    """The request body's create objects, and whether it was a single object rather than an array; else 400.

    A body is one JSON object or a non-empty JSON array of objects.
    """
    try:
        items = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"Malformed JSON body: {exc}") from None
    if type(items) is dict:
        return [items], True
    if type(items) is not list:
        raise bad_request("The body must be a JSON object or a JSON array of objects")
    if not items:
        raise bad_request("The body must not be an empty array")
    for index, item in enumerate(items):
        if type(item) is not dict:
            raise bad_request(f"Item {index} of the body is not a JSON object")
    return items, False


def stored_items(input_body: bytes) -> list[dict[str, Any]]:
    """The create objects of an operation's stored request body (one object or an array)."""
    items = orjson.loads(input_body)
    return [items] if type(items) is dict else items


def check_pools(items: list[dict[str, Any]], account: str, pools: Pools) -> None:
    """Refuse the whole request for a pool that is missing or foreign (404) or archived (409)."""
    seen: set[str] = set()
    for item in items:
        pool_id = item.get("pool_id")
        if type(pool_id) is not str or not pool_id or pool_id in seen:
            continue  # a pool_id the item rule refuses is that item's error
        seen.add(pool_id)
        if pools.owned(pool_id, account) is None:
            raise not_found()
        if pools.statuses[pool_id] == "archived":
            raise ApiError(409, "INAPPROPRIATE_STATUS", f"Pool {pool_id} is archived and takes no new items")


def evaluate(
    items: list[dict[str, Any]], kind: ItemKind, account: str, pools: Pools, allow_defaults: bool
) -> Evaluation:
    """Validate every item; valid ones get their pool and overlap."""
    result = Evaluation()
    for index, item in enumerate(items):
        pool_id = item.get("pool_id")
        pool = pools.owned(pool_id, account) if type(pool_id) is str else None
        if pool is not None and pools.statuses[pool.id] == "archived":
            pool = None
        errors = item_errors(item, kind, pools.validators[pool.id] if pool else _UNKNOWN_SPEC, allow_defaults)
        if pool is None and (errors is None or "pool_id" not in errors):
            # Only reachable when the config changed under a pending operation.
            errors = {"pool_id": {"code": "DOES_NOT_EXIST", "message": "Pool does not exist"}, **(errors or {})}
        if errors is not None or pool is None:
            result.errors[index] = errors or {}
            continue
        overlap = resolve_overlap(item, pool, kind, allow_defaults)
        drop_overlap = allow_defaults and overlap is not None and item.get("overlap", 0) is None
        read_only = carries_read_only(item, kind)
        if read_only or drop_overlap:
            item = stored_form(item, drop_overlap, read_only)
        result.valid.append((index, item, pool, overlap))
    return result


def build_rows(
    evaluation: Evaluation, kind: ItemKind, account: str, first_seq: int, created: str
) -> tuple[list[tuple[int, int, str, str, str, bytes]], list[tuple[int, str, bytes]]]:
    """Rows to insert and `(index, id, json)` of each created item, numbered from `first_seq`, all `created` then."""
    tails = os.urandom(12 * len(evaluation.valid)).hex()
    endings: dict[tuple[int | None, bool], bytes] = {}
    rows = []
    results = []
    for offset, (index, item, pool, overlap) in enumerate(evaluation.valid):
        seq = first_seq + offset
        new_id = f"{seq:010x}--{tails[24 * offset : 24 * offset + 24]}"
        key = (overlap, "overlap" in item)
        ending = endings.get(key)
        if ending is None:
            ending = endings[key] = read_only_tail(kind, created, overlap, key[1])
        body = stored_json(item, kind, new_id, ending)
        rows.append((seq, kind.code, new_id, account, pool.id, body))
        results.append((index, new_id, body))
    return rows, results


def sync_result(created: list[tuple[int, str, bytes]], evaluation: Evaluation) -> bytes:
    """The 201 body: created items keyed by index, then the validation errors if there were any."""
    parts = [b'{"items":{', b",".join(b'"%d":%s' % (index, body) for index, _, body in created), b"}"]
    if evaluation.errors:
        parts += [b',"validation_errors":', orjson.dumps(evaluation.error_payload())]
    parts.append(b"}")
    return b"".join(parts)


def operation_results(
    total: int, created: list[tuple[int, str, bytes]], evaluation: Evaluation, opened_pools: list[str]
) -> bytes:
    """What an operation did to each input item (its id, its errors, or null), kept to render the log on read."""
    results: list[Any] = [None] * total
    for index, new_id, _ in created:
        results[index] = new_id
    for index, errors in evaluation.errors.items():
        results[index] = errors
    return orjson.dumps({"results": results, "opened_pools": opened_pools})


def render_log(kind: ItemKind, input_body: bytes, results_body: bytes) -> bytes:
    """The operation log: one entry per item in input order (created or invalid), then one per pool opened."""
    items = stored_items(input_body)
    stored = orjson.loads(results_body)
    log: list[dict[str, Any]] = []
    for item, result in zip(items, stored["results"], strict=True):
        if type(result) is str:
            log.append({"type": kind.create_log_type, "success": True, "input": item, "output": {kind.id_key: result}})
        elif result is not None:
            log.append({"type": kind.validate_log_type, "success": False, "input": item, "output": result})
    for pool_id in stored["opened_pools"]:
        log.append({"type": LOG_POOL_OPEN, "success": True, "input": {"pool_id": pool_id}, "output": {}})
    return orjson.dumps(log)
