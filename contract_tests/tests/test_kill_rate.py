"""The suite proves itself: it passes the real emulator and fails every deliberately broken one."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from toloka_conformance import cli
from toloka_emulator import create_app
from toloka_emulator.config import load_config
from toloka_emulator.config_writer import write_config

# The broken servers and the uvicorn helper live next to this file (pytest runs with --import-mode=importlib).
sys.path.insert(0, str(Path(__file__).parent))
from broken_servers import FAULTS, Fault
from uvicorn_thread import serving

# Low enough that the suite's opt-in 429 check reaches it in four requests.
LIMITS = {"limits": {"items_per_minute": 20_000}}
PASSED, FAILED = 0, 1


def _run_suite(tmp: Path, name: str, fault: Fault | None) -> int:
    """Serve the emulator (broken by `fault`, if any) with real uvicorn and run the quick suite against it."""
    overrides = {**LIMITS, **((fault.config or {}) if fault else {})}
    if fault and fault.config and "limits" in fault.config:
        overrides["limits"] = {**LIMITS["limits"], **fault.config["limits"]}
    config_path = write_config(tmp / f"{name}.toml", overrides)
    app = create_app(config_path)
    wrapped = fault.wrap(app) if fault else app
    with serving(wrapped) as url:
        argv = ["--base-url", url, "--emulator-config", str(config_path), "--quick", "--operation-timeout", "3"]
        return cli.main([*argv, "--report", str(tmp / name)])


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every run of this module writes its report (one directory per server)."""
    return tmp_path_factory.mktemp("kill")


@pytest.fixture(scope="module")
def exit_codes(reports: Path) -> Iterator[dict[str, int]]:
    """The suite's exit status against the correct emulator ("correct") and against every fault."""
    codes = {"correct": _run_suite(reports, "correct", None)}
    for fault in FAULTS:
        codes[fault.name] = _run_suite(reports, fault.name, fault)
    yield codes


def test_there_are_at_least_15_faults() -> None:
    """The issue asks for at least 15 distinct faults."""
    assert len({fault.name for fault in FAULTS}) >= 15


def test_suite_passes_the_correct_emulator(exit_codes: dict[str, int]) -> None:
    """Against the unbroken emulator every requirement passes (exit 0)."""
    assert exit_codes["correct"] == PASSED


def test_suite_kills_every_fault(exit_codes: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    """Against each broken server the suite fails (exit 1); the kill rate is printed."""
    survivors = [fault.name for fault in FAULTS if exit_codes[fault.name] != FAILED]
    killed = len(FAULTS) - len(survivors)
    with capsys.disabled():
        print(f"\nconformance kill rate: {killed}/{len(FAULTS)} faults killed ({100 * killed / len(FAULTS):.0f}%)")
    assert survivors == []


def test_reports_never_contain_a_token(exit_codes: dict[str, int], reports: Path) -> None:
    """No report of any run (passing or failing, with curl commands) carries a token."""
    config = load_config()
    tokens = [token for account in config.accounts for token in account.tokens]
    written = [path for path in reports.rglob("*") if path.suffix in (".md", ".xml")]
    assert len(written) >= 2 * len(exit_codes)
    leaks = [str(path) for path in written for token in tokens if token in path.read_text(encoding="utf-8")]
    assert leaks == []
