"""Conformance-suite wall time against the embedded emulator: the default run (< 60 s) and --quick (< 15 s).

Each run is `toloka-conformance --embedded` in a fresh process, as `make conformance` runs it. The baseline,
measured in the same run, is the fixed cost of such a process: imports, emulator start and stop, no checks
(`--skip` of every part). Where the time goes comes from the run's own JUnit report (time per area, and per
schemathesis phase from the `schemathesis.run` row).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from bench.table import Row

BUDGETS = {"default": 60.0, "quick": 15.0}
_SKIP_ALL = ["--skip", "behaviour", "--skip", "schemathesis", "--skip", "client"]


def _suite(args: list[str], report: Path) -> tuple[float, int]:
    """Wall seconds and exit status of one `toloka-conformance --embedded` process (a failing run is timed too;
    its status is printed, so a time of a run that stopped early is not mistaken for a full one)."""
    command = [sys.executable, "-m", "toloka_conformance.cli", "--embedded", "--report", str(report), *args]
    started = time.perf_counter()
    finished = subprocess.run(command, check=False, capture_output=True)
    return time.perf_counter() - started, finished.returncode


def _breakdown(report: Path) -> str:
    """`area s, ...` and the schemathesis phases, from the run's junit.xml."""
    root = ET.parse(report / "junit.xml").getroot()  # noqa: S314  (our own file)
    parts = [f"{suite.get('name')} {float(suite.get('time', 0)):.1f} s" for suite in root.iter("testsuite")]
    run_case = next((case for case in root.iter("testcase") if case.get("name") == "schemathesis.run"), None)
    detail = ""
    if run_case is not None:
        failure, output = run_case.find("failure"), run_case.find("system-out")
        detail = (
            failure.get("message", "") if failure is not None else (output.text or "" if output is not None else "")
        )
    return ", ".join(parts) + (f" [schemathesis: {detail}]" if detail else "")


def run(quick: bool) -> list[Row]:
    """Rows for the default and the quick suite; `quick` (a bench smoke run) measures the quick suite only."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-conformance-") as tmp:
        floor, _ = _suite(_SKIP_ALL, Path(tmp) / "floor")
        modes = ["quick"] if quick else ["default", "quick"]
        for mode in modes:
            report = Path(tmp) / mode
            seconds, status = _suite(["--quick"] if mode == "quick" else [], report)
            budget = BUDGETS[mode]
            print(f"conformance {mode}: {seconds:.1f} s, exit {status}; {_breakdown(report)}", file=sys.stderr)
            rows.append(
                Row(
                    name=f"toloka-conformance --embedded{' --quick' if mode == 'quick' else ''}",
                    unit="s",
                    measured=seconds,
                    baseline=floor,
                    baseline_name="same process with every part skipped",
                    goal=f"< {budget:.0f} s",
                    met=seconds < budget,
                )
            )
    return rows
