"""toloka_contract.spec reads the packaged openapi.yaml, which is the top-level file's content."""

from pathlib import Path

import pytest
from toloka_contract.spec import load_spec, parse_spec, parsed_json, spec_text

REPO = Path(__file__).resolve().parents[2]


def test_spec_text_is_the_top_level_openapi_yaml() -> None:
    assert spec_text() == (REPO / "openapi.yaml").read_text(encoding="utf-8")


def test_the_parsed_copy_is_openapi_yaml_parsed() -> None:
    """openapi.json (what load_spec reads) is what `make generate` writes for today's openapi.yaml."""
    packaged = (REPO / "contract" / "toloka_contract" / "openapi.json").read_text(encoding="utf-8")
    assert packaged == parsed_json(spec_text()), "openapi.json is stale: run `make generate`"
    assert load_spec() == parse_spec(spec_text())


def test_load_spec_parses_it_once() -> None:
    spec = load_spec()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/tasks" in spec["paths"]
    assert load_spec() is spec


def test_parse_spec_refuses_a_non_mapping() -> None:
    with pytest.raises(ValueError, match="not an OpenAPI document"):
        parse_spec("- just\n- a list\n")


def test_is_uuid_is_the_exact_text_form() -> None:
    from toloka_contract.schema import is_uuid

    assert is_uuid("12345678-1234-1234-1234-123456789abc")
    assert is_uuid("12345678-1234-1234-1234-123456789ABC")
    for almost in (
        " 2345678-1234-1234-1234-123456789abc",
        "1234_678-1234-1234-1234-123456789abc",
        "{12345678-1234-1234-1234-123456789abc}",
        "12345678123412341234123456789abc",
        "12345678-1234-1234-1234-123456789abc\n",
    ):
        assert not is_uuid(almost), almost
    assert not is_uuid(12345678)
