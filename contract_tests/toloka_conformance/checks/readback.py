"""What a sync upload answers is what was stored: the created item, GET by id and the list agree with the request."""

from __future__ import annotations

from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import SUITES, TASKS, create_one, expect_status, json_object, suite, task

READ_BACK = (
    "[openapi.yaml get_task / get_task_suite / list_*] Reads one task back; lists the caller's tasks, optionally of "
    "one pool. A created item carries the fields it was sent with."
)
_KEPT = ("id", "created")


def _differences(sent: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """The sent fields that the stored object lacks or changed."""
    return [
        f"{key}: sent {value!r}, stored {stored.get(key)!r}" for key, value in sent.items() if stored.get(key) != value
    ]


def _read_back(ctx: Context, path: str, sent: dict[str, Any]) -> None:
    created, exchange = create_one(ctx, path, sent, READ_BACK)
    _compare("the 201 answer", sent, created, exchange)
    by_id = ctx.api.get(f"{path}/{created['id']}")
    expect_status(by_id, 200, READ_BACK)
    _compare(f"GET {path}/{{id}}", {**sent, **{k: created.get(k) for k in _KEPT}}, json_object(by_id, READ_BACK), by_id)
    listed = ctx.api.get(path, pool_id=ctx.target.pool_id, id_gte=created["id"], id_lte=created["id"])
    items = json_object(listed, READ_BACK).get("items")
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
        raise Failed(f"listing exactly this id should return it once: {listed.summary()}. Rule: {READ_BACK}", listed)
    _compare(f"GET {path}?id_gte=id&id_lte=id", {**sent, "id": created["id"]}, items[0], listed)


def _compare(where: str, sent: dict[str, Any], stored: dict[str, Any], exchange: Exchange) -> None:
    wrong = _differences(sent, stored)
    if wrong:
        raise Failed(f"{where} differs from what was sent: {'; '.join(wrong)}. Rule: {READ_BACK}", exchange)


@check("tasks.read_back", "A created task reads back equal to what was sent", READ_BACK, creates=1)
def tasks_read_back(ctx: Context) -> None:
    """Create one task; the 201 item, GET /tasks/{id} and the list all carry the sent fields."""
    _read_back(ctx, TASKS, task(ctx, overlap=2))


@check("suites.read_back", "A created task suite reads back equal to what was sent", READ_BACK, creates=1)
def suites_read_back(ctx: Context) -> None:
    """Create one suite; the 201 item, GET /task-suites/{id} and the list all carry the sent fields."""
    _read_back(ctx, SUITES, suite(ctx, overlap=2))
