"""Lists: a paged walk returns every item exactly once and only the pool's; sort takes several keys."""

from __future__ import annotations

from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    SUITES,
    TASKS,
    expect_status,
    json_object,
    list_items,
    newest_id,
    restoring_closed,
    string_keyed,
    suite,
    task,
)

WALK = (
    "[openapi.yaml list_tasks / list_task_suites: limit, id_gt, sort; TaskList.has_more] A walk by `id_gt` = the "
    "last id seen, `sort=id`, `limit=n` returns every item of the pool exactly once and no other pool's; a page "
    "holds at most `limit` items; `has_more` is true when more items follow, false on the last page."
)
SORT = (
    "[openapi.yaml Sort; fullApi; toloka-kit find_tasks(sort=['id', '-created']) sends sort=id,-created] one or "
    "more comma-separated keys, each `id` or `created`, a leading `-` sorting that key descending."
)
_WALKED = 5
_PAGE = 2


def _create(ctx: Context, path: str, items: list[dict[str, Any]], rule: str) -> list[str]:
    exchange = ctx.api.post(path, items)
    expect_status(exchange, 201, rule)
    created = string_keyed(json_object(exchange, rule), "items", exchange, rule)
    ids = [(created.get(str(index)) or {}).get("id") for index in range(len(items))]
    if not all(isinstance(item_id, str) for item_id in ids):
        raise Failed(exchange.summary(), expected="an id for each created item", rule=rule, exchange=exchange)
    return [str(item_id) for item_id in ids]


def _page(ctx: Context, path: str, **params: str | int | bool) -> tuple[list[dict[str, Any]], bool, Exchange]:
    exchange = ctx.api.get(path, **params)
    items = list_items(exchange)
    has_more = json_object(exchange, WALK).get("has_more")
    if type(has_more) is not bool:
        raise Failed(f"has_more {has_more!r}", expected="a boolean", rule=WALK, exchange=exchange)
    return items, has_more, exchange


def _walk(ctx: Context, path: str, make: Any) -> str:
    pool_id = ctx.target.pool_id
    before = newest_id(ctx, path)
    # Items of another pool created in between: a walk of this pool must never show them.
    other_pool = ctx.target.closed_pool_id
    ids = _create(ctx, path, [make(ctx) for _ in range(3)], WALK)
    seeded = "no other pool given (--closed-pool-id)"
    if other_pool is not None:
        with restoring_closed(ctx, other_pool):
            # Whether the closed pool takes uploads is pools.closed_accepts' rule; refused, the walk goes on
            # without another pool's item (and says so).
            seeded_answer = ctx.api.post(path, [make(ctx, pool_id=other_pool)])
        seeded = (
            f"one item in pool {other_pool} in between"
            if seeded_answer.status == 201
            else f"pool {other_pool} refused its item ({seeded_answer.status}): no other pool's item in between"
        )
    ids += _create(ctx, path, [make(ctx) for _ in range(_WALKED - 3)], WALK)
    seen: list[str] = []
    cursor = before
    pages = []
    for _ in range(_WALKED + 2):
        params: dict[str, str | int | bool] = {"pool_id": pool_id, "sort": "id", "limit": _PAGE}
        if cursor is not None:
            params["id_gt"] = cursor
        items, has_more, exchange = _page(ctx, path, **params)
        page_ids = [str(item.get("id")) for item in items]
        pages.append(f"{len(items)}{'+' if has_more else ''}")
        if len(items) > _PAGE:
            raise Failed(
                f"a page of {len(items)} items", expected=f"at most limit={_PAGE}", rule=WALK, exchange=exchange
            )
        foreign = [item.get("id") for item in items if str(item.get("pool_id")) != pool_id]
        if foreign:
            raise Failed(
                f"items {foreign} of another pool in the walk of pool {pool_id}",
                expected="only the pool's items",
                rule=WALK,
                exchange=exchange,
            )
        if page_ids != sorted(page_ids) or (seen and page_ids and page_ids[0] <= seen[-1]):
            raise Failed(
                f"page ids {page_ids} after {seen[-1:] or 'the start'}",
                expected="ids ascending (sort=id), each greater than id_gt",
                rule=WALK,
                exchange=exchange,
            )
        seen += page_ids
        remaining = len([item_id for item_id in ids if item_id not in seen])
        if has_more != (remaining > 0):
            raise Failed(
                f"has_more {str(has_more).lower()} on a page of {len(items)} with {remaining} created item(s) not "
                "yet seen",
                expected=f"has_more {str(remaining > 0).lower()}",
                rule=WALK,
                exchange=exchange,
            )
        if not has_more:
            break
        if not page_ids:
            raise Failed(
                "an empty page with has_more true", expected="items or has_more false", rule=WALK, exchange=exchange
            )
        cursor = page_ids[-1]
    if sorted(seen) != sorted(ids):
        missing, extra = sorted(set(ids) - set(seen)), [i for i in seen if i not in ids or seen.count(i) > 1]
        raise Failed(
            f"the walk saw {seen}: missing {missing}, unexpected or repeated {extra}",
            expected=f"the {len(ids)} created items {ids}, each once",
            rule=WALK,
            exchange=exchange,
        )
    # limit is honoured exactly: a page of all but one of them says more follow.
    params = {"pool_id": pool_id, "sort": "id", "limit": _WALKED - 1}
    if before is not None:
        params["id_gt"] = before
    items, has_more, exchange = _page(ctx, path, **params)
    if len(items) != _WALKED - 1 or not has_more:
        raise Failed(
            f"limit={_WALKED - 1} answered {len(items)} items, has_more {str(has_more).lower()}",
            expected=f"{_WALKED - 1} items and has_more true",
            rule=WALK,
            exchange=exchange,
        )
    return (
        f"{len(ids)} items walked {_PAGE} at a time (pages {', '.join(pages)}), each once, no other pool's ({seeded})"
    )


@check("tasks.list.paged_walk", "A paged walk of the pool's tasks returns each exactly once", WALK, creates=_WALKED + 1)
def tasks_walk(ctx: Context) -> str:
    """Create 5 tasks (and one in another pool in between); walk them 2 at a time by id_gt; limit=4 says more."""
    return _walk(ctx, TASKS, task)


@check(
    "suites.list.paged_walk", "A paged walk of the pool's suites returns each exactly once", WALK, creates=_WALKED + 1
)
def suites_walk(ctx: Context) -> str:
    """Create 5 suites (and one in another pool in between); walk them 2 at a time by id_gt; limit=4 says more."""
    return _walk(ctx, SUITES, suite)


def _sorted(ctx: Context, path: str, make: Any) -> str:
    ids = _create(ctx, path, [make(ctx) for _ in range(3)], SORT)
    low, high = min(ids), max(ids)
    # `id` first: ids are unique, so the order is fully determined (items of one request may share `created`).
    for sort, descending in (("id,-created", False), ("-id,created", True)):
        exchange = ctx.api.get(path, pool_id=ctx.target.pool_id, id_gte=low, id_lte=high, sort=sort)
        got = [str(item.get("id")) for item in list_items(exchange)]
        if got != sorted(ids, reverse=descending):
            raise Failed(
                f"sort={sort} listed {got}", expected=f"{sorted(ids, reverse=descending)}", rule=SORT, exchange=exchange
            )
    return "sort=id,-created and sort=-id,created list the 3 new items in order" + _second_key(ctx, path, low, high)


def _second_key(ctx: Context, path: str, low: str, high: str) -> str:
    """`sort=created,-id` where the second key matters: items of one request that read the same `created` (at
    millisecond precision or finer, so the tie is real) come by descending id. Nothing to check otherwise."""
    exchange = ctx.api.get(path, pool_id=ctx.target.pool_id, id_gte=low, id_lte=high, sort="created,-id")
    items = list_items(exchange)
    moments = {item.get("created") for item in items}
    moment = next(iter(moments)) if len(moments) == 1 else None
    if not isinstance(moment, str) or len(moment.partition(".")[2]) < 3:
        return "; sort=created,-id not checked (the items' `created` differ, or are absent or coarse)"
    got = [str(item.get("id")) for item in items]
    if got != sorted(got, reverse=True):
        raise Failed(
            f"sort=created,-id listed {got}, all created {moment}",
            expected=f"{sorted(got, reverse=True)} (equal `created`: by -id)",
            rule=SORT,
            exchange=exchange,
        )
    return "; sort=created,-id orders items of equal `created` by descending id"


@check("tasks.list.multi_key_sort", "sort takes several comma-separated keys", SORT, creates=3)
def tasks_multi_key_sort(ctx: Context) -> str:
    """Create 3 tasks; list them with sort=id,-created (ascending) and sort=-id,created (descending)."""
    return _sorted(ctx, TASKS, task)
