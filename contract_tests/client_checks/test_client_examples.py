"""Every example of openapi.yaml and of the source pages parses into its generated model and round-trips.

The source pages are copied verbatim into `seeds/` (a clone has no `../shared`); their JSON blocks are the
docs' own examples, so the generated client must read them exactly as documented.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import toloka_client.models
from toloka_contract.schema import operations, resolve
from toloka_contract.spec import load_spec
from toloka_contract.testing import SpecExample, iter_examples, named_schema, validator
from toloka_contract.timestamps import TIMESTAMP_PATTERN

SPEC = load_spec()
EXAMPLES = list(iter_examples(SPEC))
SEEDS = Path(__file__).resolve().parent / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
PRIMITIVE_TYPES = {"string", "integer", "number", "boolean"}
# Which response each JSON block of the pages documents, by (page, block index). Blocks not listed must be the
# placeholder kind (`{<task suite>}`), which are not JSON.
SEED_BLOCKS = {
    ("000_ec6556d6e5e1755d.txt", 0): ("create_tasks", 201),
    ("000_ec6556d6e5e1755d.txt", 1): ("create_tasks", 202),
}
SEED_PLACEHOLDER_BLOCKS = {("002_bd1184a6d45ebe3a.txt", 0)}
FENCED_JSON = re.compile(r"^[ \t]*```json[ \t]*\n(.*?)^[ \t]*```", re.MULTILINE | re.DOTALL)
# The task-suites page lost its fences: its response sample is a bare brace block at the start of a line.
BARE_BLOCK = re.compile(r"^\{\n.*?^\}$", re.MULTILINE | re.DOTALL)


def generated_model(name: str) -> Any:
    """The generated class for `components/schemas/<name>`, or None where the generator makes none."""
    return getattr(toloka_client.models, name, None)


def assert_round_trips(model: Any, value: Any, is_list: bool) -> None:
    """`from_dict(x).to_dict() == x`, item by item for an array."""
    items = value if is_list else [value]
    assert isinstance(items, list)
    for item in items:
        parsed = model.from_dict(item)
        assert isinstance(parsed, model)
        assert parsed.to_dict() == item


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.pointer for example in EXAMPLES])
def test_spec_example_parses_into_its_model_and_round_trips(example: SpecExample) -> None:
    named = named_schema(SPEC, example.schema, example.schema_pointer, value=example.value)
    model = None if named is None else generated_model(named.name)
    if model is None:
        # Only scalars have no generated class; their type is the lint's business.
        assert resolve(SPEC, example.schema).get("type") in PRIMITIVE_TYPES
        return
    assert named is not None
    assert_round_trips(model, example.value, named.is_list)


def test_the_examples_are_really_there() -> None:
    """The parametrized check above cannot pass vacuously: the spec's model examples are all found."""
    names = {
        named.name
        for example in EXAMPLES
        if (named := named_schema(SPEC, example.schema, example.schema_pointer, value=example.value))
    }
    documented = {"Task", "TaskCreate", "TaskSuiteCreate", "TaskBatchCreateResult", "TaskSuiteBatchCreateResult"}
    documented |= {"TaskList", "Operation", "OperationLogItem", "Error", "InputValues"}
    assert documented <= names
    assert all(generated_model(name) is not None for name in documented)


def test_the_timestamp_format_is_the_spec_pattern() -> None:
    """`date-time-local` as the checks assert it is the pattern the spec writes down."""
    assert SPEC["components"]["schemas"]["Timestamp"]["pattern"] == TIMESTAMP_PATTERN


def seed_blocks(text: str) -> list[str]:
    """The JSON-looking blocks of a page: fenced ```json blocks, else bare brace blocks."""
    return FENCED_JSON.findall(text) or BARE_BLOCK.findall(text)


def parsed_seed_blocks() -> tuple[dict[tuple[str, int], Any], set[tuple[str, int]]]:
    """The pages' blocks that are JSON, by (page, index), and the positions of those that are not."""
    parsed: dict[tuple[str, int], Any] = {}
    skipped: set[tuple[str, int]] = set()
    for page in sorted(SEEDS.glob("*.txt")):
        for index, block in enumerate(seed_blocks(page.read_text(encoding="utf-8"))):
            try:
                parsed[page.name, index] = json.loads(block)
            except json.JSONDecodeError:
                skipped.add((page.name, index))
    return parsed, skipped


SEED_VALUES, SEED_SKIPPED = parsed_seed_blocks()


def test_the_seed_blocks_found_are_the_known_ones() -> None:
    assert set(SEED_VALUES) == set(SEED_BLOCKS)
    assert SEED_SKIPPED == SEED_PLACEHOLDER_BLOCKS


@pytest.mark.parametrize("block", sorted(SEED_BLOCKS), ids=[f"{page}#{index}" for page, index in sorted(SEED_BLOCKS)])
def test_seed_example_validates_parses_and_round_trips(block: tuple[str, int]) -> None:
    operation_id, status = SEED_BLOCKS[block]
    [operation] = [operation for operation in operations(SPEC) if operation.operation_id == operation_id]
    schema = operation.responses[status].schema
    value = SEED_VALUES[block]
    assert list(validator(SPEC, schema).iter_errors(value)) == []
    named = named_schema(SPEC, schema, value=value)
    assert named is not None
    assert_round_trips(generated_model(named.name), value, named.is_list)


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="no ../shared/seeds next to this clone")
@pytest.mark.parametrize("page", sorted(path.name for path in SEEDS.glob("*.txt")))
def test_seed_copies_are_verbatim(page: str) -> None:
    assert (SEEDS / page).read_bytes() == (SHARED_SEEDS / page).read_bytes()
