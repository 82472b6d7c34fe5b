"""The create-item rule's users agree both ways: the upload layer (ItemChecker: its one-call batch check and its
per-item errors) refuses exactly the items the emulator refuses (toloka_emulator.batch.evaluate), with the same
codes, messages, params and field paths, for tasks and task suites (one task and several), with and without
allow_defaults."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from toloka_emulator.batch import evaluate
from toloka_emulator.config import load_config
from toloka_emulator.input_spec import spec_json
from toloka_emulator.items import SUITE, TASK, ItemKind
from toloka_emulator.pools import Pools
from toloka_upload.checks import InputSpec, ItemChecker
from toloka_upload.kinds import Kind

CONFIG = load_config()
POOLS = Pools(CONFIG, [])
ACCOUNT = CONFIG.pools["1"].owner
# Pool 1's project, as the upload layer reads it (GET pool, GET project): a URL, bounded text, string choices,
# and a bounded integer (left to Python beside the schema).
SPEC = InputSpec(spec_json(CONFIG.projects[CONFIG.pools["1"].project_id].input_spec))
KINDS: dict[Kind, ItemKind] = {Kind.TASKS: TASK, Kind.TASK_SUITES: SUITE}


def mutated(base: dict[str, Any], fields: dict[str, st.SearchStrategy[Any]], most: int) -> st.SearchStrategy[Any]:
    """`base` (valid) with up to `most` of its fields set from `fields` (valid or not) or deleted."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        item = dict(base)
        for _ in range(draw(st.integers(0, most))):
            key = draw(st.sampled_from(sorted(fields)))
            if key in item and draw(st.integers(0, 4)) == 0:
                del item[key]
            else:
                item[key] = draw(fields[key])
        return item

    return build()


IMAGE = "https://x/1.png"
_VALUES: st.SearchStrategy[Any] = mutated(
    {"image": IMAGE},
    dict.fromkeys(
        ["image", "caption", "category", "priority", "other"],
        st.sampled_from([IMAGE, "ftp://x", "", "cat", "a long one", None, 0, 10, 11, 2.0, True, [], {}]),
    ),
    2,
) | st.sampled_from([None, [], "x"])
_STRINGS = st.sampled_from(["w1", "w2", "", 1, None])
_SET: st.SearchStrategy[Any] = st.lists(_STRINGS, max_size=3) | st.sampled_from(["w1", None, {}])
# The upload layer does not read the project's output spec: output values here are valid by it (`label`), or
# of the wrong shape, where both sides say the same without it.
_SOLUTION: st.SearchStrategy[Any] = mutated(
    {"output_values": {"label": "cat"}},
    {
        "output_values": st.sampled_from([{"label": "cat"}, None, [], "cat"]),
        "correctness_weight": st.sampled_from([0, 1, 0.5, 1.5, -0.1, "1", None, True]),
        "confidence_weight": st.sampled_from([0, 1, 2, None]),
    },
    2,
) | st.sampled_from([None, 3])
_SOLUTIONS: st.SearchStrategy[Any] = st.lists(_SOLUTION, max_size=2) | st.sampled_from([None, {}])
_LOCALIZATION: st.SearchStrategy[Any] = st.sampled_from(
    [{"default_language": "EN"}, {"default_language": 1}, {"additional_languages": [{"language": "FR"}, 2]}, "EN"]
)
_COMMON: dict[str, st.SearchStrategy[Any]] = {
    "pool_id": st.sampled_from(["1", "", None, 1]),
    "overlap": st.sampled_from([0, 1, 3, 2.0, 2.5, -1, 30000, 30001, True, None, "1"]),
    "infinite_overlap": st.sampled_from([True, False, None, 1]),
    "reserved_for": _SET,
    "traits_any_of": _SET,
    "__item_idx": st.just("0"),
}
_SOLUTION_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "input_values": _VALUES,
    "known_solutions": _SOLUTIONS,
    "message_on_unknown_solution": st.sampled_from(["wrong", 1, None]),
    "localization_config": _LOCALIZATION,
}
_TASKS = mutated(
    {"pool_id": "1", "overlap": 1, "input_values": {"image": IMAGE}},
    {**_COMMON, **_SOLUTION_FIELDS, "baseline_solutions": _SOLUTIONS},
    3,
)
_SUITE_TASK: st.SearchStrategy[Any] = mutated(
    {"input_values": {"image": IMAGE}},
    {**_SOLUTION_FIELDS, "baseline_solutions": _SOLUTIONS, "id": st.sampled_from(["t1", 5]), "other": st.just(1)},
    1,
) | st.sampled_from([None, 3])
_SUITES = mutated(
    {"pool_id": "1", "overlap": 1, "tasks": [{"input_values": {"image": IMAGE}}]},
    {
        **_COMMON,
        # One task, several, none, or not an array.
        "tasks": st.lists(_SUITE_TASK, min_size=1, max_size=1)
        | st.lists(_SUITE_TASK, min_size=2, max_size=3)
        | st.sampled_from([[], None, {}]),
        "latitude": st.sampled_from([0, 90, 90.5, -91, "north", None]),
        "issuing_order_override": st.sampled_from([1.5, 100000, None]),
        "mixed": st.sampled_from([True, 1]),
    },
    3,
)


def agree(kind: Kind, items: list[dict[str, Any]]) -> None:
    """Both users of the rule say the same of every item, with and without allow_defaults."""
    for allow_defaults in (False, True):
        checker = ItemChecker(kind, allow_defaults=allow_defaults, spec=SPEC, spec_pool="1")
        emulator = evaluate(items, KINDS[kind], ACCOUNT, POOLS, allow_defaults)
        refused = {index: errors for index, errors in emulator.errors.items()}
        assert {index for index, *_ in emulator.valid} == set(range(len(items))) - set(refused)
        upload = {index: errors for index, item in enumerate(items) if (errors := checker.check(item)) is not None}
        assert upload == refused, allow_defaults
        assert checker.all_valid(items) is (not refused), allow_defaults


@settings(max_examples=400, deadline=None)
@given(st.lists(_TASKS, min_size=1, max_size=4))
def test_the_upload_and_the_emulator_refuse_the_same_tasks_with_the_same_errors(items: list[dict[str, Any]]) -> None:
    agree(Kind.TASKS, items)


@settings(max_examples=400, deadline=None)
@given(st.lists(_SUITES, min_size=1, max_size=3))
def test_the_upload_and_the_emulator_refuse_the_same_suites_with_the_same_errors(
    items: list[dict[str, Any]],
) -> None:
    agree(Kind.TASK_SUITES, items)


def test_a_valid_batch_takes_the_one_call_path_and_a_doubtful_one_does_not() -> None:
    checker = ItemChecker(Kind.TASKS, allow_defaults=False, spec=SPEC, spec_pool="1")
    batch: list[dict[str, Any]] = [
        {"pool_id": "1", "overlap": 1, "input_values": {"image": f"https://x/{i}.png", "priority": 10}}
        for i in range(3)
    ]
    assert checker.all_valid(batch)
    assert checker.all_valid([*batch, {"pool_id": "2", "overlap": 1, "input_values": {"anything": 1}}])
    for doubtful in ({"priority": 11}, {"image": None}, {"category": "cow"}, {"extra": 1}):
        item = {"pool_id": "1", "overlap": 1, "input_values": {"image": "https://x/1.png", **doubtful}}
        assert not checker.all_valid([*batch, item])
        assert checker.check(item) is not None
    suites = ItemChecker(Kind.TASK_SUITES, allow_defaults=False, spec=SPEC, spec_pool="1")
    suite = {"pool_id": "1", "overlap": 1, "tasks": [{"input_values": {"image": "https://x/1.png"}}] * 2}
    assert suites.all_valid([suite, suite])
    assert not suites.all_valid([suite, {**suite, "tasks": [{"input_values": {}}]}])


def test_overlap_under_allow_defaults_fills_only_a_missing_one() -> None:
    """openapi.yaml CreateOverlap: allow_defaults fills a missing or null overlap; a given one keeps its bounds."""
    values = {"image": "https://x/1.png"}
    strict = ItemChecker(Kind.TASKS, allow_defaults=False, spec=SPEC, spec_pool="1")
    defaults = ItemChecker(Kind.TASKS, allow_defaults=True, spec=SPEC, spec_pool="1")
    for overlap in ({}, {"overlap": None}):
        item = {"pool_id": "1", "input_values": values, **overlap}
        assert defaults.check(item) is None
        assert strict.check(item) == {
            "overlap": {"code": "VALUE_REQUIRED", "message": "Value must be present and not equal to null"}
        }
        assert strict.check({**item, "infinite_overlap": True}) is None
    for checker in (strict, defaults):
        assert checker.check({"pool_id": "1", "input_values": values, "overlap": 0}) == {
            "overlap": {
                "code": "VALUE_LESS_THAN_MIN",
                "message": "Value must be greater than or equal to 1",
                "params": [1],
            }
        }
        assert checker.check({"pool_id": "1", "input_values": values, "overlap": 2.0}) is None
        assert checker.check({"pool_id": "1", "input_values": values, "overlap": True}) is not None
