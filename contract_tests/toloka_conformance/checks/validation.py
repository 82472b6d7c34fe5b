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
    expect_status,
    json_object,
    output_values,
    project_specs,
    string_keyed,
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


def _expect(errors: dict[str, Any], index: str, path: str, code: str, bound: Any, exchange: Exchange) -> None:
    item_errors = errors.get(index)
    error = item_errors.get(path) if isinstance(item_errors, dict) else None
    if not isinstance(error, dict) or error.get("code") != code:
        raise Failed(
            f"validation_errors[{index!r}] is {item_errors!r}",
            expected=f"{path!r}: {{code: {code}}}",
            rule=CODES if path.startswith("input_values.") else PATHS,
            exchange=exchange,
        )
    if bound is not None:
        params = error.get("params")
        if not isinstance(params, list) or not any(_same_number(param, bound) for param in params):
            raise Failed(
                f"validation_errors[{index!r}][{path!r}] is {error!r}",
                expected=f"`params` naming the bound {bound}",
                rule=CODES,
                exchange=exchange,
            )


def _same_number(param: Any, bound: int | float) -> bool:
    try:
        return float(param) == float(bound)
    except (TypeError, ValueError):
        return False


def _validation_errors(
    ctx: Context, path: str, items: list[dict[str, Any]], rule: str
) -> tuple[dict[str, Any], Exchange]:
    exchange = ctx.api.post(path, items, skip_invalid_items=True)
    expect_status(exchange, 201, rule)
    return string_keyed(json_object(exchange, rule), "validation_errors", exchange, rule), exchange


@check("validation.codes", "Each invalid field: its path and the documented code (bounds in params)", CODES, creates=1)
def validation_codes(ctx: Context) -> str:
    """One task per fault of the project's input spec, plus a valid one, skip_invalid_items=true: path and code each."""
    spec, _ = project_specs(ctx)
    faults = _faults(ctx, spec)
    errors, exchange = _validation_errors(
        ctx, TASKS, [*(task(ctx, input_values=f.values) for f in faults), task(ctx)], CODES
    )
    for index, fault in enumerate(faults):
        try:
            _expect(errors, str(index), f"input_values.{fault.path}", fault.code, fault.bound, exchange)
        except Failed as failure:
            raise failure.about(fault.what) from None
    return "; ".join(f"{fault.what}: {fault.code}" for fault in faults)


@check("validation.paths", "A suite's task errors are under tasks.<i>.input_values.<field>", PATHS, creates=1)
def validation_paths(ctx: Context) -> str:
    """A suite of [valid task, task with an undeclared field]: `tasks.1.input_values.<field>` VALUE_NOT_ALLOWED."""
    bad = suite(ctx)
    bad["tasks"].append({"input_values": {**ctx.target.input_values, UNKNOWN_INPUT_FIELD: 1}})
    errors, exchange = _validation_errors(ctx, SUITES, [bad, suite(ctx)], PATHS)
    _expect(errors, "0", f"tasks.1.input_values.{UNKNOWN_INPUT_FIELD}", "VALUE_NOT_ALLOWED", None, exchange)
    return f"tasks.1.input_values.{UNKNOWN_INPUT_FIELD}: VALUE_NOT_ALLOWED"


@check(
    "validation.solution_paths",
    "A known solution's errors are under known_solutions.<i>.output_values.<field>",
    PATHS,
    creates=1,
)
def validation_solution_paths(ctx: Context) -> str:
    """A task whose second known solution has an undeclared output field: that path, VALUE_NOT_ALLOWED."""
    _, output_spec = project_specs(ctx)
    if not output_spec:
        raise Skipped("the project declares no output spec: nothing to validate answers against")
    answer = output_values(ctx)
    solutions = [
        {"output_values": answer, "correctness_weight": 1},
        {"output_values": {**answer, UNKNOWN_INPUT_FIELD: 1}, "correctness_weight": 1},
    ]
    errors, exchange = _validation_errors(ctx, TASKS, [task(ctx, known_solutions=solutions), task(ctx)], PATHS)
    path = f"known_solutions.1.output_values.{UNKNOWN_INPUT_FIELD}"
    _expect(errors, "0", path, "VALUE_NOT_ALLOWED", None, exchange)
    return f"{path}: VALUE_NOT_ALLOWED"
