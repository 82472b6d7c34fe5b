"""Pools and projects: reads, open and close (202 operation, 204, 409, 404), isolation, persistence, and
answers that validate against openapi.yaml."""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from toloka_contract.schema import operation
from toloka_contract.spec import load_spec
from toloka_contract.testing import validator
from toloka_emulator import create_app, load_config
from toloka_emulator.inprocess import running
from toloka_emulator.testing import OTHER_HEADERS, REQUESTER_HEADERS, sample_task, wait_operation

TIMESTAMP_3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$")


def assert_valid(operation_id: str, response: httpx.Response) -> Any:
    """The response's status is documented for the operation and its JSON body validates; returns the body."""
    documented = operation(load_spec(), operation_id).responses
    assert response.status_code in documented, (operation_id, response.status_code)
    schema = documented[response.status_code].schema
    if schema is None:
        assert response.content == b""
        return None
    body = response.json()
    errors = [error.message for error in validator(load_spec(), schema).iter_errors(body)]
    assert not errors, (operation_id, errors, body)
    return body


async def pool_status(client: httpx.AsyncClient, pool_id: str) -> str:
    """The pool's status as GET answers it."""
    response = await client.get(f"/api/v1/pools/{pool_id}", headers=REQUESTER_HEADERS)
    status: str = assert_valid("get_pool", response)["status"]
    return status


async def test_get_pool(client: httpx.AsyncClient) -> None:
    pool = assert_valid("get_pool", await client.get("/api/v1/pools/1", headers=REQUESTER_HEADERS))
    assert pool == {
        "id": "1",
        "project_id": "101",
        "private_name": "Pool 1",
        "status": "OPEN",
        "defaults": {"default_overlap_for_new_tasks": 3, "default_overlap_for_new_task_suites": 2},
        "type": "REGULAR",
        "owner": {"id": "requester", "myself": True},
        "created": "2026-01-01T00:00:00.000",
    }
    assert [await pool_status(client, pool_id) for pool_id in ("2", "3")] == ["CLOSED", "ARCHIVED"]


async def test_get_project(client: httpx.AsyncClient) -> None:
    project = assert_valid("get_project", await client.get("/api/v1/projects/101", headers=REQUESTER_HEADERS))
    assert project == {
        "id": "101",
        "public_name": "Emulator: image labelling",
        "task_spec": {
            "input_spec": {
                "image": {"type": "url", "required": True, "hidden": False},
                "caption": {"type": "string", "required": False, "hidden": False, "min_length": 1, "max_length": 200},
                "category": {
                    "type": "string",
                    "required": False,
                    "hidden": False,
                    "allowed_values": ["cat", "dog", "other"],
                },
                "priority": {"type": "integer", "required": False, "hidden": False, "min_value": 0, "max_value": 10},
            },
            "output_spec": {"label": {"type": "string", "required": True, "hidden": False}},
        },
        "status": "ACTIVE",
        "owner": {"id": "requester", "myself": True},
        "created": "2026-01-01T00:00:00.000",
    }


@pytest.mark.parametrize(
    ("path", "operation_id"),
    [
        ("/api/v1/pools/{}", "get_pool"),
        ("/api/v1/projects/{}", "get_project"),
    ],
)
async def test_missing_and_foreign_pools_and_projects_are_404(
    client: httpx.AsyncClient, path: str, operation_id: str
) -> None:
    foreign = "4" if "pools" in path else "201"
    bodies = []
    for target in ("999", foreign):
        response = await client.get(path.format(target), headers=REQUESTER_HEADERS)
        body = assert_valid(operation_id, response)
        assert response.status_code == 404 and body["code"] == "DOES_NOT_EXIST"
        bodies.append({k: v for k, v in body.items() if k != "request_id"})
    assert bodies[0] == bodies[1]
    own = await client.get(path.format(foreign), headers=OTHER_HEADERS)
    assert own.status_code == 200
    mine = await client.get(path.format("1" if "pools" in path else "101"), headers=OTHER_HEADERS)
    assert mine.status_code == 404


async def test_close_and_open_a_pool(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/pools/1/close", headers=REQUESTER_HEADERS)
    closing = assert_valid("close_pool", response)
    assert response.status_code == 202
    uuid.UUID(closing["id"])
    assert closing["type"] == "POOL.CLOSE"
    assert closing["parameters"] == {"pool_id": "1"}
    assert "details" not in closing
    ended = await wait_operation(client, closing["id"])
    assert ended["status"] == "SUCCESS" and ended["progress"] == 100
    assert all(TIMESTAMP_3.match(ended[key]) for key in ("submitted", "started", "finished"))
    log = await client.get(f"/api/v1/operations/{closing['id']}/log", headers=REQUESTER_HEADERS)
    assert log.status_code == 200 and log.json() == []
    pool = (await client.get("/api/v1/pools/1", headers=REQUESTER_HEADERS)).json()
    assert pool["status"] == "CLOSED" and pool["last_stopped"] == ended["finished"]

    again = await client.post("/api/v1/pools/1/close", headers=REQUESTER_HEADERS)
    assert again.status_code == 204 and again.content == b""
    assert_valid("close_pool", again)

    response = await client.post("/api/v1/pools/1/open", headers=REQUESTER_HEADERS)
    opening = assert_valid("open_pool", response)
    assert response.status_code == 202 and opening["type"] == "POOL.OPEN"
    assert (await wait_operation(client, opening["id"]))["status"] == "SUCCESS"
    assert await pool_status(client, "1") == "OPEN"
    assert (await client.post("/api/v1/pools/1/open", headers=REQUESTER_HEADERS)).status_code == 204


async def test_a_closed_pool_opened_by_upload_closes_again(client: httpx.AsyncClient) -> None:
    for _ in range(2):
        assert await pool_status(client, "2") == "CLOSED"
        upload = await client.post(
            "/api/v1/tasks", json=[sample_task(pool_id="2")], params={"open_pool": "true"}, headers=REQUESTER_HEADERS
        )
        assert upload.status_code == 201
        assert await pool_status(client, "2") == "OPEN"
        assert (await client.post("/api/v1/pools/2/close", headers=REQUESTER_HEADERS)).status_code == 202
    assert await pool_status(client, "2") == "CLOSED"
    accepted = await client.post(
        "/api/v1/tasks",
        json=[sample_task(pool_id="2")],
        params={"open_pool": "true", "async_mode": "true"},
        headers=REQUESTER_HEADERS,
    )
    await wait_operation(client, accepted.json()["id"])
    assert await pool_status(client, "2") == "OPEN"


@pytest.mark.parametrize("action", ["open", "close"])
async def test_pool_actions_refuse_archived_missing_and_foreign(client: httpx.AsyncClient, action: str) -> None:
    archived = await client.post(f"/api/v1/pools/3/{action}", headers=REQUESTER_HEADERS)
    body = assert_valid(f"{action}_pool", archived)
    assert archived.status_code == 409 and body["code"] == "INAPPROPRIATE_STATUS"
    for pool_id, headers in (("999", REQUESTER_HEADERS), ("4", REQUESTER_HEADERS), ("2", OTHER_HEADERS)):
        response = await client.post(f"/api/v1/pools/{pool_id}/{action}", headers=headers)
        assert response.status_code == 404 and response.json()["code"] == "DOES_NOT_EXIST"
    assert await pool_status(client, "2") == "CLOSED"
    assert await pool_status(client, "3") == "ARCHIVED"
    unauthenticated = await client.post(f"/api/v1/pools/2/{action}")
    assert unauthenticated.status_code == 401


async def test_pool_operations_are_private(client: httpx.AsyncClient) -> None:
    opening = (await client.post("/api/v1/pools/2/open", headers=REQUESTER_HEADERS)).json()
    for path in (f"/api/v1/operations/{opening['id']}", f"/api/v1/operations/{opening['id']}/log"):
        assert (await client.get(path, headers=OTHER_HEADERS)).status_code == 404


async def test_pool_statuses_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    for step in range(3):
        app = create_app(load_config(), db)
        transport = httpx.ASGITransport(app=app)
        async with running(app), httpx.AsyncClient(transport=transport, base_url="http://e") as client:
            if step == 0:
                assert (await client.post("/api/v1/pools/1/close", headers=REQUESTER_HEADERS)).status_code == 202
                assert (await client.post("/api/v1/pools/2/open", headers=REQUESTER_HEADERS)).status_code == 202
            elif step == 1:
                assert [await pool_status(client, p) for p in ("1", "2", "3")] == ["CLOSED", "OPEN", "ARCHIVED"]
                assert (await client.post("/api/v1/pools/2/close", headers=REQUESTER_HEADERS)).status_code == 202
            else:
                assert [await pool_status(client, p) for p in ("1", "2")] == ["CLOSED", "CLOSED"]


async def test_a_version_3_database_keeps_its_opened_pools(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE items (seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL,"
        " pool_id TEXT NOT NULL, body BLOB NOT NULL);"
        "CREATE TABLE opened_pools (pool_id TEXT PRIMARY KEY); INSERT INTO opened_pools VALUES ('2');"
        "PRAGMA user_version=3;"
    )
    conn.close()
    app = create_app(load_config(), db)
    async with running(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://e") as client:
        assert await pool_status(client, "2") == "OPEN"


async def test_uploads_are_checked_against_the_pools_project(make_client: Any) -> None:
    projects = [
        {"id": "50", "owner": "requester", "input_spec": {"n": {"type": "integer"}}},
        {"id": "60", "owner": "requester", "input_spec": {"s": {"type": "string", "required": False}}},
    ]
    pools = [
        {"id": "5", "owner": "requester", "project_id": "50"},
        {"id": "6", "owner": "requester", "project_id": "60"},
        {"id": "7", "owner": "requester", "project_id": "50"},
    ]
    client = await make_client({"projects": projects, "pools": pools})
    items = [
        {"pool_id": "5", "input_values": {"n": 1}, "overlap": 1},
        {"pool_id": "6", "input_values": {"s": "x"}, "overlap": 1},
        {"pool_id": "7", "input_values": {"n": "x"}, "overlap": 1},
        {"pool_id": "6", "input_values": {"n": 1}, "overlap": 1},
    ]
    response = await client.post(
        "/api/v1/tasks", json=items, params={"skip_invalid_items": "true"}, headers=REQUESTER_HEADERS
    )
    result = response.json()
    assert sorted(result["items"]) == ["0", "1"]
    assert result["validation_errors"]["2"]["input_values.n"]["code"] == "INTEGER_EXPECTED"
    assert result["validation_errors"]["3"]["input_values.n"]["code"] == "VALUE_NOT_ALLOWED"
    project = (await client.get("/api/v1/projects/50", headers=REQUESTER_HEADERS)).json()
    assert project["task_spec"] == {
        "input_spec": {"n": {"type": "integer", "required": True, "hidden": False}},
        "output_spec": {},
    }


async def test_api_keys_authenticate_with_either_scheme(client: httpx.AsyncClient) -> None:
    key = load_config().api_key_of("requester")
    for scheme in ("ApiKey", "OAuth"):
        response = await client.get("/api/v1/pools/1", headers={"Authorization": f"{scheme} {key}"})
        assert response.status_code == 200
    other = load_config().api_key_of("other-requester")
    assert (await client.get("/api/v1/pools/1", headers={"Authorization": f"ApiKey {other}"})).status_code == 404
    assert (await client.get("/api/v1/pools/1", headers={"Authorization": "ApiKey x" + key})).status_code == 401
