"""Config loading, checking and writing with overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from toloka_contract.auth import authorization_scheme
from toloka_emulator.config import ConfigError, is_api_key, load_config
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
    assert {pool_id: pool.project_id for pool_id, pool in config.pools.items()} == {
        "1": "101",
        "2": "102",
        "3": "102",
        "4": "201",
    }
    assert {project.id: project.owner for project in config.projects.values()} == {
        "101": "requester",
        "102": "requester",
        "201": "other-requester",
    }
    assert set(config.project_of("1").input_spec) == {"image", "caption", "category", "priority"}
    assert set(config.project_of("1").output_spec) == {"label"}
    assert "emulator-requester-token" not in repr(config)
    assert config.api_key_of("requester") not in repr(config)


def test_default_api_keys_are_what_toloka_kit_sends_as_api_keys() -> None:
    """toloka-kit 1.2.3's rule (toloka_contract.auth.authorization_scheme) makes it send `ApiKey <key>`."""
    config = load_config()
    for account in ("requester", "other-requester"):
        key = config.api_key_of(account)
        assert authorization_scheme(key) == "ApiKey"
        assert config.accounts_by_token()[key] == account
        assert not is_api_key(config.token_of(account))


def test_write_config_merges_overrides_and_round_trips(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.toml", {"limits": {"items_per_minute": 10**9}, "worker": {"enabled": False}})
    config = load_config(path)
    assert config.limits.items_per_minute == 10**9
    assert (config.limits.tasks_per_minute, config.limits.task_suites_per_minute) == (10**9, 10**9)
    assert (config.limits.tasks_per_day, config.limits.task_suites_per_day) == (4_000_000, 2_000_000)
    assert config.worker.enabled is False
    assert config.pools == load_config().pools
    again = write_config(tmp_path / "d.toml", base_path=path)
    assert load_config(again).raw == config.raw


def test_write_config_replaces_lists(tmp_path: Path) -> None:
    projects = [{"id": "70", "owner": "requester", "input_spec": {"q": {"type": "array_float", "min_size": 1}}}]
    pools = [{"id": "7", "owner": "requester", "project_id": "70"}]
    config = load_config(write_config(tmp_path / "c.toml", {"projects": projects, "pools": pools}))
    assert list(config.pools) == ["7"]
    assert config.pools["7"].status == "open"
    assert config.project_of("7").input_spec["q"].min_size == 1
    assert config.project_of("7").output_spec == {}
    assert config.pools["7"].private_name == "Pool 7"


@pytest.mark.parametrize(
    "overrides",
    [
        {"limits": {"items_per_minute": "many"}},
        {"limits": {"unknown": 1}},
        {"storage": {"synchronous": "SOMETIMES"}},
        {"pools": [{"id": "9", "owner": "nobody", "project_id": "101"}]},
        {"pools": [{"id": "9", "owner": "requester", "project_id": "101", "status": "paused"}]},
        {"pools": [{"id": "9", "owner": "requester"}]},
        {"pools": [{"id": "9", "owner": "requester", "project_id": "999"}]},
        {"pools": [{"id": "9", "owner": "requester", "project_id": "201"}]},
        {"pools": [{"id": "9", "owner": "requester", "project_id": "101", "input_spec": {}}]},
        {"pools": [{"id": "9", "owner": "requester", "project_id": "101", "created": "yesterday"}]},
        {"projects": [{"id": "9", "owner": "nobody"}], "pools": []},
        {"projects": [{"id": "9", "owner": "requester", "input_spec": {"x": {"type": "image"}}}], "pools": []},
        {
            "projects": [{"id": "9", "owner": "requester", "output_spec": {"x": {"type": "string", "maxlen": 3}}}],
            "pools": [],
        },
        {
            "projects": [{"id": "9", "owner": "requester", "input_spec": {"x": {"type": "string", "hidden": 1}}}],
            "pools": [],
        },
        {"projects": [{"id": "9", "owner": "requester"}, {"id": "9", "owner": "requester"}], "pools": []},
        {"accounts": [{"name": "a", "tokens": ["t"]}, {"name": "b", "tokens": ["t"]}]},
        {"accounts": [{"name": "a", "tokens": ["t"], "api_keys": ["not-an-api-key"]}]},
        {"accounts": [{"name": "a", "tokens": ["t"], "api_keys": ["t"]}]},
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


@pytest.mark.parametrize(
    ("created", "answered"),
    [
        ("2025-05-06T07:08:09", "2025-05-06T07:08:09.000"),
        ("2025-05-06T07:08:09.123456", "2025-05-06T07:08:09.123"),
        ("2025-05-06T07:08:09.5", "2025-05-06T07:08:09.500"),
    ],
)
def test_configured_created_takes_any_contract_timestamp_and_answers_three_digits(
    tmp_path: Path, created: str, answered: str
) -> None:
    pools = [{"id": "9", "owner": "requester", "project_id": "101", "created": created}]
    config = load_config(write_config(tmp_path / "c.toml", {"pools": pools}))
    assert config.pools["9"].created == answered


@pytest.mark.parametrize("created", ["2025-13-06T07:08:09", "2025-05-06 07:08:09", "2025-05-06T07:08:09Z", 5])
def test_configured_created_must_be_a_real_contract_timestamp(tmp_path: Path, created: object) -> None:
    pools = [{"id": "9", "owner": "requester", "project_id": "101", "created": created}]
    with pytest.raises(ConfigError, match="created"):
        write_config(tmp_path / "c.toml", {"pools": pools})
