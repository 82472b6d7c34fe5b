"""The model's invariants on hand-made exchanges: each fails on the answer that breaks it and passes where the
contract leaves room (the catalogue proves them against real servers; these pin the edge cases)."""

from __future__ import annotations

from typing import Any

from toloka_conformance.oracle import Model, Seen

_TASK = {"pool_id": "1", "input_values": {"image": "https://example.com/1.png"}, "overlap": 2}


def _seen(method: str, path: str, sent: Any, status: int, body: Any, **query: str) -> Seen:
    return Seen(method, path, dict(query), sent, status, body, 0.0, 1.0, "main", "test", f"curl -X {method} {path}")


def _verdicts(model: Model) -> dict[str, str]:
    return {outcome.requirement.id: outcome.verdict.value for outcome in model.outcomes()}


def _created(model: Model, stored: dict[str, Any]) -> None:
    model.observe(_seen("POST", "/api/v1/tasks", [_TASK], 201, {"items": {"0": stored}}))


def test_an_item_read_back_as_sent_passes_with_read_only_additions() -> None:
    model = Model(accounts={})
    _created(model, {**_TASK, "id": "a1", "created": "2026-12-07T05:00:00.123", "remaining_overlap": 2})
    model.observe(_seen("GET", "/api/v1/tasks/a1", None, 200, {**_TASK, "id": "a1", "created": "2026-12-07T05:00:00"}))
    assert _verdicts(model)["model.items"] == "pass"


def test_an_item_whose_overlap_changes_on_get_fails_model_items() -> None:
    model = Model(accounts={})
    _created(model, {**_TASK, "id": "a1"})
    model.observe(_seen("GET", "/api/v1/tasks/a1", None, 200, {**_TASK, "overlap": 3, "id": "a1"}))
    outcome = next(o for o in model.outcomes() if o.requirement.id == "model.items")
    assert outcome.verdict.value == "fail"
    assert "overlap: sent 2, stored 3" in (outcome.observed or "")
    assert outcome.curl == "curl -X GET /api/v1/tasks/a1"


def test_created_moving_between_reads_fails_but_another_precision_does_not() -> None:
    model = Model(accounts={})
    _created(model, {**_TASK, "id": "a1", "created": "2026-12-07T05:00:00.123"})
    model.observe(
        _seen("GET", "/api/v1/tasks/a1", None, 200, {**_TASK, "id": "a1", "created": "2026-12-07T05:00:00.123000"})
    )
    assert _verdicts(model)["model.items"] == "pass"
    model.observe(
        _seen("GET", "/api/v1/tasks/a1", None, 200, {**_TASK, "id": "a1", "created": "2026-12-07T05:00:01.123"})
    )
    assert _verdicts(model)["model.items"] == "fail"


def test_a_merged_suite_may_carry_an_earlier_id() -> None:
    model = Model(accounts={})
    suite = {"pool_id": "1", "tasks": [{"input_values": {"x": 1}}], "overlap": 1}
    for _ in range(2):
        answer = {"items": {"0": {**suite, "id": "s1", "automerged": True}}}
        model.observe(_seen("POST", "/api/v1/task-suites", [suite], 201, answer))
    assert _verdicts(model)["model.items"] == "pass"


def test_a_sort_tie_shown_coarsely_decides_nothing_but_a_real_tie_does() -> None:
    coarse = [
        {"id": "b", "pool_id": "1", "created": "2026-12-07T05:00:00"},
        {"id": "a", "pool_id": "1", "created": "2026-12-07T05:00:00"},
    ]
    model = Model(accounts={})
    model.observe(
        _seen("GET", "/api/v1/tasks", None, 200, {"items": coarse[::-1], "has_more": False}, sort="created,-id")
    )
    assert _verdicts(model)["model.lists"] == "pass"
    fine = [{**item, "created": "2026-12-07T05:00:00.500"} for item in coarse]
    model.observe(
        _seen("GET", "/api/v1/tasks", None, 200, {"items": fine[::-1], "has_more": False}, sort="created,-id")
    )
    assert _verdicts(model)["model.lists"] == "fail"


def test_an_operation_agrees_with_its_upload() -> None:
    model = Model(accounts={})
    accepted = {"id": "op1", "type": "TASK.BATCH_CREATE", "status": "PENDING", "submitted": "2026-12-07T05:00:00.000"}
    model.observe(_seen("POST", "/api/v1/tasks", [_TASK, _TASK], 202, accepted, async_mode="true"))
    details = {"total_count": 2, "success_count": 2, "failed_count": 0, "valid_count": 2, "not_valid_count": 0}
    ended = {**accepted, "status": "SUCCESS", "parameters": {"skip_invalid_items": False}, "details": details}
    model.observe(_seen("GET", "/api/v1/operations/op1", None, 200, ended))
    assert _verdicts(model)["model.operations"] == "pass"
    wrong = {**ended, "details": {**details, "total_count": 3, "failed_count": 1}}
    model.observe(_seen("GET", "/api/v1/operations/op1", None, 200, wrong))
    assert _verdicts(model)["model.operations"] == "fail"


def test_nothing_seen_is_a_skip_never_a_pass() -> None:
    assert set(_verdicts(Model(accounts={})).values()) == {"skip"}
