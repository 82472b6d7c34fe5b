"""toloka_contract.fields: the API's codes and paths, and the JSON Schema fast path agreeing with the Python rules."""

from __future__ import annotations

import re
import sys
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toloka_contract.fields import WHITESPACE, FieldSpecs, compile_field, field_error

# Specs the fast path says wholly (types, lengths, sizes, string choices, optional fields) or in part ...
FAST_SPECS: list[dict[str, dict[str, Any]]] = [
    {"image": {"type": "url"}},
    {"image": {"type": "URL", "required": True}, "note": {"type": "string", "required": False, "max_length": 3}},
    {"n": {"type": "integer"}, "x": {"type": "float", "required": False}, "ok": {"type": "boolean"}},
    {"tags": {"type": "array_string", "min_size": 1, "max_size": 2}, "blob": {"type": "json", "required": False}},
    {"links": {"type": "array_url", "required": False}, "file": {"type": "file"}, "odd": {"type": "video"}},
    {"note": {"type": "string", "allowed_values": ["a", "b/"]}, "tags": {"type": "array_string", "required": False}},
    # The emulator's default project: string choices in the schema, numeric bounds by their Python rule beside it.
    {
        "image": {"type": "url", "required": True},
        "note": {"type": "string", "required": False, "min_length": 1, "max_length": 200},
        "ok": {"type": "string", "required": False, "allowed_values": ["cat", "dog", "other"]},
        "n": {"type": "integer", "required": False, "min_value": 0, "max_value": 10},
        "where": {"type": "coordinates", "required": False},
        "x": {"type": "float", "allowed_values": [1, True]},
    },
]
# ... and specs that take the Python path (a rule JSON Schema would say differently).
PYTHON_SPECS: list[dict[str, dict[str, Any]]] = [
    {"where": {"type": "coordinates"}},
    {"label": {"type": "integer", "allowed_values": [1, 2]}},
    {"n": {"type": "integer", "min_value": 0, "max_value": 2**60}},
]

_URLISH = st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "https://@", "http:/", ""])
_TEXT = st.text(alphabet=st.sampled_from("ab/?#@ .\t\n\x1c\x85\u2028\u3000\ufeff1,-"), max_size=8)
_CHOICES = st.sampled_from(["a", "b/", "cat", "dog", "0,0", "91,0", " 1.5 , -2 "])
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | _TEXT
    | st.builds(str.__add__, _URLISH, _TEXT)
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3), max_leaves=6)
_NAMES = st.sampled_from(["image", "note", "n", "x", "ok", "tags", "blob", "links", "file", "odd", "where", "other"])


def python_valid(spec: FieldSpecs, values: Any) -> bool:
    """What the Python rules say, the fast path left out."""
    errors: dict[str, Any] = {}
    python_only = FieldSpecs(spec.fields)
    python_only._fast = None  # the test compares the two paths
    python_only.validate(values, "input_values", errors)
    assert python_only.valid(values) is (not errors)
    return not errors


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(FAST_SPECS), st.dictionaries(_NAMES, _VALUES, max_size=4))
def test_the_fast_path_agrees_with_the_python_rules(fields: dict[str, dict[str, Any]], values: dict[str, Any]) -> None:
    spec = FieldSpecs(fields)
    assert spec.valid(values) is python_valid(spec, values)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(FAST_SPECS + PYTHON_SPECS), st.dictionaries(_NAMES, _VALUES, max_size=4))
def test_the_schema_without_python_fields_passes_only_valid_values(
    fields: dict[str, dict[str, Any]], values: dict[str, Any]
) -> None:
    spec = FieldSpecs(fields)
    if jsonschema_rs.Draft202012Validator(spec.schema_without_python_fields).is_valid(values):
        assert python_valid(spec, values)


def test_the_schema_without_python_fields_passes_values_that_leave_them_out() -> None:
    optional: dict[str, dict[str, Any]] = {
        "image": {"type": "url"},
        "n": {"type": "integer", "required": False, "max_value": 10},
    }
    is_valid = jsonschema_rs.Draft202012Validator(FieldSpecs(optional).schema_without_python_fields).is_valid
    assert is_valid({"image": "https://x/1.png"})
    assert is_valid({"image": "https://x/1.png", "n": None})
    assert not is_valid({"image": "https://x/1.png", "n": 3})  # valid, but its bound is Python's to check
    assert not is_valid({"image": None})
    required: dict[str, dict[str, Any]] = {"image": {"type": "url"}, "n": {"type": "integer", "max_value": 10}}
    is_valid = jsonschema_rs.Draft202012Validator(FieldSpecs(required).schema_without_python_fields).is_valid
    assert not is_valid({"image": "https://x/1.png", "n": 3})  # a required field left to Python: never here


def test_the_url_rules_whitespace_is_pythons() -> None:
    space = re.compile(f"[{WHITESPACE}]")
    wrong = [hex(c) for c in range(sys.maxunicode + 1) if bool(space.fullmatch(chr(c))) is not chr(c).isspace()]
    assert wrong == []


@pytest.mark.parametrize(
    ("fields", "values", "expected"),
    [
        ({"image": {"type": "url"}}, {"image": "https://x/@y"}, {}),
        (
            {"image": {"type": "url"}},
            {"image": "https://x\n"},
            {"input_values.image": field_error("INVALID_URL_SYNTAX")},
        ),
        ({"image": {"type": "url"}}, {}, {"input_values.image": field_error("VALUE_REQUIRED")}),
        ({"image": {"type": "url"}}, {"image": None}, {"input_values.image": field_error("VALUE_REQUIRED")}),
        (
            {"image": {"type": "url"}},
            {"image": "http://a", "x": 1},
            {"input_values.x": field_error("VALUE_NOT_ALLOWED")},
        ),
        ({"n": {"type": "integer"}}, {"n": 2.0}, {}),
        ({"n": {"type": "integer"}}, {"n": True}, {"input_values.n": field_error("INTEGER_EXPECTED")}),
        (
            {"t": {"type": "array_string", "max_size": 1}},
            {"t": ["a", None]},
            {
                "input_values.t": field_error("ARRAY_SIZE_GREATER_THAN_MAX", 1),
                "input_values.t.1": field_error("VALUE_REQUIRED"),
            },
        ),
        (
            {"s": {"type": "string", "min_length": 2}},
            {"s": "a"},
            {"input_values.s": field_error("STRING_LENGTH_LESS_THAN_MIN", 2)},
        ),
        ({"where": {"type": "coordinates"}}, {"where": "55.7, 37.6"}, {}),
        (
            {"where": {"type": "coordinates"}},
            {"where": "91,0"},
            {"input_values.where": field_error("INVALID_COORDINATES_SYNTAX")},
        ),
        (
            {"n": {"type": "integer", "max_value": 5}},
            {"n": 6},
            {"input_values.n": field_error("VALUE_GREATER_THAN_MAX", 5)},
        ),
        (
            {"label": {"type": "string", "allowed_values": ["cat"]}},
            {"label": "dog"},
            {"input_values.label": {"code": "VALUE_NOT_ALLOWED", "message": "Value is not allowed", "params": ["cat"]}},
        ),
        ({"odd": {"type": "video"}}, {"odd": 5}, {}),  # a type not known here is not checked, but is required
        ({"odd": {"type": "video"}}, {"odd": None}, {"input_values.odd": field_error("VALUE_REQUIRED")}),
    ],
)
def test_errors_name_the_field_path_and_the_apis_code(
    fields: dict[str, dict[str, Any]], values: dict[str, Any], expected: dict[str, Any]
) -> None:
    spec = FieldSpecs(fields)
    errors: dict[str, Any] = {}
    spec.validate(values, "input_values", errors)
    assert errors == expected
    assert spec.valid(values) is (not expected)


@pytest.mark.parametrize("fields", PYTHON_SPECS)
def test_rules_json_schema_would_say_differently_keep_pythons_meaning(fields: dict[str, dict[str, Any]]) -> None:
    spec = FieldSpecs(fields)
    name = next(iter(fields))
    for value in ("0,0", "91,0", True, 1, 1.0, 2**60, 2**60 + 1, -1, "x"):
        assert spec.valid({name: value}) is python_valid(spec, {name: value}), value


def test_a_value_json_has_no_form_for_takes_the_python_path() -> None:
    spec = FieldSpecs({"blob": {"type": "json"}, "tags": {"type": "array_string", "required": False}})
    assert spec.valid({"blob": object()}) is True  # json takes anything (orjson refuses it later, at its line)
    assert spec.valid({"blob": 1, "tags": ["a", 2**70]}) is False


def test_compile_field_has_no_check_for_an_unknown_type() -> None:
    assert compile_field({"type": "video"}) is None
    check = compile_field({"type": "ARRAY_INTEGER"})
    assert check is not None and check([1, "2"]) == {".1": field_error("INTEGER_EXPECTED")}
