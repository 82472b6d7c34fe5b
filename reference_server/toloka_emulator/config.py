"""The emulator's configuration: accounts with tokens, projects with field specs, pools, and limits, from TOML."""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from toloka_contract.auth import authorization_scheme
from toloka_contract.fields import FIELD_TYPES
from toloka_contract.timestamps import format_timestamp, parse_timestamp

from toloka_emulator.spec_bounds import OVERLAP_MAX, OVERLAP_MIN

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.toml")

POOL_STATUSES = frozenset({"open", "closed", "archived"})
_FIELD_ATTRIBUTES = frozenset(
    {
        "type",
        "required",
        "hidden",
        "min_length",
        "max_length",
        "allowed_values",
        "min_value",
        "max_value",
        "min_size",
        "max_size",
    }
)


_Settings = TypeVar("_Settings", "LimitsConfig", "StorageConfig", "WorkerConfig", "FaultsConfig")
# One knob for both kinds (the seed pages' single figure): sets both per-kind limits it names, over their values.
_BOTH_KINDS = {
    "items_per_minute": ("tasks_per_minute", "task_suites_per_minute"),
    "items_per_day": ("tasks_per_day", "task_suites_per_day"),
}


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the offending key, never a token."""


# When configured pools and projects were "created" unless the config says otherwise.
DEFAULT_CREATED = "2026-01-01T00:00:00.000"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a project's input or output spec."""

    name: str
    type: str
    required: bool = True
    hidden: bool = False
    min_length: int | None = None
    max_length: int | None = None
    allowed_values: tuple[Any, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    min_size: int | None = None
    max_size: int | None = None


@dataclass(frozen=True)
class ProjectConfig:
    """A project as configured: owner account and the specs of its tasks' input and output values."""

    id: str
    owner: str
    public_name: str
    input_spec: dict[str, FieldSpec]
    output_spec: dict[str, FieldSpec]
    created: str = DEFAULT_CREATED


@dataclass(frozen=True)
class PoolConfig:
    """A pool as configured: owner account, project, initial status and default overlaps.

    Its tasks' `input_values` are checked against its project's input spec.
    """

    id: str
    owner: str
    status: str
    project_id: str
    default_overlap_for_new_tasks: int
    default_overlap_for_new_task_suites: int
    example_input_values: dict[str, Any]
    private_name: str = ""
    created: str = DEFAULT_CREATED


@dataclass(frozen=True)
class AccountConfig:
    """An account and the tokens that authenticate as it (kept out of the repr).

    `tokens` are OAuth-style tokens, `api_keys` API keys shaped as toloka-kit recognises them (two dots, the
    first at position 22 to 24), so that the official SDK sends them with the `ApiKey` scheme. The server
    accepts every credential of an account with either scheme.
    """

    name: str
    tokens: tuple[str, ...] = field(repr=False)
    api_keys: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class LimitsConfig:
    """Per-account rate limits (items created per kind and window, requests a second) and per-request size limits.

    The defaults are Toloka's documented quotas (../shared/toloka-api-notes.md, "Corrections, second set": DOCS
    `parts/api/info-description.md`, "Rate limiting"). `requests_per_second = 0` turns the request limit off.
    """

    tasks_per_minute: int = 200_000
    tasks_per_day: int = 4_000_000
    task_suites_per_minute: int = 100_000
    task_suites_per_day: int = 2_000_000
    requests_per_second: int = 300
    sync_max_items: int = 5000
    max_body_bytes: int = 64 * 1024 * 1024

    @property
    def items_per_minute(self) -> int:
        """The larger per-minute item limit: more items than this in a minute get a 429 whatever the kind."""
        return max(self.tasks_per_minute, self.task_suites_per_minute)


@dataclass(frozen=True)
class StorageConfig:
    """SQLite settings; `synchronous = "NORMAL"` survives kill -9 (WAL), `"FULL"` also survives power loss."""

    synchronous: str = "NORMAL"


@dataclass(frozen=True)
class WorkerConfig:
    """The background worker and how long operations take (both 0: they end as soon as the worker reaches them).

    `enabled = false` leaves async operations PENDING (to test resuming them). An upload operation stays PENDING
    for `operation_delay_s`, then RUNNING (its `progress` growing) for its item count / `operation_items_per_second`.
    """

    enabled: bool = True
    operation_delay_s: float = 0.0
    operation_items_per_second: float = 0.0

    def duration(self, items: int) -> float:
        """Seconds an operation of `items` items stays RUNNING."""
        return items / self.operation_items_per_second if self.operation_items_per_second > 0 else 0.0

    @property
    def latency(self) -> bool:
        """Whether operations take time at all."""
        return self.operation_delay_s > 0 or self.operation_items_per_second > 0


@dataclass(frozen=True)
class FaultsConfig:
    """Injected faults, each a share of requests (0..1), drawn from a random generator seeded with `seed`.

    `error_rate`: answered 500 or 503 before anything is done. `drop_after_commit_rate`: uploads that are committed,
    then their connection is dropped before the answer's body. `poll_429_rate`: operation reads answered 429.
    """

    seed: int = 0
    error_rate: float = 0.0
    drop_after_commit_rate: float = 0.0
    poll_429_rate: float = 0.0

    @property
    def any(self) -> bool:
        """Whether any fault is injected."""
        return bool(self.error_rate or self.drop_after_commit_rate or self.poll_429_rate)


@dataclass(frozen=True)
class EmulatorConfig:
    """The whole effective configuration, plus the raw TOML data it came from."""

    limits: LimitsConfig
    storage: StorageConfig
    worker: WorkerConfig
    accounts: tuple[AccountConfig, ...]
    pools: dict[str, PoolConfig]
    projects: dict[str, ProjectConfig] = field(default_factory=dict)
    faults: FaultsConfig = field(default_factory=FaultsConfig)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def account(self, name: str) -> AccountConfig:
        """The configured account of that name (KeyError if none)."""
        for acc in self.accounts:
            if acc.name == name:
                return acc
        raise KeyError(name)

    def token_of(self, account: str) -> str:
        """The first token of an account, for tests and tools that need to authenticate as it."""
        return self.account(account).tokens[0]

    def api_key_of(self, account: str) -> str:
        """The first API key of an account (KeyError if it has none)."""
        keys = self.account(account).api_keys
        if not keys:
            raise KeyError(f"{account} has no api_keys")
        return keys[0]

    def accounts_by_token(self) -> dict[str, str]:
        """Token or API key → account name."""
        return {token: acc.name for acc in self.accounts for token in (*acc.tokens, *acc.api_keys)}

    def project_of(self, pool_id: str) -> ProjectConfig:
        """The project of a configured pool."""
        return self.projects[self.pools[pool_id].project_id]

    def to_json(self) -> str:
        """The effective configuration as JSON (`--config` reads it back too)."""
        return json.dumps(self.raw, indent=2, sort_keys=False)

    def with_overrides(self, overrides: Mapping[str, Any]) -> EmulatorConfig:
        """This configuration with `overrides` merged in (see `merge_overrides`), checked."""
        return parse_config(merge_overrides(self.raw, overrides))


def merge_overrides(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of `base` with `overrides` merged in: tables merge key by key, anything else replaces.

    Lists (`accounts`, `projects`, `pools`) are replaced whole, so `{"pools": [...]}` swaps in a new set of pools.
    """
    merged = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = merge_overrides(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_config(path: Path | str | None = None, overrides: Mapping[str, Any] | None = None) -> EmulatorConfig:
    """Read and check a config file (TOML, or JSON as `toloka-emulator config` prints it), `overrides` merged in.

    The packaged default when `path` is None; `load_config(overrides={...})` builds a config from a dict alone.
    """
    source = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        text = source.read_text(encoding="utf-8")
        raw = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (OSError, ValueError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise ConfigError(f"cannot read config {source}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"cannot read config {source}: not a table")
    return parse_config(merge_overrides(raw, overrides) if overrides else raw)


def parse_config(raw: dict[str, Any]) -> EmulatorConfig:
    """Build an EmulatorConfig from already-parsed TOML data, filling defaults into `raw` for printing."""
    limits_table = raw.setdefault("limits", {})
    if isinstance(limits_table, dict):
        for both, keys in _BOTH_KINDS.items():
            if both in limits_table:
                value = limits_table.pop(both)
                for key in keys:
                    limits_table[key] = value
    limits = _build(LimitsConfig, limits_table, "limits")
    storage = _build(StorageConfig, raw.setdefault("storage", {}), "storage")
    worker = _build(WorkerConfig, raw.setdefault("worker", {}), "worker")
    faults = _build(FaultsConfig, raw.setdefault("faults", {}), "faults")
    for key in ("error_rate", "drop_after_commit_rate", "poll_429_rate"):
        if not 0 <= getattr(faults, key) <= 1:
            raise ConfigError(f"faults.{key} must be between 0 and 1")
    if worker.operation_delay_s < 0 or worker.operation_items_per_second < 0:
        raise ConfigError("worker.operation_delay_s and worker.operation_items_per_second must not be negative")
    if storage.synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ConfigError("storage.synchronous must be OFF, NORMAL, FULL or EXTRA")
    accounts = tuple(_account(i, a) for i, a in enumerate(raw.get("accounts", [])))
    names = {a.name for a in accounts}
    if len(names) != len(accounts):
        raise ConfigError("account names must be unique")
    all_tokens = [t for a in accounts for t in (*a.tokens, *a.api_keys)]
    if len(set(all_tokens)) != len(all_tokens):
        raise ConfigError("a token is listed more than once")
    projects: dict[str, ProjectConfig] = {}
    for i, entry in enumerate(raw.get("projects", [])):
        project = _project(i, entry, names)
        if project.id in projects:
            raise ConfigError(f"projects[{i}]: duplicate project id {project.id!r}")
        projects[project.id] = project
    pools: dict[str, PoolConfig] = {}
    for i, entry in enumerate(raw.get("pools", [])):
        pool = _pool(i, entry, names, projects)
        if pool.id in pools:
            raise ConfigError(f"pools[{i}]: duplicate pool id {pool.id!r}")
        pools[pool.id] = pool
    return EmulatorConfig(
        limits=limits,
        storage=storage,
        worker=worker,
        accounts=accounts,
        pools=pools,
        projects=projects,
        faults=faults,
        raw=raw,
    )


def _build(cls: type[_Settings], data: Any, where: str) -> _Settings:
    """Instantiate a flat settings dataclass from a TOML table, rejecting unknown keys and wrong types."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table")
    defaults = cls()
    for key, value in list(data.items()):
        if key not in vars(defaults):
            raise ConfigError(f"{where}.{key} is not a known setting")
        expected = type(getattr(defaults, key))
        if expected is float and type(value) is int:
            data[key] = value = float(value)  # `operation_delay_s = 2` means 2.0
        if type(value) is not expected:
            raise ConfigError(f"{where}.{key} must be of type {expected.__name__}")
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
    api_keys = entry.get("api_keys", [])
    if not isinstance(api_keys, list) or not all(isinstance(k, str) and is_api_key(k) for k in api_keys):
        raise ConfigError(
            f"accounts[{index}].api_keys must be a list of API keys: two dots, the first at position 22 to 24"
        )
    return AccountConfig(name=entry["name"], tokens=tuple(tokens), api_keys=tuple(api_keys))


def is_api_key(token: str) -> bool:
    """Whether toloka-kit 1.2.3 sends this token as an API key (`ApiKey` scheme) rather than as an OAuth token."""
    return authorization_scheme(token) == "ApiKey"


def _string(entry: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    """A non-empty string setting (or its default when absent and there is one)."""
    value = entry.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}.{key} must be a non-empty string")
    return value


def _specs(entry: dict[str, Any], key: str, where: str) -> dict[str, FieldSpec]:
    """An input or output spec table."""
    data = entry.get(key, {})
    if not isinstance(data, dict):
        raise ConfigError(f"{where}.{key} must be a table")
    return {name: _field(f"{where}.{key}.{name}", name, spec) for name, spec in data.items()}


def _created(entry: dict[str, Any], where: str) -> str:
    """A configured `created`: any timestamp of the contract's form, answered with 3 fractional digits."""
    created = entry.get("created", DEFAULT_CREATED)
    try:
        return format_timestamp(parse_timestamp(created))
    except ValueError:
        raise ConfigError(f"{where}.created must be a timestamp like {DEFAULT_CREATED}") from None


def _owned(where: str, entry: Any, accounts: set[str]) -> tuple[str, str]:
    """`where` and the id of an entry that must be a table with an id and a configured owner."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table")
    entry_id = _string(entry, "id", where)
    if entry.get("owner") not in accounts:
        raise ConfigError(f"{where}.owner must name a configured account")
    return where, entry_id


def _project(index: int, entry: Any, accounts: set[str]) -> ProjectConfig:
    """One [[projects]] entry."""
    where, project_id = _owned(f"projects[{index}]", entry, accounts)
    return ProjectConfig(
        id=project_id,
        owner=entry["owner"],
        public_name=_string(entry, "public_name", where, f"Project {project_id}"),
        input_spec=_specs(entry, "input_spec", where),
        output_spec=_specs(entry, "output_spec", where),
        created=_created(entry, where),
    )


def _pool(index: int, entry: Any, accounts: set[str], projects: dict[str, ProjectConfig]) -> PoolConfig:
    """One [[pools]] entry."""
    where, pool_id = _owned(f"pools[{index}]", entry, accounts)
    if "input_spec" in entry:
        raise ConfigError(f"{where}.input_spec: input specs belong to projects ([[projects]]); name one in project_id")
    project = projects.get(entry.get("project_id"))
    if project is None or project.owner != entry["owner"]:
        raise ConfigError(f"{where}.project_id must name a configured project of the pool's owner")
    status = entry.get("status", "open")
    status = status.lower() if isinstance(status, str) else status  # `OPEN`, as the API spells it, is accepted too
    if status not in POOL_STATUSES:
        raise ConfigError(
            f"{where}.status must be one of {sorted(POOL_STATUSES)} (or as the API spells them, OPEN ...)"
        )
    overlaps = []
    for key in ("default_overlap_for_new_tasks", "default_overlap_for_new_task_suites"):
        value = entry.get(key, 1)
        if type(value) is not int or not OVERLAP_MIN <= value <= OVERLAP_MAX:
            raise ConfigError(f"{where}.{key} must be an integer in {OVERLAP_MIN}..{OVERLAP_MAX}")
        overlaps.append(value)
    example = entry.get("example_input_values", {})
    if not isinstance(example, dict):
        raise ConfigError(f"{where}.example_input_values must be a table")
    return PoolConfig(
        id=pool_id,
        owner=entry["owner"],
        status=status,
        project_id=project.id,
        default_overlap_for_new_tasks=overlaps[0],
        default_overlap_for_new_task_suites=overlaps[1],
        example_input_values=example,
        private_name=_string(entry, "private_name", where, f"Pool {pool_id}"),
        created=_created(entry, where),
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
    for key in ("required", "hidden"):
        if key in data and type(data[key]) is not bool:
            raise ConfigError(f"{where}.{key} must be a boolean")
    return FieldSpec(
        name=name,
        type=data["type"],
        required=data.get("required", True),
        hidden=data.get("hidden", False),
        min_length=data.get("min_length"),
        max_length=data.get("max_length"),
        allowed_values=tuple(allowed) if allowed is not None else None,
        min_value=data.get("min_value"),
        max_value=data.get("max_value"),
        min_size=data.get("min_size"),
        max_size=data.get("max_size"),
    )
