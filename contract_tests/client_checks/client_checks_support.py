"""Test support of the client checks: hypothesis strategies from the spec, openapi-core.

Not part of any package: only `contract_tests/client_checks/` uses it (pytest puts this directory on sys.path,
see `pythonpath` in the root pyproject.toml). The spec's examples and validators are `toloka_contract.testing`'s;
this module adds what needs hypothesis, schemathesis' JSON Schema builder and openapi-core, the checks' tools.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import parse_qsl

import httpx
import jsonschema_rs
from hypothesis import strategies as st
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from toloka_conformance.schemathesis_internals import strategy_from_json_schema
from toloka_contract.schema import (
    FORMAT_CHECKS,
    SUBSCHEMA_KEYWORDS,
    SUBSCHEMA_LIST_KEYWORDS,
    SUBSCHEMA_MAP_KEYWORDS,
    inline_refs,
)
from toloka_contract.spec import load_spec
from toloka_contract.timestamps import TIMESTAMP_FORMAT
from werkzeug.datastructures import Headers, ImmutableMultiDict

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
    TIMESTAMP_FORMAT: timestamps(),
    "uuid": st.uuids().map(str),
}


def bounded(schema: Any, max_items: int) -> Any:
    """A copy of an inlined schema whose unbounded arrays and open objects hold at most about `max_items` entries.

    For cheap draws: every value it admits is valid against the original (a batch of 64 open task objects
    costs hypothesis seconds and tests nothing a batch of 3 does not).
    """
    if not isinstance(schema, dict):
        return schema
    capped = {key: bounded(value, max_items) if key in SUBSCHEMA_KEYWORDS else value for key, value in schema.items()}
    for keyword in SUBSCHEMA_LIST_KEYWORDS:
        if keyword in schema:
            capped[keyword] = [bounded(subschema, max_items) for subschema in schema[keyword]]
    for keyword in SUBSCHEMA_MAP_KEYWORDS:
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

    Built with schemathesis' own JSON Schema strategy builder (an internal API, pinned in uv.lock;
    hypothesis-jsonschema crashes with current hypothesis), with a strategy for `date-time-local`.
    """
    inlined = inline_refs(spec, schema)
    if max_items is not None:
        inlined = bounded(inlined, max_items)
    strategy = strategy_from_json_schema(inlined, draft=jsonschema_rs.Draft202012, formats=FORMAT_STRATEGIES)
    return cast("st.SearchStrategy[Any]", strategy)


# ---- openapi-core ---------------------------------------------------------------------------------------


class HttpxOpenAPIRequest:
    """An `httpx.Request` as openapi-core's `Request` protocol."""

    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        query = parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(request.headers.multi_items()),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        url = self._request.url
        return f"{url.scheme}://{url.netloc.decode('ascii')}"

    @property
    def path(self) -> str:
        # As sent, percent-encoded: decoded, an id holding `/` or a newline would not match its path template.
        # openapi-core does not decode path parameters either, so their values are checked in encoded form.
        return self._request.url.raw_path.split(b"?", 1)[0].decode("ascii")

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self._request.content or None

    @property
    def content_type(self) -> str:
        return str(self._request.headers.get("content-type", "")).lower()


class HttpxOpenAPIResponse:
    """An `httpx.Response` as openapi-core's `Response` protocol."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def content_type(self) -> str:
        return str(self._response.headers.get("content-type", "")).lower()

    @property
    def headers(self) -> Headers:
        return Headers(self._response.headers.multi_items())

    @property
    def data(self) -> bytes | None:
        return self._response.content or None


@functools.cache
def openapi() -> OpenAPI:
    """openapi-core's view of the spec (toloka-contract's openapi.yaml), with the contract's formats registered."""
    config = Config(extra_format_validators=dict(FORMAT_CHECKS))
    return OpenAPI.from_dict(load_spec(), config=config)
