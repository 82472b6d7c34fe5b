"""The server under test and what the suite may use there: tokens, pools, a valid example item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toloka_conformance.redaction import Secret

UNKNOWN_INPUT_FIELD = "conformance_unknown_field"
AUTH_SCHEMES = ("auto", "OAuth", "ApiKey")


def scheme_for(token: str) -> str:
    """The scheme toloka-kit picks: `ApiKey` for a token with two dots, the first at 22..24; else `OAuth`."""
    return "ApiKey" if token.count(".") == 2 and 21 < token.find(".") < 25 else "OAuth"


@dataclass(frozen=True)
class Target:
    """Where to run and what is known about the account there; `None` means "not given" (checks skip)."""

    base_url: str
    token: Secret
    pool_id: str
    input_values: dict[str, Any]
    invalid_input_values: dict[str, Any] = field(default_factory=dict)
    output_values: dict[str, Any] | None = None
    default_overlap: int | None = None
    default_suite_overlap: int | None = None
    other_token: Secret | None = None
    foreign_pool_id: str | None = None
    closed_pool_id: str | None = None
    archived_pool_id: str | None = None
    rate_limit_items: int | None = None
    operation_timeout: float = 15.0
    auth_scheme: str = "auto"

    def __post_init__(self) -> None:
        if self.auth_scheme not in AUTH_SCHEMES:
            raise ValueError(f"auth_scheme must be one of {AUTH_SCHEMES}, not {self.auth_scheme!r}")
        if not self.invalid_input_values:
            # A key outside the pool's input spec is invalid in any pool (VALUE_NOT_ALLOWED in the real API).
            object.__setattr__(self, "invalid_input_values", {**self.input_values, UNKNOWN_INPUT_FIELD: 1})

    def scheme(self, token: Secret) -> str:
        """The Authorization scheme for `token`: the one chosen, or with `auto` the one the SDK would use."""
        return scheme_for(token.reveal()) if self.auth_scheme == "auto" else self.auth_scheme

    def authorization(self, token: Secret) -> Secret:
        """The whole Authorization header value for `token`; the only place the suite builds one."""
        return Secret(f"{self.scheme(token)} {token.reveal()}")

    def secrets(self) -> tuple[Secret | None, ...]:
        """Every token the suite holds, for scrubbing text before it is shown."""
        return (self.token, self.other_token)


def from_emulator_config(base_url: str, config_path: str | None = None, **overrides: Any) -> Target:
    """A target for an emulator running `config_path` (its default config when None), every check enabled."""
    from toloka_emulator.config import load_config

    config = load_config(config_path)
    me = config.accounts[0]
    mine = [pool for pool in config.pools.values() if pool.owner == me.name]
    by_status = {pool.status: pool for pool in reversed(mine)}
    pool = by_status["open"]
    foreign = next((p for p in config.pools.values() if p.owner != me.name), None)
    other = next((a for a in config.accounts if a.name != me.name), None)
    limit = config.limits.items_per_minute
    settings: dict[str, Any] = {
        "base_url": base_url,
        "token": Secret(me.tokens[0]),
        "pool_id": pool.id,
        "input_values": dict(pool.example_input_values),
        # The emulator keeps no output spec: any object is a valid answer for a control task.
        "output_values": {"label": "conformance"},
        "default_overlap": pool.default_overlap_for_new_tasks,
        "default_suite_overlap": pool.default_overlap_for_new_task_suites,
        "other_token": Secret(other.tokens[0]) if other is not None else None,
        "foreign_pool_id": foreign.id if foreign is not None else None,
        "closed_pool_id": by_status["closed"].id if "closed" in by_status else None,
        "archived_pool_id": by_status["archived"].id if "archived" in by_status else None,
        # Provoking a 429 costs up to 2 * limit + 1 items: only worth it when the limit is small.
        "rate_limit_items": limit if limit <= MAX_PROVOKED_ITEMS else None,
    }
    settings.update(overrides)
    return Target(**settings)


# The most items the 429 check will upload to provoke a rate limit on its own initiative.
MAX_PROVOKED_ITEMS = 20_000
