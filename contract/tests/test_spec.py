"""toloka_contract.spec reads the packaged openapi.yaml, which is the top-level file's content."""

from pathlib import Path

import pytest
from toloka_contract.spec import load_spec, parse_spec, spec_text

REPO = Path(__file__).resolve().parents[2]


def test_spec_text_is_the_top_level_openapi_yaml() -> None:
    assert spec_text() == (REPO / "openapi.yaml").read_text(encoding="utf-8")


def test_load_spec_parses_it_once() -> None:
    spec = load_spec()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/tasks" in spec["paths"]
    assert load_spec() is spec


def test_parse_spec_refuses_a_non_mapping() -> None:
    with pytest.raises(ValueError, match="not an OpenAPI document"):
        parse_spec("- just\n- a list\n")
