"""Asynchronous uploads: operation lifecycle, details, log, idempotency by operation_id."""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx
from toloka_emulator.testing import (
    OTHER_HEADERS,
    REQUESTER_HEADERS,
    ClientFactory,
    sample_suite,
    sample_task,
    wait_operation,
)

ASYNC = {"async_mode": "true"}


async def test_async_tasks_upload_succeeds_with_log_and_details(client: httpx.AsyncClient) -> None:
    items = [sample_task(__item_idx=str(i)) for i in range(3)]
    operation_id = str(uuid.uuid4())
    response = await client.post(
        "/api/v1/tasks", json=items, params={**ASYNC, "operation_id": operation_id}, headers=REQUESTER_HEADERS
    )
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["id"] == operation_id
    assert accepted["type"] == "TASK.BATCH_CREATE"
    assert accepted["status"] in ("PENDING", "RUNNING")
    assert accepted["details"]["total_count"] == 3
    assert accepted["parameters"] == {"skip_invalid_items": False, "allow_defaults": False, "open_pool": False}
    operation = await wait_operation(client, operation_id)
    assert operation["status"] == "SUCCESS"
    assert operation["progress"] == 100
    assert operation["submitted"] <= operation["started"] <= operation["finished"]
    assert operation["details"] == {
        "total_count": 3,
        "valid_count": 3,
        "not_valid_count": 0,
        "success_count": 3,
        "failed_count": 0,
    }
    log = (await client.get(f"/api/v1/operations/{operation_id}/log", headers=REQUESTER_HEADERS)).json()
    assert [entry["input"] for entry in log] == items
    assert all(entry["type"] == "TASK_CREATE" and entry["success"] for entry in log)
    ids = [entry["output"]["task_id"] for entry in log]
    listed = await client.get(
        "/api/v1/tasks", params={"pool_id": "1", "id_gte": min(ids), "id_lte": max(ids)}, headers=REQUESTER_HEADERS
    )
    stored = listed.json()["items"]
    assert [t["id"] for t in stored] == ids
    assert all("__item_idx" not in t for t in stored)


async def test_async_suites_with_invalid_items_skipped(client: httpx.AsyncClient) -> None:
    items = [sample_suite(), sample_suite(tasks=[{"input_values": {}}]), sample_suite()]
    response = await client.post(
        "/api/v1/task-suites", json=items, params={**ASYNC, "skip_invalid_items": "true"}, headers=REQUESTER_HEADERS
    )
    assert response.status_code == 202
    operation = await wait_operation(client, response.json()["id"])
    assert operation["type"] == "TASK_SUITE.BATCH_CREATE"
    assert operation["status"] == "SUCCESS"
    details = operation["details"]
    assert (details["valid_count"], details["not_valid_count"]) == (2, 1)
    assert (details["success_count"], details["failed_count"]) == (2, 1)
    log = (await client.get(f"/api/v1/operations/{operation['id']}/log", headers=REQUESTER_HEADERS)).json()
    assert [entry["type"] for entry in log] == ["TASK_SUITE_CREATE", "TASK_SUITE_VALIDATE", "TASK_SUITE_CREATE"]
    assert log[1]["success"] is False
    assert log[1]["output"]["tasks.0.input_values.image"]["code"] == "VALUE_REQUIRED"


async def test_async_with_an_invalid_item_fails_and_creates_nothing(client: httpx.AsyncClient) -> None:
    items = [sample_task(), sample_task(input_values={"image": "nope"})]
    response = await client.post("/api/v1/tasks", json=items, params=ASYNC, headers=REQUESTER_HEADERS)
    operation = await wait_operation(client, response.json()["id"])
    assert operation["status"] == "FAIL"
    details = operation["details"]
    assert details["valid_count"] + details["not_valid_count"] == 2
    assert (details["success_count"], details["failed_count"]) == (0, 2)
    assert (await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)).json()["items"] == []


async def test_open_pool_is_logged(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/tasks",
        json=[sample_task(pool_id="2")],
        params={**ASYNC, "open_pool": "true"},
        headers=REQUESTER_HEADERS,
    )
    operation = await wait_operation(client, response.json()["id"])
    log = (await client.get(f"/api/v1/operations/{operation['id']}/log", headers=REQUESTER_HEADERS)).json()
    assert [entry["type"] for entry in log] == ["TASK_CREATE", "POOL_OPEN"]


async def test_reused_operation_id_is_409_and_creates_nothing_twice(client: httpx.AsyncClient) -> None:
    operation_id = str(uuid.uuid4())
    query = {**ASYNC, "operation_id": operation_id}
    first = await client.post("/api/v1/tasks", json=[sample_task()], params=query, headers=REQUESTER_HEADERS)
    assert first.status_code == 202
    await wait_operation(client, operation_id)
    again = await client.post("/api/v1/tasks", json=[sample_task()] * 2, params=query, headers=REQUESTER_HEADERS)
    assert again.status_code == 409
    assert again.json()["code"] == "OPERATION_ALREADY_EXISTS"
    assert len((await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)).json()["items"]) == 1


async def test_operation_ids_are_uuids_in_any_case(client: httpx.AsyncClient) -> None:
    canonical = str(uuid.uuid4())
    upper = canonical.upper()
    query = {**ASYNC, "operation_id": upper}
    first = await client.post("/api/v1/tasks", json=[sample_task()], params=query, headers=REQUESTER_HEADERS)
    assert first.status_code == 202, first.text
    assert first.json()["id"] == canonical
    for spelling in (canonical, upper):
        assert (await wait_operation(client, spelling))["id"] == canonical
        log = await client.get(f"/api/v1/operations/{spelling}/log", headers=REQUESTER_HEADERS)
        assert [entry["type"] for entry in log.json()] == ["TASK_CREATE"]
    lower_again = {**ASYNC, "operation_id": canonical}
    again = await client.post("/api/v1/tasks", json=[sample_task()], params=lower_again, headers=REQUESTER_HEADERS)
    assert again.status_code == 409
    assert again.json()["code"] == "OPERATION_ALREADY_EXISTS"
    assert len((await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)).json()["items"]) == 1


async def test_concurrent_identical_requests_create_once(client: httpx.AsyncClient) -> None:
    query = {**ASYNC, "operation_id": str(uuid.uuid4())}
    responses = await asyncio.gather(
        *(
            client.post("/api/v1/tasks", json=[sample_task()] * 3, params=query, headers=REQUESTER_HEADERS)
            for _ in range(8)
        )
    )
    assert sorted(r.status_code for r in responses) == [202] + [409] * 7
    await wait_operation(client, query["operation_id"])
    assert len((await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)).json()["items"]) == 3


async def test_operations_are_private_to_their_account(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/tasks", json=[sample_task()], params=ASYNC, headers=REQUESTER_HEADERS)
    operation_id = response.json()["id"]
    await wait_operation(client, operation_id)
    for path in (f"/api/v1/operations/{operation_id}", f"/api/v1/operations/{operation_id}/log"):
        foreign = await client.get(path, headers=OTHER_HEADERS)
        assert foreign.status_code == 404
        assert foreign.json()["code"] == "DOES_NOT_EXIST"
    assert (await client.get("/api/v1/operations/no-such-op", headers=REQUESTER_HEADERS)).status_code == 404


async def test_async_pool_errors_are_answered_before_acceptance(client: httpx.AsyncClient) -> None:
    missing = await client.post(
        "/api/v1/tasks", json=[sample_task(pool_id="9")], params=ASYNC, headers=REQUESTER_HEADERS
    )
    assert missing.status_code == 404
    archived = await client.post(
        "/api/v1/tasks", json=[sample_task(pool_id="3")], params=ASYNC, headers=REQUESTER_HEADERS
    )
    assert archived.status_code == 409


async def test_async_mode_has_no_5000_limit(make_client: ClientFactory) -> None:
    client = await make_client()
    response = await client.post("/api/v1/tasks", json=[sample_task()] * 6000, params=ASYNC, headers=REQUESTER_HEADERS)
    assert response.status_code == 202
    operation = await wait_operation(client, response.json()["id"])
    assert operation["details"]["success_count"] == 6000
    ids = [
        t["id"]
        for t in (await client.get("/api/v1/tasks", params={"limit": "6000"}, headers=REQUESTER_HEADERS)).json()[
            "items"
        ]
    ]
    assert len(set(ids)) == 6000
    assert all(re.match(r"^[0-9a-f]{10}--", i) for i in ids)
