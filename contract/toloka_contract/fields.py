"""Field values against a project's field spec (its input spec, or its output spec), with the API's error codes,
messages and field paths.

One implementation for both sides of the wire: the emulator refuses what these checks refuse, and the upload
layer holds back before sending only what the server would refuse. A field spec is in the API's JSON form
(`{"type": "url", "required": true, "min_length": 1, ...}`, components.schemas.FieldSpec; `type` in either
letter case). A type these checks do not know is not checked (a real project may use one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import jsonschema_rs

FieldError = dict[str, Any]
"""One `{code, message, params?}` error, as the API writes them."""
Errors = dict[str, FieldError]
"""Errors keyed by field path (`input_values.image`), or within one value by path suffix ("" or ".0")."""
Check = Callable[[Any], Errors | None]
"""The check of one non-null value: None when it is valid, else its errors keyed by path suffix."""

SCALAR_TYPES: Final = ("boolean", "string", "integer", "float", "url", "coordinates", "json", "file")
FIELD_TYPES: Final = frozenset(SCALAR_TYPES) | frozenset(f"array_{base}" for base in SCALAR_TYPES)

MESSAGES: Final = {
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

# Python's whitespace (str.isspace, and so `\s`), spelt out so that the URL rule means the same in Python's `re`
# and in the Rust regex of the JSON Schema fast path (whose `\s` lacks \x1c-\x1f and \x85).
WHITESPACE: Final = (
    "\\t\\n\\x0b\\x0c\\r\\x1c\\x1d\\x1e\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
URL_PATTERN: Final = f"[Hh][Tt][Tt][Pp][Ss]?://[^{WHITESPACE}/?#@]+(?:[/?#][^{WHITESPACE}]*)?"
"""A `url` value, whole (unanchored: Python's `$` would let a trailing newline through)."""
_URL: Final = re.compile(URL_PATTERN)
_COORDINATES: Final = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*")


def field_error(code: str, *params: Any) -> FieldError:
    """One `{code, message, params?}` error; `params` fill the message's placeholders."""
    error: FieldError = {"code": code, "message": MESSAGES[code].format(*params)}
    if params:
        error["params"] = list(params)
    return error


def record(errors: Errors, path: str, problems: Errors) -> None:
    """Add a check's problems to `errors` under `path`."""
    for suffix, error in problems.items():
        errors[path + suffix] = error


def field_type(spec: Mapping[str, Any]) -> str:
    """A field spec's type, lower case (`URL` and `url` alike)."""
    return str(spec.get("type", "")).lower()


def _string(value: Any) -> str | None:
    return None if type(value) is str else "STRING_EXPECTED"


def _url(value: Any) -> str | None:
    return None if type(value) is str and _URL.fullmatch(value) else "INVALID_URL_SYNTAX"


def _integer(value: Any) -> str | None:
    # A whole-number float (`2.0`) is an integer to JSON Schema, and so to the contract.
    return None if type(value) is int or (type(value) is float and value.is_integer()) else "INTEGER_EXPECTED"


def _float(value: Any) -> str | None:
    return None if type(value) is int or type(value) is float else "FLOAT_EXPECTED"


def _boolean(value: Any) -> str | None:
    return None if type(value) is bool else "BOOLEAN_EXPECTED"


def _json(value: Any) -> str | None:
    return None


def _coordinates(value: Any) -> str | None:
    match = _COORDINATES.fullmatch(value) if type(value) is str else None
    if match is None or abs(float(match[1])) > 90 or abs(float(match[2])) > 180:
        return "INVALID_COORDINATES_SYNTAX"
    return None


TYPE_CHECKS: Final[dict[str, Callable[[Any], str | None]]] = {
    "string": _string,
    "file": _string,
    "url": _url,
    "integer": _integer,
    "float": _float,
    "boolean": _boolean,
    "json": _json,
    "coordinates": _coordinates,
}
"""Field type -> the check of a value's type: None when it is of that type, else the API's code (null included)."""


def compile_field(spec: Mapping[str, Any]) -> Check | None:
    """The check of one non-null value of a field, scalar or array; None for a type not known here."""
    kind = field_type(spec)
    if kind.startswith("array_"):
        element = _scalar_check(spec, kind.removeprefix("array_"))
        return None if element is None else _array_check(spec, element)
    return _scalar_check(spec, kind)


def _array_check(spec: Mapping[str, Any], element: Check) -> Check:
    """An array of scalars with optional size bounds; errors of elements go under `.<index>`."""
    min_size, max_size = spec.get("min_size"), spec.get("max_size")

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
            elif (problems := element(item)) is not None:
                record(errors, f".{index}", problems)
        return errors or None

    return check


def _scalar_check(spec: Mapping[str, Any], kind: str) -> Check | None:
    """The check of one scalar value of `kind`, bounds included."""
    type_error = TYPE_CHECKS.get(kind)
    if type_error is None:
        return None
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


def _bounds_check(spec: Mapping[str, Any], kind: str) -> Callable[[Any], FieldError | None] | None:
    """Length, allowed-values and numeric bounds that apply to `kind`; None when there are none."""
    min_length, max_length, allowed = spec.get("min_length"), spec.get("max_length"), spec.get("allowed_values")
    min_value, max_value = spec.get("min_value"), spec.get("max_value")
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


# ---- the fast path: a JSON Schema of the whole spec, checked in Rust (jsonschema-rs) ------------------------

# The JSON Schema of one non-null value by type, for the types whose rule JSON Schema says exactly as the checks
# above do. Coordinates (a range inside a string), allowed values other than strings (Python's == is not JSON's
# equality: True == 1) and numeric bounds (float rounding of big integers) are not said here: such a field is
# checked by its Python rule, beside the schema.
_SCHEMA_TYPES: Final[dict[str, dict[str, Any]]] = {
    "string": {"type": "string"},
    "file": {"type": "string"},
    "url": {"type": "string", "pattern": f"^(?:{URL_PATTERN})$"},
    "integer": {"type": "integer"},
    "float": {"type": "number"},
    "boolean": {"type": "boolean"},
    "json": {},
}
_LENGTHS: Final = {"min_length": "minLength", "max_length": "maxLength"}
_SIZES: Final = {"min_size": "minItems", "max_size": "maxItems"}
_NOT_NULL: Final = {"not": {"type": "null"}}


def _value_schema(spec: Mapping[str, Any]) -> dict[str, Any] | None:
    """The JSON Schema of one non-null value of a field; None when it cannot say the field's rule exactly."""
    kind = field_type(spec)
    base = kind.removeprefix("array_")
    scalar = _SCHEMA_TYPES.get(base)
    if kind not in FIELD_TYPES:
        return {}  # not checked (compile_field has no check for it either)
    if scalar is None or spec.get("min_value") is not None or spec.get("max_value") is not None:
        return None
    scalar = dict(scalar)
    allowed = spec.get("allowed_values")
    if allowed is not None:
        if base not in ("string", "url", "file") or not all(type(value) is str for value in allowed):
            return None
        scalar["enum"] = list(allowed)  # strings: JSON's equality is Python's
    if base in ("string", "url"):
        scalar.update({keyword: spec[key] for key, keyword in _LENGTHS.items() if spec.get(key) is not None})
    if not kind.startswith("array_"):
        return scalar
    array: dict[str, Any] = {"type": "array", "items": {**scalar, **_NOT_NULL}}
    array.update({keyword: spec[key] for key, keyword in _SIZES.items() if spec.get(key) is not None})
    return array


def _spec_schema(spec: Mapping[str, Mapping[str, Any]], *, any_fields: bool) -> tuple[dict[str, Any], list[str]]:
    """The JSON Schema of a whole `input_values` (`output_values`) object, and the fields it leaves to Python."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    python: list[str] = []
    for name, field in spec.items():
        value = _value_schema(field)
        if value is None:
            python.append(name)
            value = {}
        if field.get("required", True) is not False:
            required.append(name)
            properties[name] = {**value, **_NOT_NULL}
        else:
            properties[name] = {"anyOf": [{"type": "null"}, value]} if value else {}
    schema: dict[str, Any] = {"type": "object", "properties": properties, "required": required}
    if not any_fields:
        schema["additionalProperties"] = False
    return schema, python


class FieldSpecs:
    """A project's input or output spec, compiled: `valid` is the hot path's yes or no, `validate` the errors."""

    def __init__(self, spec: Mapping[str, Mapping[str, Any]], *, any_fields: bool = False) -> None:
        """`spec`: field specs by name, in the API's form; `any_fields`: accept unknown field names."""
        self.fields = spec
        self._checks = [
            (name, field.get("required", True) is not False, compile_field(field)) for name, field in spec.items()
        ]
        self._by_name = {name: check for name, _, check in self._checks if check is not None}
        self._required = tuple(name for name, required, _ in self._checks if required)
        self._names = frozenset(spec)
        self._any_fields = any_fields
        schema, python = _spec_schema(spec, any_fields=any_fields)
        required = set(schema["required"])
        self.schema: dict[str, Any] = schema
        """The JSON Schema `valid` checks in Rust (to compose into a larger one); `valid_beside_schema` the rest."""
        self._fast: Callable[[Any], bool] | None = jsonschema_rs.Draft202012Validator(schema).is_valid
        self._python_checks = [(name, check) for name in python if (check := self._by_name.get(name)) is not None]
        self.has_python_checks = bool(self._python_checks)
        # A required field left to Python is never null, so this schema passes nothing that has it (`False`).
        left_to_python = {name: {"type": "null"} if name not in required else False for name, _ in self._python_checks}
        self.schema_without_python_fields: dict[str, Any] = {
            **schema,
            "properties": {**schema["properties"], **left_to_python},
        }
        """Stricter than `schema`: also the fields left to Python absent or null, so values it passes are valid
        with no Python at all (a batch's common case: the optional numeric fields unused)."""

    def valid_beside_schema(self, values: dict[str, Any]) -> bool:
        """Whether `values`, which `schema` passed, keeps the rules the schema leaves to Python (numeric bounds,
        coordinates, non-string choices)."""
        for name, check in self._python_checks:
            if (value := values.get(name)) is not None and check(value) is not None:
                return False
        return True

    def valid(self, values: Any) -> bool:
        """Whether `values` passes every check, without building an error (`validate` says what is wrong)."""
        if type(values) is not dict:
            return False
        if self._fast is not None:
            try:
                if not self._fast(values):
                    return False
            except (ValueError, TypeError, OverflowError):  # a value JSON has no form for: the Python path says
                pass
            else:
                return not self.has_python_checks or self.valid_beside_schema(values)
        if not self._any_fields and not values.keys() <= self._names:
            return False
        checks = self._by_name
        for name, value in values.items():
            if value is not None and (check := checks.get(name)) is not None and check(value) is not None:
                return False
        for name in self._required:  # noqa: SIM110 (a generator in all() costs a tenth of the whole check)
            if values.get(name) is None:
                return False
        return True

    def validate(self, values: Any, prefix: str, errors: Errors) -> None:
        """Add the errors of `values` under `prefix` (`input_values`, `tasks.0.input_values`,
        `known_solutions.1.output_values`)."""
        if values is None:
            errors[prefix] = field_error("VALUE_REQUIRED")
            return
        if type(values) is not dict:
            errors[prefix] = field_error("JSON_EXPECTED")
            return
        if self.valid(values):
            return
        for name, required, check in self._checks:
            value = values.get(name)
            if value is None:
                if required:
                    errors[f"{prefix}.{name}"] = field_error("VALUE_REQUIRED")
            elif check is not None and (problems := check(value)) is not None:
                record(errors, f"{prefix}.{name}", problems)
        if not self._any_fields and not values.keys() <= self._names:
            for name in values.keys() - self._names:
                errors[f"{prefix}.{name}"] = field_error("VALUE_NOT_ALLOWED")
