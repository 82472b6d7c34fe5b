"""Reading openapi.yaml as a structure: JSON pointers, `$ref`s, operations and their responses, formats.

No dependencies beyond the standard library; works on any parsed OpenAPI 3.1 document (`load_spec()` by default
in callers). The conformance suite's runtime and the emulator use it; `toloka_contract.testing` builds on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from toloka_contract.timestamps import TIMESTAMP_FORMAT, is_timestamp

HTTP_METHODS: Final[tuple[str, ...]] = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_MEDIA_TYPE: Final = "application/json"
# Keywords whose value is one subschema, a list of them, or a name -> subschema map (JSON Schema 2020-12).
SUBSCHEMA_KEYWORDS: Final[tuple[str, ...]] = (
    "items",
    "additionalProperties",
    "propertyNames",
    "contains",
    "contentSchema",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
)
SUBSCHEMA_LIST_KEYWORDS: Final[tuple[str, ...]] = ("allOf", "anyOf", "oneOf", "prefixItems")
SUBSCHEMA_MAP_KEYWORDS: Final[tuple[str, ...]] = ("properties", "patternProperties", "$defs", "dependentSchemas")


def pointer(*parts: str | int) -> str:
    """A JSON pointer (URI fragment form) to the given location, escaping `~` and `/`."""
    return "#" + "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def resolve_pointer(spec: Mapping[str, Any], ref: str) -> Any:
    """The node a local `$ref` (`#/components/...`) names; ValueError for a remote or unresolvable one."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported, not {ref!r}")
    node: Any = spec
    try:
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"unresolvable reference {ref}") from None
    return node


def resolve(spec: Mapping[str, Any], node: Any) -> Any:
    """`node` itself, or what its `$ref` (chain) leads to."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"circular reference {ref}")
        seen.add(ref)
        node = resolve_pointer(spec, ref)
    return node


def inline_refs(
    spec: Mapping[str, Any],
    node: Any,
    _stack: tuple[str, ...] = (),
    *,
    substitutes: Mapping[str, Any] | None = None,
) -> Any:
    """A copy of `node` with every local `$ref` replaced by its target, so it stands alone as a JSON Schema;
    a `$ref` named in `substitutes` is replaced by the schema given there instead."""
    if isinstance(node, list):
        return [inline_refs(spec, item, _stack, substitutes=substitutes) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in _stack:
            raise ValueError(f"recursive schema through {ref}: inline_refs cannot flatten it")
        if substitutes is not None and ref in substitutes:
            target = substitutes[ref]
        else:
            target = inline_refs(spec, resolve_pointer(spec, ref), (*_stack, ref), substitutes=substitutes)
        siblings = {
            key: inline_refs(spec, value, _stack, substitutes=substitutes)
            for key, value in node.items()
            if key != "$ref"
        }
        # In 2020-12 a $ref's siblings apply alongside it; allOf keeps that meaning once the $ref is gone.
        return {**siblings, "allOf": [target]} if siblings else target
    return {key: inline_refs(spec, value, _stack, substitutes=substitutes) for key, value in node.items()}


_UUID_TEXT: Final = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


# ---- formats --------------------------------------------------------------------------------------------


def is_uuid(value: object) -> bool:
    """The `uuid` format: a string in RFC 4122 text form, 8-4-4-4-12 hex digits and nothing else."""
    # Not uuid.UUID(): it strips whitespace and braces and int() accepts `_` between digits.
    return isinstance(value, str) and _UUID_TEXT.fullmatch(value) is not None


def _string_format(check: Callable[[object], bool]) -> Callable[[object], bool]:
    def format_check(value: object) -> bool:
        return not isinstance(value, str) or check(value)

    format_check.__doc__ = f"{check.__name__}, with JSON Schema's rule that a format constrains strings only."
    return format_check


FORMAT_CHECKS: Final[Mapping[str, Callable[[object], bool]]] = {
    TIMESTAMP_FORMAT: _string_format(is_timestamp),
    "uuid": _string_format(is_uuid),
}
"""The formats the contract asserts, as format-checker functions (a non-string value passes, as JSON Schema says).

Register these with a validator (jsonschema's FormatChecker, openapi-core's extra_format_validators).
"""


# ---- operations -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseSpec:
    """One documented response of an operation: its JSON body schema and header schemas."""

    status: int
    schema: Any | None  # the application/json schema, None without a JSON body
    headers: dict[str, Any] = field(default_factory=dict)  # header name -> schema, required ones only
    examples: tuple[Any, ...] = ()  # the example values of the application/json body


@dataclass(frozen=True)
class OperationSpec:
    """One operation of the spec, with $refs of its parameters and responses resolved."""

    operation_id: str
    method: str
    path: str
    parameters: tuple[dict[str, Any], ...]
    request_schema: Any | None  # the application/json request body schema
    responses: dict[int, ResponseSpec]
    request_examples: tuple[Any, ...] = ()  # the example values of the application/json request body


def example_objects(
    spec: Mapping[str, Any], owner: Mapping[str, Any], at: str
) -> Iterator[tuple[str, Any, str | None]]:
    """(pointer, value, via: the $ref or None) of the `example` / `examples` of a parameter, header or media type."""
    if "example" in owner:
        yield f"{at}/example", owner["example"], None
    for name, example in owner.get("examples", {}).items():
        via = example["$ref"] if isinstance(example, dict) and "$ref" in example else None
        resolved = resolve(spec, example)
        if "value" not in resolved:
            raise ValueError(f"{at}/examples/{name}: only inline `value` examples can be checked")
        yield f"{at}/examples/{name}", resolved["value"], via


def _json_media(spec: Mapping[str, Any], body: Any) -> tuple[Any | None, tuple[Any, ...]]:
    """The application/json schema of a request body or response, and its example values."""
    media = resolve(spec, body or {}).get("content", {}).get(JSON_MEDIA_TYPE)
    if media is None:
        return None, ()
    return media.get("schema"), tuple(value for _, value, _ in example_objects(spec, media, ""))


def _response_spec(spec: Mapping[str, Any], status: int, response: Any) -> ResponseSpec:
    resolved = resolve(spec, response)
    headers = {}
    for name, header in resolved.get("headers", {}).items():
        header = resolve(spec, header)
        if header.get("required"):
            headers[name] = header["schema"]
    schema, examples = _json_media(spec, resolved)
    return ResponseSpec(status, schema, headers, examples)


def operations(spec: Mapping[str, Any]) -> list[OperationSpec]:
    """Every operation, in document order."""
    found = []
    for path, path_item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method not in path_item:
                continue
            operation = path_item[method]
            declared = (*path_item.get("parameters", []), *operation.get("parameters", []))
            parameters = tuple(resolve(spec, parameter) for parameter in declared)
            responses = {
                int(status): _response_spec(spec, int(status), response)
                for status, response in operation.get("responses", {}).items()
                if str(status).isdigit()
            }
            request, examples = _json_media(spec, operation.get("requestBody"))
            found.append(
                OperationSpec(operation["operationId"], method, path, parameters, request, responses, examples)
            )
    return found


def operation(spec: Mapping[str, Any], operation_id: str) -> OperationSpec:
    """The operation with this operationId; KeyError if the spec has none."""
    for found in operations(spec):
        if found.operation_id == operation_id:
            return found
    raise KeyError(operation_id)
