"""The emulator's configuration: accounts with tokens, pools with input specs, and limits, read from TOML."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.toml")

SCALAR_TYPES = ("boolean", "string", "integer", "float", "url", "coordinates", "json")
FIELD_TYPES = frozenset(SCALAR_TYPES) | frozenset(f"array_{base}" for base in SCALAR_TYPES)
POOL_STATUSES = frozenset({"open", "closed", "archived"})
_FIELD_ATTRIBUTES = frozenset(
    {
        "type",
        "required",
        "min_length",
        "max_length",
        "allowed_values",
        "min_value",
        "max_value",
        "min_size",
        "max_size",
    }
)


_Settings = TypeVar("_Settings", "LimitsConfig", "StorageConfig", "WorkerConfig")


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the offending key, never a token."""


@dataclass(frozen=True)
class FieldSpec:
    """One input field of a pool's project spec."""

    name: str
    type: str
    required: bool = True
    min_length: int | None = None
    max_length: int | None = None
    allowed_values: tuple[Any, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    min_size: int | None = None
    max_size: int | None = None


@dataclass(frozen=True)
class PoolConfig:
    """A pool as configured: owner account, initial status, input spec and default overlaps."""

    id: str
    owner: str
    status: str
    input_spec: dict[str, FieldSpec]
    default_overlap_for_new_tasks: int
    default_overlap_for_new_task_suites: int
    example_input_values: dict[str, Any]


@dataclass(frozen=True)
class AccountConfig:
    """An account and the tokens that authenticate as it (kept out of the repr)."""

    name: str
    tokens: tuple[str, ...] = field(repr=False)


@dataclass(frozen=True)
class LimitsConfig:
    """Per-account rate limits and per-request size limits."""

    items_per_minute: int = 100_000
    items_per_day: int = 2_000_000
    sync_max_items: int = 5000
    max_body_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True)
class StorageConfig:
    """SQLite settings; `synchronous = "NORMAL"` survives kill -9 (WAL), `"FULL"` also survives power loss."""

    synchronous: str = "NORMAL"


@dataclass(frozen=True)
class WorkerConfig:
    """The background worker; `enabled = false` leaves async operations PENDING (to test resuming them)."""

    enabled: bool = True


@dataclass(frozen=True)
class EmulatorConfig:
    """The whole effective configuration, plus the raw TOML data it came from."""

    limits: LimitsConfig
    storage: StorageConfig
    worker: WorkerConfig
    accounts: tuple[AccountConfig, ...]
    pools: dict[str, PoolConfig]
    raw: dict[str, Any] = field(repr=False, compare=False)

    def token_of(self, account: str) -> str:
        """The first token of an account, for tests and tools that need to authenticate as it."""
        for acc in self.accounts:
            if acc.name == account:
                return acc.tokens[0]
        raise KeyError(account)

    def accounts_by_token(self) -> dict[str, str]:
        """Token → account name."""
        return {token: acc.name for acc in self.accounts for token in acc.tokens}

    def to_json(self) -> str:
        """The effective configuration as JSON (what `toloka-emulator config` prints)."""
        return json.dumps(self.raw, indent=2, sort_keys=False)


def load_config(path: Path | str | None = None) -> EmulatorConfig:
    """Read and check a TOML config file; the packaged default when `path` is None."""
    source = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {source}: {exc}") from exc
    return parse_config(raw)


def parse_config(raw: dict[str, Any]) -> EmulatorConfig:
    """Build an EmulatorConfig from already-parsed TOML data, filling defaults into `raw` for printing."""
    limits = _build(LimitsConfig, raw.setdefault("limits", {}), "limits")
    storage = _build(StorageConfig, raw.setdefault("storage", {}), "storage")
    worker = _build(WorkerConfig, raw.setdefault("worker", {}), "worker")
    if storage.synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ConfigError("storage.synchronous must be OFF, NORMAL, FULL or EXTRA")
    accounts = tuple(_account(i, a) for i, a in enumerate(raw.get("accounts", [])))
    names = {a.name for a in accounts}
    if len(names) != len(accounts):
        raise ConfigError("account names must be unique")
    all_tokens = [t for a in accounts for t in a.tokens]
    if len(set(all_tokens)) != len(all_tokens):
        raise ConfigError("a token is listed for more than one account")
    pools: dict[str, PoolConfig] = {}
    for i, entry in enumerate(raw.get("pools", [])):
        pool = _pool(i, entry, names)
        if pool.id in pools:
            raise ConfigError(f"pools[{i}]: duplicate pool id {pool.id!r}")
        pools[pool.id] = pool
    return EmulatorConfig(limits=limits, storage=storage, worker=worker, accounts=accounts, pools=pools, raw=raw)


def _build(cls: type[_Settings], data: Any, where: str) -> _Settings:
    """Instantiate a flat settings dataclass from a TOML table, rejecting unknown keys and wrong types."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table")
    defaults = cls()
    for key, value in data.items():
        if not hasattr(defaults, key):
            raise ConfigError(f"{where}.{key} is not a known setting")
        if type(value) is not type(getattr(defaults, key)):
            raise ConfigError(f"{where}.{key} must be of type {type(getattr(defaults, key)).__name__}")
    for key in vars(defaults):
        data.setdefault(key, getattr(defaults, key))
    return cls(**data)


def _account(index: int, entry: Any) -> AccountConfig:
    """One [[accounts]] entry."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
        raise ConfigError(f"accounts[{index}] needs a non-empty string name")
    tokens = entry.get("tokens")
    if not isinstance(tokens, list) or not tokens or not all(isinstance(t, str) and t for t in tokens):
        raise ConfigError(f"accounts[{index}].tokens must be a non-empty list of non-empty strings")
    return AccountConfig(name=entry["name"], tokens=tuple(tokens))


def _pool(index: int, entry: Any, accounts: set[str]) -> PoolConfig:
    """One [[pools]] entry."""
    where = f"pools[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table")
    pool_id = entry.get("id")
    if not isinstance(pool_id, str) or not pool_id:
        raise ConfigError(f"{where}.id must be a non-empty string")
    if entry.get("owner") not in accounts:
        raise ConfigError(f"{where}.owner must name a configured account")
    status = entry.get("status", "open")
    if status not in POOL_STATUSES:
        raise ConfigError(f"{where}.status must be one of {sorted(POOL_STATUSES)}")
    overlaps = []
    for key in ("default_overlap_for_new_tasks", "default_overlap_for_new_task_suites"):
        value = entry.get(key, 1)
        if type(value) is not int or not 1 <= value <= 30000:
            raise ConfigError(f"{where}.{key} must be an integer in 1..30000")
        overlaps.append(value)
    spec_data = entry.get("input_spec", {})
    if not isinstance(spec_data, dict):
        raise ConfigError(f"{where}.input_spec must be a table")
    spec = {name: _field(f"{where}.input_spec.{name}", name, data) for name, data in spec_data.items()}
    example = entry.get("example_input_values", {})
    if not isinstance(example, dict):
        raise ConfigError(f"{where}.example_input_values must be a table")
    return PoolConfig(
        id=pool_id,
        owner=entry["owner"],
        status=status,
        input_spec=spec,
        default_overlap_for_new_tasks=overlaps[0],
        default_overlap_for_new_task_suites=overlaps[1],
        example_input_values=example,
    )


def _field(where: str, name: str, data: Any) -> FieldSpec:
    """One input field of a pool's spec."""
    if not isinstance(data, dict) or data.get("type") not in FIELD_TYPES:
        raise ConfigError(f"{where} needs a type among {sorted(FIELD_TYPES)}")
    unknown = set(data) - _FIELD_ATTRIBUTES
    if unknown:
        raise ConfigError(f"{where}: unknown attributes {sorted(unknown)}")
    allowed = data.get("allowed_values")
    if allowed is not None and not isinstance(allowed, list):
        raise ConfigError(f"{where}.allowed_values must be a list")
    for key in ("min_length", "max_length", "min_size", "max_size"):
        if key in data and type(data[key]) is not int:
            raise ConfigError(f"{where}.{key} must be an integer")
    for key in ("min_value", "max_value"):
        if key in data and type(data[key]) not in (int, float):
            raise ConfigError(f"{where}.{key} must be a number")
    if type(data.get("required", True)) is not bool:
        raise ConfigError(f"{where}.required must be a boolean")
    return FieldSpec(
        name=name,
        type=data["type"],
        required=data.get("required", True),
        min_length=data.get("min_length"),
        max_length=data.get("max_length"),
        allowed_values=tuple(allowed) if allowed is not None else None,
        min_value=data.get("min_value"),
        max_value=data.get("max_value"),
        min_size=data.get("min_size"),
        max_size=data.get("max_size"),
    )
