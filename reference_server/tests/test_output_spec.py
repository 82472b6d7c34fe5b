"""Solutions' `output_values` are checked against the pool's project output spec, as `input_values` are against its
input spec: the same codes, bounds in `params`, under `known_solutions.<i>.output_values.<field>` (and
`baseline_solutions.<i>...`, `tasks.<j>.known_solutions.<i>...` in a suite)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from toloka_emulator.testing import REQUESTER_HEADERS, ClientFactory, wait_operation

PROJECT = {
    "id": "70",
    "owner": "requester",
    "input_spec": {"text": {"type": "string"}},
    "output_spec": {
        "label": {"type": "string", "allowed_values": ["yes", "no"]},
        "note": {"type": "string", "required": False, "min_length": 2, "max_length": 4},
        "score": {"type": "float", "required": False, "min_value": 0, "max_value": 1},
        "count": {"type": "integer", "required": False, "min_value": 1, "max_value": 5},
        "ok": {"type": "boolean", "required": False},
        "link": {"type": "url", "required": False},
        "tags": {"type": "array_string", "required": False, "min_size": 1, "max_size": 2},
    },
}
POOL = {"id": "70", "owner": "requester", "project_id": "70"}
INPUT = {"text": "hello"}
ANSWER = {"label": "yes"}

# (output_values, field path under output_values, code, params)
FAULTS: list[tuple[dict[str, Any], str, str, list[Any] | None]] = [
    ({}, "label", "VALUE_REQUIRED", None),
    ({"label": None}, "label", "VALUE_REQUIRED", None),
    ({**ANSWER, "extra": 1}, "extra", "VALUE_NOT_ALLOWED", None),
    ({"label": "maybe"}, "label", "VALUE_NOT_ALLOWED", ["yes", "no"]),
    ({"label": 1}, "label", "STRING_EXPECTED", None),
    ({**ANSWER, "note": "a"}, "note", "STRING_LENGTH_LESS_THAN_MIN", [2]),
    ({**ANSWER, "note": "abcde"}, "note", "STRING_LENGTH_GREATER_THAN_MAX", [4]),
    ({**ANSWER, "score": "high"}, "score", "FLOAT_EXPECTED", None),
    ({**ANSWER, "score": 1.5}, "score", "VALUE_GREATER_THAN_MAX", [1]),
    ({**ANSWER, "count": 2.5}, "count", "INTEGER_EXPECTED", None),
    ({**ANSWER, "count": 0}, "count", "VALUE_LESS_THAN_MIN", [1]),
    ({**ANSWER, "ok": "true"}, "ok", "BOOLEAN_EXPECTED", None),
    ({**ANSWER, "link": "nowhere"}, "link", "INVALID_URL_SYNTAX", None),
    ({**ANSWER, "tags": "a"}, "tags", "ARRAY_EXPECTED", None),
    ({**ANSWER, "tags": []}, "tags", "ARRAY_SIZE_LESS_THAN_MIN", [1]),
    ({**ANSWER, "tags": ["a", "b", "c"]}, "tags", "ARRAY_SIZE_GREATER_THAN_MAX", [2]),
    ({**ANSWER, "tags": ["a", 2]}, "tags.1", "STRING_EXPECTED", None),
]


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """An emulator whose pool 70 belongs to a project with a rich output spec."""
    return await make_client({"projects": [PROJECT], "pools": [POOL]})


def task(**fields: Any) -> dict[str, Any]:
    return {"pool_id": "70", "input_values": INPUT, "overlap": 1, **fields}


def known(*answers: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"output_values": answer, "correctness_weight": 1} for answer in answers]


async def post(client: httpx.AsyncClient, path: str, body: Any, **query: str) -> httpx.Response:
    return await client.post(path, json=body, params=query, headers=REQUESTER_HEADERS)


def expect(errors: dict[str, Any], path: str, code: str, params: list[Any] | None) -> None:
    """`errors` holds exactly one error, at `path`, with `code` (and `params` when the fault is a bound)."""
    assert list(errors) == [path], errors
    error = errors[path]
    assert error["code"] == code
    assert error["message"]
    assert error.get("params") == params


@pytest.mark.parametrize(("answer", "field", "code", "params"), FAULTS)
async def test_known_solution_faults_are_reported_at_their_path(
    client: httpx.AsyncClient, answer: dict[str, Any], field: str, code: str, params: list[Any] | None
) -> None:
    body = [task(), task(known_solutions=known(ANSWER, answer))]
    response = await post(client, "/api/v1/tasks", body, skip_invalid_items="true")
    assert response.status_code == 201, response.text
    result = response.json()
    assert list(result["items"]) == ["0"]
    expect(result["validation_errors"]["1"], f"known_solutions.1.output_values.{field}", code, params)


@pytest.mark.parametrize(("answer", "field", "code", "params"), FAULTS[:4])
async def test_baseline_solution_faults_are_reported_at_their_path(
    client: httpx.AsyncClient, answer: dict[str, Any], field: str, code: str, params: list[Any] | None
) -> None:
    baseline = [{"output_values": answer, "confidence_weight": 0.5}]
    response = await post(client, "/api/v1/tasks", [task(baseline_solutions=baseline)])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    expect(body["payload"]["0"], f"baseline_solutions.0.output_values.{field}", code, params)


@pytest.mark.parametrize(("answer", "field", "code", "params"), FAULTS[:4])
async def test_suite_task_solution_faults_carry_the_task_index(
    client: httpx.AsyncClient, answer: dict[str, Any], field: str, code: str, params: list[Any] | None
) -> None:
    tasks = [{"input_values": INPUT}, {"input_values": INPUT, "known_solutions": known(ANSWER, answer)}]
    suite = {"pool_id": "70", "tasks": tasks, "overlap": 1}
    response = await post(client, "/api/v1/task-suites", [suite])
    assert response.status_code == 400
    expect(response.json()["payload"]["0"], f"tasks.1.known_solutions.1.output_values.{field}", code, params)


async def test_a_single_object_is_keyed_by_path_alone(client: httpx.AsyncClient) -> None:
    response = await post(client, "/api/v1/tasks", task(known_solutions=known({"label": "maybe"})))
    assert response.status_code == 400
    expect(response.json()["payload"], "known_solutions.0.output_values.label", "VALUE_NOT_ALLOWED", ["yes", "no"])


async def test_async_upload_logs_the_solution_fault(client: httpx.AsyncClient) -> None:
    body = [task(), task(known_solutions=known({**ANSWER, "extra": 1}))]
    operation_id = str(uuid.uuid4())
    response = await post(
        client, "/api/v1/tasks", body, async_mode="true", skip_invalid_items="true", operation_id=operation_id
    )
    assert response.status_code == 202, response.text
    operation = await wait_operation(client, operation_id)
    assert operation["status"] == "SUCCESS"
    log = (await client.get(f"/api/v1/operations/{operation_id}/log", headers=REQUESTER_HEADERS)).json()
    failed = [entry for entry in log if not entry["success"]]
    assert [entry["type"] for entry in failed] == ["TASK_VALIDATE"]
    expect(failed[0]["output"], "known_solutions.0.output_values.extra", "VALUE_NOT_ALLOWED", None)


async def test_valid_solutions_are_created_and_read_back_as_sent(client: httpx.AsyncClient) -> None:
    full = {"label": "no", "note": "ab", "score": 0.5, "count": 5, "ok": False, "link": "https://x.org/", "tags": ["a"]}
    sent = task(
        known_solutions=known(ANSWER, full),
        baseline_solutions=[{"output_values": full, "confidence_weight": 0.25}],
    )
    response = await post(client, "/api/v1/tasks", [sent])
    assert response.status_code == 201, response.text
    created = response.json()["items"]["0"]
    assert created["known_solutions"] == sent["known_solutions"]
    assert created["baseline_solutions"] == sent["baseline_solutions"]
    suite = {"pool_id": "70", "tasks": [{"input_values": INPUT, "known_solutions": known(full)}], "overlap": 1}
    response = await post(client, "/api/v1/task-suites", [suite])
    assert response.status_code == 201, response.text
    assert response.json()["items"]["0"]["tasks"] == suite["tasks"]


async def test_solutions_shape_errors_come_before_the_spec(client: httpx.AsyncClient) -> None:
    items = [
        task(known_solutions={"output_values": ANSWER}),
        task(known_solutions=[3]),
        task(known_solutions=[{"correctness_weight": 1}]),
        task(known_solutions=[{"output_values": [ANSWER]}]),
    ]
    response = await post(client, "/api/v1/tasks", items, skip_invalid_items="true")
    assert response.status_code == 400
    errors = response.json()["payload"]
    assert {index: {path: error["code"] for path, error in e.items()} for index, e in errors.items()} == {
        "0": {"known_solutions": "ARRAY_EXPECTED"},
        "1": {"known_solutions.0": "JSON_EXPECTED"},
        "2": {"known_solutions.0.output_values": "VALUE_REQUIRED"},
        "3": {"known_solutions.0.output_values": "JSON_EXPECTED"},
    }
