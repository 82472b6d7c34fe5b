"""openapi.yaml, the contract, as shipped inside this package (read through importlib.resources).

In the repository the file is a symlink to the top-level openapi.yaml, the one file people edit; built wheels and
sdists carry its content.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

SPEC_RESOURCE = "openapi.yaml"

# libyaml's loader parses the spec in about 20 ms, the pure-Python one in about 150 ms; same result.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def spec_text() -> str:
    """The text of openapi.yaml."""
    return resources.files("toloka_contract").joinpath(SPEC_RESOURCE).read_text(encoding="utf-8")


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed openapi.yaml, parsed once per process: treat it as read-only (copy before changing it)."""
    return parse_spec(spec_text())


def parse_spec(text: str) -> dict[str, Any]:
    """Parse an OpenAPI document (YAML or JSON text); ValueError unless it is a mapping."""
    document = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader: CSafeLoader or SafeLoader)
    if not isinstance(document, dict):
        raise ValueError("not an OpenAPI document: the top level is not a mapping")
    return document
