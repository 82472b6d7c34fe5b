"""Synchronous uploads: created objects, validation policy, overlaps, pools and limits."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from toloka_contract.timestamps import is_timestamp
from toloka_emulator.testing import (
    OTHER_HEADERS,
    REQUESTER_HEADERS,
    SAMPLE_IMAGE,
    ClientFactory,
    sample_suite,
    sample_task,
)


async def post(client: httpx.AsyncClient, path: str, body: Any, **query: str) -> httpx.Response:
    """POST a JSON body as the requester."""
    return await client.post(path, json=body, params=query, headers=REQUESTER_HEADERS)


async def test_created_tasks_read_back_as_sent(client: httpx.AsyncClient) -> None:
    sent = [
        sample_task(
            input_values={"image": SAMPLE_IMAGE, "caption": "a cat", "category": "cat", "priority": 3},
            known_solutions=[{"output_values": {"label": "cat"}, "correctness_weight": 1}],
            message_on_unknown_solution="look again",
            baseline_solutions=[{"output_values": {"label": "cat"}, "confidence_weight": 0.5}],
            overlap=5,
            reserved_for=["w1"],
            unavailable_for=["w2"],
            traits_all_of=["a"],
            traits_any_of=["b"],
            traits_none_of_any=["c"],
        ),
        sample_task(infinite_overlap=True),
    ]
    response = await post(client, "/api/v1/tasks", sent)
    assert response.status_code == 201, response.text
    result = response.json()
    assert set(result["items"]) == {"0", "1"}
    assert "validation_errors" not in result or not result["validation_errors"]
    for index, item in enumerate(sent):
        created = dict(result["items"][str(index)])
        fetched = await client.get(f"/api/v1/tasks/{created['id']}", headers=REQUESTER_HEADERS)
        assert fetched.status_code == 200
        assert fetched.json() == created
        assert is_timestamp(created.pop("created"))
        created.pop("id")
        assert created.pop("remaining_overlap") == item["overlap"]
        assert created == item
    first, second = result["items"]["0"]["id"], result["items"]["1"]["id"]
    assert re.match(r"^[0-9a-f]{10}--[0-9a-f]{24}$", first)
    assert first < second


async def test_created_suites_read_back_as_sent(client: httpx.AsyncClient) -> None:
    sent = sample_suite(
        tasks=[
            {"input_values": {"image": SAMPLE_IMAGE}},
            {"input_values": {"image": SAMPLE_IMAGE}, "known_solutions": [{"output_values": {"label": "cat"}}]},
        ],
        issuing_order_override=1.5,
        mixed=False,
        longitude=10.0,
        latitude=-20.0,
    )
    response = await post(client, "/api/v1/task-suites", [sent])
    assert response.status_code == 201, response.text
    created = response.json()["items"]["0"]
    assert created["automerged"] is False
    assert created["remaining_overlap"] == 1
    assert {k: v for k, v in created.items() if k not in ("id", "created", "remaining_overlap", "automerged")} == sent
    fetched = await client.get(f"/api/v1/task-suites/{created['id']}", headers=REQUESTER_HEADERS)
    assert fetched.json() == created


async def test_unknown_top_level_keys_are_tolerated_and_not_stored(client: httpx.AsyncClient) -> None:
    response = await post(client, "/api/v1/tasks", [sample_task(__item_idx="0", extra={"a": 1})])
    assert response.status_code == 201
    created = response.json()["items"]["0"]
    assert "__item_idx" not in created and "extra" not in created


@pytest.mark.parametrize(
    ("input_values", "path", "code"),
    [
        ({}, "input_values.image", "VALUE_REQUIRED"),
        ({"image": None}, "input_values.image", "VALUE_REQUIRED"),
        ({"image": "not a url"}, "input_values.image", "INVALID_URL_SYNTAX"),
        ({"image": 5}, "input_values.image", "INVALID_URL_SYNTAX"),
        ({"image": SAMPLE_IMAGE, "nope": 1}, "input_values.nope", "VALUE_NOT_ALLOWED"),
        ({"image": SAMPLE_IMAGE, "caption": 7}, "input_values.caption", "STRING_EXPECTED"),
        ({"image": SAMPLE_IMAGE, "caption": ""}, "input_values.caption", "STRING_LENGTH_LESS_THAN_MIN"),
        ({"image": SAMPLE_IMAGE, "caption": "x" * 201}, "input_values.caption", "STRING_LENGTH_GREATER_THAN_MAX"),
        ({"image": SAMPLE_IMAGE, "category": "bird"}, "input_values.category", "VALUE_NOT_ALLOWED"),
        ({"image": SAMPLE_IMAGE, "priority": "1"}, "input_values.priority", "INTEGER_EXPECTED"),
        ({"image": SAMPLE_IMAGE, "priority": 1.5}, "input_values.priority", "INTEGER_EXPECTED"),
        ({"image": SAMPLE_IMAGE, "priority": True}, "input_values.priority", "INTEGER_EXPECTED"),
        ({"image": SAMPLE_IMAGE, "priority": -1}, "input_values.priority", "VALUE_LESS_THAN_MIN"),
        ({"image": SAMPLE_IMAGE, "priority": 11}, "input_values.priority", "VALUE_GREATER_THAN_MAX"),
    ],
)
async def test_input_values_errors_have_real_codes_and_paths(
    client: httpx.AsyncClient, input_values: dict[str, Any], path: str, code: str
) -> None:
    response = await post(client, "/api/v1/tasks", [sample_task(), sample_task(input_values=input_values)])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert set(body["payload"]) == {"1"}
    assert body["payload"]["1"][path]["code"] == code
    assert body["payload"]["1"][path]["message"]
    listed = await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)
    assert listed.json()["items"] == []


async def test_bounds_travel_in_params(client: httpx.AsyncClient) -> None:
    bad = sample_task(input_values={"image": SAMPLE_IMAGE, "priority": 11})
    response = await post(client, "/api/v1/tasks", [bad])
    assert response.json()["payload"]["0"]["input_values.priority"]["params"] == [10]


@pytest.mark.parametrize(
    ("fields", "path", "code"),
    [
        ({"overlap": 0}, "overlap", "VALUE_LESS_THAN_MIN"),
        ({"overlap": "3"}, "overlap", "INTEGER_EXPECTED"),
        ({"infinite_overlap": "yes"}, "infinite_overlap", "BOOLEAN_EXPECTED"),
        ({"reserved_for": "w1"}, "reserved_for", "ARRAY_EXPECTED"),
        ({"reserved_for": ["w1", "w1"]}, "reserved_for", "VALUE_NOT_ALLOWED"),
        ({"traits_any_of": [1]}, "traits_any_of.0", "STRING_EXPECTED"),
        ({"known_solutions": [{}]}, "known_solutions.0.output_values", "VALUE_REQUIRED"),
        (
            {"known_solutions": [{"output_values": {}, "correctness_weight": 2}]},
            "known_solutions.0.correctness_weight",
            "VALUE_GREATER_THAN_MAX",
        ),
        ({"pool_id": 1}, "pool_id", "STRING_EXPECTED"),
        ({"input_values": None}, "input_values", "VALUE_REQUIRED"),
        ({"input_values": [1]}, "input_values", "JSON_EXPECTED"),
    ],
)
async def test_task_field_errors(client: httpx.AsyncClient, fields: dict[str, Any], path: str, code: str) -> None:
    response = await post(client, "/api/v1/tasks", [sample_task(**fields)])
    assert response.status_code == 400
    assert response.json()["payload"]["0"][path]["code"] == code


@pytest.mark.parametrize("pool_id", [1, None, ["1"]])
@pytest.mark.parametrize(("path", "item"), [("/api/v1/tasks", sample_task()), ("/api/v1/task-suites", sample_suite())])
async def test_an_unusable_pool_id_is_the_only_error_of_a_valid_item(
    client: httpx.AsyncClient, pool_id: Any, path: str, item: dict[str, Any]
) -> None:
    response = await post(client, path, [{**item, "pool_id": pool_id}])
    assert response.status_code == 400
    assert list(response.json()["payload"]["0"]) == ["pool_id"]


async def test_an_unusable_pool_id_keeps_errors_that_need_no_pool(client: httpx.AsyncClient) -> None:
    item = {**sample_task(overlap=0, input_values=[1]), "pool_id": 1}
    errors = (await post(client, "/api/v1/tasks", [item])).json()["payload"]["0"]
    assert {field: error["code"] for field, error in errors.items()} == {
        "pool_id": "STRING_EXPECTED",
        "overlap": "VALUE_LESS_THAN_MIN",
        "input_values": "JSON_EXPECTED",
    }


async def test_task_without_pool_id_is_an_invalid_item(client: httpx.AsyncClient) -> None:
    item = sample_task()
    del item["pool_id"]
    response = await post(client, "/api/v1/tasks", [sample_task(), item], skip_invalid_items="true")
    assert response.status_code == 201
    assert response.json()["validation_errors"]["1"]["pool_id"]["code"] == "VALUE_REQUIRED"


@pytest.mark.parametrize(
    ("fields", "path", "code"),
    [
        ({"tasks": [{"input_values": {}}]}, "tasks.0.input_values.image", "VALUE_REQUIRED"),
        (
            {"tasks": [{"input_values": {"image": SAMPLE_IMAGE}, "baseline_solutions": []}]},
            "tasks.0.baseline_solutions",
            "VALUE_NOT_ALLOWED",
        ),
        ({"tasks": []}, "tasks", "ARRAY_SIZE_LESS_THAN_MIN"),
        ({"tasks": None}, "tasks", "VALUE_REQUIRED"),
        ({"tasks": {}}, "tasks", "ARRAY_EXPECTED"),
        ({"tasks": [3]}, "tasks.0", "JSON_EXPECTED"),
        ({"latitude": 91}, "latitude", "VALUE_GREATER_THAN_MAX"),
        ({"longitude": "east"}, "longitude", "FLOAT_EXPECTED"),
        ({"issuing_order_override": 100000}, "issuing_order_override", "VALUE_GREATER_THAN_MAX"),
        ({"mixed": 1}, "mixed", "BOOLEAN_EXPECTED"),
    ],
)
async def test_suite_field_errors(client: httpx.AsyncClient, fields: dict[str, Any], path: str, code: str) -> None:
    response = await post(client, "/api/v1/task-suites", [sample_suite(**fields)])
    assert response.status_code == 400
    assert response.json()["payload"]["0"][path]["code"] == code


async def test_skip_invalid_items_creates_the_valid_ones(client: httpx.AsyncClient) -> None:
    items = [sample_task(), sample_task(input_values={}), sample_task(), sample_task(overlap=-1)]
    response = await post(client, "/api/v1/tasks", items, skip_invalid_items="true")
    assert response.status_code == 201
    result = response.json()
    assert set(result["items"]) == {"0", "2"}
    assert set(result["validation_errors"]) == {"1", "3"}
    listed = await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)
    assert len(listed.json()["items"]) == 2


async def test_skip_invalid_items_with_no_valid_item_is_400(client: httpx.AsyncClient) -> None:
    response = await post(client, "/api/v1/tasks", [sample_task(input_values={})], skip_invalid_items="true")
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_allow_defaults_fills_missing_overlap_from_the_pool(client: httpx.AsyncClient) -> None:
    tasks = [sample_task(), sample_task()]
    del tasks[0]["overlap"]
    response = await post(client, "/api/v1/tasks", tasks, allow_defaults="true")
    items = response.json()["items"]
    assert (items["0"]["overlap"], items["0"]["remaining_overlap"]) == (3, 3)
    assert items["1"]["overlap"] == 1
    suite = sample_suite()
    del suite["overlap"]
    response = await post(client, "/api/v1/task-suites", [suite], allow_defaults="true")
    assert response.json()["items"]["0"]["overlap"] == 2


async def test_no_overlap_without_defaults_is_invalid(client: httpx.AsyncClient) -> None:
    item = sample_task()
    del item["overlap"]
    response = await post(client, "/api/v1/tasks", [item])
    assert response.status_code == 400
    assert response.json()["payload"]["0"]["overlap"]["code"] == "VALUE_REQUIRED"


async def test_missing_and_foreign_pools_are_404_without_leak(client: httpx.AsyncClient) -> None:
    answers = []
    for pool_id in ("999", "4"):
        response = await post(client, "/api/v1/tasks", [sample_task(), sample_task(pool_id=pool_id)])
        assert response.status_code == 404
        body = response.json()
        assert body.pop("request_id")
        answers.append(body)
    assert answers[0] == answers[1] == {"code": "DOES_NOT_EXIST", "message": "Object does not exist"}
    listed = await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)
    assert listed.json()["items"] == []


async def test_archived_pool_is_409(client: httpx.AsyncClient) -> None:
    response = await post(client, "/api/v1/tasks", [sample_task(pool_id="3")])
    assert response.status_code == 409
    assert response.json()["code"] == "INAPPROPRIATE_STATUS"


async def test_closed_pool_takes_uploads_and_open_pool_opens_it(client: httpx.AsyncClient) -> None:
    response = await post(client, "/api/v1/tasks", [sample_task(pool_id="2")])
    assert response.status_code == 201
    pool = await client.get("/api/v1/pools/2", headers=REQUESTER_HEADERS)
    assert pool.json()["status"] == "CLOSED"
    response = await post(client, "/api/v1/tasks", [sample_task(pool_id="2")], open_pool="true")
    assert response.status_code == 201
    pool = await client.get("/api/v1/pools/2", headers=REQUESTER_HEADERS)
    assert pool.json()["status"] == "OPEN"


async def test_more_than_5000_items_is_413_and_creates_nothing(client: httpx.AsyncClient) -> None:
    response = await post(client, "/api/v1/tasks", [sample_task()] * 5001)
    assert response.status_code == 413
    assert response.json()["code"] == "ENTITY_TOO_LARGE"
    response = await post(client, "/api/v1/tasks", [sample_task()] * 5000)
    assert response.status_code == 201
    assert len(response.json()["items"]) == 5000


async def test_other_account_sees_none_of_it(client: httpx.AsyncClient) -> None:
    created = (await post(client, "/api/v1/tasks", [sample_task()])).json()["items"]["0"]
    suite = (await post(client, "/api/v1/task-suites", [sample_suite()])).json()["items"]["0"]
    assert (await client.get(f"/api/v1/tasks/{created['id']}", headers=OTHER_HEADERS)).status_code == 404
    assert (await client.get(f"/api/v1/task-suites/{suite['id']}", headers=OTHER_HEADERS)).status_code == 404
    for path in ("/api/v1/tasks", "/api/v1/task-suites"):
        listed = await client.get(path, headers=OTHER_HEADERS, params={"pool_id": "1"})
        assert listed.json() == {"items": [], "has_more": False}
    own = await client.post(
        "/api/v1/tasks", json=[sample_task(pool_id="4", input_values={"text": "hi"})], headers=OTHER_HEADERS
    )
    assert own.status_code == 201


RICH_POOL = {"id": "7", "owner": "requester", "project_id": "70"}
RICH_PROJECT = {
    "id": "70",
    "owner": "requester",
    "input_spec": {
        "flag": {"type": "boolean", "required": False},
        "score": {"type": "float", "required": False, "min_value": 0, "max_value": 1},
        "where": {"type": "coordinates", "required": False},
        "meta": {"type": "json", "required": False},
        "tags": {"type": "array_string", "required": False, "min_size": 1, "max_size": 2},
        "links": {"type": "array_url", "required": False},
    },
}


@pytest.mark.parametrize(
    ("input_values", "path", "code"),
    [
        ({"flag": "yes"}, "input_values.flag", "BOOLEAN_EXPECTED"),
        ({"score": "high"}, "input_values.score", "FLOAT_EXPECTED"),
        ({"score": 1.5}, "input_values.score", "VALUE_GREATER_THAN_MAX"),
        ({"where": "north"}, "input_values.where", "INVALID_COORDINATES_SYNTAX"),
        ({"where": "95.0,10.0"}, "input_values.where", "INVALID_COORDINATES_SYNTAX"),
        ({"tags": "a"}, "input_values.tags", "ARRAY_EXPECTED"),
        ({"tags": []}, "input_values.tags", "ARRAY_SIZE_LESS_THAN_MIN"),
        ({"tags": ["a", "b", "c"]}, "input_values.tags", "ARRAY_SIZE_GREATER_THAN_MAX"),
        ({"tags": ["a", 1]}, "input_values.tags.1", "STRING_EXPECTED"),
        ({"links": ["https://e.com/x", "ftp://e.com"]}, "input_values.links.1", "INVALID_URL_SYNTAX"),
        ({"links": [None]}, "input_values.links.0", "VALUE_REQUIRED"),
    ],
)
async def test_every_field_type_is_validated(
    make_client: ClientFactory, input_values: dict[str, Any], path: str, code: str
) -> None:
    client = await make_client({"projects": [RICH_PROJECT], "pools": [RICH_POOL]})
    response = await post(client, "/api/v1/tasks", [sample_task(pool_id="7", input_values=input_values)])
    assert response.status_code == 400
    assert response.json()["payload"]["0"][path]["code"] == code


async def test_valid_values_of_every_field_type_pass(make_client: ClientFactory) -> None:
    client = await make_client({"projects": [RICH_PROJECT], "pools": [RICH_POOL]})
    values = {
        "flag": True,
        "score": 1,
        "where": "55.75,37.61",
        "meta": {"any": ["thing"]},
        "tags": ["a", "b"],
        "links": ["http://e.com/a?b=c"],
    }
    response = await post(client, "/api/v1/tasks", [sample_task(pool_id="7", input_values=values)])
    assert response.status_code == 201, response.text
    assert response.json()["items"]["0"]["input_values"] == values


async def test_whole_number_floats_are_integers(client: httpx.AsyncClient) -> None:
    """JSON Schema's `integer` takes 2.0, so the contract does: overlap and integer inputs accept it."""
    item = sample_task(input_values={"image": SAMPLE_IMAGE, "priority": 4.0}, overlap=2.0)
    response = await post(client, "/api/v1/tasks", [item])
    assert response.status_code == 201, response.text
    created = response.json()["items"]["0"]
    assert created["overlap"] == 2
    assert created["remaining_overlap"] == 2
    assert created["input_values"]["priority"] == 4


async def test_fractional_overlap_is_invalid(client: httpx.AsyncClient) -> None:
    response = await post(client, "/api/v1/tasks", [sample_task(overlap=2.5)])
    assert response.status_code == 400
    assert response.json()["payload"]["0"]["overlap"]["code"] == "INTEGER_EXPECTED"
