"""The forms real clients send: one object instead of an array, `overlap: null` with infinite overlap,
several sort keys, `localization_config`, and read-only keys on a suite's tasks."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from toloka_contract.clock import FakeClock
from toloka_emulator import create_app, load_config
from toloka_emulator.inprocess import running
from toloka_emulator.testing import (
    OTHER_HEADERS,
    REQUESTER_HEADERS,
    SAMPLE_IMAGE,
    ClientFactory,
    sample_suite,
    sample_task,
    wait_operation,
)

TIMESTAMP_3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$")
PATHS = {"task": "/api/v1/tasks", "suite": "/api/v1/task-suites"}
SAMPLES = {"task": sample_task, "suite": sample_suite}


async def post(client: httpx.AsyncClient, path: str, body: Any, **query: str) -> httpx.Response:
    """POST a JSON body as the requester."""
    return await client.post(path, json=body, params=query, headers=REQUESTER_HEADERS)


async def listed(client: httpx.AsyncClient, path: str, **query: str) -> list[dict[str, Any]]:
    """Every item of pool 1 the list answers."""
    response = await client.get(path, params={"pool_id": "1", **query}, headers=REQUESTER_HEADERS)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.mark.parametrize("kind", ["task", "suite"])
@pytest.mark.parametrize("skip", ["false", "true"])
async def test_sync_single_object_answers_the_created_object(client: httpx.AsyncClient, kind: str, skip: str) -> None:
    sent = SAMPLES[kind](__item_idx="0")
    response = await post(client, PATHS[kind], sent, skip_invalid_items=skip)
    assert response.status_code == 201, response.text
    created = response.json()
    assert "items" not in created and "__item_idx" not in created
    assert created["pool_id"] == "1" and created["overlap"] == 1 and created["remaining_overlap"] == 1
    assert TIMESTAMP_3.match(created["created"])
    fetched = await client.get(f"{PATHS[kind]}/{created['id']}", headers=REQUESTER_HEADERS)
    assert fetched.json() == created
    assert [item["id"] for item in await listed(client, PATHS[kind])] == [created["id"]]


@pytest.mark.parametrize("skip", ["false", "true"])
async def test_sync_single_invalid_object_is_400_keyed_by_field_path(client: httpx.AsyncClient, skip: str) -> None:
    response = await post(client, "/api/v1/tasks", sample_task(input_values={}), skip_invalid_items=skip)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert list(body["payload"]) == ["input_values.image"]
    assert body["payload"]["input_values.image"]["code"] == "VALUE_REQUIRED"
    suite = sample_suite(tasks=[{"input_values": {"image": "nope"}}])
    payload = (await post(client, "/api/v1/task-suites", suite, skip_invalid_items=skip)).json()["payload"]
    assert payload == {
        "tasks.0.input_values.image": {"code": "INVALID_URL_SYNTAX", "message": "Value must be in valid url format"}
    }
    assert await listed(client, "/api/v1/tasks") == [] == await listed(client, "/api/v1/task-suites")


async def test_single_object_pool_errors_and_limits_are_those_of_an_array(make_client: ClientFactory) -> None:
    client = await make_client({"limits": {"items_per_minute": 2}}, clock=FakeClock())
    assert (await post(client, "/api/v1/tasks", sample_task(pool_id="999"))).status_code == 404
    assert (await post(client, "/api/v1/tasks", sample_task(pool_id="4"))).status_code == 404
    assert (await post(client, "/api/v1/tasks", sample_task(pool_id="3"))).json()["code"] == "INAPPROPRIATE_STATUS"
    assert (await post(client, "/api/v1/tasks", sample_task())).status_code == 201
    assert (await post(client, "/api/v1/tasks", sample_task(), async_mode="true")).status_code == 202
    limited = await post(client, "/api/v1/tasks", sample_task())
    assert limited.status_code == 429 and limited.json()["payload"] == {"interval": "MIN"}


@pytest.mark.parametrize("body", [b"1", b'"x"', b"null", b"true"])
async def test_a_body_neither_object_nor_array_is_400(client: httpx.AsyncClient, body: bytes) -> None:
    headers = {**REQUESTER_HEADERS, "Content-Type": "application/json"}
    response = await client.post("/api/v1/tasks", content=body, headers=headers)
    assert response.status_code == 400 and response.json()["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("kind", ["task", "suite"])
async def test_async_single_object_has_a_one_entry_log(client: httpx.AsyncClient, kind: str) -> None:
    sent = SAMPLES[kind](__item_idx="0", extra_unknown={"kept": True})
    operation_id = str(uuid.uuid4())
    response = await post(client, PATHS[kind], sent, async_mode="true", operation_id=operation_id)
    assert response.status_code == 202, response.text
    assert response.json()["details"]["total_count"] == 1
    operation = await wait_operation(client, operation_id)
    assert operation["status"] == "SUCCESS"
    assert (operation["details"]["success_count"], operation["details"]["failed_count"]) == (1, 0)
    log = (await client.get(f"/api/v1/operations/{operation_id}/log", headers=REQUESTER_HEADERS)).json()
    assert len(log) == 1
    assert log[0]["input"] == sent
    assert log[0]["success"] is True
    created_id = log[0]["output"]["task_id" if kind == "task" else "task_suite_id"]
    fetched = (await client.get(f"{PATHS[kind]}/{created_id}", headers=REQUESTER_HEADERS)).json()
    assert "__item_idx" not in fetched and "extra_unknown" not in fetched
    again = await post(client, PATHS[kind], sent, async_mode="true", operation_id=operation_id)
    assert again.status_code == 409
    assert len(await listed(client, PATHS[kind])) == 1


async def test_async_single_invalid_object_fails_with_one_validate_entry(client: httpx.AsyncClient) -> None:
    sent = sample_task(__item_idx="0", input_values={"image": SAMPLE_IMAGE, "priority": 99})
    response = await post(client, "/api/v1/tasks", sent, async_mode="true", skip_invalid_items="true")
    operation = await wait_operation(client, response.json()["id"])
    assert operation["status"] == "FAIL"
    log = (await client.get(f"/api/v1/operations/{operation['id']}/log", headers=REQUESTER_HEADERS)).json()
    assert [(entry["type"], entry["success"], entry["input"]) for entry in log] == [("TASK_VALIDATE", False, sent)]
    assert log[0]["output"]["input_values.priority"]["code"] == "VALUE_GREATER_THAN_MAX"


async def test_async_single_object_resumes_after_restart(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    paused = load_config(overrides={"worker": {"enabled": False}})
    for config, check in ((paused, False), (load_config(), True)):
        app = create_app(config, db)
        transport = httpx.ASGITransport(app=app)
        async with running(app), httpx.AsyncClient(transport=transport, base_url="http://e") as client:
            if not check:
                accepted = await post(client, "/api/v1/tasks", sample_task(__item_idx="0"), async_mode="true")
                operation_id = accepted.json()["id"]
            else:
                assert (await wait_operation(client, operation_id))["details"]["success_count"] == 1
                log = (await client.get(f"/api/v1/operations/{operation_id}/log", headers=REQUESTER_HEADERS)).json()
                assert [entry["input"]["__item_idx"] for entry in log] == ["0"]


@pytest.mark.parametrize("kind", ["task", "suite"])
@pytest.mark.parametrize("allow_defaults", ["false", "true"])
async def test_null_overlap_with_infinite_overlap_reads_back_as_sent(
    client: httpx.AsyncClient, kind: str, allow_defaults: str
) -> None:
    sent = SAMPLES[kind](overlap=None, infinite_overlap=True)
    response = await post(client, PATHS[kind], [sent], allow_defaults=allow_defaults)
    assert response.status_code == 201, response.text
    created = response.json()["items"]["0"]
    assert created["overlap"] is None and created["infinite_overlap"] is True
    assert "remaining_overlap" not in created
    fetched = await client.get(f"{PATHS[kind]}/{created['id']}", headers=REQUESTER_HEADERS)
    assert fetched.json() == created
    single = await post(client, PATHS[kind], sent, async_mode="true", allow_defaults=allow_defaults)
    assert (await wait_operation(client, single.json()["id"]))["status"] == "SUCCESS"


@pytest.mark.parametrize("kind", ["task", "suite"])
@pytest.mark.parametrize("fields", [{"overlap": None}, {"overlap": None, "infinite_overlap": False}])
async def test_null_overlap_without_infinite_overlap(client: httpx.AsyncClient, kind: str, fields: Any) -> None:
    response = await post(client, PATHS[kind], [SAMPLES[kind](**fields)])
    assert response.status_code == 400
    assert response.json()["payload"]["0"] == {
        "overlap": {"code": "VALUE_REQUIRED", "message": "Value must be present and not equal to null"}
    }
    defaulted = await post(client, PATHS[kind], [SAMPLES[kind](**fields)], allow_defaults="true")
    assert defaulted.status_code == 201, defaulted.text
    created = defaulted.json()["items"]["0"]
    default = 3 if kind == "task" else 2
    assert (created["overlap"], created["remaining_overlap"]) == (default, default)
    raw = await client.get(f"{PATHS[kind]}/{created['id']}", headers=REQUESTER_HEADERS)
    assert raw.text.count('"overlap"') == 1


async def test_multi_key_sort(client: httpx.AsyncClient) -> None:
    first = (await post(client, "/api/v1/tasks", [sample_task()] * 3)).json()["items"]
    await asyncio.sleep(0.002)  # the two batches get different `created` values
    second = (await post(client, "/api/v1/tasks", [sample_task()] * 2)).json()["items"]
    a = [first[str(i)]["id"] for i in range(3)]
    b = [second[str(i)]["id"] for i in range(2)]
    ids = a + b
    assert first["0"]["created"] <= second["0"]["created"]

    async def order(sort: str) -> list[str]:
        return [item["id"] for item in await listed(client, "/api/v1/tasks", sort=sort)]

    assert await order("id,-created") == ids
    assert await order("-id,created") == ids[::-1]
    assert await order("created,id") == ids
    assert await order("-created,-id") == ids[::-1]
    # Within one batch `created` is equal, so the second key decides there.
    assert first["0"]["created"] < second["0"]["created"]
    assert await order("created,-id") == a[::-1] + b[::-1]
    assert await order("-created,id") == b + a
    page = await client.get(
        "/api/v1/tasks", params={"sort": "-id,created", "limit": "2", "id_lt": ids[4]}, headers=REQUESTER_HEADERS
    )
    assert [item["id"] for item in page.json()["items"]] == [ids[3], ids[2]]
    assert page.json()["has_more"] is True


@pytest.mark.parametrize("sort", ["id,", ",id", "id,id", "id,-id", "created,pool_id", "ID", "id, created", "+id"])
async def test_bad_sort_keys_are_400(client: httpx.AsyncClient, sort: str) -> None:
    for path in PATHS.values():
        response = await client.get(path, params={"sort": sort}, headers=REQUESTER_HEADERS)
        assert response.status_code == 400, sort
        assert response.json()["code"] == "VALIDATION_ERROR"


LOCALIZATION = {"default_language": "EN", "additional_languages": [{"language": "FR", "x": 1}, {}], "other": True}


async def test_localization_config_is_stored_on_tasks_and_suite_tasks(client: httpx.AsyncClient) -> None:
    task = sample_task(localization_config=LOCALIZATION)
    created = (await post(client, "/api/v1/tasks", task)).json()
    assert created["localization_config"] == LOCALIZATION
    fetched = (await client.get(f"/api/v1/tasks/{created['id']}", headers=REQUESTER_HEADERS)).json()
    assert fetched["localization_config"] == LOCALIZATION
    inner = [
        {"input_values": {"image": SAMPLE_IMAGE}, "localization_config": {"default_language": "RU"}},
        {"input_values": {"image": SAMPLE_IMAGE}, "localization_config": {}},
        {"input_values": {"image": SAMPLE_IMAGE}},
    ]
    suite = (await post(client, "/api/v1/task-suites", [sample_suite(tasks=inner)])).json()["items"]["0"]
    assert suite["tasks"] == inner
    fetched = (await client.get(f"/api/v1/task-suites/{suite['id']}", headers=REQUESTER_HEADERS)).json()
    assert fetched["tasks"] == inner


@pytest.mark.parametrize(
    "config",
    [
        {"foo": None},
        {"default_language": "EN", "foo": {"bar": [1, None, "x"]}, "": []},
        {"additional_languages": [{"language": "FR", "x": None}, {"y": {}}], "\u00e9\U0001f600": False},
    ],
)
async def test_localization_config_with_any_other_keys_reads_back_as_sent(
    client: httpx.AsyncClient, config: dict[str, Any]
) -> None:
    """The contract's LocalizationConfig (and its languages) are open objects: other keys of any value are kept."""
    created = (await post(client, "/api/v1/tasks", [sample_task(localization_config=config)])).json()["items"]["0"]
    assert created["localization_config"] == config
    inner = [{"input_values": {"image": SAMPLE_IMAGE}, "localization_config": config}]
    response = await post(client, "/api/v1/task-suites", [sample_suite(tasks=inner)], async_mode="true")
    operation = await wait_operation(client, response.json()["id"])
    assert operation["status"] == "SUCCESS"
    suites = await listed(client, "/api/v1/task-suites")
    assert suites[-1]["tasks"] == inner


@pytest.mark.parametrize(
    ("config", "path", "code"),
    [
        ("EN", "localization_config", "JSON_EXPECTED"),
        (None, "localization_config", "JSON_EXPECTED"),
        ({"default_language": 1}, "localization_config.default_language", "STRING_EXPECTED"),
        ({"default_language": None}, "localization_config.default_language", "STRING_EXPECTED"),
        ({"additional_languages": "FR"}, "localization_config.additional_languages", "ARRAY_EXPECTED"),
        ({"additional_languages": ["FR"]}, "localization_config.additional_languages.0", "JSON_EXPECTED"),
        (
            {"additional_languages": [{"language": 1}]},
            "localization_config.additional_languages.0.language",
            "STRING_EXPECTED",
        ),
    ],
)
async def test_bad_localization_config(client: httpx.AsyncClient, config: Any, path: str, code: str) -> None:
    response = await post(client, "/api/v1/tasks", [sample_task(localization_config=config)])
    assert response.json()["payload"]["0"][path]["code"] == code
    suite = sample_suite(tasks=[{"input_values": {"image": SAMPLE_IMAGE}, "localization_config": config}])
    response = await post(client, "/api/v1/task-suites", [suite])
    assert response.json()["payload"]["0"][f"tasks.0.{path}"]["code"] == code


async def test_read_only_keys_of_a_suites_tasks_are_tolerated_and_not_stored(client: httpx.AsyncClient) -> None:
    inner = {"input_values": {"image": SAMPLE_IMAGE}, "id": "x1", "origin_task_id": "x0"}
    sent = sample_suite(tasks=[inner, {"input_values": {"image": SAMPLE_IMAGE}}])
    created = (await post(client, "/api/v1/task-suites", sent)).json()
    assert created["tasks"] == [{"input_values": {"image": SAMPLE_IMAGE}}] * 2
    response = await post(client, "/api/v1/task-suites", [sample_suite(tasks=[{**inner, "other": 1}])])
    assert list(response.json()["payload"]["0"]) == ["tasks.0.other"]
    response = await post(client, "/api/v1/task-suites", [sample_suite(tasks=[{**inner, "id": 5}])])
    assert response.json()["payload"]["0"]["tasks.0.id"]["code"] == "STRING_EXPECTED"


async def test_foreign_reads_of_single_objects_are_404(client: httpx.AsyncClient) -> None:
    created = (await post(client, "/api/v1/tasks", sample_task())).json()
    assert (await client.get(f"/api/v1/tasks/{created['id']}", headers=OTHER_HEADERS)).status_code == 404
