"""Test support for code checked against the contract: the spec's examples, and JSON Schema validators.

Needs the `testing` extra (`toloka-contract[testing]`, which adds jsonschema). Used by the generated client's
checks (contract_tests/client_checks) and the generator's spec lint; nothing at run time imports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

try:
    import jsonschema
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError("toloka_contract.testing needs jsonschema: install toloka-contract[testing]") from missing

from toloka_contract.schema import (
    FORMAT_CHECKS,
    HTTP_METHODS,
    SUBSCHEMA_KEYWORDS,
    SUBSCHEMA_LIST_KEYWORDS,
    SUBSCHEMA_MAP_KEYWORDS,
    example_objects,
    inline_refs,
    pointer,
    resolve,
)

# ---- examples -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecExample:
    """One example value of the spec, with the schema it must satisfy."""

    pointer: str  # where the value is written (for a $ref'd Example object: where it is used)
    schema_pointer: str  # where its schema is written
    schema: Any  # that schema, possibly a bare {"$ref": ...}
    value: Any
    via: str | None = None  # the components/examples entry the value came from, if any


def _carrier_examples(spec: Mapping[str, Any], carrier: Any, at: str) -> Iterator[SpecExample]:
    """Examples of a parameter or header object (schema or content form), and of its inline schemas."""
    if not isinstance(carrier, dict) or "$ref" in carrier:
        return  # a $ref'd carrier is checked where it is defined
    if "schema" in carrier:
        for where, value, via in example_objects(spec, carrier, at):
            yield SpecExample(where, f"{at}/schema", carrier["schema"], value, via)
        yield from schema_examples(carrier["schema"], f"{at}/schema")
    yield from _content_examples(spec, carrier.get("content", {}), f"{at}/content")


def _content_examples(spec: Mapping[str, Any], content: Mapping[str, Any], at: str) -> Iterator[SpecExample]:
    for media_type, media in content.items():
        media_at = at + pointer(media_type)[1:]
        if "schema" not in media:
            continue
        for where, value, via in example_objects(spec, media, media_at):
            yield SpecExample(where, f"{media_at}/schema", media["schema"], value, via)
        yield from schema_examples(media["schema"], f"{media_at}/schema")


def _body_examples(spec: Mapping[str, Any], body: Any, at: str) -> Iterator[SpecExample]:
    """Examples of a request body or response object, its headers included."""
    if not isinstance(body, dict) or "$ref" in body:
        return
    yield from _content_examples(spec, body.get("content", {}), f"{at}/content")
    for name, header in body.get("headers", {}).items():
        yield from _carrier_examples(spec, header, f"{at}/headers" + pointer(name)[1:])


def schema_examples(schema: Any, at: str) -> Iterator[SpecExample]:
    """Schema-level `examples` (and the older `example`) of a schema and of every inline subschema."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    for index, value in enumerate(schema.get("examples", [])):
        yield SpecExample(f"{at}/examples/{index}", at, schema, value)
    if "example" in schema:
        yield SpecExample(f"{at}/example", at, schema, schema["example"])
    for keyword in SUBSCHEMA_KEYWORDS:
        yield from schema_examples(schema.get(keyword), f"{at}/{keyword}")
    for keyword in SUBSCHEMA_LIST_KEYWORDS:
        for index, subschema in enumerate(schema.get(keyword, [])):
            yield from schema_examples(subschema, f"{at}/{keyword}/{index}")
    for keyword in SUBSCHEMA_MAP_KEYWORDS:
        for name, subschema in schema.get(keyword, {}).items():
            yield from schema_examples(subschema, f"{at}/{keyword}" + pointer(name)[1:])


def iter_examples(spec: Mapping[str, Any]) -> Iterator[SpecExample]:
    """Every example of the spec: parameters, headers, request bodies, responses, and schemas."""
    for path, path_item in spec.get("paths", {}).items():
        path_at = pointer("paths", path)
        for index, parameter in enumerate(path_item.get("parameters", [])):
            yield from _carrier_examples(spec, parameter, f"{path_at}/parameters/{index}")
        for method in HTTP_METHODS:
            if method not in path_item:
                continue
            operation, at = path_item[method], f"{path_at}/{method}"
            for index, parameter in enumerate(operation.get("parameters", [])):
                yield from _carrier_examples(spec, parameter, f"{at}/parameters/{index}")
            yield from _body_examples(spec, operation.get("requestBody"), f"{at}/requestBody")
            for status, response in operation.get("responses", {}).items():
                yield from _body_examples(spec, response, f"{at}/responses/{status}")
    components = spec.get("components", {})
    for kind in ("parameters", "headers"):
        for name, carrier in components.get(kind, {}).items():
            yield from _carrier_examples(spec, carrier, pointer("components", kind, name))
    for kind in ("requestBodies", "responses"):
        for name, body in components.get(kind, {}).items():
            yield from _body_examples(spec, body, pointer("components", kind, name))
    for name, schema in components.get("schemas", {}).items():
        yield from schema_examples(schema, pointer("components", "schemas", name))


def unused_examples(spec: Mapping[str, Any]) -> list[str]:
    """Pointers of `components/examples` entries nothing refers to (so no schema checks them)."""
    used = {example.via for example in iter_examples(spec)}
    defined = [pointer("components", "examples", name) for name in spec.get("components", {}).get("examples", {})]
    return [example for example in defined if example not in used]


@dataclass(frozen=True)
class NamedSchema:
    """The component schema a value is documented as: one of `components/schemas/<name>`, or an array of them."""

    name: str
    is_list: bool


_NO_VALUE: Any = object()


def named_schema(
    spec: Mapping[str, Any], schema: Any, schema_pointer: str = "", *, value: Any = _NO_VALUE
) -> NamedSchema | None:
    """What `schema` documents by name: a $ref to a component, an array of such $refs, or the component itself.

    None for an anonymous schema (a string, an inline object): generated clients name those after their place.
    Given `value`, a `oneOf` component (one object or an array) names the member `value` validates against: a
    generated client has no model for the union, it parses to one of its members.
    """
    prefix = "#/components/schemas/"
    named: NamedSchema | None = None
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith(prefix):
        named = NamedSchema(schema["$ref"][len(prefix) :], is_list=False)
    elif schema_pointer.startswith(prefix) and "/" not in schema_pointer[len(prefix) :]:
        named = NamedSchema(schema_pointer[len(prefix) :], is_list=False)
    else:
        resolved = resolve(spec, schema)
        if isinstance(resolved, dict) and resolved.get("type") == "array":
            item = named_schema(spec, resolved.get("items"))
            if item is not None and not item.is_list:
                return NamedSchema(item.name, is_list=True)
        return None
    if value is _NO_VALUE:
        return named
    for member in spec["components"]["schemas"][named.name].get("oneOf", ()):
        if validator(spec, member).is_valid(value):
            return named_schema(spec, member, value=value)
    return named


# ---- validation -----------------------------------------------------------------------------------------


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    for name, check in FORMAT_CHECKS.items():
        checker.checks(name)(check)
    return checker


FORMAT_CHECKER = _format_checker()
"""jsonschema's default format checks plus the contract's (`date-time-local`, `uuid`)."""


def validator(spec: Mapping[str, Any], schema: Any) -> jsonschema.Draft202012Validator:
    """A Draft 2020-12 validator for a schema of the spec, asserting formats (`date-time-local`, `uuid`, ...)."""
    return jsonschema.Draft202012Validator(inline_refs(spec, schema), format_checker=FORMAT_CHECKER)
