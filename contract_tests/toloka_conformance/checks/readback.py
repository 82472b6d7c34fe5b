"""What a sync upload answers is what was stored: the created item, GET by id and the list agree with the request.

"Agree" means: every field sent comes back with the value sent. What a read model adds is ignored (`id`,
`created`, `remaining_overlap`, a suite task's `id` / `origin_task_id`, ...); the fields the contract defines as
sets (`reserved_for`, `unavailable_for`, `traits_*`) compare as sets; an optional boolean sent `false` may come
back `false` or be left out (its documented default).
"""

from __future__ import annotations

from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    SUITES,
    TASKS,
    create_one,
    expect_status,
    json_object,
    output_values,
    suite,
    task,
)
from toloka_conformance.oracle import differences

READ_BACK = (
    "[openapi.yaml get_task / get_task_suite / list_*] Reads one task back; lists the caller's tasks, optionally of "
    "one pool. A created item carries the fields it was sent with (read-only additions aside; `reserved_for`, "
    "`unavailable_for`, `traits_*` are sets: uniqueItems, order not kept)."
)
INFINITE = (
    '[openapi.yaml TaskCreate.overlap; toloka-kit serialises infinite overlap as "overlap": null, "infinite_overlap": '
    "true] overlap null is valid on create with infinite_overlap true; the item reads back infinite_overlap true "
    "(its overlap: an integer >= 0 or null)."
)
# Every optional create field both kinds share, with values valid in any pool: a finite overlap, made explicit.
_COMMON: dict[str, Any] = {
    "overlap": 2,
    "infinite_overlap": False,
    "reserved_for": ["conformance-performer-a", "conformance-performer-z"],
    "unavailable_for": ["conformance-performer-b"],
    "traits_all_of": ["conformance-trait-a"],
    "traits_any_of": ["conformance-trait-c", "conformance-trait-b"],
    "traits_none_of_any": ["conformance-trait-d"],
}
_SUITE_ONLY: dict[str, Any] = {"issuing_order_override": 12.5, "mixed": False, "longitude": 37.62, "latitude": 55.75}


_MESSAGE = "conformance: this answer differs from the known solution"


def _read_back(ctx: Context, path: str, sent: dict[str, Any]) -> str:
    """Create `sent`, then compare it with the 201 item, GET by id and the list; describe what was compared."""
    created, exchange = create_one(ctx, path, sent, READ_BACK)
    _compare("the 201 answer", sent, created, exchange)
    # `created` is compared as an instant by model.items (a GET may show it at another precision).
    kept: dict[str, Any] = {"id": created["id"]}
    by_id = ctx.api.get(f"{path}/{created['id']}")
    expect_status(by_id, 200, READ_BACK)
    _compare(f"GET {path}/{{id}}", {**sent, **kept}, json_object(by_id, READ_BACK), by_id)
    listed = ctx.api.get(path, pool_id=ctx.target.pool_id, id_gte=created["id"], id_lte=created["id"])
    items = json_object(listed, READ_BACK).get("items")
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
        raise Failed(listed.summary(), expected="exactly this id, once", rule=READ_BACK, exchange=listed)
    _compare(f"GET {path}?id_gte=id&id_lte=id", {**sent, "id": created["id"]}, items[0], listed)
    return f"{len(sent)} sent fields ({', '.join(sorted(sent))}) equal in the 201 item, GET by id and the list"


def _compare(where: str, sent: dict[str, Any], stored: dict[str, Any], exchange: Exchange) -> None:
    wrong = differences(sent, stored)
    if wrong:
        raise Failed(
            f"{where} differs from what was sent: {'; '.join(wrong)}",
            expected="every field sent, with the value sent",
            rule=READ_BACK,
            exchange=exchange,
        )


def _solutions(ctx: Context) -> dict[str, Any]:
    """known_solutions and message_on_unknown_solution with the pool's valid answer, or skip without one."""
    return {
        "known_solutions": [{"output_values": output_values(ctx), "correctness_weight": 1}],
        "message_on_unknown_solution": _MESSAGE,
    }


@check("tasks.read_back", "A created task reads back equal to what was sent", READ_BACK, creates=1)
def tasks_read_back(ctx: Context) -> str:
    """Create a task with every optional field but the solutions; the 201 item, GET and the list carry them all."""
    return _read_back(ctx, TASKS, task(ctx, **_COMMON))


@check("suites.read_back", "A created task suite reads back equal to what was sent", READ_BACK, creates=1)
def suites_read_back(ctx: Context) -> str:
    """Create a suite with every optional field; the 201 item, GET and the list carry them all."""
    return _read_back(ctx, SUITES, suite(ctx, **_COMMON, **_SUITE_ONLY))


@check("tasks.read_back.solutions", "Known and baseline solutions of a task read back as sent", READ_BACK, creates=1)
def tasks_solutions_read_back(ctx: Context) -> str:
    """A control task with known_solutions, its message and baseline_solutions: all three read back as sent."""
    solutions = _solutions(ctx)
    baseline = [{"output_values": solutions["known_solutions"][0]["output_values"], "confidence_weight": 0.5}]
    return _read_back(ctx, TASKS, task(ctx, **solutions, baseline_solutions=baseline))


@check("suites.read_back.solutions", "Known solutions of a suite's tasks read back as sent", READ_BACK, creates=1)
def suites_solutions_read_back(ctx: Context) -> str:
    """A suite whose task carries known_solutions and its message: the suite's tasks read back as sent."""
    item = suite(ctx)
    item["tasks"][0].update(_solutions(ctx))
    return _read_back(ctx, SUITES, item)


def _infinite(ctx: Context, path: str, item: dict[str, Any]) -> str:
    item.update(overlap=None, infinite_overlap=True)
    created, exchange = create_one(ctx, path, item, INFINITE)
    by_id = ctx.api.get(f"{path}/{created['id']}")
    expect_status(by_id, 200, INFINITE)
    for where, stored, shown in (
        ("the 201 item", created, exchange),
        ("GET by id", json_object(by_id, INFINITE), by_id),
    ):
        overlap = stored.get("overlap")
        if stored.get("infinite_overlap") is not True:
            raise Failed(
                f"{where} has infinite_overlap {stored.get('infinite_overlap', '<missing>')!r}",
                expected="true, as sent",
                rule=INFINITE,
                exchange=shown,
            )
        if overlap is not None and (type(overlap) is not int or overlap < 0):
            raise Failed(
                f"{where} has overlap {overlap!r}", expected="null or an integer >= 0", rule=INFINITE, exchange=shown
            )
    return f"overlap null + infinite_overlap true: created {created['id']}, reads back infinite_overlap true"


@check("tasks.infinite_overlap", "A task with overlap null and infinite_overlap true round-trips", INFINITE, creates=1)
def tasks_infinite_overlap(ctx: Context) -> str:
    """Create a task as toloka-kit sends an infinite-overlap one; the 201 item and GET say infinite_overlap true."""
    return _infinite(ctx, TASKS, task(ctx))


@check(
    "suites.infinite_overlap", "A suite with overlap null and infinite_overlap true round-trips", INFINITE, creates=1
)
def suites_infinite_overlap(ctx: Context) -> str:
    """Create a suite as toloka-kit sends an infinite-overlap one; the 201 item and GET say infinite_overlap true."""
    return _infinite(ctx, SUITES, suite(ctx))
