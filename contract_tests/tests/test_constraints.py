"""The hooks that keep generated uploads inside the chosen pool and budget, without erasing a case's violation."""

from __future__ import annotations

import copy
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from broken_servers import BY_NAME
from hypothesis import HealthCheck, given, settings
from schemathesis import BaseSchema, GenerationMode, HookContext
from toloka_conformance import fuzzing, runner
from toloka_conformance.constraints import (
    BUDGET_SPENT,
    MAX_ITEMS_PER_CASE,
    OVER_CASE_LIMIT,
    SPARED_POOL_ID,
    Constraints,
    ItemBudget,
)
from toloka_conformance.redaction import Secret
from toloka_conformance.results import Verdict
from toloka_conformance.schemathesis_internals import AcceptedNegativeData, BudgetExpired
from toloka_conformance.spec import is_uuid, load_spec
from toloka_conformance.target import Target, from_emulator_config
from toloka_contract.testing import validator
from toloka_emulator import create_app
from toloka_emulator.config_writer import write_config
from uvicorn_thread import serving

TARGET = Target(
    base_url="http://127.0.0.1:1",
    token=Secret("t"),
    pool_id="7",
    input_values={"image": "u"},
    output_values={"label": "cat"},
    closed_pool_id="8",
)


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


def _map_pool_action(constraints: Constraints, pool_id: str) -> Any:
    schema = schemathesis.openapi.from_dict(copy.deepcopy(load_spec()))
    operation = schema["/api/v1/pools/{pool_id}/open"]["POST"]
    case = operation.Case(path_parameters={"pool_id": pool_id})
    return constraints.map_case(HookContext(operation=operation), case)


def test_a_case_keeps_its_violation_and_is_aimed_at_the_pool() -> None:
    """Valid pool ids point at the target pool; an empty one (the violation) stays; open_pool stays as generated
    (fuzzed uploads exercise open_pool=true too); a used operation id is replaced by a fresh one, a malformed one
    is kept."""
    _, constraints = _schema()
    used = str(uuid.uuid4())
    case = _map(
        constraints, [{"pool_id": "x"}, {"pool_id": ""}, {"pool_id": 5}], {"open_pool": "true", "operation_id": used}
    )
    assert [item["pool_id"] for item in case.body] == ["7", "", 5]
    assert case.query["open_pool"] == "true"
    assert case.query["operation_id"] != used and is_uuid(case.query["operation_id"])
    kept = _map(constraints, [], {"open_pool": "maybe", "operation_id": "not-a-uuid", "async_mode": "false"})
    assert kept.query == {"open_pool": "maybe", "operation_id": "not-a-uuid", "async_mode": "false"}
    single = _map(constraints, {"pool_id": "x"}, {"open_pool": "false"})
    assert single.body["pool_id"] == "7" and single.query["open_pool"] == "false"


def test_every_other_upload_without_async_mode_is_made_async() -> None:
    """Uploads generated without async_mode alternate sync and async; one that names the flag keeps it."""
    _, constraints = _schema()
    modes = [_map(constraints, [{"pool_id": "x"}], {}).query.get("async_mode") for _ in range(4)]
    assert modes == [None, "true", None, "true"]
    named = _map(constraints, [{"pool_id": "x"}], {"async_mode": "false"})
    assert named.query["async_mode"] == "false"


def test_a_suite_whose_tasks_are_not_a_list_is_left_to_its_violation() -> None:
    """A negative suite case may send `"tasks": true` (or a number): the hook keeps it as generated, never crashes
    on it (a crash in a hook is a run error, which turns the whole schemathesis run red)."""
    _, constraints = _schema()
    schema = schemathesis.openapi.from_dict(copy.deepcopy(load_spec()))
    operation = schema["/api/v1/task-suites"]["POST"]
    for tasks in (True, 3, None):
        case = operation.Case(body=[{"pool_id": "x", "tasks": tasks}], query={})
        mapped = constraints.map_case(HookContext(operation=operation), case)
        assert mapped.body == [{"pool_id": "7", "tasks": tasks, "overlap": 1}]


def test_generated_pool_actions_spare_the_suites_own_pools() -> None:
    """A generated open or close of the target or the closed pool goes to a pool no server hands out; others stay."""
    _, constraints = _schema()
    assert _map_pool_action(constraints, "7").path_parameters["pool_id"] == SPARED_POOL_ID
    assert _map_pool_action(constraints, "8").path_parameters["pool_id"] == SPARED_POOL_ID
    assert _map_pool_action(constraints, "42").path_parameters["pool_id"] == "42"


schema, _ = _schema()


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=schema["/api/v1/tasks"]["POST"].as_strategy(generation_mode=GenerationMode.POSITIVE))
def test_positive_uploads_are_valid_for_the_pool(case: Any) -> None:
    """Every generated positive upload (an array of at most MAX_ITEMS_PER_CASE items, or one object) goes to the
    pool, with its valid input_values, the project's valid answer in every solution, and an overlap when needed;
    open_pool is whatever was generated (the target pool is open, so true changes nothing)."""
    items = case.body if isinstance(case.body, list) else [case.body]
    assert 1 <= len(items) <= MAX_ITEMS_PER_CASE
    assert case.query.get("open_pool") in (None, True, False, "true", "false")
    for item in items:
        assert item["pool_id"] == "7" and item["input_values"] == {"image": "u"}
        assert (
            item.get("overlap") is not None
            or item.get("infinite_overlap") is True
            or case.query.get("allow_defaults") in (True, "true")
        )
        for key in ("known_solutions", "baseline_solutions"):
            assert all(solution["output_values"] == {"label": "cat"} for solution in item.get(key) or ())


def test_the_item_budget_is_a_hard_bound() -> None:
    """Once the budget is spent, no further upload case is let through."""
    budget = ItemBudget(3)
    assert budget.take(2) and not budget.take(2) and budget.take(1) and not budget.take(1)
    assert budget.used == 3


_plain = schemathesis.openapi.from_dict(copy.deepcopy(load_spec()))
_BODIES = {
    "/api/v1/tasks": validator(load_spec(), {"$ref": "#/components/schemas/TaskCreateBody"}),
    "/api/v1/task-suites": validator(load_spec(), {"$ref": "#/components/schemas/TaskSuiteCreateBody"}),
}


@pytest.mark.parametrize("path", sorted(_BODIES))
def test_negative_uploads_keep_their_violation(path: str) -> None:
    """A generated negative body that breaks the schema still breaks it once aimed at the pool (valid
    input_values and answers put in, an overlap filled): only what the schema leaves free is replaced."""
    _, constraints = _schema()
    operation = _plain[path]["POST"]
    seen = 0

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    def aimed_keeps_violation(case: Any) -> None:
        nonlocal seen
        if _BODIES[path].is_valid(case.body):
            return  # the violation is elsewhere (a query parameter)
        seen += 1
        mapped = constraints.map_case(HookContext(operation=operation), case)
        assert not _BODIES[path].is_valid(mapped.body), (case.body, mapped.body)

    aimed_keeps_violation()
    assert seen > 0


@pytest.mark.parametrize(("server", "kept"), [("correct", False), ("invalid_item_created_silently", True)])
def test_accepted_negative_data_is_excused_only_when_the_invalid_item_is_absent(
    tmp_path: Path, server: str, kept: bool
) -> None:
    """An upload with skip_invalid_items=true answered 201 with the invalid item in validation_errors excuses
    schemathesis' "accepted negative data" only when the pool did not store it: against the emulator the failure
    is dropped; against a server that stores a copy of it, kept."""
    config = write_config(tmp_path / "emulator.toml", {})
    app = create_app(config)
    with serving(app if server == "correct" else BY_NAME[server].wrap(app)) as url:
        target = from_emulator_config(url, str(config))
        constraints = Constraints(target, ItemBudget(100), seed=0)
        operation = _plain["/api/v1/tasks"]["POST"]
        valid: dict[str, Any] = {"pool_id": target.pool_id, "input_values": dict(target.input_values), "overlap": 1}
        invalid = {**valid, "input_values": dict(target.invalid_input_values)}
        case = operation.Case(body=[valid, invalid], query={"skip_invalid_items": "true"})
        headers = {"Authorization": target.authorization(target.token).reveal()}
        response = case.call(base_url=url, headers=headers)
        assert response.status_code == 201
        failure = AcceptedNegativeData(
            operation="POST /api/v1/tasks", message="accepted", status_code=201, expected_statuses=["400"]
        )
        assert constraints.filter_failure(HookContext(operation=operation), failure, case, response) is kept


def test_cases_over_the_budget_are_counted_with_their_reason() -> None:
    """filter_case lets an upload through while the budget lasts, then ends the scenario; every case it drops is
    counted by reason."""
    _, constraints = _schema(budget=3)
    operation = _plain["/api/v1/tasks"]["POST"]
    context = HookContext(operation=operation)
    item: dict[str, Any] = {"pool_id": "7", "input_values": {"image": "u"}, "overlap": 1}
    assert constraints.filter_case(context, operation.Case(body=[item, item]))
    assert not constraints.filter_case(context, operation.Case(body=[item] * (MAX_ITEMS_PER_CASE + 1)))
    assert not constraints.filter_case(context, operation.Case(body=[item, item]))
    assert constraints.filter_case(context, operation.Case(body=item))
    with pytest.raises(BudgetExpired):  # nothing left: the scenario ends, hypothesis draws no other upload
        constraints.filter_case(context, operation.Case(body=item))
    summary = constraints.budget.dropped_summary()
    assert summary.startswith("3 generated upload case(s) not sent: ")
    assert f"2 because {BUDGET_SPENT}" in summary and f"1 because {OVER_CASE_LIMIT}" in summary
    assert "(limit 3 items, 3 used)" in summary


def test_a_run_that_spends_its_budget_says_how_many_cases_were_dropped(tmp_path: Path) -> None:
    """Against the emulator with a budget of 2 items, the schemathesis.run row names the cases not sent and why."""
    config = write_config(tmp_path / "emulator.toml", {"limits": {"items_per_minute": 20_000}})
    with serving(create_app(config)) as url:
        target = from_emulator_config(url, str(config))
        settings = replace(runner.default_settings(quick=True).fuzz, item_budget=2, phases=("examples", "fuzzing"))
        outcomes, _ = fuzzing.run(target, settings)
    run = next(outcome for outcome in outcomes if outcome.requirement.id == "schemathesis.run")
    assert run.verdict is Verdict.PASS
    assert "generated upload case(s) not sent" in run.detail and f"because {BUDGET_SPENT}" in run.detail


def test_a_spent_budget_ends_the_upload_scenarios_instead_of_drawing_again(tmp_path: Path) -> None:
    """With 2 items for every phase, each upload scenario ends at its first case that does not fit: the cases drawn
    and not sent stay a handful (a filter that only refused made hypothesis draw again, thousands of times)."""
    config = write_config(tmp_path / "emulator.toml", {"limits": {"items_per_minute": 20_000}})
    with serving(create_app(config)) as url:
        target = from_emulator_config(url, str(config))
        settings = replace(runner.default_settings(quick=True).fuzz, item_budget=2)
        outcomes, budget = fuzzing.run(target, settings)
    run = next(outcome for outcome in outcomes if outcome.requirement.id == "schemathesis.run")
    assert run.verdict is Verdict.PASS, run.detail
    assert budget.used <= 2
    # Two upload operations, four phases: a few scenarios each, plus the misses allowed before "spent".
    assert 1 <= sum(budget.dropped.values()) <= 40, budget.dropped
