"""Keeps schemathesis' generated requests inside the chosen pool and item budget, and judges per-item rejections.

Three schema-scoped hooks, installed per run so several runs in one process do not share state:
- `map_case` points uploads at the target pool and makes positive items valid for it (the schema allows any
  `input_values`; the pool does not), never turns `open_pool` on, and gives every async upload a fresh
  `operation_id` (a reused one is correctly refused with 409). Only values that are already valid are
  replaced, so a negative case keeps the violation it was generated with.
- `filter_case` bounds the items one case may create and the items the whole run may create.
- `filter_failure` accepts one kind of "accepted negative data": an upload with `skip_invalid_items=true`
  (or an async one, whose items are validated by the operation) whose invalid items were rejected item by
  item, as the docs require, instead of failing the request.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from schemathesis import Case, GenerationMode
from schemathesis.core.failures import AcceptedNegativeData, Failure
from schemathesis.core.transport import Response
from schemathesis.hooks import HookContext
from schemathesis.schemas import BaseSchema

from toloka_conformance.spec import is_uuid
from toloka_conformance.target import Target

UPLOADS = frozenset({"create_tasks", "create_task_suites"})
MAX_ITEMS_PER_CASE = 5


@dataclass
class ItemBudget:
    """The items generated uploads may create, counted before they are sent (an upper bound)."""

    limit: int
    used: int = 0

    def take(self, count: int) -> bool:
        """Reserve `count` items; False (and nothing reserved) when that would exceed the limit."""
        if self.used + count > self.limit:
            return False
        self.used += count
        return True


@dataclass
class Constraints:
    """The hooks of one run, bound to its target, budget and seed."""

    target: Target
    budget: ItemBudget
    seed: int
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def install(self, schema: BaseSchema) -> None:
        """Register the hooks on this schema only."""
        schema.hooks.register_hook_with_name(self.map_case, "map_case")
        schema.hooks.register_hook_with_name(self.filter_case, "filter_case")
        schema.hooks.register_hook_with_name(self.filter_failure, "filter_failure")

    def map_case(self, context: HookContext, case: Case[Any]) -> Case[Any]:
        """Aim uploads at the target pool; see the module docstring."""
        if _operation_id(case) not in UPLOADS:
            return case
        query = case.query if isinstance(case.query, dict) else {}
        if _is_true(query.get("open_pool")):
            # Same type as generated: booleans in most phases, already-serialized strings in the stateful one.
            query["open_pool"] = False if query["open_pool"] is True else "false"
        if isinstance(query.get("operation_id"), str) and is_uuid(query["operation_id"]):
            query["operation_id"] = str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        if isinstance(case.body, list):
            positive = _mode(case) is GenerationMode.POSITIVE
            fill_overlap = positive and not _is_true(query.get("allow_defaults"))
            case.body = [self._aim(item, positive=positive, fill_overlap=fill_overlap) for item in case.body]
        return case

    def _aim(self, item: Any, *, positive: bool, fill_overlap: bool) -> Any:
        if not isinstance(item, dict):
            return item
        if isinstance(item.get("pool_id"), str) and item["pool_id"]:
            item["pool_id"] = self.target.pool_id
        if positive:
            if isinstance(item.get("input_values"), dict):
                item["input_values"] = dict(self.target.input_values)
            for inner in item.get("tasks") or ():
                if isinstance(inner, dict) and isinstance(inner.get("input_values"), dict):
                    inner["input_values"] = dict(self.target.input_values)
            if fill_overlap and "overlap" not in item:
                # The server requires an overlap when allow_defaults is not true; the schema cannot say so.
                item["overlap"] = 1
        return item

    def filter_case(self, context: HookContext, case: Case[Any]) -> bool:
        """Drop uploads over the per-case size and any upload once the run's item budget is spent."""
        if _operation_id(case) not in UPLOADS or not isinstance(case.body, list):
            return True
        if len(case.body) > MAX_ITEMS_PER_CASE:
            return False
        return self.budget.take(len(case.body))

    def filter_failure(self, context: HookContext, failure: Failure, case: Case[Any], response: Response) -> bool:
        """Keep every failure except negative items that the server rejected item by item."""
        if not isinstance(failure, AcceptedNegativeData) or _operation_id(case) not in UPLOADS:
            return True
        query = case.query if isinstance(case.query, dict) else {}
        body = _json(response.content)
        if response.status_code == 201 and _is_true(query.get("skip_invalid_items")):
            return not (isinstance(body, dict) and body.get("validation_errors"))
        if response.status_code == 202 and isinstance(body, dict) and isinstance(body.get("id"), str):
            return not self._operation_rejected_items(body["id"])
        return True

    def _operation_rejected_items(self, operation_id: str) -> bool:
        """Whether the operation ended having found invalid items (FAIL or not_valid_count > 0)."""
        deadline = time.monotonic() + self.target.operation_timeout
        headers = {"Authorization": self.target.authorization(self.target.token).reveal()}
        with httpx.Client(base_url=self.target.base_url, headers=headers, timeout=10) as client:
            while time.monotonic() < deadline:
                operation = _json(client.get(f"/api/v1/operations/{operation_id}").content)
                if isinstance(operation, dict) and operation.get("status") in ("SUCCESS", "FAIL"):
                    details = operation.get("details") or {}
                    return operation["status"] == "FAIL" or bool(details.get("not_valid_count"))
                time.sleep(0.1)
        return False


def _operation_id(case: Case[Any]) -> str | None:
    value = case.operation.definition.raw.get("operationId")
    return value if isinstance(value, str) else None


def _is_true(value: object) -> bool:
    """A query boolean that is true, as generated (`True`) or already serialized (`"true"`)."""
    return value is True or value == "true"


def _mode(case: Case[Any]) -> GenerationMode | None:
    meta = case.meta
    return meta.generation.mode if meta is not None else None


def _json(content: bytes | None) -> Any:
    try:
        return json.loads(content or b"")
    except ValueError:
        return None
