"""Config loading, checking and writing with overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from toloka_emulator.config import ConfigError, load_config
from toloka_emulator.config_writer import write_config


def test_default_config_has_the_documented_accounts_and_pools() -> None:
    config = load_config()
    assert config.token_of("requester") == "emulator-requester-token"
    assert config.token_of("other-requester") == "emulator-other-token"
    statuses = {pool_id: (pool.owner, pool.status) for pool_id, pool in config.pools.items()}
    assert statuses == {
        "1": ("requester", "open"),
        "2": ("requester", "closed"),
        "3": ("requester", "archived"),
        "4": ("other-requester", "open"),
    }
    assert config.pools["1"].default_overlap_for_new_tasks == 3
    assert config.pools["1"].default_overlap_for_new_task_suites == 2
    assert config.pools["1"].example_input_values == {"image": "https://example.com/1.png"}
    assert "emulator-requester-token" not in repr(config)


def test_write_config_merges_overrides_and_round_trips(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.toml", {"limits": {"items_per_minute": 10**9}, "worker": {"enabled": False}})
    config = load_config(path)
    assert config.limits.items_per_minute == 10**9
    assert config.limits.items_per_day == 2_000_000
    assert config.worker.enabled is False
    assert config.pools == load_config().pools
    again = write_config(tmp_path / "d.toml", base_path=path)
    assert load_config(again).raw == config.raw


def test_write_config_replaces_lists(tmp_path: Path) -> None:
    pools = [{"id": "7", "owner": "requester", "input_spec": {"q": {"type": "array_float", "min_size": 1}}}]
    config = load_config(write_config(tmp_path / "c.toml", {"pools": pools}))
    assert list(config.pools) == ["7"]
    assert config.pools["7"].status == "open"
    assert config.pools["7"].input_spec["q"].min_size == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"limits": {"items_per_minute": "many"}},
        {"limits": {"unknown": 1}},
        {"storage": {"synchronous": "SOMETIMES"}},
        {"pools": [{"id": "9", "owner": "nobody"}]},
        {"pools": [{"id": "9", "owner": "requester", "status": "paused"}]},
        {"pools": [{"id": "9", "owner": "requester", "input_spec": {"x": {"type": "image"}}}]},
        {"pools": [{"id": "9", "owner": "requester", "input_spec": {"x": {"type": "string", "maxlen": 3}}}]},
        {"accounts": [{"name": "a", "tokens": ["t"]}, {"name": "b", "tokens": ["t"]}]},
    ],
)
def test_bad_configs_are_refused(tmp_path: Path, overrides: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        write_config(tmp_path / "c.toml", overrides)


def test_unreadable_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[limits\n")
    with pytest.raises(ConfigError):
        load_config(broken)
