"""The hooks that keep generated uploads inside the chosen pool and budget, without erasing a case's violation."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.hooks import HookContext
from schemathesis.schemas import BaseSchema
from toloka_conformance.constraints import MAX_ITEMS_PER_CASE, Constraints, ItemBudget
from toloka_conformance.redaction import Secret
from toloka_conformance.spec import is_uuid, load_spec
from toloka_conformance.target import Target

TARGET = Target(base_url="http://127.0.0.1:1", token=Secret("t"), pool_id="7", input_values={"image": "u"})


def _schema(budget: int = 10_000) -> tuple[BaseSchema, Constraints]:
    schema = schemathesis.openapi.from_dict(copy.deepcopy(load_spec()))
    constraints = Constraints(TARGET, ItemBudget(budget), seed=0)
    constraints.install(schema)
    return schema, constraints


def _map(constraints: Constraints, body: Any, query: dict[str, Any]) -> Any:
    schema = schemathesis.openapi.from_dict(copy.deepcopy(load_spec()))
    operation = schema["/api/v1/tasks"]["POST"]
    case = operation.Case(body=body, query=query)
    return constraints.map_case(HookContext(operation=operation), case)


def test_a_case_keeps_its_violation_and_is_aimed_at_the_pool() -> None:
    """Valid pool ids point at the target pool; an empty one (the violation) stays; open_pool is turned off."""
    _, constraints = _schema()
    used = str(uuid.uuid4())
    case = _map(
        constraints, [{"pool_id": "x"}, {"pool_id": ""}, {"pool_id": 5}], {"open_pool": "true", "operation_id": used}
    )
    assert [item["pool_id"] for item in case.body] == ["7", "", 5]
    assert case.query["open_pool"] == "false"
    assert case.query["operation_id"] != used and is_uuid(case.query["operation_id"])
    kept = _map(constraints, [], {"open_pool": "maybe", "operation_id": "not-a-uuid"})
    assert kept.query == {"open_pool": "maybe", "operation_id": "not-a-uuid"}


schema, _ = _schema()


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=schema["/api/v1/tasks"]["POST"].as_strategy(generation_mode=GenerationMode.POSITIVE))
def test_positive_uploads_are_valid_for_the_pool(case: Any) -> None:
    """Every generated positive upload goes to the pool, with its valid input_values, an overlap when needed,
    at most MAX_ITEMS_PER_CASE items, and open_pool never on."""
    assert 1 <= len(case.body) <= MAX_ITEMS_PER_CASE
    assert case.query.get("open_pool") in (None, False, "false")
    for item in case.body:
        assert item["pool_id"] == "7" and item["input_values"] == {"image": "u"}
        assert "overlap" in item or case.query.get("allow_defaults") in (True, "true")


def test_the_item_budget_is_a_hard_bound() -> None:
    """Once the budget is spent, no further upload case is let through."""
    budget = ItemBudget(3)
    assert budget.take(2) and not budget.take(2) and budget.take(1) and not budget.take(1)
    assert budget.used == 3
