"""Create objects (tasks and task suites): structural checks, overlap rules, and the stored form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from toloka_contract import operations
from toloka_contract.fields import Check, Errors, FieldSpecs, field_error, record

from toloka_emulator import spec_bounds
from toloka_emulator.config import PoolConfig
from toloka_emulator.input_spec import SpecValidators, value_check


def _set_check() -> Check:
    """A set of strings: an array of strings without duplicates."""
    elements = value_check({"type": "array_string"})

    def check(value: Any) -> Errors | None:
        problems = elements(value)
        if problems is None and len(set(value)) != len(value):
            return {"": {"code": "VALUE_NOT_ALLOWED", "message": "Values must be unique"}}
        return problems

    return check


# Checks one solutions field (`known_solutions`, `baseline_solutions`) present in an item, against the project's
# output spec, recording errors under the field's path.
SolutionsCheck = Callable[[Any, FieldSpecs, str, Errors], None]


def _solutions_check(weight_key: str) -> SolutionsCheck:
    """`known_solutions` / `baseline_solutions`: objects whose `output_values` keep the project's output spec (the
    same codes as `input_values` against the input spec) and whose weight is in 0..1."""
    low, high = spec_bounds.CORRECTNESS_WEIGHT if weight_key == "correctness_weight" else spec_bounds.CONFIDENCE_WEIGHT
    weight = value_check({"type": "float", "min_value": low, "max_value": high})

    def check(value: Any, outputs: FieldSpecs, path: str, errors: Errors) -> None:
        if type(value) is not list:
            errors[path] = field_error("ARRAY_EXPECTED")
            return
        for index, solution in enumerate(value):
            where = f"{path}.{index}"
            if type(solution) is not dict:
                errors[where] = field_error("JSON_EXPECTED")
                continue
            outputs.validate(solution.get("output_values"), f"{where}.output_values", errors)
            if weight_key in solution:
                _check_value(weight, solution[weight_key], f"{where}.{weight_key}", errors)

    return check


def _localization_check(value: Any) -> Errors | None:
    """`localization_config` as the contract has it: an object (other keys allowed) whose `default_language` is a
    string and whose `additional_languages` is an array of objects, each `language` a string."""
    if type(value) is not dict:
        return {"": field_error("JSON_EXPECTED")}
    errors: Errors = {}
    if "default_language" in value and type(value["default_language"]) is not str:
        errors[".default_language"] = field_error("STRING_EXPECTED")
    if "additional_languages" in value:
        others = value["additional_languages"]
        if type(others) is not list:
            errors[".additional_languages"] = field_error("ARRAY_EXPECTED")
        else:
            for index, other in enumerate(others):
                where = f".additional_languages.{index}"
                if type(other) is not dict:
                    errors[where] = field_error("JSON_EXPECTED")
                elif "language" in other and type(other["language"]) is not str:
                    errors[f"{where}.language"] = field_error("STRING_EXPECTED")
    return errors or None


def _typed(type_: str, **bounds: Any) -> Check:
    """A scalar top-level field; null is a type error, as the schema allows no null."""
    inner = value_check({"type": type_, **bounds})
    null_code = {"integer": "INTEGER_EXPECTED", "float": "FLOAT_EXPECTED", "boolean": "BOOLEAN_EXPECTED"}.get(
        type_, "STRING_EXPECTED"
    )

    def check(value: Any) -> Errors | None:
        return {"": field_error(null_code)} if value is None else inner(value)

    return check


def _overlap_check() -> Check:
    """`overlap`: an integer in bounds; null is no overlap (valid with infinite_overlap, see `overlap_error`)."""
    inner = value_check({"type": "integer", "min_value": OVERLAP_MIN, "max_value": OVERLAP_MAX})

    def check(value: Any) -> Errors | None:
        return None if value is None else inner(value)

    return check


# The bounds of `Overlap` in openapi.yaml.
OVERLAP_MIN = spec_bounds.OVERLAP_MIN
OVERLAP_MAX = spec_bounds.OVERLAP_MAX
_SET = _set_check()
_COMMON: dict[str, Check] = {
    "overlap": _overlap_check(),
    "infinite_overlap": _typed("boolean"),
    "reserved_for": _SET,
    "unavailable_for": _SET,
    "traits_all_of": _SET,
    "traits_any_of": _SET,
    "traits_none_of_any": _SET,
}
# Fields of a task, and of a suite's task, beside input_values and the solutions.
_SOLUTION_FIELDS: dict[str, Check] = {
    "message_on_unknown_solution": _typed("string"),
    "localization_config": _localization_check,
}
_KNOWN: dict[str, SolutionsCheck] = {"known_solutions": _solutions_check("correctness_weight")}
_TASK_SOLUTIONS: dict[str, SolutionsCheck] = {**_KNOWN, "baseline_solutions": _solutions_check("confidence_weight")}
TASK_FIELDS: dict[str, Check] = {**_SOLUTION_FIELDS, **_COMMON}
SUITE_FIELDS: dict[str, Check] = {
    **_COMMON,
    "issuing_order_override": _typed(
        "float", min_value=spec_bounds.ISSUING_ORDER_OVERRIDE[0], max_value=spec_bounds.ISSUING_ORDER_OVERRIDE[1]
    ),
    "mixed": _typed("boolean"),
    "longitude": _typed("float", min_value=spec_bounds.LONGITUDE[0], max_value=spec_bounds.LONGITUDE[1]),
    "latitude": _typed("float", min_value=spec_bounds.LATITUDE[0], max_value=spec_bounds.LATITUDE[1]),
}
SUITE_TASK_KEYS = frozenset({"input_values", *_SOLUTION_FIELDS, *_KNOWN})
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
    # Records the item's errors; True when a valid item's stored form must drop read-only keys it carries.
    validate: Callable[[dict[str, Any], SpecValidators, Errors], bool]
    stored_keys: frozenset[str]
    default_overlap: Callable[[PoolConfig], int]
    read_only: dict[str, Any]


def validate_task(item: dict[str, Any], specs: SpecValidators, errors: Errors) -> bool:
    """Record the errors of one task create object (pool and overlap rules aside)."""
    specs.inputs.validate(item.get("input_values"), "input_values", errors)
    _check_fields(item, TASK_FIELDS, errors)
    _check_solutions(item, _TASK_SOLUTIONS, specs.outputs, errors)
    return False


def validate_suite(item: dict[str, Any], specs: SpecValidators, errors: Errors) -> bool:
    """Record the errors of one task-suite create object, its tasks included (pool and overlap rules aside).

    True when some task carries a read-only key (`id`, `origin_task_id`) that is not to be stored.
    """
    read_only = False
    tasks = item.get("tasks")
    if tasks is None:
        errors["tasks"] = field_error("VALUE_REQUIRED")
    elif type(tasks) is not list:
        errors["tasks"] = field_error("ARRAY_EXPECTED")
    elif len(tasks) < spec_bounds.SUITE_MIN_TASKS:
        errors["tasks"] = field_error("ARRAY_SIZE_LESS_THAN_MIN", spec_bounds.SUITE_MIN_TASKS)
    else:
        for index, task in enumerate(tasks):
            prefix = f"tasks.{index}"
            if type(task) is not dict:
                errors[prefix] = field_error("JSON_EXPECTED")
                continue
            specs.inputs.validate(task.get("input_values"), f"{prefix}.input_values", errors)
            if not task.keys() <= SUITE_TASK_KEYS:
                for key in task.keys() - SUITE_TASK_KEYS:
                    if key not in SUITE_TASK_READ_ONLY:
                        errors[f"{prefix}.{key}"] = field_error("VALUE_NOT_ALLOWED")
                    elif type(task[key]) is not str:
                        errors[f"{prefix}.{key}"] = field_error("STRING_EXPECTED")
                    else:
                        read_only = True
            _check_fields(task, _SOLUTION_FIELDS, errors, prefix + ".")
            _check_solutions(task, _KNOWN, specs.outputs, errors, prefix + ".")
    _check_fields(item, SUITE_FIELDS, errors)
    return read_only


def _check_fields(item: dict[str, Any], checks: dict[str, Check], errors: Errors, prefix: str = "") -> None:
    """Run the checks of the fields present in `item`."""
    for key, value in item.items():
        check = checks.get(key)
        if check is not None:
            _check_value(check, value, prefix + key, errors)


def _check_solutions(
    item: dict[str, Any], checks: dict[str, SolutionsCheck], outputs: FieldSpecs, errors: Errors, prefix: str = ""
) -> None:
    """Run the checks of the solutions fields present in `item` against the project's output spec."""
    for key, check in checks.items():
        if key in item:
            check(item[key], outputs, prefix + key, errors)


def _check_value(check: Check, value: Any, path: str, errors: Errors) -> None:
    """Run one check and record its problems under `path`."""
    problems = check(value)
    if problems is not None:
        record(errors, path, problems)


TASK = ItemKind(
    code=0,
    name="task",
    operation_type=operations.TASK_BATCH_CREATE,
    create_log_type=operations.LOG_TASK_CREATE,
    validate_log_type=operations.LOG_TASK_VALIDATE,
    id_key="task_id",
    validate=validate_task,
    stored_keys=frozenset({"pool_id", "input_values", *TASK_FIELDS, *_TASK_SOLUTIONS}),
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
    validate=validate_suite,
    stored_keys=frozenset({"pool_id", "tasks", *SUITE_FIELDS}),
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


def overlap_error(item: dict[str, Any], allow_defaults: bool) -> bool:
    """Whether the item lacks an overlap it needs: none (or null) given, no defaults allowed, not infinite."""
    return not allow_defaults and item.get("overlap") is None and item.get("infinite_overlap") is not True


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
