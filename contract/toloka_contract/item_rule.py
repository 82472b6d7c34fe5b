"""The create-item rule: whether one task or task suite to create is valid, and if not, its errors as Toloka
writes them (codes, messages, field paths such as `tasks.0.known_solutions.1.output_values.label`).

Derived from openapi.yaml: the `TaskCreate` / `TaskSuiteCreate` schemas (a suite's tasks, solutions, overlap,
sets, numeric bounds, closed and open objects) with a project's field specs (toloka_contract.fields) in place of
the open `InputValues` / `OutputValues`. One rule, two executors that a test holds equal: the composed JSON
Schema in jsonschema-rs says yes or no fast, and a walk of the same schema in Python turns a refusal into the
API's errors. The one rule no schema can say is written here once: an item needs an overlap unless
`allow_defaults=true` (a query parameter) or `infinite_overlap: true` (`CreateOverlap`, `AllowDefaults`).
The emulator and the upload layer both check items with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import jsonschema_rs

from toloka_contract.fields import TYPE_CHECKS, Errors, FieldSpecs, field_error
from toloka_contract.schema import inline_refs, resolve_pointer
from toloka_contract.spec import load_spec

TASK_CREATE: Final = "TaskCreate"
TASK_SUITE_CREATE: Final = "TaskSuiteCreate"
INPUT_VALUES_REF: Final = "#/components/schemas/InputValues"
OUTPUT_VALUES_REF: Final = "#/components/schemas/OutputValues"
ANY_FIELDS: Final = FieldSpecs({}, any_fields=True)
"""The field spec of a pool whose project is not known: values are checked for their shape (an object) only."""

_NOT_UNIQUE: Final = {"code": "VALUE_NOT_ALLOWED", "message": "Values must be unique"}
# An overlap is needed unless allow_defaults or infinite_overlap (null or absent is none): CreateOverlap's rule.
_NEEDS_OVERLAP: Final = {
    "anyOf": [
        {"required": ["overlap"], "properties": {"overlap": {"not": {"type": "null"}}}},
        {"required": ["infinite_overlap"], "properties": {"infinite_overlap": {"const": True}}},
    ]
}
# Keywords that say nothing about validity.
_ANNOTATIONS: Final = frozenset({"description", "examples", "example", "title", "default", "deprecated"})


# JSON Schema's scalar types as the field types whose checks (toloka_contract.fields) say them: `2.0` is an
# integer, `true` is not, a number is an int or a float.
_SCALARS: Final = {"string": "string", "integer": "integer", "number": "float", "boolean": "boolean"}
_KEYWORDS: Final = {
    "string": frozenset({"type", "minLength", "maxLength"}),
    "integer": frozenset({"type", "minimum", "maximum"}),
    "number": frozenset({"type", "minimum", "maximum"}),
    "boolean": frozenset({"type"}),
    "object": frozenset({"type", "properties", "required", "additionalProperties"}),
    "array": frozenset({"type", "items", "minItems", "maxItems", "uniqueItems"}),
}

Walk = Callable[[Any, str, Errors], None]
"""Records the errors of one value under its path."""


@dataclass(frozen=True)
class _Node:
    """One place of the schema: `walk` checks a value there; `null` is the code of a null at an optional place
    (None: null is valid there); a field-spec place (`spec`) takes null too and says VALUE_REQUIRED itself."""

    walk: Walk
    null: str | None
    spec: bool = False


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _at(node: _Node, value: Any, path: str, errors: Errors, *, required: bool) -> None:
    """Check `value` at `path`: null by the place's rule, anything else by its walk."""
    if value is None and not node.spec:
        if node.null is not None:
            errors[path] = field_error("VALUE_REQUIRED" if required else node.null)
        return
    node.walk(value, path, errors)


class _Compiler:
    """Turns a create schema into its walk, and notes where field specs with Python-only rules apply."""

    def __init__(self, spec: Mapping[str, Any], hooks: Mapping[str, FieldSpecs]) -> None:
        self._spec = spec
        self._hooks = hooks
        self.python_places: list[tuple[tuple[str, ...], FieldSpecs]] = []
        """(steps, spec): the values at `steps` ("*" for every element) keep rules that `spec` checks in Python."""

    def node(self, schema: Mapping[str, Any], where: tuple[str, ...]) -> _Node:
        """The walk of `schema` at `where` (the steps from the item, for messages and `python_places`)."""
        if "$ref" in schema:
            ref = schema["$ref"]
            if set(schema) - _ANNOTATIONS != {"$ref"}:
                raise ValueError(f"{'.'.join(where)}: keywords beside $ref {ref} are not supported by the item rule")
            fields = self._hooks.get(ref)
            if fields is not None:
                if fields.has_python_checks:
                    self.python_places.append((where, fields))
                return _Node(lambda value, path, errors: fields.validate(value, path, errors), None, spec=True)
            return self.node(resolve_pointer(self._spec, ref), where)
        keywords = set(schema) - _ANNOTATIONS
        if "anyOf" in schema:
            branches = schema["anyOf"]
            others = [branch for branch in branches if branch != {"type": "null"}]
            if keywords != {"anyOf"} or len(branches) != 2 or len(others) != 1:
                raise ValueError(f"{'.'.join(where)}: only `anyOf: [<schema>, null]` is supported by the item rule")
            return _Node(self.node(others[0], where).walk, None)
        kind = schema.get("type")
        if not isinstance(kind, str) or kind not in _KEYWORDS or not keywords <= _KEYWORDS[kind]:
            raise ValueError(f"{'.'.join(where)}: {sorted(keywords)} of type {kind!r} not supported by the item rule")
        if kind == "object":
            return _Node(self._object(schema, where), "JSON_EXPECTED")
        if kind == "array":
            return _Node(self._array(schema, where), "ARRAY_EXPECTED")
        type_error = TYPE_CHECKS[_SCALARS[kind]]
        return _Node(_scalar(schema, kind, type_error), type_error(None))

    def _object(self, schema: Mapping[str, Any], where: tuple[str, ...]) -> Walk:
        properties = {name: self.node(sub, (*where, name)) for name, sub in schema.get("properties", {}).items()}
        required = frozenset(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        if extra not in (True, False, {}):
            raise ValueError(f"{'.'.join(where)}: only open or closed objects are supported by the item rule")
        closed = extra is False

        def walk(value: Any, path: str, errors: Errors) -> None:
            if type(value) is not dict:
                errors[path] = field_error("JSON_EXPECTED")
                return
            for name, node in properties.items():
                if name in value:
                    _at(node, value[name], _join(path, name), errors, required=name in required)
                elif name in required:
                    _at(node, None, _join(path, name), errors, required=True)
            if closed and not value.keys() <= properties.keys():
                for name in value:
                    if name not in properties:
                        errors[_join(path, name)] = field_error("VALUE_NOT_ALLOWED")

        return walk

    def _array(self, schema: Mapping[str, Any], where: tuple[str, ...]) -> Walk:
        items = self.node(schema.get("items", {"type": "object"}), (*where, "*"))
        low, high, unique = schema.get("minItems"), schema.get("maxItems"), schema.get("uniqueItems", False)

        def walk(value: Any, path: str, errors: Errors) -> None:
            if type(value) is not list:
                errors[path] = field_error("ARRAY_EXPECTED")
                return
            if low is not None and len(value) < low:
                errors[path] = field_error("ARRAY_SIZE_LESS_THAN_MIN", low)
            elif high is not None and len(value) > high:
                errors[path] = field_error("ARRAY_SIZE_GREATER_THAN_MAX", high)
            before = len(errors)
            for index, element in enumerate(value):
                _at(items, element, _join(path, str(index)), errors, required=True)
            # Uniqueness of values that are themselves valid (the contract's sets hold strings).
            if unique and len(errors) == before and path not in errors and not _distinct(value):
                errors[path] = dict(_NOT_UNIQUE)

        return walk


def _scalar(schema: Mapping[str, Any], kind: str, type_error: Callable[[Any], str | None]) -> Walk:
    """A string, number or boolean with its bounds (a string's on its length)."""
    if kind == "string":
        measure: Callable[[Any], Any] = len
        low, high = schema.get("minLength"), schema.get("maxLength")
        low_code, high_code = "STRING_LENGTH_LESS_THAN_MIN", "STRING_LENGTH_GREATER_THAN_MAX"
    else:
        measure = _itself
        low, high = schema.get("minimum"), schema.get("maximum")
        low_code, high_code = "VALUE_LESS_THAN_MIN", "VALUE_GREATER_THAN_MAX"

    def walk(value: Any, path: str, errors: Errors) -> None:
        if (code := type_error(value)) is not None:
            errors[path] = field_error(code)
        elif low is not None and measure(value) < low:
            # `minLength: 1` (an id) reads "not blank": an empty one is no value at all.
            errors[path] = field_error("VALUE_REQUIRED") if value == "" and low == 1 else field_error(low_code, low)
        elif high is not None and measure(value) > high:
            errors[path] = field_error(high_code, high)

    return walk


def _itself(value: Any) -> Any:
    return value


def _distinct(values: list[Any]) -> bool:
    try:
        return len(set(values)) == len(values)
    except TypeError:
        return all(values[i] != values[j] for i in range(len(values)) for j in range(i))


def _values_at(node: Any, steps: tuple[str, ...]) -> Iterator[Any]:
    """The values at `steps` under `node` ("*": every element of an array); places that are absent yield none."""
    if not steps:
        yield node
        return
    step, rest = steps[0], steps[1:]
    if step == "*":
        if type(node) is list:
            for element in node:
                yield from _values_at(element, rest)
    elif type(node) is dict and step in node:
        yield from _values_at(node[step], rest)


class ItemRule:
    """The create-item rule of one kind (`TASK_CREATE` or `TASK_SUITE_CREATE`) for one pool's project specs and
    one `allow_defaults`: `valid(item)` is the fast yes or no, `errors(item)` the API's errors."""

    def __init__(
        self,
        schema_name: str,
        *,
        allow_defaults: bool,
        inputs: FieldSpecs = ANY_FIELDS,
        outputs: FieldSpecs = ANY_FIELDS,
        spec: Mapping[str, Any] | None = None,
    ) -> None:
        """`inputs` / `outputs`: the project's input and output specs (`ANY_FIELDS` when not known); `spec`: the
        OpenAPI document (openapi.yaml by default)."""
        document = load_spec() if spec is None else spec
        self.allow_defaults = allow_defaults
        hooks = {INPUT_VALUES_REF: inputs, OUTPUT_VALUES_REF: outputs}
        compiler = _Compiler(document, hooks)
        where = f"#/components/schemas/{schema_name}"
        self._walk = compiler.node({"$ref": where}, ()).walk
        self._python_places = tuple(compiler.python_places)
        self.schema: dict[str, Any] = self._schema(document, where, inputs.schema, outputs.schema)
        """One item as JSON Schema (2020-12, standalone): what `valid` checks in Rust before the Python-only rules
        of the field specs (`valid_beside_schema`)."""
        self.schema_without_python_fields: dict[str, Any] = self._schema(
            document, where, inputs.schema_without_python_fields, outputs.schema_without_python_fields
        )
        """Stricter than `schema`: also the fields left to Python absent, so an item it passes is valid with no
        Python at all."""
        self._fast = jsonschema_rs.Draft202012Validator(self.schema).is_valid
        self._fast_without_python = (
            jsonschema_rs.Draft202012Validator(self.schema_without_python_fields).is_valid
            if self._python_places
            else None
        )

    def _schema(
        self, document: Mapping[str, Any], where: str, inputs: dict[str, Any], outputs: dict[str, Any]
    ) -> dict[str, Any]:
        item: dict[str, Any] = inline_refs(
            document, {"$ref": where}, substitutes={INPUT_VALUES_REF: inputs, OUTPUT_VALUES_REF: outputs}
        )
        return item if self.allow_defaults else {**item, "allOf": [*item.get("allOf", []), _NEEDS_OVERLAP]}

    @property
    def has_python_checks(self) -> bool:
        """Whether some field spec keeps a rule the schema leaves to Python (numeric bounds, coordinates, ...)."""
        return bool(self._python_places)

    def valid_beside_schema(self, item: dict[str, Any]) -> bool:
        """Whether an item that `schema` passed keeps the field specs' Python-only rules too."""
        for steps, fields in self._python_places:
            for values in _values_at(item, steps):
                if type(values) is dict and not fields.valid_beside_schema(values):
                    return False
        return True

    def valid(self, item: Any) -> bool:
        """Whether `item` may be created, without building an error (`errors` says what is wrong)."""
        try:
            if self._fast_without_python is not None and self._fast_without_python(item):
                return True
            if not self._fast(item):
                return False
        except (ValueError, TypeError, OverflowError):  # a value JSON has no form for: the walk says
            return self.errors(item) is None
        return not self._python_places or self.valid_beside_schema(item)

    def errors(self, item: Any) -> Errors | None:
        """The item's errors keyed by field path, as the API answers them; None when it is valid."""
        errors: Errors = {}
        self._walk(item, "", errors)
        if (
            not self.allow_defaults
            and type(item) is dict
            and item.get("overlap") is None
            and item.get("infinite_overlap") is not True
        ):
            errors["overlap"] = field_error("VALUE_REQUIRED")
        return errors or None
