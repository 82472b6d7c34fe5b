"""A second run against the same server is as complete as the first: every check that touched the closed pool
closed it again (issue 12), so nothing the first run did makes the second skip or fail a row."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from junit_rows import verdicts
from toloka_conformance import cli
from toloka_conformance.target import from_emulator_config
from toloka_contract.clock import FakeClock
from toloka_emulator import create_app
from toloka_emulator.config_writer import write_config
from uvicorn_thread import serving

# The clock moves only by hand: every request would fall in one second of the per-second request limit.
LIMITS = {"limits": {"items_per_minute": 20_000, "requests_per_second": 0}}


def test_a_second_run_is_as_complete_as_the_first(tmp_path: Path) -> None:
    """Two behavioural runs (rate-limit rows included) against one emulator: both pass every row, and the closed
    pool reads CLOSED after each."""
    config_path = write_config(tmp_path / "emulator.toml", LIMITS)
    # Mid-minute of the wall clock: the suite checks that timestamps are current (within minutes).
    clock = FakeClock((time.time() // 60) * 60 + 30)
    app = create_app(config_path, clock=clock)  # the next minute on demand
    with serving(app) as url:
        target = from_emulator_config(url, str(config_path))
        assert target.closed_pool_id is not None
        headers = {"Authorization": target.authorization(target.token).reveal()}
        runs = []
        for attempt in ("first", "second"):
            report = tmp_path / attempt
            argv = ["--base-url", url, "--emulator-config", str(config_path), "--quick", "--report", str(report)]
            assert cli.main([*argv, "--skip", "schemathesis", "--skip", "client"]) == 3  # the skipped parts
            pool = httpx.get(f"{url}/api/v1/pools/{target.closed_pool_id}", headers=headers).json()
            assert pool["status"] == "CLOSED"
            runs.append(verdicts(report))
            clock.now += 60  # the rate-limit rows filled this minute's window
    behaviour = {row: verdict for row, verdict in runs[0].items() if not row.startswith(("schemathesis.", "client."))}
    assert behaviour and set(behaviour.values()) == {"pass"}
    assert {row: runs[1][row] for row in behaviour} == behaviour
