"""Every generated call, sync and asyncio, checked against the spec through `httpx.MockTransport`.

Responses: bodies generated from each documented response schema parse to the documented model and round-trip.
Requests: what the client sends for generated inputs (method, path, query, headers, body) is what the spec
describes, checked by openapi-core and by comparing the wire form with the inputs.
"""

import asyncio
import functools
import json
import pkgutil
import typing
from collections.abc import Callable
from enum import Enum
from importlib import import_module
from types import ModuleType, NoneType
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx
import pytest
import toloka_client.api
import toloka_client.models
from client_checks_support import HttpxOpenAPIRequest, HttpxOpenAPIResponse, from_schema, openapi
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openapi_core.exceptions import OpenAPIError
from toloka_client import AuthenticatedClient, errors
from toloka_client.types import Response, Unset
from toloka_contract.schema import OperationSpec, operations
from toloka_contract.spec import load_spec
from toloka_contract.testing import named_schema, validator

SPEC = load_spec()
OPERATIONS = {operation.operation_id: operation for operation in operations(SPEC)}
# Statuses with a body (204 "already open/closed" has none to generate; a bodyless answer parses to None).
RESPONSES = [
    (operation_id, status)
    for operation_id, operation in OPERATIONS.items()
    for status, response in operation.responses.items()
    if response.schema is not None
]
RESPONSE_EXAMPLES = [
    (operation_id, status, index)
    for operation_id, status in RESPONSES
    for index in range(len(OPERATIONS[operation_id].responses[status].examples))
]
BASE_URL = "https://toloka.dev"
TOKEN = "client-check-token"  # noqa: S105 (not a secret: these calls never leave the process)
PREFIXES = ("OAuth", "ApiKey")
# Deterministic for CI; generous deadlines and no health checks, since generated bodies can be large.
CHECK_SETTINGS = settings(
    derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), database=None, max_examples=6
)
REQUEST_SETTINGS = settings(CHECK_SETTINGS, max_examples=30)
MAX_ITEMS = 3  # batches and open objects of at most 3 entries: as telling as 64, and far cheaper to draw
Handler = Callable[[httpx.Request], httpx.Response]
# FINDINGS, reported to the spec's owner: values the spec allows that the client cannot send as documented.
# An empty query value (`id_gt=`) is not allowed unless the parameter says `allowEmptyValue`; a path id `.` or
# `..` is a dot segment, which httpx removes, so `get_task(".")` sends GET /api/v1/tasks.
UNSENDABLE = {"query": ("",), "path": (".", "..")}


@functools.cache
def api_module(operation_id: str) -> ModuleType:
    """The generated module of an operation (`toloka_client.api.<tag>.<operation_id>`)."""
    for module in pkgutil.walk_packages(toloka_client.api.__path__, prefix="toloka_client.api."):
        if module.name.rsplit(".", 1)[-1] == operation_id:
            return import_module(module.name)
    raise LookupError(f"no generated module for operation {operation_id}")


def python_value(hint: Any, value: Any) -> Any:
    """A JSON value as the generated call's parameter type takes it (models, enums, UUIDs, lists of them)."""
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        return [python_value(item, element) for element in value]
    # A union: the member that is not Unset / None and, for a one-object-or-array body, the one of the value's shape.
    candidates = [candidate for candidate in typing.get_args(hint) if candidate not in (NoneType, Unset)]
    if len(candidates) > 1:
        candidates = [c for c in candidates if (typing.get_origin(c) is list) == isinstance(value, list)]
    if candidates:
        return python_value(candidates[0], value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is UUID:
        return UUID(value)
    if hasattr(hint, "from_dict"):
        return hint.from_dict(value)
    return value


def python_arguments(operation_id: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """JSON-level arguments (parameter name or `body` -> value) as keyword arguments of the generated call."""
    hints = typing.get_type_hints(api_module(operation_id).sync_detailed)
    return {name: python_value(hints[name], value) for name, value in arguments.items()}


@functools.cache
def arguments_strategy(operation_id: str) -> st.SearchStrategy[dict[str, Any]]:
    """JSON-level arguments of an operation: required parameters and body always, optional ones sometimes."""
    operation = OPERATIONS[operation_id]
    strategies = {p["name"]: from_schema(SPEC, p["schema"], MAX_ITEMS) for p in operation.parameters}
    required = {p["name"]: strategies[p["name"]] for p in operation.parameters if p.get("required")}
    optional = {p["name"]: strategies[p["name"]] for p in operation.parameters if not p.get("required")}
    if operation.request_schema is not None:
        required["body"] = from_schema(SPEC, operation.request_schema, MAX_ITEMS)
    return st.fixed_dictionaries(required, optional=optional)


def example_arguments(operation: OperationSpec) -> dict[str, Any]:
    """The spec's own examples as arguments: parameter examples and the first request body example."""
    arguments = {p["name"]: p["example"] for p in operation.parameters if "example" in p}
    if operation.request_examples:
        arguments["body"] = operation.request_examples[0]
    return arguments


def call_both(
    operation_id: str, arguments: dict[str, Any], handler: Handler, prefix: str = "OAuth", strict: bool = True
) -> tuple[Response[Any], Response[Any]]:
    """Make the generated call with `sync_detailed` and with `asyncio_detailed`, both answered by `handler`."""
    module, kwargs = api_module(operation_id), python_arguments(operation_id, arguments)

    def client() -> AuthenticatedClient:
        transport = {"transport": httpx.MockTransport(handler)}
        return AuthenticatedClient(
            BASE_URL, TOKEN, prefix=prefix, raise_on_unexpected_status=strict, httpx_args=transport
        )

    async def asyncio_detailed() -> Response[Any]:
        async with client() as asynchronous:
            result: Response[Any] = await module.asyncio_detailed(client=asynchronous, **kwargs)
            return result

    with client() as synchronous:
        sync_result: Response[Any] = module.sync_detailed(client=synchronous, **kwargs)
    return sync_result, asyncio.run(asyncio_detailed())


def replying(status: int, body: Any, headers: dict[str, str] | None = None) -> Handler:
    """A handler that answers every request with this JSON body."""
    return lambda request: httpx.Response(status, json=body, headers=headers, request=request)


def assert_parses_to_documented_type(operation_id: str, status: int, body: Any, result: Response[Any]) -> None:
    """The call's parsed value has the type the spec documents for the status, and gives back `body`."""
    named = named_schema(SPEC, OPERATIONS[operation_id].responses[status].schema, value=body)
    assert named is not None, f"{operation_id} {status} documents no named schema"
    model = getattr(toloka_client.models, named.name)
    assert result.status_code == status
    parsed = result.parsed
    if named.is_list:
        assert isinstance(parsed, list)
        assert all(isinstance(item, model) for item in parsed)
        assert [item.to_dict() for item in parsed] == body
    else:
        assert isinstance(parsed, model)
        assert parsed.to_dict() == body


# ---- responses ------------------------------------------------------------------------------------------


@functools.cache
def response_strategy(operation_id: str, status: int) -> st.SearchStrategy[tuple[Any, dict[str, str]]]:
    """A documented body of the response and its required headers (e.g. 429's `Retry-After`), on the wire."""
    response = OPERATIONS[operation_id].responses[status]
    headers = st.fixed_dictionaries({name: from_schema(SPEC, schema) for name, schema in response.headers.items()})
    on_the_wire = headers.map(lambda values: {name: str(value) for name, value in values.items()})
    return st.tuples(from_schema(SPEC, response.schema, MAX_ITEMS), on_the_wire)


@pytest.mark.parametrize(("operation_id", "status"), RESPONSES, ids=[f"{o}-{s}" for o, s in RESPONSES])
@CHECK_SETTINGS
@given(data=st.data())
def test_generated_response_parses_to_documented_type_and_round_trips(
    operation_id: str, status: int, data: st.DataObject
) -> None:
    body, headers = data.draw(response_strategy(operation_id, status), label="response")
    arguments = example_arguments(OPERATIONS[operation_id])
    sync_result, async_result = call_both(operation_id, arguments, replying(status, body, headers))
    for result in (sync_result, async_result):
        assert_parses_to_documented_type(operation_id, status, body, result)
        assert {name: result.headers[name] for name in headers} == headers
    assert sync_result.parsed == async_result.parsed


@pytest.mark.parametrize(
    ("operation_id", "status", "index"), RESPONSE_EXAMPLES, ids=[f"{o}-{s}-{i}" for o, s, i in RESPONSE_EXAMPLES]
)
def test_spec_response_example_parses_through_the_call(operation_id: str, status: int, index: int) -> None:
    body = OPERATIONS[operation_id].responses[status].examples[index]
    for result in call_both(operation_id, example_arguments(OPERATIONS[operation_id]), replying(status, body)):
        assert_parses_to_documented_type(operation_id, status, body, result)


def test_every_operation_and_response_is_covered() -> None:
    """The parametrized checks cover what the client was generated from, so none can pass vacuously."""
    generated = {
        module.name.rsplit(".", 1)[-1]
        for module in pkgutil.walk_packages(toloka_client.api.__path__, prefix="toloka_client.api.")
    }
    assert set(OPERATIONS) <= generated
    assert len(OPERATIONS) == 12  # 8 upload and read operations, get_pool, open_pool, close_pool, get_project
    assert {status for _, status in RESPONSES} >= {200, 201, 202, 400, 401, 403, 404, 409, 413, 415, 429, 500, 503}
    assert len(RESPONSE_EXAMPLES) >= 10


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_an_undocumented_status_is_not_parsed(operation_id: str) -> None:
    arguments = example_arguments(OPERATIONS[operation_id])
    for result in call_both(operation_id, arguments, replying(418, {"teapot": True}), strict=False):
        assert result.parsed is None
    with pytest.raises(errors.UnexpectedStatus):
        call_both(operation_id, arguments, replying(418, {"teapot": True}))


# ---- requests -------------------------------------------------------------------------------------------


def on_the_wire(value: Any) -> str:
    """How a query parameter value must appear in the URL (booleans lowercase, as the API reads them)."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def recorded_exchange(operation_id: str, arguments: dict[str, Any], prefix: str) -> list[httpx.Request]:
    """The requests the sync and the asyncio call send for these arguments (the answer: a documented 500)."""
    sent: list[httpx.Request] = []
    error = {"request_id": "r-1", "code": "INTERNAL_ERROR", "message": "Internal error"}

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500, json=error, request=request)

    call_both(operation_id, arguments, handler, prefix=prefix)
    return sent


def assert_request_matches(
    operation: OperationSpec, arguments: dict[str, Any], request: httpx.Request, prefix: str
) -> None:
    """The request is what the spec documents for these arguments, and carries them unchanged."""
    openapi().validate_request(HttpxOpenAPIRequest(request))
    assert request.method == operation.method.upper()
    path_values = {
        p["name"]: quote(str(arguments[p["name"]]), safe="") for p in operation.parameters if p["in"] == "path"
    }
    assert request.url.raw_path.split(b"?")[0].decode("ascii") == operation.path.format(**path_values)
    for parameter in operation.parameters:
        if parameter["in"] == "query" and parameter["name"] in arguments:
            assert request.url.params.get_list(parameter["name"]) == [on_the_wire(arguments[parameter["name"]])]
    assert request.headers["Authorization"] == f"{prefix} {TOKEN}"
    if operation.request_schema is None:
        assert request.content == b""
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == arguments["body"]


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
@REQUEST_SETTINGS
@given(data=st.data())
def test_request_for_generated_inputs_matches_the_spec(operation_id: str, data: st.DataObject) -> None:
    arguments = data.draw(arguments_strategy(operation_id), label="arguments")
    operation = OPERATIONS[operation_id]
    # The findings have their own test below; drawing them here would only repeat it.
    assume(not any(arguments.get(p["name"]) in UNSENDABLE.get(p["in"], ()) for p in operation.parameters))
    prefix = data.draw(st.sampled_from(PREFIXES), label="prefix")
    sync_request, async_request = recorded_exchange(operation_id, arguments, prefix)
    assert_request_matches(operation, arguments, sync_request, prefix)
    assert (async_request.method, async_request.url, async_request.content) == (
        sync_request.method,
        sync_request.url,
        sync_request.content,
    )
    assert async_request.headers.multi_items() == sync_request.headers.multi_items()


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_request_for_spec_examples_carries_them_verbatim(operation_id: str) -> None:
    arguments = example_arguments(OPERATIONS[operation_id])
    for request in recorded_exchange(operation_id, arguments, "OAuth"):
        assert_request_matches(OPERATIONS[operation_id], arguments, request, "OAuth")


def test_openapi_core_reads_the_httpx_messages() -> None:
    """The adapters hand openapi-core what was sent and received: a documented exchange passes."""
    operation = OPERATIONS["create_tasks"]
    body = operation.responses[201].examples[0]
    [request, _] = recorded_exchange("create_tasks", example_arguments(operation), "OAuth")
    response = httpx.Response(201, json=body, request=request)
    openapi().validate_response(HttpxOpenAPIRequest(request), HttpxOpenAPIResponse(response))


def test_the_request_check_rejects_an_undocumented_body() -> None:
    """The client sends what its models hold; the check catches a body the spec does not allow."""
    arguments = {"body": [{"pool_id": "21", "input_values": {}, "overlap": "3"}]}  # overlap must be an integer
    [request, _] = recorded_exchange("create_tasks", arguments, "OAuth")
    with pytest.raises(OpenAPIError):
        openapi().validate_request(HttpxOpenAPIRequest(request))


def test_the_request_check_rejects_a_request_without_credentials() -> None:
    request = httpx.Request("GET", f"{BASE_URL}/api/v1/tasks/1")
    with pytest.raises(OpenAPIError):
        openapi().validate_request(HttpxOpenAPIRequest(request))


def test_the_response_check_asserts_date_time_local() -> None:
    """A timestamp that fits the pattern but names no real date is caught: the format is registered."""
    operation = OPERATIONS["get_task"]
    body = {**operation.responses[200].examples[0], "created": "2016-13-45T18:04:00"}
    [request, _] = recorded_exchange("get_task", example_arguments(operation), "OAuth")
    response = httpx.Response(200, json=body, request=request)
    with pytest.raises(OpenAPIError):
        openapi().validate_response(HttpxOpenAPIRequest(request), HttpxOpenAPIResponse(response))


def test_the_spec_rules_out_every_value_the_client_cannot_send() -> None:
    """`.`/`..` path ids collapse into other URLs and empty query values are not sent as OpenAPI means them:
    the spec must forbid them (ResourceId's pattern, minLength on the id filters), or a generated case that the
    contract allows would reach the server as a different request."""
    allowed = [
        (operation_id, parameter["name"], value)
        for operation_id, operation in sorted(OPERATIONS.items())
        for parameter in operation.parameters
        for value in UNSENDABLE.get(parameter["in"], ())
        if validator(SPEC, parameter["schema"]).is_valid(value)
    ]
    assert allowed == []
