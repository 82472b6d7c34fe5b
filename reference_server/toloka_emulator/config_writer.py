"""Writing a config file: the default (or a given) config with overrides merged in, for tests and benchmarks."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

from toloka_emulator.config import DEFAULT_CONFIG_PATH, merge_overrides, parse_config

__all__ = ["dumps_toml", "merge_overrides", "write_config"]


def write_config(
    path: Path | str, overrides: dict[str, Any] | None = None, base_path: Path | str | None = None
) -> Path:
    """Write `base_path` (the packaged default if None) with `overrides` merged in to `path`, checked; return it.

    Example: `write_config(tmp / "c.toml", {"limits": {"items_per_minute": 10**9}})`. Lists (`accounts`,
    `pools`) are replaced whole, so `{"pools": [...]}` swaps in a new set of pools.
    """
    source = Path(base_path) if base_path is not None else DEFAULT_CONFIG_PATH
    raw = merge_overrides(tomllib.loads(source.read_text(encoding="utf-8")), overrides or {})
    parse_config(copy.deepcopy(raw))
    target = Path(path)
    target.write_text(dumps_toml(raw), encoding="utf-8")
    return target


def dumps_toml(data: dict[str, Any]) -> str:
    """TOML text for a table of plain values: every top-level key as `key = <inline value>`."""
    return "".join(f"{_key(key)} = {_inline(value)}\n" for key, value in data.items())


def _key(key: str) -> str:
    """A quoted TOML key (JSON string escapes are valid TOML basic-string escapes)."""
    return json.dumps(key)


def _inline(value: Any) -> str:
    """One value as inline TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_inline(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write a {type(value).__name__} to TOML")
