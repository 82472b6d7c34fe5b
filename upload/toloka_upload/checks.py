"""Client-side checks of every item before it is sent, one code path for dicts and generated models.

The shape of a create object (pool_id, overlap, input_values / tasks), and, when the pool's project could be
read (GET /api/v1/pools/{id}, then /api/v1/projects/{id}), each input value against the project's input spec
with the API's own error codes and field paths. A bad item is reported at its position and only it is held
back; the server still checks everything (these checks only ever refuse what the server would refuse).
The same input spec types CSV/TSV cells (`InputSpec.cell`), as Toloka's own TSV upload does.
"""

import re
from collections.abc import Callable
from typing import Any

import orjson

from toloka_upload.kinds import Kind
from toloka_upload.results import FieldErrors

Problems = dict[str, dict[str, Any]]
"""Errors of one value, keyed by path suffix ("" for the value itself, ".0" for an array element)."""
ValueCheck = Callable[[Any], Problems | None]

_URL = re.compile(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$", re.IGNORECASE)
_COORDINATES = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


def error(code: str, message: str, *params: Any) -> dict[str, Any]:
    """One `{code, message, params?}` error, as the API writes them."""
    found: dict[str, Any] = {"code": code, "message": message}
    if params:
        found["params"] = list(params)
    return found


REQUIRED = error("VALUE_REQUIRED", "Value must be present and not equal to null")


def _type_code(kind: str) -> Callable[[Any], str | None] | None:
    """The type check of a scalar field type (None for a type this client does not know: not checked)."""
    checks: dict[str, Callable[[Any], str | None]] = {
        "string": lambda v: None if type(v) is str else "STRING_EXPECTED",
        "file": lambda v: None if type(v) is str else "STRING_EXPECTED",
        "url": lambda v: None if type(v) is str and _URL.match(v) else "INVALID_URL_SYNTAX",
        "integer": lambda v: None if type(v) is int or (type(v) is float and v.is_integer()) else "INTEGER_EXPECTED",
        "float": lambda v: None if type(v) in (int, float) else "FLOAT_EXPECTED",
        "boolean": lambda v: None if type(v) is bool else "BOOLEAN_EXPECTED",
        "json": lambda v: None,
        "coordinates": _coordinates,
    }
    return checks.get(kind)


def _coordinates(value: Any) -> str | None:
    match = _COORDINATES.match(value) if type(value) is str else None
    if match is None or abs(float(match[1])) > 90 or abs(float(match[2])) > 180:
        return "INVALID_COORDINATES_SYNTAX"
    return None


MESSAGES = {
    "STRING_EXPECTED": "Value must be a string",
    "INVALID_URL_SYNTAX": "Value must be in valid url format",
    "INTEGER_EXPECTED": "Value must be an integer",
    "FLOAT_EXPECTED": "Value must be a number",
    "BOOLEAN_EXPECTED": "Value must be a boolean",
    "INVALID_COORDINATES_SYNTAX": "Value must be coordinates in the format 'latitude,longitude'",
}


def _scalar(spec: dict[str, Any], kind: str) -> ValueCheck | None:
    type_code = _type_code(kind)
    if type_code is None:
        return None
    stringy, numeric = kind in ("string", "url"), kind in ("integer", "float")
    min_length, max_length = spec.get("min_length"), spec.get("max_length")
    min_value, max_value = spec.get("min_value"), spec.get("max_value")
    allowed = spec.get("allowed_values")
    if min_length is None and max_length is None and min_value is None and max_value is None and allowed is None:
        if kind == "url":
            match = _URL.match

            def url(value: Any) -> Problems | None:
                if type(value) is str and match(value) is not None:
                    return None
                return {"": error("INVALID_URL_SYNTAX", MESSAGES["INVALID_URL_SYNTAX"])}

            return url

        def typed(value: Any) -> Problems | None:
            code = type_code(value)
            return None if code is None else {"": error(code, MESSAGES[code])}

        return typed

    def check(value: Any) -> Problems | None:
        code = type_code(value)
        if code is not None:
            return {"": error(code, MESSAGES[code])}
        if stringy:
            if min_length is not None and len(value) < min_length:
                return {
                    "": error("STRING_LENGTH_LESS_THAN_MIN", f"String length must be at least {min_length}", min_length)
                }
            if max_length is not None and len(value) > max_length:
                return {
                    "": error(
                        "STRING_LENGTH_GREATER_THAN_MAX", f"String length must be at most {max_length}", max_length
                    )
                }
        if numeric:
            if min_value is not None and value < min_value:
                return {
                    "": error("VALUE_LESS_THAN_MIN", f"Value must be greater than or equal to {min_value}", min_value)
                }
            if max_value is not None and value > max_value:
                return {
                    "": error("VALUE_GREATER_THAN_MAX", f"Value must be less than or equal to {max_value}", max_value)
                }
        if allowed is not None and value not in allowed:
            return {"": error("VALUE_NOT_ALLOWED", "Value is not allowed", *allowed)}
        return None

    return check


def _array(spec: dict[str, Any], element: ValueCheck) -> ValueCheck:
    min_size, max_size = spec.get("min_size"), spec.get("max_size")

    def check(value: Any) -> Problems | None:
        if type(value) is not list:
            return {"": error("ARRAY_EXPECTED", "Value must be an array")}
        problems: Problems = {}
        if min_size is not None and len(value) < min_size:
            problems[""] = error("ARRAY_SIZE_LESS_THAN_MIN", f"Array size must be at least {min_size}", min_size)
        elif max_size is not None and len(value) > max_size:
            problems[""] = error("ARRAY_SIZE_GREATER_THAN_MAX", f"Array size must be at most {max_size}", max_size)
        for index, item in enumerate(value):
            found = {"": REQUIRED} if item is None else element(item)
            for suffix, problem in (found or {}).items():
                problems[f".{index}{suffix}"] = problem
        return problems or None

    return check


def _field_type(spec: dict[str, Any]) -> str:
    return str(spec.get("type", "")).lower()


class InputSpec:
    """A project's input spec, compiled: checks of `input_values`, and the typing of CSV/TSV cells."""

    def __init__(self, spec: dict[str, dict[str, Any]]) -> None:
        self.fields = spec
        self._checks: dict[str, ValueCheck] = {}
        required: list[str] = []
        for name, field in spec.items():
            kind = _field_type(field)
            check: ValueCheck | None
            if kind.startswith("array_"):
                element = _scalar(field, kind.removeprefix("array_"))
                check = None if element is None else _array(field, element)
            else:
                check = _scalar(field, kind)
            if check is not None:
                self._checks[name] = check
            if field.get("required", True) is not False:
                required.append(name)
        self._required = tuple(required)
        self._names = spec.keys()

    def valid(self, values: Any) -> bool:
        """Whether `values` passes every check (the hot path: no error is built; `validate` says what is wrong)."""
        if type(values) is not dict or not values.keys() <= self._names:
            return False
        checks = self._checks
        for name, value in values.items():
            if value is not None and (check := checks.get(name)) is not None and check(value) is not None:
                return False
        for name in self._required:  # noqa: SIM110 (a generator in all() costs a tenth of the whole check)
            if values.get(name) is None:
                return False
        return True

    def validate(self, values: Any, prefix: str, errors: FieldErrors) -> None:
        """Add the errors of `values` under `prefix` (`input_values`, `tasks.0.input_values`)."""
        if type(values) is not dict:
            errors[prefix] = REQUIRED if values is None else error("JSON_EXPECTED", "Value must be a JSON object")
            return
        # The hot path (100,000 items a minute): look only at the values present, and at the required names.
        checks = self._checks
        for name, value in values.items():
            check = checks.get(name)
            if check is not None and value is not None and (problems := check(value)) is not None:
                for suffix, problem in problems.items():
                    errors[f"{prefix}.{name}{suffix}"] = problem
        for name in self._required:
            if values.get(name) is None:
                errors[f"{prefix}.{name}"] = REQUIRED
        if not values.keys() <= self._names:
            for name in values.keys() - self._names:
                errors[f"{prefix}.{name}"] = error("VALUE_NOT_ALLOWED", "Unknown field name")

    def cell(self, name: str, text: str) -> Any:
        """A CSV/TSV cell as the field's type wants it: `5` for an integer field, `true` for a boolean, `[1]`
        for an array or JSON field; text for string, URL, file and coordinates fields, and for a cell that does
        not spell its type (the server then says what is wrong, at its line)."""
        kind = _field_type(self.fields.get(name, {}))
        if kind in ("", "string", "url", "file", "coordinates"):
            return text
        if kind == "boolean":
            lowered = text.strip().lower()
            return {"true": True, "false": False}.get(lowered, text)
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            return text
        if kind == "integer":
            return value if type(value) is int else text
        if kind == "float":
            return value if type(value) in (int, float) else text
        if kind.startswith("array_") and kind in ("array_string", "array_url", "array_file") and type(value) is list:
            return value
        return value if kind == "json" or (kind.startswith("array_") and type(value) is list) else text


class ItemChecker:
    """The checks of one upload's items: `check(item)` is None for an item fit to send, else its errors."""

    def __init__(
        self, kind: Kind, *, allow_defaults: bool, spec: InputSpec | None = None, spec_pool: str | None = None
    ) -> None:
        """`spec`: the input spec of pool `spec_pool`, checked for items of that pool only."""
        self._suites = kind is Kind.TASK_SUITES
        self._allow_defaults = allow_defaults
        self._spec = spec
        self._spec_pool = spec_pool

    def check(self, item: dict[str, Any]) -> FieldErrors | None:
        """The item's errors (API-shaped: field path -> {code, message}); None when it may be sent."""
        # The hot path, a valid task with its pool and overlap: yes or no without building anything.
        pool_id = item.get("pool_id")
        overlap = item.get("overlap")
        if not self._suites and type(pool_id) is str and pool_id and type(overlap) is int and overlap >= 0:
            values = item.get("input_values")
            spec = self._spec if pool_id == self._spec_pool else None
            if spec.valid(values) if spec is not None else type(values) is dict:
                return None
        return self._errors(item)

    def _errors(self, item: dict[str, Any]) -> FieldErrors | None:
        errors: FieldErrors = {}
        pool_id = item.get("pool_id")
        if type(pool_id) is not str or not pool_id:
            errors["pool_id"] = (
                error("VALUE_REQUIRED", "pool_id must be a non-empty string (or pass pool_id= / --pool-id)")
                if pool_id is None or pool_id == ""
                else error("STRING_EXPECTED", "Value must be a string")
            )
        overlap = item.get("overlap")
        if overlap is None:
            if not self._allow_defaults and item.get("infinite_overlap") is not True:
                errors["overlap"] = error(
                    "VALUE_REQUIRED", "overlap is required unless allow_defaults (--allow-defaults) is given"
                )
        elif type(overlap) is not int or overlap < 0:
            errors["overlap"] = error("INTEGER_EXPECTED", "overlap must be an integer >= 0")
        spec = self._spec if pool_id == self._spec_pool else None
        if self._suites:
            tasks = item.get("tasks")
            if type(tasks) is not list or not tasks:
                errors["tasks"] = error("VALUE_REQUIRED", "tasks must be a non-empty array")
            else:
                for position, task in enumerate(tasks):
                    prefix = f"tasks.{position}.input_values"
                    values = task.get("input_values") if type(task) is dict else None
                    if spec is not None:
                        spec.validate(values, prefix, errors)
                    elif type(values) is not dict:
                        errors[prefix] = REQUIRED
        else:
            values = item.get("input_values")
            if spec is not None:
                spec.validate(values, "input_values", errors)
            elif type(values) is not dict:
                errors["input_values"] = (
                    REQUIRED if values is None else error("JSON_EXPECTED", "Value must be a JSON object")
                )
        return errors or None
