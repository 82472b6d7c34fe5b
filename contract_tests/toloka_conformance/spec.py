"""The contract, openapi.yaml, made usable by checks: loading, $refs, formats, examples, data generation.

Everything that needs to read the spec goes through here, so the rules for reading it (which formats are
asserted, how `date-time-local` values are generated) live in one place; openapi-core's view of it is in
`openapi_core_adapter`, which builds on this module.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import jsonschema
import jsonschema_rs
import yaml
from hypothesis import strategies as st
from schemathesis.generation.jsonschema.builder import build
from toloka_contract.schema import (
    FORMAT_CHECKS,
    HTTP_METHODS,
    JSON_MEDIA_TYPE,
    inline_refs,
    is_uuid,
    pointer,
    resolve,
    resolve_pointer,
)
from toloka_contract.schema import SUBSCHEMA_KEYWORDS as _SUBSCHEMA
from toloka_contract.schema import SUBSCHEMA_LIST_KEYWORDS as _SUBSCHEMA_LISTS
from toloka_contract.schema import SUBSCHEMA_MAP_KEYWORDS as _SUBSCHEMA_MAPS
from toloka_contract.timestamps import TIMESTAMP_PATTERN, is_timestamp

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
__all__ = ["TIMESTAMP_PATTERN", "inline_refs", "is_timestamp", "is_uuid", "pointer", "resolve", "resolve_pointer"]


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """The parsed spec, cached per path: treat it as read-only."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not an OpenAPI document")
    return document


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    for name, check in FORMAT_CHECKS.items():
        checker.checks(name)(check)
    return checker


FORMAT_CHECKER = _format_checker()


def validator(spec: Mapping[str, Any], schema: Any) -> jsonschema.Draft202012Validator:
    """A Draft 2020-12 validator for a schema of the spec, asserting formats (`date-time-local`, `uuid`, ...)."""
    return jsonschema.Draft202012Validator(inline_refs(spec, schema), format_checker=FORMAT_CHECKER)


# ---- examples -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecExample:
    """One example value of the spec, with the schema it must satisfy."""

    pointer: str  # where the value is written (for a $ref'd Example object: where it is used)
    schema_pointer: str  # where its schema is written
    schema: Any  # that schema, possibly a bare {"$ref": ...}
    value: Any
    via: str | None = None  # the components/examples entry the value came from, if any


def _example_objects(
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


def _carrier_examples(spec: Mapping[str, Any], carrier: Any, at: str) -> Iterator[SpecExample]:
    """Examples of a parameter or header object (schema or content form), and of its inline schemas."""
    if not isinstance(carrier, dict) or "$ref" in carrier:
        return  # a $ref'd carrier is checked where it is defined
    if "schema" in carrier:
        for where, value, via in _example_objects(spec, carrier, at):
            yield SpecExample(where, f"{at}/schema", carrier["schema"], value, via)
        yield from schema_examples(carrier["schema"], f"{at}/schema")
    yield from _content_examples(spec, carrier.get("content", {}), f"{at}/content")


def _content_examples(spec: Mapping[str, Any], content: Mapping[str, Any], at: str) -> Iterator[SpecExample]:
    for media_type, media in content.items():
        media_at = at + pointer(media_type)[1:]
        if "schema" not in media:
            continue
        for where, value, via in _example_objects(spec, media, media_at):
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
    for keyword in _SUBSCHEMA:
        yield from schema_examples(schema.get(keyword), f"{at}/{keyword}")
    for keyword in _SUBSCHEMA_LISTS:
        for index, subschema in enumerate(schema.get(keyword, [])):
            yield from schema_examples(subschema, f"{at}/{keyword}/{index}")
    for keyword in _SUBSCHEMA_MAPS:
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
    spec: Mapping[str, Any], schema: Any, schema_pointer: str = "", value: Any = _NO_VALUE
) -> NamedSchema | None:
    """What `schema` documents by name: a $ref to a component, an array of such $refs, or the component itself.

    A component that is a `oneOf` (one object or an array) has no model of its own: the generated client parses to
    one of its members, so given the `value`, the member it validates against is named instead.
    None for an anonymous schema (a string, an inline object): generated clients name those after their place.
    """
    prefix = "#/components/schemas/"
    name: str | None = None
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith(prefix):
        name = schema["$ref"][len(prefix) :]
    elif schema_pointer.startswith(prefix) and "/" not in schema_pointer[len(prefix) :]:
        name = schema_pointer[len(prefix) :]
    if name is not None:
        members = spec["components"]["schemas"][name].get("oneOf")
        if members and value is not _NO_VALUE:
            for member in members:
                if validator(spec, member).is_valid(value):
                    return named_schema(spec, member, "", value)
        return NamedSchema(name, is_list=False)
    resolved = resolve(spec, schema)
    if isinstance(resolved, dict) and resolved.get("type") == "array":
        item = named_schema(spec, resolved.get("items"))
        if item is not None and not item.is_list:
            return NamedSchema(item.name, is_list=True)
    return None


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


def _json_media(spec: Mapping[str, Any], body: Any) -> tuple[Any | None, tuple[Any, ...]]:
    """The application/json schema of a request body or response, and its example values."""
    media = resolve(spec, body or {}).get("content", {}).get(JSON_MEDIA_TYPE)
    if media is None:
        return None, ()
    return media.get("schema"), tuple(value for _, value, _ in _example_objects(spec, media, ""))


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


# ---- data generation ------------------------------------------------------------------------------------


@st.composite
def _timestamps(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes())
    digits = draw(st.sampled_from([0, 3, 5, 6, 1]))  # the API sends 0, 3 or 6; 5 has been seen
    whole = moment.replace(microsecond=0).isoformat()
    return whole if digits == 0 else f"{whole}.{moment.microsecond:06d}"[: len(whole) + 1 + digits]


def timestamps() -> st.SearchStrategy[str]:
    """Values of the `date-time-local` format (the Timestamp schema)."""
    return _timestamps()


FORMAT_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "date-time-local": timestamps(),
    "uuid": st.uuids().map(str),
}


def bounded(schema: Any, max_items: int) -> Any:
    """A copy of an inlined schema whose unbounded arrays and open objects hold at most about `max_items` entries.

    For cheap draws: every value it admits is valid against the original (a batch of 64 open task objects
    costs hypothesis seconds and tests nothing a batch of 3 does not).
    """
    if not isinstance(schema, dict):
        return schema
    capped = {key: bounded(value, max_items) if key in _SUBSCHEMA else value for key, value in schema.items()}
    for keyword in _SUBSCHEMA_LISTS:
        if keyword in schema:
            capped[keyword] = [bounded(subschema, max_items) for subschema in schema[keyword]]
    for keyword in _SUBSCHEMA_MAPS:
        if keyword in schema:
            capped[keyword] = {name: bounded(subschema, max_items) for name, subschema in schema[keyword].items()}
    if schema.get("type") == "array" and "maxItems" not in schema:
        capped["maxItems"] = max(schema.get("minItems", 0), max_items)
    if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
        named = len(schema.get("properties", {}))
        capped.setdefault("maxProperties", max(len(schema.get("required", [])), named + max_items))
    return capped


def from_schema(spec: Mapping[str, Any], schema: Any, max_items: int | None = None) -> st.SearchStrategy[Any]:
    """JSON values valid against a schema of the spec; with `max_items`, small ones (see `bounded`).

    Built with schemathesis' own JSON Schema strategy builder (an internal API, pinned with schemathesis;
    hypothesis-jsonschema crashes with current hypothesis), with a strategy for `date-time-local`.
    """
    inlined = inline_refs(spec, schema)
    if max_items is not None:
        inlined = bounded(inlined, max_items)
    strategy = build(inlined, draft=jsonschema_rs.Draft202012, formats=FORMAT_STRATEGIES)
    return cast("st.SearchStrategy[Any]", strategy)
