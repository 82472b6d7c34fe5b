"""ItemChecker: the one-call batch check (`all_valid`) never passes an item that the rules (`_errors`) hold back."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from toloka_upload.checks import InputSpec, ItemChecker
from toloka_upload.kinds import Kind

# The emulator's default project: a URL, bounded text, string choices, and a bounded integer (left to Python).
SPEC = InputSpec(
    {
        "image": {"type": "url", "required": True},
        "caption": {"type": "string", "required": False, "min_length": 1, "max_length": 5},
        "category": {"type": "string", "required": False, "allowed_values": ["cat", "dog"]},
        "priority": {"type": "integer", "required": False, "min_value": 0, "max_value": 10},
    }
)
_VALUES: st.SearchStrategy[dict[str, Any]] = st.dictionaries(
    st.sampled_from(["image", "caption", "category", "priority", "other"]),
    st.sampled_from(["https://x/1.png", "ftp://x", "", "cat", "a long one", None, 0, 11, 2.0, True, [], {}]),
    max_size=4,
)
_ITEMS: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {},
    optional={
        "pool_id": st.sampled_from(["1", "2", "", None, 1]),
        "overlap": st.sampled_from([0, 3, 2.0, 2.5, -1, True, None, "1"]),
        "input_values": _VALUES | st.none() | st.just([]),
        "infinite_overlap": st.booleans(),
    },
)


def checkers() -> list[ItemChecker]:
    return [
        ItemChecker(Kind.TASKS, allow_defaults=False, spec=SPEC, spec_pool="1"),
        ItemChecker(Kind.TASKS, allow_defaults=True, spec=SPEC, spec_pool="1"),
        ItemChecker(Kind.TASKS, allow_defaults=False),
    ]


@settings(max_examples=500, deadline=None)
@given(st.lists(_ITEMS, min_size=1, max_size=4))
def test_a_batch_that_passes_in_one_call_passes_item_by_item(items: list[dict[str, Any]]) -> None:
    for checker in checkers():
        # `_errors` is the rules written out (what `check` falls back to); the schema is only their shortcut.
        rules = [checker._errors(item) for item in items]
        if checker.all_valid(items):
            assert rules == [None] * len(items)
        assert [checker.check(item) for item in items] == rules


def test_a_valid_batch_takes_the_one_call_path_and_a_doubtful_one_does_not() -> None:
    checker = checkers()[0]
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
    suites = ItemChecker(Kind.TASK_SUITES, allow_defaults=False)
    assert not suites.all_valid([{"pool_id": "1", "overlap": 1, "tasks": [{"input_values": {}}]}])


def test_a_whole_float_overlap_is_an_integer_as_the_contract_has_it() -> None:
    checker = checkers()[2]
    assert checker.check({"pool_id": "1", "overlap": 2.0, "input_values": {}}) is None
    assert checker.check({"pool_id": "1", "overlap": 2.5, "input_values": {}}) is not None
    assert checker.check({"pool_id": "1", "overlap": True, "input_values": {}}) is not None
