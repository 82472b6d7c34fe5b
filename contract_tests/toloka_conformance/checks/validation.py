"""Validation errors name the exact field path and the documented code for the fault, bounds in `params`.

The faults are built from the pool's project (GET /pools/{id} -> GET /projects/{id}: `task_spec.input_spec` and
`output_spec`), so they are faults on any server: a missing required field, a field the spec does not declare,
a value of the wrong type for each declared type, and a value just past each declared bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, Skipped, check
from toloka_conformance.checks.support import (
    SUITES,
    TASKS,
    expect_error,
    output_values,
    project_specs,
    suite,
    task,
)
from toloka_conformance.target import UNKNOWN_INPUT_FIELD

CODES = (
    "[toloka-api-notes: Input validation; openapi.yaml FieldError] each invalid field is reported under its path "
    "(`input_values.<field>`) with the documented code: VALUE_REQUIRED for a missing required field, "
    "VALUE_NOT_ALLOWED for a field the spec does not declare, STRING_EXPECTED / INTEGER_EXPECTED / FLOAT_EXPECTED / "
    "BOOLEAN_EXPECTED for a value of the wrong type, STRING_LENGTH_* / VALUE_*_THAN_* for a bound, the bound in "
    "`params`."
)
PATHS = (
    "[toloka-api-notes: Batch upload] field paths: `input_values.image` for tasks, `tasks.0.input_values.image` for "
    "suites (the index of the task inside the suite), `known_solutions.<i>.output_values.<field>` for answers."
)
_WRONG_TYPE: dict[str, tuple[Any, str]] = {
    "string": (12345, "STRING_EXPECTED"),
    "integer": ("conformance", "INTEGER_EXPECTED"),
    "float": ("conformance", "FLOAT_EXPECTED"),
    "boolean": ("conformance", "BOOLEAN_EXPECTED"),
}


@dataclass(frozen=True)
class _Fault:
    """One invalid input_values: what it breaks, the path and code it must be reported with, the bound if any."""

    what: str
    values: dict[str, Any]
    path: str
    code: str
    bound: int | float | None = None


def _faults(ctx: Context, spec: dict[str, Any]) -> list[_Fault]:
    base = dict(ctx.target.input_values)
    faults = [_Fault("an undeclared field", {**base, UNKNOWN_INPUT_FIELD: 1}, UNKNOWN_INPUT_FIELD, "VALUE_NOT_ALLOWED")]
    required = [name for name, field in spec.items() if isinstance(field, dict) and field.get("required", True)]
    missing = next((name for name in required if name in base), None)
    if missing is not None:
        values = {k: v for k, v in base.items() if k != missing}
        faults.append(_Fault(f"required {missing!r} left out", values, missing, "VALUE_REQUIRED"))
    typed: set[str] = set()
    bounded: set[str] = set()
    for name, field in spec.items():
        if not isinstance(field, dict):
            continue
        kind = str(field.get("type", "")).lower()
        if kind in _WRONG_TYPE and kind not in typed:
            typed.add(kind)
            value, code = _WRONG_TYPE[kind]
            faults.append(_Fault(f"{kind} {name!r} given {value!r}", {**base, name: value}, name, code))
        for fault in _bound_faults(name, field, kind, base):
            if fault.code not in bounded:
                bounded.add(fault.code)
                faults.append(fault)
    return faults


def _bound_faults(name: str, field: dict[str, Any], kind: str, base: dict[str, Any]) -> list[_Fault]:
    if field.get("allowed_values"):
        return []  # a value past a bound would break allowed_values too
    found = []
    number = kind in ("integer", "float")
    for key, code, past in (
        ("max_length", "STRING_LENGTH_GREATER_THAN_MAX", 1),
        ("min_length", "STRING_LENGTH_LESS_THAN_MIN", -1),
        ("max_value", "VALUE_GREATER_THAN_MAX", 1),
        ("min_value", "VALUE_LESS_THAN_MIN", -1),
    ):
        bound = field.get(key)
        if isinstance(bound, bool) or not isinstance(bound, (int, float)):
            continue
        if key.endswith("_length") and kind == "string" and bound + past >= 0:
            value: Any = "c" * int(bound + past)
        elif key.endswith("_value") and number:
            value = int(bound) + past if kind == "integer" else float(bound) + past
        else:
            continue
        found.append(_Fault(f"{name!r} = {value!r} past {key} {bound}", {**base, name: value}, name, code, bound))
    return found


def _refused(ctx: Context, path: str, item: dict[str, Any], rule: str) -> tuple[dict[str, dict[str, Any]], Exchange]:
    """POST `[item]` (skip_invalid_items=false): 400 VALIDATION_ERROR; the item's errors by field path.

    One invalid item per request, so its errors are found whatever the payload keys the item by (an index is
    the batch rows' rule, not this one) and nothing is created.
    """
    exchange = ctx.api.post(path, [item], skip_invalid_items=False)
    payload = expect_error(exchange, 400, "VALIDATION_ERROR", rule).get("payload")
    errors: dict[str, dict[str, Any]] = {}
    for key, value in payload.items() if isinstance(payload, dict) else ():
        if _is_error(value):
            errors[str(key)] = value  # keyed by field path alone
        elif isinstance(value, dict):
            errors.update({str(k): v for k, v in value.items() if _is_error(v)})
    if not errors:
        raise Failed(
            f"the payload is {payload!r}",
            expected="the invalid item's field errors ({code, message} by field path)",
            rule=rule,
            exchange=exchange,
        )
    return errors, exchange


def _is_error(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("code"), str)


def _expect_code(errors: dict[str, dict[str, Any]], fault: _Fault, exchange: Exchange) -> None:
    """Some error of the item has the fault's code (whatever its path: validation.paths checks paths), and a bound
    fault's error names the bound in `params`."""
    matching = [error for error in errors.values() if error.get("code") == fault.code]
    if not matching:
        raise Failed(
            f"the item's errors are {errors!r}",
            expected=f"an error with code {fault.code}",
            rule=CODES,
            exchange=exchange,
        )
    if fault.bound is not None and not any(_names_bound(error, fault.bound) for error in matching):
        raise Failed(
            f"the {fault.code} error is {matching[0]!r}",
            expected=f"`params` naming the bound {fault.bound}",
            rule=CODES,
            exchange=exchange,
        )


def _names_bound(error: dict[str, Any], bound: int | float) -> bool:
    params = error.get("params")
    return isinstance(params, list) and any(_same_number(param, bound) for param in params)


def _expect_path(errors: dict[str, dict[str, Any]], path: str, exchange: Exchange) -> None:
    """An error is reported under exactly `path` (whatever its code: validation.codes checks codes)."""
    if path not in errors:
        raise Failed(
            f"the item's errors are under {sorted(errors)!r}",
            expected=f"an error under {path!r}",
            rule=PATHS,
            exchange=exchange,
        )


def _same_number(param: Any, bound: int | float) -> bool:
    try:
        return float(param) == float(bound)
    except (TypeError, ValueError):
        return False


@check("validation.codes", "Each invalid field: the documented code (bounds in params)", CODES, creates=1)
def validation_codes(ctx: Context) -> str:
    """One task per fault of the project's input spec, each refused alone: the fault's code, the bound in params."""
    spec, _ = project_specs(ctx)
    faults = _faults(ctx, spec)
    for fault in faults:
        errors, exchange = _refused(ctx, TASKS, task(ctx, input_values=fault.values), CODES)
        try:
            _expect_code(errors, fault, exchange)
        except Failed as failure:
            raise failure.about(fault.what) from None
    return "; ".join(f"{fault.what}: {fault.code}" for fault in faults)


@check(
    "validation.paths",
    "A task's errors are under input_values.<field>, a suite task's under tasks.<i>.input_values.<field>",
    PATHS,
    creates=1,
)
def validation_paths(ctx: Context) -> str:
    """A task with an undeclared field: `input_values.<field>`; a suite of [valid task, task with it]:
    `tasks.1.input_values.<field>`."""
    field_path = f"input_values.{UNKNOWN_INPUT_FIELD}"
    errors, exchange = _refused(ctx, TASKS, task(ctx, input_values=dict(ctx.target.invalid_input_values)), PATHS)
    if UNKNOWN_INPUT_FIELD in ctx.target.invalid_input_values:
        _expect_path(errors, field_path, exchange)
    bad = suite(ctx)
    bad["tasks"].append({"input_values": {**ctx.target.input_values, UNKNOWN_INPUT_FIELD: 1}})
    errors, exchange = _refused(ctx, SUITES, bad, PATHS)
    _expect_path(errors, f"tasks.1.{field_path}", exchange)
    return f"{field_path}; tasks.1.{field_path}"


@check(
    "validation.solution_paths",
    "A known solution's errors are under known_solutions.<i>.output_values.<field>",
    PATHS,
    creates=1,
)
def validation_solution_paths(ctx: Context) -> str:
    """A task whose second known solution has an undeclared output field: an error under that path."""
    _, output_spec = project_specs(ctx)
    if not output_spec:
        raise Skipped("the project declares no output spec: nothing to validate answers against")
    answer = output_values(ctx)
    solutions = [
        {"output_values": answer, "correctness_weight": 1},
        {"output_values": {**answer, UNKNOWN_INPUT_FIELD: 1}, "correctness_weight": 1},
    ]
    errors, exchange = _refused(ctx, TASKS, task(ctx, known_solutions=solutions), PATHS)
    path = f"known_solutions.1.output_values.{UNKNOWN_INPUT_FIELD}"
    _expect_path(errors, path, exchange)
    return path
