"""Validation of `input_values` (and of solutions' `output_values`) against a pool's project's input (output) spec,
with the real API's error codes and field paths."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from toloka_emulator.config import FieldSpec

FieldError = dict[str, Any]
Errors = dict[str, FieldError]
# Checks one non-null value: None when valid, else errors keyed by path suffix ("" for the value itself,
# ".0" for an array element), so that paths are only built for invalid values.
Check = Callable[[Any], Errors | None]

MESSAGES = {
    "VALUE_REQUIRED": "Value must be present and not equal to null",
    "VALUE_NOT_ALLOWED": "Unknown field name",
    "INVALID_URL_SYNTAX": "Value must be in valid url format",
    "STRING_EXPECTED": "Value must be a string",
    "INTEGER_EXPECTED": "Value must be an integer",
    "FLOAT_EXPECTED": "Value must be a number",
    "BOOLEAN_EXPECTED": "Value must be a boolean",
    "JSON_EXPECTED": "Value must be a JSON object",
    "ARRAY_EXPECTED": "Value must be an array",
    "INVALID_COORDINATES_SYNTAX": "Value must be coordinates in the format 'latitude,longitude'",
    "STRING_LENGTH_LESS_THAN_MIN": "String length must be at least {0}",
    "STRING_LENGTH_GREATER_THAN_MAX": "String length must be at most {0}",
    "VALUE_LESS_THAN_MIN": "Value must be greater than or equal to {0}",
    "VALUE_GREATER_THAN_MAX": "Value must be less than or equal to {0}",
    "ARRAY_SIZE_LESS_THAN_MIN": "Array size must be at least {0}",
    "ARRAY_SIZE_GREATER_THAN_MAX": "Array size must be at most {0}",
}
_URL = re.compile(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$", re.IGNORECASE)
_COORDINATES = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


def field_error(code: str, *params: Any) -> FieldError:
    """One `{code, message, params?}` error."""
    error: FieldError = {"code": code, "message": MESSAGES[code].format(*params)}
    if params:
        error["params"] = list(params)
    return error


def is_number(value: Any) -> bool:
    """A JSON number (booleans are not)."""
    return type(value) is int or type(value) is float


class InputValidator:
    """The compiled checks of one field spec (a project's input spec, or its output spec)."""

    def __init__(self, spec: dict[str, FieldSpec], *, any_fields: bool = False) -> None:
        """`any_fields`: accept unknown field names, for values whose pool (hence spec) is unknown."""
        self._checks = [(name, f.required, compile_field(f)) for name, f in spec.items()]
        self._names = frozenset(spec)
        self._any_fields = any_fields

    def validate(self, values: Any, prefix: str, errors: Errors) -> None:
        """Record the errors of `values` under `prefix` (`input_values`, `tasks.0.input_values`,
        `known_solutions.1.output_values`)."""
        if values is None:
            errors[prefix] = field_error("VALUE_REQUIRED")
            return
        if type(values) is not dict:
            errors[prefix] = field_error("JSON_EXPECTED")
            return
        for name, required, check in self._checks:
            value = values.get(name)
            if value is None:
                if required:
                    errors[f"{prefix}.{name}"] = field_error("VALUE_REQUIRED")
            else:
                problems = check(value)
                if problems is not None:
                    record(errors, f"{prefix}.{name}", problems)
        if not self._any_fields and not values.keys() <= self._names:
            for name in values.keys() - self._names:
                errors[f"{prefix}.{name}"] = field_error("VALUE_NOT_ALLOWED")


@dataclass(frozen=True)
class SpecValidators:
    """The compiled input and output specs of one project: `input_values` and solutions' `output_values`."""

    inputs: InputValidator
    outputs: InputValidator


def record(errors: Errors, path: str, problems: Errors) -> None:
    """Add a check's problems to `errors` under `path`."""
    for suffix, error in problems.items():
        errors[path + suffix] = error


def compile_field(spec: FieldSpec) -> Check:
    """The check of one non-null value of a field, scalar or array."""
    if spec.type.startswith("array_"):
        element = _scalar_check(spec, spec.type.removeprefix("array_"))
        return _array_check(spec, element)
    return _scalar_check(spec, spec.type)


def _array_check(spec: FieldSpec, element: Check) -> Check:
    """An array of scalars with optional size bounds; errors of elements go under `path.<index>`."""
    min_size, max_size = spec.min_size, spec.max_size

    def check(value: Any) -> Errors | None:
        if type(value) is not list:
            return {"": field_error("ARRAY_EXPECTED")}
        errors: Errors = {}
        if min_size is not None and len(value) < min_size:
            errors[""] = field_error("ARRAY_SIZE_LESS_THAN_MIN", min_size)
        elif max_size is not None and len(value) > max_size:
            errors[""] = field_error("ARRAY_SIZE_GREATER_THAN_MAX", max_size)
        for index, item in enumerate(value):
            if item is None:
                errors[f".{index}"] = field_error("VALUE_REQUIRED")
            else:
                problems = element(item)
                if problems is not None:
                    record(errors, f".{index}", problems)
        return errors or None

    return check


def _scalar_check(spec: FieldSpec, kind: str) -> Check:
    """The check of one scalar value of `kind`, bounds included."""
    type_error = _TYPE_CHECKS[kind]
    bounds = _bounds_check(spec, kind)

    def check(value: Any) -> Errors | None:
        code = type_error(value)
        if code is not None:
            return {"": field_error(code)}
        if bounds is None:
            return None
        error = bounds(value)
        return None if error is None else {"": error}

    return check


def _bounds_check(spec: FieldSpec, kind: str) -> Callable[[Any], FieldError | None] | None:
    """Length, allowed-values and numeric bounds that apply to `kind`; None when there are none."""
    min_length, max_length, allowed = spec.min_length, spec.max_length, spec.allowed_values
    min_value, max_value = spec.min_value, spec.max_value
    stringy = kind in ("string", "url")
    numeric = kind in ("integer", "float")
    limits = (min_length, max_length) if stringy else (min_value, max_value) if numeric else (None, None)
    if allowed is None and limits == (None, None):
        return None

    def bounds(value: Any) -> FieldError | None:
        if stringy:
            if min_length is not None and len(value) < min_length:
                return field_error("STRING_LENGTH_LESS_THAN_MIN", min_length)
            if max_length is not None and len(value) > max_length:
                return field_error("STRING_LENGTH_GREATER_THAN_MAX", max_length)
        if numeric:
            if min_value is not None and value < min_value:
                return field_error("VALUE_LESS_THAN_MIN", min_value)
            if max_value is not None and value > max_value:
                return field_error("VALUE_GREATER_THAN_MAX", max_value)
        if allowed is not None and value not in allowed:
            return {"code": "VALUE_NOT_ALLOWED", "message": "Value is not allowed", "params": list(allowed)}
        return None

    return bounds


def _string(value: Any) -> str | None:
    return None if type(value) is str else "STRING_EXPECTED"


def _url(value: Any) -> str | None:
    return None if type(value) is str and _URL.match(value) else "INVALID_URL_SYNTAX"


def _integer(value: Any) -> str | None:
    # A whole-number float (`2.0`) is an integer to JSON Schema, and so to the contract.
    return None if type(value) is int or (type(value) is float and value.is_integer()) else "INTEGER_EXPECTED"


def _float(value: Any) -> str | None:
    return None if is_number(value) else "FLOAT_EXPECTED"


def _boolean(value: Any) -> str | None:
    return None if type(value) is bool else "BOOLEAN_EXPECTED"


def _json(value: Any) -> str | None:
    return None


def _coordinates(value: Any) -> str | None:
    match = _COORDINATES.match(value) if type(value) is str else None
    if match is None or abs(float(match[1])) > 90 or abs(float(match[2])) > 180:
        return "INVALID_COORDINATES_SYNTAX"
    return None


_TYPE_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "string": _string,
    "url": _url,
    "integer": _integer,
    "float": _float,
    "boolean": _boolean,
    "json": _json,
    "coordinates": _coordinates,
}
