"""Client-side checks of every item before it is sent, one code path for dicts and generated models.

Each item is held to the contract's create-item rule (toloka_contract.item_rule, derived from openapi.yaml: the
create object's fields, overlap, a suite's tasks, solutions), and, when the pool's project could be read
(GET /api/v1/pools/{id}, then /api/v1/projects/{id}), its input values to the project's input spec, with the
API's own error codes, messages and field paths: the emulator refuses items by the same rule. A bad item is
reported at its position and only it is held back; the server still checks everything. The same input spec
types CSV/TSV cells (`InputSpec.cell`), as Toloka's own TSV upload does.
"""

from typing import Any

import jsonschema_rs
import orjson
from toloka_contract.fields import FieldSpecs, field_type
from toloka_contract.item_rule import TASK_CREATE, TASK_SUITE_CREATE, ItemRule

from toloka_upload.kinds import Kind
from toloka_upload.results import FieldErrors


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
        name = TASK_SUITE_CREATE if kind is Kind.TASK_SUITES else TASK_CREATE
        # Items of other pools: their project is not known here, so their values are checked for shape only.
        self._other = ItemRule(name, allow_defaults=allow_defaults)
        self._spec_rule = None if spec is None else ItemRule(name, allow_defaults=allow_defaults, inputs=spec)
        self._spec_pool = spec_pool
        self._all_valid = jsonschema_rs.Draft202012Validator(self._batch_schema()).is_valid
        # With fields the schema leaves to Python, a batch that uses none of them needs no Python at all.
        rule = self._spec_rule
        self._all_valid_without_python = (
            jsonschema_rs.Draft202012Validator(self._batch_schema(python_fields=False)).is_valid
            if rule is not None and rule.has_python_checks
            else None
        )

    def _batch_schema(self, *, python_fields: bool = True) -> dict[str, Any]:
        """A JSON Schema of a batch whose every item keeps the rule (`all_valid`); without `python_fields`, whose
        items of the spec's pool also leave out the fields the spec checks in Python."""
        if self._spec_rule is None:
            return {"type": "array", "items": self._other.schema}
        rule = self._spec_rule
        item = {
            "if": {"properties": {"pool_id": {"const": self._spec_pool}}},
            "then": rule.schema if python_fields else rule.schema_without_python_fields,
            "else": self._other.schema,
        }
        return {"type": "array", "items": item}

    def _rule(self, item: dict[str, Any]) -> ItemRule:
        """The rule an item is held to: with the input spec for the spec's pool, shape only for other pools."""
        rule = self._spec_rule
        return rule if rule is not None and item.get("pool_id") == self._spec_pool else self._other

    def all_valid(self, items: list[dict[str, Any]]) -> bool:
        """Whether every item of a batch passes `check` (one call into Rust: the hot path). False may also mean
        "not known here" (a value JSON has no form for): then `check` each."""
        try:
            if self._all_valid_without_python is not None and self._all_valid_without_python(items):
                return True
            if not self._all_valid(items):
                return False
        except (ValueError, TypeError, OverflowError):
            return False
        rule, spec_pool = self._spec_rule, self._spec_pool
        if rule is not None and rule.has_python_checks:
            return all(rule.valid_beside_schema(item) for item in items if item["pool_id"] == spec_pool)
        return True

    def check(self, item: dict[str, Any]) -> FieldErrors | None:
        """The item's errors (API-shaped: field path -> {code, message, params?}); None when it may be sent."""
        rule = self._rule(item)
        return None if rule.valid(item) else rule.errors(item)
