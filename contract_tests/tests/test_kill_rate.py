"""The suite proves itself: it passes the real emulator and fails every deliberately broken one."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from toloka_conformance import cli
from toloka_emulator import create_app
from toloka_emulator.config import load_config
from toloka_emulator.config_writer import merge_overrides, write_config

# The broken servers and the uvicorn helper live next to this file (pytest runs with --import-mode=importlib).
sys.path.insert(0, str(Path(__file__).parent))
from broken_servers import FAULTS, Fault
from uvicorn_thread import serving

# Low enough that the suite's opt-in 429 check reaches it in four requests.
LIMITS = {"limits": {"items_per_minute": 20_000}}
PASSED, FAILED = 0, 1


@dataclass(frozen=True)
class Run:
    """One run of the suite: its exit status and the requirements it reported failed."""

    exit_code: int
    failed: frozenset[str]


def _failed_requirements(report: Path) -> frozenset[str]:
    root = ET.parse(report / "junit.xml").getroot()  # noqa: S314  (our own report)
    return frozenset(str(case.get("name")) for case in root.iter("testcase") if case.find("failure") is not None)


def _run_suite(tmp: Path, name: str, fault: Fault | None) -> Run:
    """Serve the emulator (broken by `fault`, if any) with real uvicorn and run the quick suite against it."""
    config_path = write_config(tmp / f"{name}.toml", merge_overrides(LIMITS, fault.config or {}) if fault else LIMITS)
    app = create_app(config_path)
    with serving(fault.wrap(app) if fault else app) as url:
        argv = ["--base-url", url, "--emulator-config", str(config_path), "--quick", "--operation-timeout", "1.5"]
        exit_code = cli.main([*argv, "--report", str(tmp / name)])
    return Run(exit_code, _failed_requirements(tmp / name))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every run of this module writes its report (one directory per server)."""
    return tmp_path_factory.mktemp("kill")


@pytest.fixture(scope="module")
def runs(reports: Path) -> Iterator[dict[str, Run]]:
    """The suite's runs against the correct emulator ("correct") and against every fault."""
    results = {"correct": _run_suite(reports, "correct", None)}
    for fault in FAULTS:
        results[fault.name] = _run_suite(reports, fault.name, fault)
    yield results


def test_there_are_at_least_15_faults() -> None:
    """The issue asks for at least 15 distinct faults."""
    assert len({fault.name for fault in FAULTS}) >= 15


def test_suite_passes_the_correct_emulator(runs: dict[str, Run]) -> None:
    """Against the unbroken emulator every requirement passes (exit 0)."""
    assert runs["correct"].failed == frozenset()
    assert runs["correct"].exit_code == PASSED


def test_suite_kills_every_fault(runs: dict[str, Run], capsys: pytest.CaptureFixture[str]) -> None:
    """Each broken server fails the run, on a requirement the correct emulator passes; the kill rate is printed.

    Failures the correct emulator also has (a finding against the emulator itself) do not count as kills.
    """
    baseline = runs["correct"].failed
    survivors = [
        fault.name
        for fault in FAULTS
        if runs[fault.name].exit_code != FAILED or not (runs[fault.name].failed - baseline)
    ]
    killed = len(FAULTS) - len(survivors)
    with capsys.disabled():
        print(f"\nconformance kill rate: {killed}/{len(FAULTS)} faults killed ({100 * killed / len(FAULTS):.0f}%)")
        for fault in FAULTS:
            print(f"  {fault.name}: {', '.join(sorted(runs[fault.name].failed - baseline)) or 'SURVIVED'}")
    assert survivors == []


def test_targeted_faults_are_caught_by_their_requirement(runs: dict[str, Run]) -> None:
    """A fault written for one requirement fails that requirement, which the correct emulator passes."""
    missed = {
        fault.name: fault.caught_by
        for fault in FAULTS
        if fault.caught_by is not None and fault.caught_by not in runs[fault.name].failed - runs["correct"].failed
    }
    assert missed == {}


def test_reports_never_contain_a_token(runs: dict[str, Run], reports: Path) -> None:
    """No report of any run (passing or failing, with curl commands) carries a token."""
    config = load_config()
    tokens = [token for account in config.accounts for token in account.tokens]
    written = [path for path in reports.rglob("*") if path.suffix in (".md", ".xml")]
    assert len(written) >= 2 * len(runs)
    leaks = [str(path) for path in written for token in tokens if token in path.read_text(encoding="utf-8")]
    assert leaks == []
