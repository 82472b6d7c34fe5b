"""HTTP-level behaviour: authentication, bad input answered with 4xx and the Toloka body, lists, limits."""

from __future__ import annotations

import httpx
import pytest
from toloka_contract.clock import FakeClock
from toloka_contract.spec import spec_text
from toloka_emulator.testing import (
    OTHER_HEADERS,
    REQUESTER_HEADERS,
    ClientFactory,
    sample_suite,
    sample_task,
    wait_operation,
)

ERROR_KEYS = {"request_id", "code", "message"}


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    """The response is a Toloka error body with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) >= ERROR_KEYS
    assert body["code"] == code


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "OAuth wrong"},
        {"Authorization": "Bearer emulator-requester-token"},
        {"Authorization": "OAuth"},
    ],
)
async def test_missing_or_unknown_token_is_401(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    for method, path in (("GET", "/api/v1/tasks"), ("POST", "/api/v1/tasks"), ("GET", "/api/v1/operations/x")):
        response = await client.request(method, path, headers=headers, json=[sample_task()])
        assert_error(response, 401, "AUTHENTICATION_ERROR")
        assert "emulator-requester-token" not in response.text


async def test_apikey_scheme_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/tasks", headers={"Authorization": "ApiKey emulator-requester-token"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"[{", "application/json", 400, "VALIDATION_ERROR"),
        (b"", "application/json", 400, "VALIDATION_ERROR"),
        (b'{"pool_id": "1"}', "application/json", 400, "VALIDATION_ERROR"),
        (b"[]", "application/json", 400, "VALIDATION_ERROR"),
        (b"[1, 2]", "application/json", 400, "VALIDATION_ERROR"),
        (b"\xff\xfe", "application/json", 400, "VALIDATION_ERROR"),
        (b"[" * 5000, "application/json", 400, "VALIDATION_ERROR"),
        (b"[]", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"[]", "", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ],
)
async def test_bad_bodies_are_4xx(
    client: httpx.AsyncClient, content: bytes, content_type: str, status: int, code: str
) -> None:
    for path in ("/api/v1/tasks", "/api/v1/task-suites"):
        headers = {**REQUESTER_HEADERS, "Content-Type": content_type}
        assert_error(await client.post(path, content=content, headers=headers), status, code)


@pytest.mark.parametrize(
    "query",
    [
        {"async_mode": "yes"},
        {"allow_defaults": "1"},
        {"skip_invalid_items": ""},
        {"open_pool": "maybe"},
        {"async_mode": "true", "operation_id": "not-a-uuid"},
        {"operation_id": "123"},
        {"async_mode": "true", "operation_id": " 2345678-1234-4234-8234-123456789abc"},
        {"async_mode": "true", "operation_id": "1234_678-1234-4234-8234-123456789abc"},
        {"async_mode": "true", "operation_id": "{12345678-1234-4234-8234-123456789abc}"},
    ],
)
async def test_bad_upload_query_is_400(client: httpx.AsyncClient, query: dict[str, str]) -> None:
    response = await client.post("/api/v1/tasks", json=[sample_task()], params=query, headers=REQUESTER_HEADERS)
    assert_error(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "abc"},
        {"limit": "100001"},
        {"sort": "pool_id"},
        {"pool_id": ""},
        {"id_gt": ""},
        {"id_gte": ""},
        {"id_lt": ""},
        {"id_lte": ""},
    ],
)
async def test_bad_list_query_is_400(client: httpx.AsyncClient, query: dict[str, str]) -> None:
    for path in ("/api/v1/tasks", "/api/v1/task-suites"):
        assert_error(await client.get(path, params=query, headers=REQUESTER_HEADERS), 400, "VALIDATION_ERROR")


async def test_oversize_body_is_413(make_client: ClientFactory) -> None:
    client = await make_client({"limits": {"max_body_bytes": 1000}})
    body = b"[" + b",".join([b'{"pool_id":"1","input_values":{"image":"https://e.com/a.png"},"overlap":1}'] * 20) + b"]"
    headers = {**REQUESTER_HEADERS, "Content-Type": "application/json"}
    assert_error(await client.post("/api/v1/tasks", content=body, headers=headers), 413, "ENTITY_TOO_LARGE")

    async def chunks() -> object:
        for _ in range(20):
            yield body[:100]

    streamed = await client.post("/api/v1/tasks", content=chunks(), headers=headers)  # type: ignore[arg-type]
    assert_error(streamed, 413, "ENTITY_TOO_LARGE")


async def test_unknown_paths_are_404(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/pools", "/api/v1/tasks/", "/", "/api/v1/operations/x/log/y"):
        assert_error(await client.get(path, headers=REQUESTER_HEADERS), 404, "DOES_NOT_EXIST")


_PATH_METHODS = {
    "/api/v1/tasks": {"GET", "HEAD", "POST"},
    "/api/v1/task-suites": {"GET", "HEAD", "POST"},
    "/api/v1/tasks/x": {"GET", "HEAD"},
    "/api/v1/task-suites/x": {"GET", "HEAD"},
    "/api/v1/pools/1": {"GET", "HEAD"},
    "/api/v1/pools/1/open": {"POST"},
    "/api/v1/pools/1/close": {"POST"},
    "/api/v1/projects/101": {"GET", "HEAD"},
    "/api/v1/operations/x": {"GET", "HEAD"},
    "/api/v1/operations/x/log": {"GET", "HEAD"},
    "/openapi.yaml": {"GET", "HEAD"},
}


@pytest.mark.parametrize("path", sorted(_PATH_METHODS))
@pytest.mark.parametrize("with_token", [True, False])
async def test_wrong_methods_are_405_with_allow(client: httpx.AsyncClient, path: str, with_token: bool) -> None:
    headers = REQUESTER_HEADERS if with_token else {}
    for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"} - _PATH_METHODS[path]):
        response = await client.request(method, path, headers=headers)
        assert_error(response, 405, "METHOD_NOT_ALLOWED")
        allowed = {name.strip() for name in response.headers["allow"].split(",")}
        assert allowed == _PATH_METHODS[path], (method, path)


async def test_rate_limit_is_429_with_retry_after(make_client: ClientFactory) -> None:
    client = await make_client({"limits": {"items_per_minute": 5}}, clock=FakeClock())
    assert (await client.post("/api/v1/tasks", json=[sample_task()] * 5, headers=REQUESTER_HEADERS)).status_code == 201
    response = await client.post("/api/v1/tasks", json=[sample_task()], headers=REQUESTER_HEADERS)
    assert_error(response, 429, "TOO_MANY_REQUESTS")
    assert response.json()["payload"] == {"interval": "MIN"}
    assert response.headers["retry-after"] == "30"  # the fake clock stands at the middle of a minute
    async_response = await client.post(
        "/api/v1/tasks", json=[sample_task()], params={"async_mode": "true"}, headers=REQUESTER_HEADERS
    )
    assert_error(async_response, 429, "TOO_MANY_REQUESTS")


@pytest.mark.parametrize(("limit_key", "interval"), [("items_per_minute", "MIN"), ("items_per_day", "DAY")])
@pytest.mark.parametrize("mode", ["false", "true"])
async def test_more_items_than_a_rate_limit_is_413_and_not_counted(
    make_client: ClientFactory, limit_key: str, interval: str, mode: str
) -> None:
    client = await make_client({"limits": {limit_key: 5}}, clock=FakeClock())
    query = {"async_mode": mode}
    response = await client.post("/api/v1/tasks", json=[sample_task()] * 6, params=query, headers=REQUESTER_HEADERS)
    assert_error(response, 413, "ENTITY_TOO_LARGE")
    assert response.json()["payload"] == {"limit": 5, "interval": interval}
    assert (await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)).json()["items"] == []
    assert (await client.post("/api/v1/tasks", json=[sample_task()] * 5, headers=REQUESTER_HEADERS)).status_code == 201


async def test_rate_limits_count_created_items_in_both_modes(make_client: ClientFactory) -> None:
    client = await make_client({"limits": {"items_per_minute": 5}}, clock=FakeClock())
    mixed = [sample_task(), sample_task(overlap=0), sample_task(), sample_task(overlap=0), sample_task()]
    skipping = {"async_mode": "true", "skip_invalid_items": "true"}
    accepted = await client.post("/api/v1/tasks", json=mixed, params=skipping, headers=REQUESTER_HEADERS)
    assert accepted.status_code == 202
    operation = await wait_operation(client, accepted.json()["id"])
    assert operation["details"]["success_count"] == 3
    # The two invalid items of the operation were given back: exactly two more fit this minute.
    more = await client.post("/api/v1/tasks", json=[sample_task()] * 2, headers=REQUESTER_HEADERS)
    assert more.status_code == 201
    assert_error(
        await client.post("/api/v1/tasks", json=[sample_task()], headers=REQUESTER_HEADERS), 429, "TOO_MANY_REQUESTS"
    )


async def test_a_failed_operation_or_rejected_upload_counts_nothing(make_client: ClientFactory) -> None:
    client = await make_client({"limits": {"items_per_minute": 5}}, clock=FakeClock())
    mixed = [sample_task()] * 4 + [sample_task(overlap=0)]
    accepted = await client.post("/api/v1/tasks", json=mixed, params={"async_mode": "true"}, headers=REQUESTER_HEADERS)
    assert (await wait_operation(client, accepted.json()["id"]))["status"] == "FAIL"
    assert (await client.post("/api/v1/tasks", json=mixed, headers=REQUESTER_HEADERS)).status_code == 400
    full = await client.post("/api/v1/tasks", json=[sample_task()] * 5, headers=REQUESTER_HEADERS)
    assert full.status_code == 201


async def test_the_minute_window_ends_on_the_apps_clock(make_client: ClientFactory) -> None:
    clock = FakeClock()
    client = await make_client({"limits": {"items_per_minute": 5}}, clock=clock)
    assert (await client.post("/api/v1/tasks", json=[sample_task()] * 5, headers=REQUESTER_HEADERS)).status_code == 201
    assert (await client.post("/api/v1/tasks", json=[sample_task()], headers=REQUESTER_HEADERS)).status_code == 429
    clock.advance(30)
    assert (await client.post("/api/v1/tasks", json=[sample_task()] * 5, headers=REQUESTER_HEADERS)).status_code == 201


async def test_tasks_and_suites_have_their_own_item_limits(make_client: ClientFactory) -> None:
    limits = {"tasks_per_minute": 3, "task_suites_per_minute": 2}
    client = await make_client({"limits": limits}, clock=FakeClock())
    h = REQUESTER_HEADERS
    assert (await client.post("/api/v1/tasks", json=[sample_task()] * 3, headers=h)).status_code == 201
    assert (await client.post("/api/v1/task-suites", json=[sample_suite()] * 2, headers=h)).status_code == 201
    assert_error(await client.post("/api/v1/tasks", json=[sample_task()], headers=h), 429, "TOO_MANY_REQUESTS")
    assert_error(await client.post("/api/v1/task-suites", json=[sample_suite()], headers=h), 429, "TOO_MANY_REQUESTS")


async def test_requests_above_the_per_second_limit_are_429(make_client: ClientFactory) -> None:
    clock = FakeClock()
    client = await make_client({"limits": {"requests_per_second": 3}}, clock=clock)
    statuses = [(await client.get("/api/v1/pools/1", headers=REQUESTER_HEADERS)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = await client.get("/api/v1/pools/1", headers=REQUESTER_HEADERS)
    assert_error(limited, 429, "TOO_MANY_REQUESTS")
    assert limited.headers["retry-after"] == "1"
    assert (await client.get("/api/v1/pools/4", headers=OTHER_HEADERS)).status_code == 200  # per account
    clock.advance(1)
    assert (await client.get("/api/v1/pools/1", headers=REQUESTER_HEADERS)).status_code == 200


async def test_daily_rate_limit(make_client: ClientFactory) -> None:
    client = await make_client({"limits": {"items_per_day": 2}}, clock=FakeClock())
    assert (await client.post("/api/v1/tasks", json=[sample_task()] * 2, headers=REQUESTER_HEADERS)).status_code == 201
    response = await client.post("/api/v1/tasks", json=[sample_task()], headers=REQUESTER_HEADERS)
    assert_error(response, 429, "TOO_MANY_REQUESTS")
    assert response.json()["payload"] == {"interval": "DAY"}


async def test_list_paging_bounds_and_sort(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/v1/tasks", json=[sample_task()] * 5, headers=REQUESTER_HEADERS)).json()
    await client.post("/api/v1/tasks", json=[sample_task(pool_id="2")], headers=REQUESTER_HEADERS)
    ids = [created["items"][str(i)]["id"] for i in range(5)]

    async def listed(**query: str) -> tuple[list[str], bool]:
        body = (await client.get("/api/v1/tasks", params={"pool_id": "1", **query}, headers=REQUESTER_HEADERS)).json()
        return [item["id"] for item in body["items"]], body["has_more"]

    assert await listed() == (ids, False)
    assert await listed(limit="2") == (ids[:2], True)
    assert await listed(id_gt=ids[1], limit="2") == (ids[2:4], True)
    assert await listed(id_gte=ids[1], id_lte=ids[3]) == (ids[1:4], False)
    assert await listed(id_lt=ids[2]) == (ids[:2], False)
    assert await listed(sort="-id") == (ids[::-1], False)
    assert await listed(sort="created") == (ids, False)
    everything = (await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)).json()["items"]
    assert len(everything) == 6


async def test_openapi_yaml_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.yaml")
    assert response.status_code == 200
    assert response.text.startswith("openapi: 3.1")
    assert response.text == spec_text()


async def test_head_is_answered(client: httpx.AsyncClient) -> None:
    assert (await client.head("/api/v1/tasks", headers=REQUESTER_HEADERS)).status_code == 200


@pytest.mark.parametrize("bound", ["zzz", "0000000001", "ffffffffff--", "0000000001--~"])
async def test_any_id_bound_is_answered(client: httpx.AsyncClient, bound: str) -> None:
    created = (await client.post("/api/v1/tasks", json=[sample_task()] * 3, headers=REQUESTER_HEADERS)).json()
    ids = sorted(item["id"] for item in created["items"].values())
    for name, keep in (("id_gt", str.__gt__), ("id_gte", str.__ge__), ("id_lt", str.__lt__), ("id_lte", str.__le__)):
        response = await client.get("/api/v1/tasks", params={name: bound}, headers=REQUESTER_HEADERS)
        assert response.status_code == 200
        assert [item["id"] for item in response.json()["items"]] == [i for i in ids if keep(i, bound)]
