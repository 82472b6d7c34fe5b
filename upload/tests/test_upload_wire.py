"""The requests wire.py builds from the generated modules' public `request_kwargs`: a regeneration that changes
their shape (method, path, query names, headers, body key) fails here, under `make test`, not in production."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from toloka_client.api.tasks import create_tasks
from toloka_client.client import AuthenticatedClient
from toloka_upload import Kind, upload_tasks
from toloka_upload.wire import RequestShapeError, Wire

TOKEN = "wire-test-secret-token"  # noqa: S105 (a fake)
BODY = b'[{"pool_id":"1","input_values":{"image":"https://example.com/1.png"}}]'


def sent(call: Callable[[Wire], Awaitable[httpx.Response]]) -> httpx.Request:
    """The one request `call` sends through a Wire on a recording transport."""
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, content=b"{}")

    async def run() -> None:
        client = AuthenticatedClient(
            base_url="http://api.test",
            token=TOKEN,
            prefix="OAuth",
            httpx_args={"transport": httpx.MockTransport(record)},
        )
        wire = Wire(client)
        try:
            await call(wire)
        finally:
            await wire.aclose()

    asyncio.run(run())
    (request,) = requests
    return request


def create(kind: Kind, operation_id: str | None, **flags: bool) -> Callable[[Wire], Awaitable[httpx.Response]]:
    """A Wire.create call with the given flags (the rest false)."""
    options: dict[str, Any] = {
        "async_mode": False, "allow_defaults": False, "skip_invalid_items": False, "open_pool": False, **flags
    }  # fmt: skip
    return lambda wire: wire.create(kind, BODY, operation_id=operation_id, **options)


@pytest.mark.parametrize(("kind", "path"), [(Kind.TASKS, "/api/v1/tasks"), (Kind.TASK_SUITES, "/api/v1/task-suites")])
def test_create_sends_the_body_as_given_with_every_flag_as_a_query_parameter(kind: Kind, path: str) -> None:
    operation_id = str(uuid.uuid4())
    request = sent(create(kind, operation_id, async_mode=True, allow_defaults=True, open_pool=True))
    assert (request.method, request.url.path) == ("POST", path)
    assert dict(request.url.params) == {
        "async_mode": "true",
        "allow_defaults": "true",
        "skip_invalid_items": "false",
        "open_pool": "true",
        "operation_id": operation_id,
    }
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"
    assert request.content == BODY


def test_a_synchronous_create_carries_no_operation_id() -> None:
    request = sent(create(Kind.TASKS, None, skip_invalid_items=True))
    assert dict(request.url.params) == {
        "async_mode": "false",
        "allow_defaults": "false",
        "skip_invalid_items": "true",
        "open_pool": "false",
    }


@pytest.mark.parametrize(("log", "suffix"), [(False, ""), (True, "/log")])
def test_operation_and_log_are_plain_gets(log: bool, suffix: str) -> None:
    operation_id = str(uuid.uuid4())
    request = sent(lambda wire: (wire.operation_log if log else wire.operation)(operation_id))
    assert (request.method, request.url.path) == ("GET", f"/api/v1/operations/{operation_id}{suffix}")
    assert dict(request.url.params) == {}
    assert request.content == b""
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"


def test_a_regenerated_request_shape_stops_the_upload_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    def drifted(**_: Any) -> dict[str, Any]:
        return {"method": "post", "url": "/api/v1/tasks", "params": {}, "content": b"[]"}

    monkeypatch.setattr(create_tasks, "request_kwargs", drifted)
    with pytest.raises(RequestShapeError, match=r"create_tasks\.request_kwargs returned keys \['content'"):
        sent(create(Kind.TASKS, None))
    unreachable = httpx.MockTransport(lambda request: httpx.Response(500))
    with pytest.raises(RequestShapeError):  # not swallowed into an "outcome unknown" batch
        upload_tasks(
            [{"input_values": {}, "overlap": 1}], pool_id="1", token=TOKEN, base_url="http://api.test",
            transport=unreachable, read_input_spec=False, async_mode=False,
        )  # fmt: skip
