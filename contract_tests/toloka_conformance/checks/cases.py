"""Every behavioural rule in every case it applies to: one table, each rule written once and expanded over the
dimensions that change its outcome (kind, mode, body shape, flag, account, pool state, bound side, sort keys).

Each cell names the rows that run the case (a behavioural row, or a model invariant that checks every answer of
that case whichever row sent it), or says why the case cannot apply or is not run. `test_cases.py` keeps it
true: every row named is registered, every registered row is in the table, no cell is left empty.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

KINDS = ("tasks", "suites")
MODES = ("sync", "async")
SHAPES = ("array", "single object")


@dataclass(frozen=True)
class Case:
    """One case of one rule: the rows that run it, or why none does."""

    rule: str
    case: tuple[tuple[str, str], ...]  # (dimension, value) pairs
    rows: tuple[str, ...] = ()
    why_not: str = ""

    @property
    def label(self) -> str:
        """`rule [dimension=value, ...]`."""
        return f"{self.rule} [{', '.join(f'{k}={v}' for k, v in self.case)}]"


Cover = Callable[[Mapping[str, str]], "tuple[str, ...] | str"]


def expand(rule: str, dimensions: Mapping[str, tuple[str, ...]], cover: Cover) -> tuple[Case, ...]:
    """The rule's cases: every combination of the dimensions, each covered by rows (a tuple) or a reason (a str)."""
    cases = []
    for values in itertools.product(*dimensions.values()):
        case = dict(zip(dimensions, values, strict=True))
        covered = cover(case)
        pairs = tuple(case.items())
        if isinstance(covered, str):
            cases.append(Case(rule, pairs, why_not=covered))
        else:
            cases.append(Case(rule, pairs, rows=covered))
    return tuple(cases)


# The model's invariants see every answer of every case a row or a schemathesis phase reaches.
_MODEL_ITEMS = ("model.items",)
_MODEL_ASYNC = ("model.operations", "model.logs")


def _skip_invalid(case: Mapping[str, str]) -> tuple[str, ...] | str:
    kind, mode = case["kind"], case["mode"]
    if mode == "sync":
        rows = (f"{kind}.skip_invalid.partition",) + (
            ("tasks.skip_invalid.invalid_not_created",) if kind == "tasks" else ()
        )
        return rows + _MODEL_ITEMS
    if kind == "tasks":
        return (
            "operations.counts_add_up",
            "operations.log_matches_counts",
            "operations.log_echoes_input",
            *_MODEL_ASYNC,
        )
    return ("operations.counts_add_up", *_MODEL_ASYNC)


def _atomic(case: Mapping[str, str]) -> tuple[str, ...] | str:
    kind, mode = case["kind"], case["mode"]
    if mode == "sync":
        return (f"{kind}.skip_invalid_false.atomic", *_MODEL_ITEMS)
    return ("operations.fail_counts", *_MODEL_ASYNC)


def _none_valid(case: Mapping[str, str]) -> tuple[str, ...] | str:
    if case["mode"] == "sync":
        return (f"{case['kind']}.skip_invalid.none_valid",)
    return "undocumented: the contract says what a sync upload answers (400), not how such an operation ends"


def _defaults(case: Mapping[str, str]) -> tuple[str, ...] | str:
    kind, overlap = case["kind"], case["item's overlap"]
    if case["mode"] == "async":
        return "the sync rows settle it; an async item read back goes through model.items' defaults check"
    if overlap == "absent":
        return (f"{kind}.allow_defaults", *_MODEL_ITEMS)
    return (f"{kind}.allow_defaults.keeps_own", *_MODEL_ITEMS)


def _sync_limit(case: Mapping[str, str]) -> tuple[str, ...] | str:
    if case["side"] == "at the limit":
        return (f"{case['kind']}.sync_full",)  # 5000 of the kind in one sync request, all created (checks/capacity.py)
    return (f"{case['kind']}.sync_limit",)


def _single(case: Mapping[str, str]) -> tuple[str, ...] | str:
    kind, mode, shape = case["kind"], case["mode"], case["shape"]
    if shape == "single object":
        return (f"{kind}.single.{mode}", *(_MODEL_ITEMS if mode == "sync" else _MODEL_ASYNC))
    if mode == "sync":
        return (f"{kind}.read_back", *_MODEL_ITEMS)
    return ("links.async_chain", *_MODEL_ASYNC) + (("operations.suites_counted",) if kind == "suites" else ())


def _read_back(case: Mapping[str, str]) -> tuple[str, ...] | str:
    kind, site = case["kind"], case["site"]
    rows = (f"{kind}.read_back", f"{kind}.read_back.solutions", *_MODEL_ITEMS)
    if site == "an id a log names":
        return ("links.async_chain", f"{kind}.single.async", *_MODEL_ITEMS, "model.logs")
    return rows


def _isolation(case: Mapping[str, str]) -> tuple[str, ...] | str:
    target, account = case["object"], case["account"]
    if account == "this account":
        return {
            "task": ("tasks.read_back",),
            "suite": ("suites.read_back",),
            "operation": ("operations.id_is_operation_id",),
            "list": ("tasks.list.paged_walk", "suites.list.paged_walk", "model.lists"),
            "pool": ("pools.read",),
        }[target]
    rows = {
        "task": ("isolation.task", "isolation.error_body"),
        "suite": ("isolation.suite",),
        "operation": ("isolation.operation", "model.operation_ids"),
        "list": ("isolation.list", "model.lists"),
        "pool": ("isolation.pool", "isolation.pool_action", "isolation.error_body", "pools.foreign_refused"),
    }
    return rows[target]


def _pool_state(case: Mapping[str, str]) -> tuple[str, ...] | str:
    action, state = case["action"], case["pool state"]
    table: dict[tuple[str, str], tuple[str, ...] | str] = {
        ("upload", "open"): ("tasks.read_back", "suites.read_back"),
        ("upload", "closed"): ("pools.closed_accepts",),
        ("upload", "archived"): ("pools.archived_refused",),
        ("upload", "missing"): ("pools.missing_refused",),
        ("upload", "another account's"): ("pools.foreign_refused", "isolation.error_body"),
        ("upload with open_pool=true", "open"): "fuzzed uploads send it into the open target pool (schemathesis)",
        ("upload with open_pool=true", "closed"): ("pools.open_pool",),
        ("upload with open_pool=true", "archived"): "undocumented: whether open_pool may reopen an archived pool",
        ("upload with open_pool=true", "missing"): "the missing pool refuses the upload first (pools.missing_refused)",
        ("upload with open_pool=true", "another account's"): "refused as a missing pool first (pools.foreign_refused)",
        ("GET", "open"): ("pools.read",),
        ("GET", "closed"): ("pools.closed_accepts",),
        ("GET", "archived"): "no row reads the archived pool's status (only --archived-pool-id's refusal)",
        ("GET", "missing"): ("pools.read_missing",),
        ("GET", "another account's"): ("pools.read_missing", "isolation.pool", "isolation.error_body"),
        ("close", "open"): ("pools.open_pool",),
        ("close", "closed"): "204 or 202 both documented; the suite closes its pool before use either way",
        ("close", "archived"): "undocumented answer; the suite never changes the archived pool",
        ("close", "missing"): "schemathesis sends pool actions to a pool that does not exist",
        ("close", "another account's"): ("isolation.pool_action",),
    }
    return table[(action, state)]


def _bounds(case: Mapping[str, str]) -> tuple[str, ...] | str:
    field, side = case["field"], case["side"]
    if side == "inside":
        return ("tasks.read_back", "suites.read_back", "schemathesis.positive_data_acceptance")
    if field == "overlap" and side == "below":
        return ("tasks.allow_defaults_false.overlap_required", "schemathesis.negative_data_rejection")
    return ("schemathesis.negative_data_rejection",)


def _input_spec(case: Mapping[str, str]) -> tuple[str, ...] | str:
    # The validation rows build one fault per field the target project declares, per type and per bound it
    # states (each side), so the cases run are those of the target's spec: a type it does not declare is
    # reported in those rows' observations, not tried.
    rows = ("validation.codes", "validation.paths")
    return (*rows, "validation.solution_paths") if case["constraint"] == "output spec" else rows


def _sort(case: Mapping[str, str]) -> tuple[str, ...] | str:
    keys = case["keys"]
    if keys == "id":
        return ("tasks.list.paged_walk", "suites.list.paged_walk", "model.lists")
    if keys == "-id":
        return ("model.lists",)  # every "newest id" read of the run
    if keys in ("id,-created", "-id,created"):
        return ("tasks.list.multi_key_sort", "model.lists")
    if keys == "created,-id (second key matters)":
        return ("tasks.list.multi_key_sort", "model.lists")
    return "created alone leaves ties in any order: nothing to check beyond model.lists' first key"


TABLE: tuple[Case, ...] = (
    *expand("skip_invalid_items=true keeps the valid items", {"kind": KINDS, "mode": MODES}, _skip_invalid),
    *expand("skip_invalid_items=false creates nothing", {"kind": KINDS, "mode": MODES}, _atomic),
    *expand("no valid item answers 400", {"kind": KINDS, "mode": MODES}, _none_valid),
    *expand(
        "allow_defaults=true takes the pool default",
        {"kind": KINDS, "mode": MODES, "item's overlap": ("absent", "own")},
        _defaults,
    ),
    *expand(
        "at most 5000 items per sync request (in the kind's unit)",
        {"kind": KINDS, "side": ("at the limit", "over the limit")},
        _sync_limit,
    ),
    *expand("an upload answers what it created", {"kind": KINDS, "mode": MODES, "shape": SHAPES}, _single),
    *expand(
        "an item reads back as sent",
        {"kind": KINDS, "site": ("201", "GET by id", "a list page", "an id a log names")},
        _read_back,
    ),
    *expand(
        "an account sees only its own objects",
        {"object": ("task", "suite", "operation", "list", "pool"), "account": ("this account", "the other")},
        _isolation,
    ),
    *expand(
        "each action on each pool state",
        {
            "action": ("upload", "upload with open_pool=true", "GET", "close"),
            "pool state": ("open", "closed", "archived", "missing", "another account's"),
        },
        _pool_state,
    ),
    *expand(
        "numeric bounds of the create fields",
        {
            "field": ("overlap", "correctness_weight", "issuing_order_override", "longitude", "latitude"),
            "side": ("below", "inside", "above"),
        },
        _bounds,
    ),
    *expand(
        "each constraint of the input-spec language",
        {"constraint": ("required", "declared", "type", "length", "value", "size", "allowed values", "output spec")},
        _input_spec,
    ),
    *expand(
        "sort takes several keys",
        {"keys": ("id", "-id", "id,-created", "-id,created", "created,-id (second key matters)", "created")},
        _sort,
    ),
)

# Rows outside the table's rules: each checks one fixed case (no dimension changes its outcome).
SINGLE_CASE_ROWS = frozenset(
    {
        "tasks.infinite_overlap",
        "suites.infinite_overlap",
        "tasks.single.invalid",
        "operations.ends",
        "operations.id_global",
        "operations.idempotent",
        "operations.id_case_insensitive",
        "operations.invalid_operation_id",
        "projects.read",
        "rate_limit.async_counted",
        "rate_limit.retry_after",
        "requests.bad_body",
        "requests.bad_query",
        "requests.media_type",
        "requests.media_type_parameters",
        "requests.method_not_served",
        "auth.required",
        "auth.api_key",
        "auth.malformed",
        "timestamps.utc_format",
    }
)
