"""openapi.yaml, the contract, as shipped inside this package (read through importlib.resources).

In the repository the file is a symlink to the top-level openapi.yaml, the one file people edit; built wheels and
sdists carry its content. Beside it, `openapi.json` is the same document parsed, written by `make generate`
(`parsed_json`): every process that loads the contract (each `toloka-upload` run) reads it in under a millisecond
instead of importing and running a YAML parser (about 25 ms of CPU). contract/tests/test_spec.py and
`make check-generated` fail when the two differ.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

SPEC_RESOURCE = "openapi.yaml"
PARSED_RESOURCE = "openapi.json"


def spec_text() -> str:
    """The text of openapi.yaml."""
    return resources.files("toloka_contract").joinpath(SPEC_RESOURCE).read_text(encoding="utf-8")


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed openapi.yaml, read once per process: treat it as read-only (copy before changing it)."""
    document: dict[str, Any] = json.loads(resources.files("toloka_contract").joinpath(PARSED_RESOURCE).read_bytes())
    return document


def parse_spec(text: str) -> dict[str, Any]:
    """Parse an OpenAPI document (YAML or JSON text); ValueError unless it is a mapping."""
    import yaml  # only here: load_spec reads the parsed copy, so a run that parses nothing never imports it

    # libyaml's loader parses the spec in about 20 ms, the pure-Python one in about 150 ms; same result.
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(text, Loader=loader)  # noqa: S506 (a SafeLoader: CSafeLoader or SafeLoader)
    if not isinstance(document, dict):
        raise ValueError("not an OpenAPI document: the top level is not a mapping")
    return document


def parsed_json(text: str) -> str:
    """`openapi.json`'s content for an openapi.yaml text: the parsed document as JSON (what `make generate` writes)."""
    return json.dumps(parse_spec(text), ensure_ascii=False, indent=1) + "\n"
