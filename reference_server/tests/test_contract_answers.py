"""The emulator's answers to the new request forms validate against openapi.yaml, and the bounds it enforces
are the spec's."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from toloka_contract.clock import FakeClock
from toloka_contract.schema import operation
from toloka_contract.spec import load_spec
from toloka_contract.testing import validator
from toloka_emulator import clock, spec_bounds
from toloka_emulator.spec_bounds import OVERLAP_MAX, OVERLAP_MIN
from toloka_emulator.testing import REQUESTER_HEADERS, SAMPLE_IMAGE, sample_suite, sample_task, wait_operation

TIMESTAMP_3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$")
LOCALIZED = {"default_language": "EN", "additional_languages": [{"language": "FR"}]}


def valid(operation_id: str, response: httpx.Response) -> Any:
    """The response's status is documented for the operation and its body validates; returns the body."""
    documented = operation(load_spec(), operation_id).responses
    assert response.status_code in documented, (operation_id, response.status_code, response.text)
    body = response.json()
    errors = [
        error.message for error in validator(load_spec(), documented[response.status_code].schema).iter_errors(body)
    ]
    assert not errors, (operation_id, errors, body)
    return body


def test_overlap_bounds_are_the_specs() -> None:
    overlap = load_spec()["components"]["schemas"]["Overlap"]
    assert (overlap["minimum"], overlap["maximum"]) == (OVERLAP_MIN, OVERLAP_MAX)


def _schema(*path: str) -> Any:
    node: Any = load_spec()
    for step in path:
        node = node[step]
    return node


_SUITE = ("components", "schemas", "TaskSuiteCreate", "properties")


def test_every_bound_the_emulator_keeps_is_the_specs() -> None:
    """Each bound in spec_bounds, checked against the spec written out by hand (so a wrong pointer shows)."""
    schemas = load_spec()["components"]["schemas"]
    ranges = {
        "CORRECTNESS_WEIGHT": schemas["KnownSolution"]["properties"]["correctness_weight"],
        "CONFIDENCE_WEIGHT": schemas["BaselineSolution"]["properties"]["confidence_weight"],
        "ISSUING_ORDER_OVERRIDE": schemas["IssuingOrderOverride"],
        "LONGITUDE": _schema(*_SUITE, "longitude"),
        "LATITUDE": _schema(*_SUITE, "latitude"),
    }
    for name, schema in ranges.items():
        assert getattr(spec_bounds, name) == (schema["minimum"], schema["maximum"]), name
    assert _schema(*_SUITE, "tasks", "minItems") == spec_bounds.SUITE_MIN_TASKS
    limit = load_spec()["components"]["parameters"]["Limit"]["schema"]
    assert (
        limit["minimum"],
        limit["maximum"],
        limit["default"],
    ) == (spec_bounds.LIST_LIMIT_MIN, spec_bounds.LIST_LIMIT_MAX, spec_bounds.LIST_LIMIT_DEFAULT)


@pytest.mark.parametrize(
    ("field", "schema_path"),
    [
        ("overlap", ("components", "schemas", "Overlap")),
        ("issuing_order_override", ("components", "schemas", "IssuingOrderOverride")),
        ("longitude", (*_SUITE, "longitude")),
        ("latitude", (*_SUITE, "latitude")),
    ],
)
async def test_suite_bounds_bite_exactly_at_the_specs(
    client: httpx.AsyncClient, field: str, schema_path: tuple[str, ...]
) -> None:
    """At the spec's bound an item is valid; just past it, the bound's code with the bound in `params`."""
    schema = _schema(*schema_path)
    low, high = schema["minimum"], schema["maximum"]
    step = 1 if type(high) is int and field == "overlap" else 0.5
    items = [sample_suite(**{field: low}), sample_suite(**{field: high})]
    items += [sample_suite(**{field: low - step}), sample_suite(**{field: high + step})]
    response = await client.post(
        "/api/v1/task-suites", json=items, params={"skip_invalid_items": "true"}, headers=REQUESTER_HEADERS
    )
    result = response.json()
    assert sorted(result["items"]) == ["0", "1"], result
    errors = result["validation_errors"]
    assert errors["2"][field]["code"] == "VALUE_LESS_THAN_MIN" and errors["2"][field]["params"] == [low]
    assert errors["3"][field]["code"] == "VALUE_GREATER_THAN_MAX" and errors["3"][field]["params"] == [high]


async def test_list_limit_bounds_are_the_specs(client: httpx.AsyncClient) -> None:
    limit = load_spec()["components"]["parameters"]["Limit"]["schema"]
    for value, status in ((limit["minimum"], 200), (limit["maximum"], 200), (limit["maximum"] + 1, 400)):
        response = await client.get("/api/v1/tasks", params={"limit": str(value)}, headers=REQUESTER_HEADERS)
        assert response.status_code == status, (value, response.text)
    response = await client.post(
        "/api/v1/tasks", json=[sample_task()] * (limit["default"] + 1), headers=REQUESTER_HEADERS
    )
    assert response.status_code == 201
    page = (await client.get("/api/v1/tasks", headers=REQUESTER_HEADERS)).json()
    assert len(page["items"]) == limit["default"] and page["has_more"] is True


async def test_solution_weights_bite_at_the_specs(client: httpx.AsyncClient) -> None:
    schemas = load_spec()["components"]["schemas"]
    high = schemas["KnownSolution"]["properties"]["correctness_weight"]["maximum"]
    baseline_low = schemas["BaselineSolution"]["properties"]["confidence_weight"]["minimum"]
    answer = {"label": "cat"}
    items = [
        sample_task(known_solutions=[{"output_values": answer, "correctness_weight": high}]),
        sample_task(known_solutions=[{"output_values": answer, "correctness_weight": high + 0.5}]),
        sample_task(baseline_solutions=[{"output_values": answer, "confidence_weight": baseline_low - 0.5}]),
    ]
    response = await client.post(
        "/api/v1/tasks", json=items, params={"skip_invalid_items": "true"}, headers=REQUESTER_HEADERS
    )
    result = response.json()
    assert sorted(result["items"]) == ["0"]
    errors = result["validation_errors"]
    assert errors["1"]["known_solutions.0.correctness_weight"]["params"] == [high]
    assert errors["2"]["baseline_solutions.0.confidence_weight"]["params"] == [baseline_low]


async def test_single_object_and_new_field_answers_validate(client: httpx.AsyncClient) -> None:
    h = REQUESTER_HEADERS
    task = valid(
        "create_tasks", await client.post("/api/v1/tasks", json=sample_task(localization_config=LOCALIZED), headers=h)
    )
    assert task["localization_config"] == LOCALIZED
    infinite = valid(
        "create_tasks",
        await client.post("/api/v1/tasks", json=[sample_task(overlap=None, infinite_overlap=True)], headers=h),
    )
    infinite_id = infinite["items"]["0"]["id"]
    assert valid("get_task", await client.get(f"/api/v1/tasks/{infinite_id}", headers=h))["overlap"] is None
    invalid = valid("create_tasks", await client.post("/api/v1/tasks", json=sample_task(input_values={}), headers=h))
    assert "input_values.image" in invalid["payload"]

    inner = [
        {"input_values": {"image": SAMPLE_IMAGE}, "localization_config": LOCALIZED, "id": "t", "origin_task_id": "o"}
    ]
    suite = valid(
        "create_task_suites", await client.post("/api/v1/task-suites", json=sample_suite(tasks=inner), headers=h)
    )
    valid("get_task_suite", await client.get(f"/api/v1/task-suites/{suite['id']}", headers=h))
    infinite_suite = sample_suite(overlap=None, infinite_overlap=True)
    valid("create_task_suites", await client.post("/api/v1/task-suites", json=[infinite_suite], headers=h))

    for path, operation_id in (("/api/v1/tasks", "create_tasks"), ("/api/v1/task-suites", "create_task_suites")):
        operation_id_sent = str(uuid.uuid4())
        item = (sample_task if "tasks" in path else sample_suite)(__item_idx="0")
        accepted = await client.post(
            path, json=item, params={"async_mode": "true", "operation_id": operation_id_sent}, headers=h
        )
        assert TIMESTAMP_3.match(valid(operation_id, accepted)["submitted"])
        ended = await wait_operation(client, operation_id_sent)
        operation_body = valid("get_operation", await client.get(f"/api/v1/operations/{operation_id_sent}", headers=h))
        assert operation_body == ended
        assert all(TIMESTAMP_3.match(ended[key]) for key in ("submitted", "started", "finished"))
        log = valid("get_operation_log", await client.get(f"/api/v1/operations/{operation_id_sent}/log", headers=h))
        assert len(log) == 1

    for path, operation_id in (("/api/v1/tasks", "list_tasks"), ("/api/v1/task-suites", "list_task_suites")):
        page = valid(operation_id, await client.get(path, params={"sort": "-created,id", "limit": "3"}, headers=h))
        assert all(TIMESTAMP_3.match(item["created"]) for item in page["items"])


def test_timestamps_have_three_digits_and_never_go_back() -> None:
    fake = FakeClock(datetime(2026, 3, 1, 12, 0, 0, 0, UTC).timestamp())
    stamps = clock.Timestamps(fake)
    assert stamps.now() == "2026-03-01T12:00:00.000"
    fake.now -= 0.000001  # the wall clock went back: the timestamp stays, so `created` keeps growing with ids
    assert stamps.now() == "2026-03-01T12:00:00.000"
    fake.advance(1.4567)
    assert stamps.now() == "2026-03-01T12:00:01.456"
    assert clock.format_timestamp(datetime(2026, 3, 1, 1, 2, 3, 456789)) == "2026-03-01T01:02:03.456"


async def test_the_apps_clock_stamps_every_timestamp(make_client: Any) -> None:
    fake = FakeClock(datetime(2026, 3, 1, 12, 0, 0, 0, UTC).timestamp())
    client = await make_client(clock=fake)
    h = REQUESTER_HEADERS
    created = (await client.post("/api/v1/tasks", json=sample_task(), headers=h)).json()
    assert created["created"] == "2026-03-01T12:00:00.000"
    fake.advance(61.25)
    accepted = await client.post("/api/v1/tasks", json=[sample_task()], params={"async_mode": "true"}, headers=h)
    assert accepted.json()["submitted"] == "2026-03-01T12:01:01.250"
    ended = await wait_operation(client, accepted.json()["id"])
    assert ended["started"] == ended["finished"] == "2026-03-01T12:01:01.250"
    opened = (await client.post("/api/v1/pools/2/open", headers=h)).json()
    assert opened["submitted"] == "2026-03-01T12:01:01.250"
