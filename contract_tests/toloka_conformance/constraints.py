"""Keeps schemathesis' generated requests inside the chosen pool and item budget, and judges per-item rejections.

Three schema-scoped hooks, installed per run so several runs in one process do not share state:
- `map_case` points uploads (an array or one object) at the target pool and makes items valid for it wherever
  the schema leaves room: `input_values` become the pool's valid example and every solution's `output_values`
  the project's valid answer (`--output-values`, or one built from the project's output spec), never an
  arbitrary object, since a server may check answers against the output spec; a missing overlap is filled.
  Negative cases too: the schema allows any object there and no overlap, so their violation stays the only
  reason to refuse them (and an item refused item by item is one a server must not have created). Every async
  upload gets a fresh `operation_id` (a reused one is correctly refused with 409). `open_pool` stays as
  generated: the target pool is open, so `open_pool=true` is exercised without changing anything.
- `map_case` also turns a generated open or close of the suite's own pools (the target pool, the closed pool)
  to a pool that does not exist: the target pool must stay open and the closed one closed for the checks.
- `filter_case` bounds the items one case may create and the items the whole run may create; every case it
  drops is counted with its reason, for the report. Once the budget is spent (nothing left, or several cases in
  a row did not fit) an upload case ends its scenario instead of being refused: refused, hypothesis would draw
  another, hundreds of times per operation and phase, sending nothing (a capped run took minutes).
- `filter_failure` accepts one kind of "accepted negative data": an upload with `skip_invalid_items=true`
  (or an async one, whose items are validated by the operation) whose invalid items were rejected item by
  item, as the docs require, instead of failing the request, and were not created: a sync answer's
  `validation_errors` and `items` must partition the request and the pool must hold nothing but `items`;
  an async operation must count no invalid item as created.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from schemathesis import BaseSchema, Case, GenerationMode, HookContext, Response

from toloka_conformance.api import Exchange
from toloka_conformance.ledger import Ledger
from toloka_conformance.schemathesis_internals import AcceptedNegativeData, BudgetExpired, Failure
from toloka_conformance.spec import is_uuid
from toloka_conformance.target import Target
from toloka_conformance.waiting import NotEnded, Waits

UPLOADS = frozenset({"create_tasks", "create_task_suites"})
POOL_ACTIONS = frozenset({"open_pool", "close_pool"})
# Where a generated open/close of one of the suite's own pools goes instead: a pool id no server hands out.
SPARED_POOL_ID = "999999999"
MAX_ITEMS_PER_CASE = 5
_LISTS = {"create_tasks": "/api/v1/tasks", "create_task_suites": "/api/v1/task-suites"}
OVER_CASE_LIMIT = f"more than {MAX_ITEMS_PER_CASE} items in one case"
BUDGET_SPENT = "the run's item budget was spent"
# Cases in a row that may not fit in what is left before the budget counts as spent (a smaller one may still fit).
MAX_MISSES = 10


@dataclass
class ItemBudget:
    """The items generated uploads may create, counted before they are sent (an upper bound), and what was dropped."""

    limit: int
    used: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    misses: int = 0  # cases in a row that did not fit

    @property
    def spent(self) -> bool:
        """Whether no further case is worth generating: nothing is left, or the last cases in a row did not fit."""
        return self.used >= self.limit or self.misses >= MAX_MISSES

    def take(self, count: int) -> bool:
        """Reserve `count` items; False (and nothing reserved, the drop counted) when that would exceed the limit."""
        if self.used + count > self.limit:
            self.dropped[BUDGET_SPENT] += 1
            self.misses += 1
            return False
        self.used += count
        self.misses = 0
        return True

    def drop(self, reason: str) -> None:
        """Count a case left out for `reason`."""
        self.dropped[reason] += 1

    def dropped_summary(self) -> str:
        """`N upload cases dropped: n <reason>, ...`, or an empty string when none was."""
        if not self.dropped:
            return ""
        reasons = ", ".join(f"{count} because {reason}" for reason, count in sorted(self.dropped.items()))
        total = sum(self.dropped.values())
        return f"{total} generated upload case(s) not sent: {reasons} (limit {self.limit} items, {self.used} used)"


@dataclass
class Constraints:
    """The hooks of one run, bound to its target, budget and seed; `answer` is a valid output_values (or None)."""

    target: Target
    budget: ItemBudget
    seed: int
    answer: dict[str, Any] | None = None
    waits: Waits | None = None
    ledger: Ledger | None = None
    _random: random.Random = field(init=False)
    _without_mode: int = field(default=0, init=False)  # uploads generated without async_mode so far

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        if self.waits is None:
            self.waits = Waits(self.target.operation_timeout)
        if self.answer is None and self.target.output_values is not None:
            self.answer = dict(self.target.output_values)

    def install(self, schema: BaseSchema) -> None:
        """Register the hooks on this schema only."""
        schema.hooks.register_hook_with_name(self.map_case, "map_case")
        schema.hooks.register_hook_with_name(self.filter_case, "filter_case")
        schema.hooks.register_hook_with_name(self.filter_failure, "filter_failure")
        schema.hooks.register_hook_with_name(self.after_call, "after_call")

    def after_call(self, context: HookContext, case: Case[Any], response: Response) -> None:
        """List what a generated upload created (its items were counted by the budget before it was sent)."""
        if self.ledger is None:
            return
        if _operation_id(case) not in UPLOADS or not isinstance(case.body, (list, dict)):
            return
        count = len(case.body) if isinstance(case.body, list) else 1
        body = json.dumps(case.body).encode()
        status, answer = response.status_code, response.content or b""
        self.ledger.observe(case.method, case.formatted_path, count, status, body, answer, reserved=False)

    def map_case(self, context: HookContext, case: Case[Any]) -> Case[Any]:
        """Aim uploads at the target pool; see the module docstring."""
        if _operation_id(case) in POOL_ACTIONS:
            return self._spare_pools(case)
        if _operation_id(case) not in UPLOADS:
            return case
        query = case.query if isinstance(case.query, dict) else {}
        if "async_mode" not in query:
            # Generated cases mostly leave the optional flag out, so an async upload (its 202 operation, and the
            # links the stateful phase follows from it) would come by chance: every other such upload is async.
            self._without_mode += 1
            if self._without_mode % 2 == 0:
                query["async_mode"] = "true"
                case.query = query
        if isinstance(query.get("operation_id"), str) and is_uuid(query["operation_id"]):
            query["operation_id"] = str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        positive = _mode(case) is GenerationMode.POSITIVE
        fill_overlap = not _is_true(query.get("allow_defaults"))
        if isinstance(case.body, list):
            case.body = [self._aim(item, positive=positive, fill_overlap=fill_overlap) for item in case.body]
        elif isinstance(case.body, dict):
            case.body = self._aim(case.body, positive=positive, fill_overlap=fill_overlap)
        return case

    def _spare_pools(self, case: Case[Any]) -> Case[Any]:
        """Never open or close the suite's own pools: the open one must stay open, the closed one closed."""
        parameters = case.path_parameters if isinstance(case.path_parameters, dict) else {}
        ours = {self.target.pool_id, self.target.closed_pool_id} - {None}
        if str(parameters.get("pool_id")) in ours:
            parameters["pool_id"] = SPARED_POOL_ID
        return case

    def _aim(self, item: Any, *, positive: bool, fill_overlap: bool) -> Any:
        """Make the item valid for the pool wherever the schema leaves room, so that a negative case is refused
        for its own violation only (InputValues / OutputValues are any objects and `overlap` is optional in the
        schema, so replacing an object or filling a missing overlap never removes the violation)."""
        if not isinstance(item, dict):
            return item
        if isinstance(item.get("pool_id"), str) and item["pool_id"]:
            item["pool_id"] = self.target.pool_id
        self._make_valid(item, positive=positive)
        tasks = item.get("tasks")
        for inner in tasks if isinstance(tasks, list) else ():  # a negative case's `tasks` may be any value
            if isinstance(inner, dict):
                self._make_valid(inner, positive=positive)
        if fill_overlap and item.get("overlap") is None and item.get("infinite_overlap") is not True:
            # A missing or null overlap is valid only with infinite_overlap: true or allow_defaults=true (the
            # contract's CreateOverlap); the schema cannot say so, so the case gets one.
            item["overlap"] = 1
        return item

    def _make_valid(self, item: dict[str, Any], *, positive: bool) -> None:
        """The pool's valid input_values, and the project's valid answer in every solution (with no answer known,
        a positive case gets no solutions: an arbitrary answer would make it invalid)."""
        if isinstance(item.get("input_values"), dict):
            item["input_values"] = dict(self.target.input_values)
        for key in ("known_solutions", "baseline_solutions"):
            solutions = item.get(key)
            if not isinstance(solutions, list):
                continue
            if self.answer is None:
                if positive:
                    item[key] = []
                continue
            for solution in solutions:
                if isinstance(solution, dict) and isinstance(solution.get("output_values"), dict):
                    solution["output_values"] = dict(self.answer)

    def filter_case(self, context: HookContext, case: Case[Any]) -> bool:
        """Drop uploads over the per-case size and any upload once the run's item budget is spent (counted); once
        it is spent, end the scenario (schemathesis' `BudgetExpired`) rather than have hypothesis draw again."""
        if _operation_id(case) not in UPLOADS:
            return True
        if self.budget.spent:
            self.budget.drop(BUDGET_SPENT)
            raise BudgetExpired
        if isinstance(case.body, dict):
            return self.budget.take(1)
        if not isinstance(case.body, list):
            return True
        if len(case.body) > MAX_ITEMS_PER_CASE:
            self.budget.drop(OVER_CASE_LIMIT)
            return False
        return self.budget.take(len(case.body))

    def filter_failure(self, context: HookContext, failure: Failure, case: Case[Any], response: Response) -> bool:
        """Keep every failure except negative items that the server rejected item by item and did not create."""
        if not isinstance(failure, AcceptedNegativeData) or _operation_id(case) not in UPLOADS:
            return True
        query = case.query if isinstance(case.query, dict) else {}
        body = _json(response.content)
        if response.status_code == 201 and _is_true(query.get("skip_invalid_items")) and isinstance(case.body, list):
            return not self._rejected_and_absent(case, body)
        if response.status_code == 202 and isinstance(body, dict) and isinstance(body.get("id"), str):
            return not self._operation_rejected_items(body["id"])
        return True

    def _client(self) -> httpx.Client:
        headers = {"Authorization": self.target.authorization(self.target.token).reveal()}
        return httpx.Client(base_url=self.target.base_url, headers=headers, timeout=10)

    def _rejected_and_absent(self, case: Case[Any], body: Any) -> bool:
        """A sync 201: validation_errors non-empty, partitioning the request with items, and nothing else created."""
        if not isinstance(body, dict) or not isinstance(case.body, list):
            return False
        items, errors = body.get("items") or {}, body.get("validation_errors") or {}
        if not isinstance(items, dict) or not isinstance(errors, dict) or not errors:
            return False
        indices = {str(index) for index in range(len(case.body))}
        if set(items) & set(errors) or set(items) | set(errors) != indices:
            return False
        created = {str(item.get("id")) for item in items.values() if isinstance(item, dict)}
        if not created:
            return False  # no valid item at all: the answer must be a 400, not a 201
        path = _LISTS[str(_operation_id(case))]
        with self._client() as client:
            answer = _json(
                client.get(
                    path, params={"pool_id": self.target.pool_id, "sort": "-id", "limit": len(created) + 1}
                ).content
            )
        newest = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(newest, list):
            return False
        # The newest items of the pool: the created ones, then older ones. An id among them that the answer did
        # not list but that is newer than one it did was created by this request too: an invalid item, stored.
        oldest_created = min(created)
        stray = [
            str(item.get("id"))
            for item in newest
            if isinstance(item, dict) and str(item.get("id")) not in created and str(item.get("id")) > oldest_created
        ]
        return not stray

    def _operation_rejected_items(self, operation_id: str) -> bool:
        """Whether the operation ended having found invalid items (FAIL or not_valid_count > 0) and created none."""
        waits = self.waits if self.waits is not None else Waits(self.target.operation_timeout)
        with self._client() as client:
            try:
                operation, _ = waits.until_ended(lambda: _get(client, operation_id), _operation_object)
            except (NotEnded, ValueError):
                return False
        details = operation.get("details") or {}
        if not isinstance(details, dict):
            return False
        created, valid = details.get("success_count"), details.get("valid_count")
        if operation.get("status") == "FAIL":
            return created in (0, None)
        invalid_found = bool(details.get("not_valid_count"))
        return invalid_found and isinstance(created, int) and isinstance(valid, int) and created <= valid


def _get(client: httpx.Client, operation_id: str) -> Exchange:
    response = client.get(f"/api/v1/operations/{operation_id}")
    return Exchange(response.request, response)


def _operation_object(exchange: Exchange) -> dict[str, Any]:
    """The operation in an answer; ValueError when the answer is not a JSON object."""
    body = exchange.json()
    if not isinstance(body, dict):
        raise ValueError("not an operation")
    return body


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
