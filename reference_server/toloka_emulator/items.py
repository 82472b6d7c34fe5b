"""Create objects (tasks and task suites): the contract's item rule applied, overlap defaults, and the stored form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from toloka_contract import operations
from toloka_contract.fields import Errors
from toloka_contract.item_rule import TASK_CREATE, TASK_SUITE_CREATE
from toloka_contract.spec import load_spec

from toloka_emulator.config import PoolConfig
from toloka_emulator.input_spec import SpecValidators

# Read-only fields of a suite's task (its read model carries them): tolerated on create and not stored.
SUITE_TASK_READ_ONLY = frozenset({"id", "origin_task_id"})


@dataclass(frozen=True)
class ItemKind:
    """What differs between tasks and task suites."""

    code: int
    name: str
    operation_type: str
    create_log_type: str
    validate_log_type: str
    id_key: str
    schema_name: str  # the contract's create schema, whose rule (toloka_contract.item_rule) items keep
    stored_keys: frozenset[str]
    default_overlap: Callable[[PoolConfig], int]
    read_only: dict[str, Any]


def item_errors(item: dict[str, Any], kind: ItemKind, specs: SpecValidators, allow_defaults: bool) -> Errors | None:
    """The errors of one create object by the contract's item rule (the pool's existence aside); None if valid."""
    rule = specs.rule(kind.schema_name, allow_defaults)
    return None if rule.valid(item) else rule.errors(item)


def carries_read_only(item: dict[str, Any], kind: ItemKind) -> bool:
    """Whether a valid item's stored form must drop read-only keys (`id`, `origin_task_id`) its suite tasks carry."""
    return kind.schema_name == TASK_SUITE_CREATE and any(
        not task.keys().isdisjoint(SUITE_TASK_READ_ONLY) for task in item["tasks"]
    )


def _create_keys(schema_name: str) -> frozenset[str]:
    """The fields of a create schema: what is stored of an item as sent (unknown keys are dropped)."""
    return frozenset(load_spec()["components"]["schemas"][schema_name]["properties"])


TASK = ItemKind(
    code=0,
    name="task",
    operation_type=operations.TASK_BATCH_CREATE,
    create_log_type=operations.LOG_TASK_CREATE,
    validate_log_type=operations.LOG_TASK_VALIDATE,
    id_key="task_id",
    schema_name=TASK_CREATE,
    stored_keys=_create_keys(TASK_CREATE),
    default_overlap=lambda pool: pool.default_overlap_for_new_tasks,
    read_only={},
)
SUITE = ItemKind(
    code=1,
    name="task suite",
    operation_type=operations.TASK_SUITE_BATCH_CREATE,
    create_log_type=operations.LOG_TASK_SUITE_CREATE,
    validate_log_type=operations.LOG_TASK_SUITE_VALIDATE,
    id_key="task_suite_id",
    schema_name=TASK_SUITE_CREATE,
    stored_keys=_create_keys(TASK_SUITE_CREATE),
    default_overlap=lambda pool: pool.default_overlap_for_new_task_suites,
    read_only={"automerged": False},
)
KINDS_BY_OPERATION_TYPE = {kind.operation_type: kind for kind in (TASK, SUITE)}


def resolve_overlap(item: dict[str, Any], pool: PoolConfig, kind: ItemKind, allow_defaults: bool) -> int | None:
    """The overlap an item gets: its own, else the pool default when allowed and the item is not infinite.

    None when it has none (an infinite-overlap item without one keeps none: it is read back as sent).
    """
    overlap = item.get("overlap")
    if type(overlap) is int or type(overlap) is float:
        return int(overlap)  # validated already: a float here is a whole number
    if allow_defaults and item.get("infinite_overlap") is not True:
        return kind.default_overlap(pool)
    return None


def stored_form(item: dict[str, Any], drop_overlap: bool, strip_suite_tasks: bool) -> dict[str, Any]:
    """A copy of the item as it is to be stored, for the rare items whose stored form differs from what was sent.

    `drop_overlap`: a null overlap filled from the pool default (the default comes in the read-only tail).
    `strip_suite_tasks`: a suite's tasks lose the read-only `id` / `origin_task_id` a client sent back.
    """
    if drop_overlap:
        item = {key: value for key, value in item.items() if key != "overlap"}
    if strip_suite_tasks:
        tasks = [{k: v for k, v in task.items() if k not in SUITE_TASK_READ_ONLY} for task in item["tasks"]]
        item = {**item, "tasks": tasks}
    return item


def stored_json(item: dict[str, Any], kind: ItemKind, new_id: str, tail: bytes) -> bytes:
    """The item as stored and read back: `{"id", <known keys as sent>, <tail>}`, built as bytes for speed.

    `tail` holds the read-only fields and ends the object (see `read_only_tail`); unknown keys are dropped.
    """
    keys = kind.stored_keys
    if not item.keys() <= keys:
        item = {key: value for key, value in item.items() if key in keys}
    return b'{"id":"%s",%s%s' % (new_id.encode(), orjson.dumps(item)[1:-1], tail)


def read_only_tail(kind: ItemKind, created: str, overlap: int | None, overlap_sent: bool) -> bytes:
    """The JSON after an item's own keys: overlap if filled from defaults, remaining_overlap, created."""
    fields: dict[str, Any] = {}
    if overlap is not None:
        if not overlap_sent:
            fields["overlap"] = overlap
        fields["remaining_overlap"] = overlap
    fields.update(kind.read_only)
    fields["created"] = created
    return b"," + orjson.dumps(fields)[1:]
