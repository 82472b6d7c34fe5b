"""toloka_contract.item_rule: the create-item rule read from openapi.yaml, its two executors (the composed JSON
Schema in jsonschema-rs, the walk that writes the API's errors) agreeing, and a spec change changing the rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toloka_contract.fields import FieldSpecs
from toloka_contract.item_rule import TASK_CREATE, TASK_SUITE_CREATE, ItemRule
from toloka_contract.spec import load_spec

INPUTS = FieldSpecs(
    {
        "image": {"type": "url"},
        "n": {"type": "integer", "required": False, "min_value": 0, "max_value": 10},  # left to Python
        "where": {"type": "coordinates", "required": False},  # left to Python
    }
)
OUTPUTS = FieldSpecs({"label": {"type": "string", "allowed_values": ["yes", "no"]}, "score": {"type": "float"}})
RULES = [
    ItemRule(kind, allow_defaults=allow_defaults, inputs=inputs, outputs=outputs)
    for kind in (TASK_CREATE, TASK_SUITE_CREATE)
    for allow_defaults in (False, True)
    for inputs, outputs in ((INPUTS, OUTPUTS), (FieldSpecs({}, any_fields=True), FieldSpecs({}, any_fields=True)))
]

_SCALARS = st.none() | st.booleans() | st.integers(-3, 40000) | st.sampled_from([2.0, 0.5, 1e300, -1e5])
_SCALARS |= st.sampled_from(["", "a", "https://x/1.png", "1,2", "95,0", "yes"])
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(["a", "label"]), inner),
    max_leaves=4,
)
_INPUT = (
    st.fixed_dictionaries({}, optional={"image": _SCALARS, "n": _SCALARS, "where": _SCALARS, "other": _SCALARS}) | _JSON
)
_OUTPUT = st.fixed_dictionaries({}, optional={"label": _SCALARS, "score": _SCALARS}) | _JSON
_SOLUTION = st.fixed_dictionaries(
    {}, optional={"output_values": _OUTPUT, "correctness_weight": _SCALARS, "confidence_weight": _SCALARS}
)
_SOLUTIONS = st.lists(_SOLUTION | _SCALARS, max_size=2) | _SCALARS
_TASK = st.fixed_dictionaries(
    {},
    optional={
        "input_values": _INPUT,
        "known_solutions": _SOLUTIONS,
        "baseline_solutions": _SOLUTIONS,
        "message_on_unknown_solution": _SCALARS,
        "localization_config": _JSON,
        "id": _SCALARS,
    },
)
_ITEM = st.fixed_dictionaries(
    {},
    optional={
        "pool_id": _SCALARS,
        "overlap": _SCALARS,
        "infinite_overlap": _SCALARS,
        "reserved_for": st.lists(_SCALARS, max_size=3) | _SCALARS,
        "tasks": st.lists(_TASK | _SCALARS, max_size=3) | _SCALARS,
        "latitude": _SCALARS,
        "issuing_order_override": _SCALARS,
        "unknown": _JSON,
    },
)


@settings(max_examples=800, deadline=None)
@given(st.sampled_from(RULES), _ITEM | _TASK.map(lambda task: {"pool_id": "1", "overlap": 1, **task}))
def test_the_schema_and_the_walk_agree(rule: ItemRule, item: dict[str, Any]) -> None:
    errors = rule.errors(item)
    assert rule.valid(item) is (errors is None), errors
    for error in (errors or {}).values():
        assert set(error) <= {"code", "message", "params"} and error["message"]


def test_the_rule_is_read_from_the_spec() -> None:
    """A bound changed in the document changes the rule, in both executors, with the bound in `params`."""
    spec = copy.deepcopy(load_spec())
    spec["components"]["schemas"]["Overlap"]["maximum"] = 5
    spec["components"]["schemas"]["TaskSuiteCreate"]["properties"]["tasks"]["minItems"] = 2
    tasks = ItemRule(TASK_CREATE, allow_defaults=False, spec=spec)
    item = {"pool_id": "1", "input_values": {}, "overlap": 6}
    assert not tasks.valid(item)
    assert tasks.errors(item) == {
        "overlap": {"code": "VALUE_GREATER_THAN_MAX", "message": "Value must be less than or equal to 5", "params": [5]}
    }
    suites = ItemRule(TASK_SUITE_CREATE, allow_defaults=True, spec=spec)
    suite = {"pool_id": "1", "tasks": [{"input_values": {}}]}
    assert not suites.valid(suite)
    assert suites.errors(suite) == {
        "tasks": {"code": "ARRAY_SIZE_LESS_THAN_MIN", "message": "Array size must be at least 2", "params": [2]}
    }
    assert ItemRule(TASK_SUITE_CREATE, allow_defaults=True).valid(suite)


def test_a_keyword_the_walk_cannot_say_is_refused_when_the_rule_is_built() -> None:
    spec = copy.deepcopy(load_spec())
    spec["components"]["schemas"]["TaskCreate"]["properties"]["pool_id"]["pattern"] = "^[0-9]+$"
    with pytest.raises(ValueError, match=r"pool_id: \['minLength', 'pattern', 'type'\]"):
        ItemRule(TASK_CREATE, allow_defaults=False, spec=spec)


def test_errors_name_the_field_paths_of_a_suite() -> None:
    rule = ItemRule(TASK_SUITE_CREATE, allow_defaults=False, inputs=INPUTS, outputs=OUTPUTS)
    suite = {
        "pool_id": "",
        "tasks": [
            {"input_values": {"image": "https://x/1.png"}, "baseline_solutions": [], "id": "t1"},
            {"input_values": {"image": "x", "n": 11}, "known_solutions": [{"output_values": {"label": "maybe"}}]},
            None,
        ],
        "reserved_for": ["w1", "w1"],
    }
    assert {path: error["code"] for path, error in (rule.errors(suite) or {}).items()} == {
        "pool_id": "VALUE_REQUIRED",
        "tasks.0.baseline_solutions": "VALUE_NOT_ALLOWED",
        "tasks.1.input_values.image": "INVALID_URL_SYNTAX",
        "tasks.1.input_values.n": "VALUE_GREATER_THAN_MAX",
        "tasks.1.known_solutions.0.output_values.label": "VALUE_NOT_ALLOWED",
        "tasks.1.known_solutions.0.output_values.score": "VALUE_REQUIRED",
        "tasks.2": "VALUE_REQUIRED",
        "reserved_for": "VALUE_NOT_ALLOWED",
        "overlap": "VALUE_REQUIRED",
    }
