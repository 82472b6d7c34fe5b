"""Client-side checks of every item before it is sent, one code path for dicts and generated models.

The shape of a create object (pool_id, overlap, input_values / tasks), and, when the pool's project could be
read (GET /api/v1/pools/{id}, then /api/v1/projects/{id}), each input value against the project's input spec
with the API's own error codes and field paths. A bad item is reported at its position and only it is held
back; the server still checks everything (these checks only ever refuse what the server would refuse).
The same input spec types CSV/TSV cells (`InputSpec.cell`), as Toloka's own TSV upload does.
"""

from typing import Any, TypeGuard

import jsonschema_rs
import orjson
from toloka_contract.fields import FieldSpecs, field_error, field_type

from toloka_upload.kinds import Kind
from toloka_upload.results import FieldErrors


def error(code: str, message: str, *params: Any) -> dict[str, Any]:
    """One `{code, message, params?}` error, as the API writes them."""
    found: dict[str, Any] = {"code": code, "message": message}
    if params:
        found["params"] = list(params)
    return found


REQUIRED = field_error("VALUE_REQUIRED")


def _whole(value: Any) -> TypeGuard[int | float]:
    # An integer as JSON Schema (and so the contract and the server) has it: `2.0` is one, `true` is not.
    return type(value) is int or (type(value) is float and value.is_integer())


class InputSpec(FieldSpecs):
    """A project's input spec: the checks of `input_values` (toloka_contract.fields), and the typing of CSV/TSV
    cells."""

    def cell(self, name: str, text: str) -> Any:
        """A CSV/TSV cell as the field's type wants it: `5` for an integer field, `true` for a boolean, `[1]`
        for an array or JSON field; text for string, URL, file and coordinates fields, and for a cell that does
        not spell its type (the server then says what is wrong, at its line)."""
        kind = field_type(self.fields.get(name, {}))
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
        self._all_valid = None if self._suites else jsonschema_rs.Draft202012Validator(self._batch_schema()).is_valid
        # With fields the schema leaves to Python, a batch that uses none of them needs no Python at all.
        self._all_valid_without_python = (
            jsonschema_rs.Draft202012Validator(self._batch_schema(python_fields=False)).is_valid
            if self._all_valid is not None and spec is not None and spec.has_python_checks
            else None
        )

    def _batch_schema(self, *, python_fields: bool = True) -> dict[str, Any]:
        """A JSON Schema of a batch whose every item passes `check`'s hot path (`all_valid`); without
        `python_fields`, whose items of the spec's pool also leave out the fields the spec checks in Python."""
        item: dict[str, Any] = {
            "type": "object",
            "required": ["pool_id", "overlap", "input_values"],
            "properties": {
                "pool_id": {"type": "string", "minLength": 1},
                "overlap": {"type": "integer", "minimum": 0},
                "input_values": {"type": "object"},
            },
        }
        if self._spec is not None:
            item["if"] = {"properties": {"pool_id": {"const": self._spec_pool}}}
            values = self._spec.schema if python_fields else self._spec.schema_without_python_fields
            item["then"] = {"properties": {"input_values": values}}
        return {"type": "array", "items": item}

    def all_valid(self, items: list[dict[str, Any]]) -> bool:
        """Whether every item of a batch passes `check` (one call into Rust: the hot path). False may also mean
        "not known here" (suites, a value JSON has no form for): then `check` each."""
        if self._all_valid is None:
            return False
        try:
            if self._all_valid_without_python is not None and self._all_valid_without_python(items):
                return True
            if not self._all_valid(items):
                return False
        except (ValueError, TypeError, OverflowError):
            return False
        spec, spec_pool = self._spec, self._spec_pool
        if spec is not None and spec.has_python_checks:
            return all(spec.valid_beside_schema(item["input_values"]) for item in items if item["pool_id"] == spec_pool)
        return True

    def check(self, item: dict[str, Any]) -> FieldErrors | None:
        """The item's errors (API-shaped: field path -> {code, message}); None when it may be sent."""
        # The hot path, the batch schema on one item (the item rule is written once, in `_batch_schema`); what
        # it doubts, `_errors` decides.
        if self.all_valid([item]):
            return None
        return self._errors(item)

    def _errors(self, item: dict[str, Any]) -> FieldErrors | None:
        """The rules themselves, each with its error: what `check` says of an item the hot path doubts."""
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
        elif not _whole(overlap) or overlap < 0:
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
                errors["input_values"] = REQUIRED if values is None else field_error("JSON_EXPECTED")
        return errors or None
