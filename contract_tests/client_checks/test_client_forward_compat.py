"""The generated client reads tomorrow's answers: real answers with an enum value or a field the contract lacks.

Every answer of the corpus (`contract_tests/corpus/responses/`, Toloka's real payloads) is varied twice over:
each enum value in it replaced by one the contract does not list (one variant per value), and an extra field
added to every object that has named fields or takes any key. Each variant must parse into its generated model
and round-trip through `to_dict()` unchanged; an unknown enum value is kept, compares equal to its string and
says it is not known (toloka-kit's rule: "should not fail on unknown enum values").
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import EnumMeta
from pathlib import Path
from typing import Any

import pytest
import toloka_client.models
from toloka_client.models import OperationStatus, PoolStatus
from toloka_contract.schema import operations, resolve
from toloka_contract.spec import load_spec
from toloka_contract.testing import named_schema, validator

SPEC = load_spec()
CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "responses"
ANY_OPERATION = "*"
TOMORROWS_VALUE = "ADDED_AFTER_THIS_CONTRACT"
TOMORROWS_FIELD = "field_added_after_this_contract"
TOMORROWS_FIELD_VALUE = {"nested": [1, "two", None], "flag": True}
Path_ = tuple[str | int, ...]
GENERATED_ENUMS = (OperationStatus, PoolStatus)  # every enum of the contract (test_every_enum_is_listed)


@dataclass(frozen=True)
class Answer:
    """One corpus answer with the schema the contract documents it under."""

    id: str
    schema: Any
    body: Any


def _answers() -> list[Answer]:
    by_id = {operation.operation_id: operation for operation in operations(SPEC)}
    answers = []
    for path in sorted(CORPUS.glob("**/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if "body" not in record:
            continue  # a 204: nothing to parse
        status = record["status"]
        targets = (
            [operation for operation in by_id.values() if status in operation.responses]
            if record["operation"] == ANY_OPERATION
            else [by_id[record["operation"]]]
        )
        # An error body given for every operation has one schema (Error) whichever operation answers it.
        operation = targets[0]
        answer_id = path.relative_to(CORPUS).with_suffix("").as_posix()
        answers.append(Answer(answer_id, operation.responses[status].schema, record["body"]))
    return answers


def _walk(schema: Any, value: Any, at: Path_, enums: list[Path_], objects: list[Path_]) -> None:
    """Collect where `value` holds an enum value and which of its objects take extra fields, following `schema`."""
    schema = resolve(SPEC, schema)
    if not isinstance(schema, dict):
        return
    for union in ("oneOf", "anyOf"):
        for member in schema.get(union, ()):
            if validator(SPEC, member).is_valid(value):
                _walk(member, value, at, enums, objects)
                break
    if "enum" in schema and isinstance(value, str):
        enums.append(at)
    if isinstance(value, list):
        for index, item in enumerate(value):
            _walk(schema.get("items"), item, (*at, index), enums, objects)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        typed_map = isinstance(extra, dict) and bool(extra)
        if extra is not False and not typed_map:
            objects.append(at)
        for key, item in value.items():
            sub = properties.get(key, extra if typed_map else None)
            _walk(sub, item, (*at, key), enums, objects)


def _places(answer: Answer) -> tuple[list[Path_], list[Path_]]:
    enums: list[Path_] = []
    objects: list[Path_] = []
    _walk(answer.schema, answer.body, (), enums, objects)
    return enums, objects


def _set(body: Any, at: Path_, value: Any) -> Any:
    changed = copy.deepcopy(body)
    node = changed
    for part in at[:-1]:
        node = node[part]
    node[at[-1]] = value
    return changed


def _with_extra_fields(body: Any, objects: list[Path_]) -> Any:
    changed = copy.deepcopy(body)
    for at in objects:
        node = changed
        for part in at:
            node = node[part]
        node[TOMORROWS_FIELD] = TOMORROWS_FIELD_VALUE
    return changed


def _parse_and_round_trip(answer: Answer, body: Any) -> list[Any]:
    """Parse `body` as the model the contract names for it; assert `to_dict()` gives it back; the parsed values."""
    named = named_schema(SPEC, answer.schema, value=body)
    assert named is not None, f"{answer.id}: no named schema for the answer"
    model = getattr(toloka_client.models, named.name)
    items = body if named.is_list else [body]
    parsed = []
    for item in items:
        value = model.from_dict(item)
        assert isinstance(value, model)
        assert value.to_dict() == item
        parsed.append(value)
    return parsed


def _get(parsed: Any, at: Path_) -> Any:
    """The attribute of a parsed model at a JSON path (models by attribute name, maps and lists by key)."""
    node = parsed
    for part in at:
        if isinstance(part, int):
            node = node[part]
        elif hasattr(node, "additional_properties") and part in node.additional_properties:
            node = node.additional_properties[part]
        else:
            node = getattr(node, part)
    return node


def _parsed_at(answer: Answer, body: Any, at: Path_) -> Any:
    """Parse and round-trip `body`, then return the parsed value at `at`."""
    parsed = _parse_and_round_trip(answer, body)
    return _get(parsed if isinstance(body, list) else parsed[0], at)


ANSWERS = _answers()


def _enum_variants() -> Iterator[Any]:
    for answer in ANSWERS:
        enums, _ = _places(answer)
        for at in enums:
            place = "/".join(map(str, at))
            yield pytest.param(answer, at, id=f"{answer.id}@{place}")


ENUM_VARIANTS = list(_enum_variants())


@pytest.mark.parametrize(("answer", "at"), ENUM_VARIANTS)
def test_an_unknown_enum_value_parses_round_trips_and_compares(answer: Answer, at: Path_) -> None:
    body = _set(answer.body, at, TOMORROWS_VALUE)
    value = _parsed_at(answer, body, at)
    assert isinstance(value, GENERATED_ENUMS)
    assert value == TOMORROWS_VALUE
    assert value.value == TOMORROWS_VALUE
    assert not value.is_known
    assert all(value != member for member in type(value))
    # The known value it replaced still parses as the named member, which is known.
    known = _parsed_at(answer, answer.body, at)
    assert known is type(value)(known.value)
    assert known.is_known


@pytest.mark.parametrize("answer", ANSWERS, ids=[answer.id for answer in ANSWERS])
def test_an_extra_field_in_every_object_round_trips(answer: Answer) -> None:
    _, objects = _places(answer)
    assert objects or answer.body == [], f"{answer.id}: no object to add a field to"
    _parse_and_round_trip(answer, _with_extra_fields(answer.body, objects))


def test_the_variants_are_really_there() -> None:
    """The checks above cannot pass vacuously: the corpus has the operation and pool statuses to replace."""
    replaced = {("status" in at, answer.id.split("/")[0]) for answer, at in (p.values for p in ENUM_VARIANTS)}
    assert {(True, "get_operation"), (True, "get_pool"), (True, "create_tasks")} <= replaced
    assert len(ENUM_VARIANTS) >= 16
    assert len(ANSWERS) >= 90


def test_a_value_that_is_not_a_string_is_still_refused() -> None:
    """Forward compatibility is for new strings only: a number where a status belongs stays a ValueError."""
    with pytest.raises(ValueError, match="is not a valid"):
        OperationStatus(3)  # type: ignore[arg-type]


def test_every_enum_is_listed() -> None:
    """GENERATED_ENUMS above holds every enum class the generator makes, so a new one is checked too."""
    enums = {name for name in dir(toloka_client.models) if isinstance(getattr(toloka_client.models, name), EnumMeta)}
    assert enums == {enum.__name__ for enum in GENERATED_ENUMS}
