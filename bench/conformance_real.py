"""The conformance suite against a server like a real one (issue 20): slow operations, and a paid account's budget.

- Extra wall time against slow operations, in operation latencies: `toloka-conformance --quick` against the
  emulator served as its own process with every operation held PENDING 5 s after it was accepted
  (`contract_tests/tests/held_operations.py`, until the emulator has a latency profile), minus the same run with
  operations that end at once (the baseline, same run), divided by 5 s. Goal: at most 3 latencies.
- The share of requirements decided (passed or failed) at `--max-items 200`: the default run against the embedded
  emulator (the rest are skipped as over the budget), and its wall beside the same run uncapped. Goal: at least
  80 %, and the capped run no slower than the uncapped one.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx

from bench.table import Row

HOLD = 5.0
BUDGET_ITEMS = 200
_HELD_SERVER = Path(__file__).resolve().parent.parent / "contract_tests" / "tests" / "held_operations.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(config: Path, hold: float) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, str(_HELD_SERVER), str(config), str(port), str(hold)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/api/v1/operations/x", timeout=1)
            return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the held-operations server did not start")


def _suite(args: list[str], report: Path) -> tuple[float, int]:
    command = [sys.executable, "-m", "toloka_conformance.cli", "--report", str(report), *args]
    started = time.perf_counter()
    finished = subprocess.run(command, check=False, capture_output=True)
    return time.perf_counter() - started, finished.returncode


def _decided(report: Path) -> tuple[int, int]:
    """(rows passed or failed, rows) of a run's junit.xml."""
    cases = list(ET.parse(report / "junit.xml").getroot().iter("testcase"))  # noqa: S314  (our own file)
    undecided = [case for case in cases if case.find("skipped") is not None or case.find("error") is not None]
    return len(cases) - len(undecided), len(cases)


def run(quick: bool) -> list[Row]:
    """The slow-operations row and the budget row (`quick`: the same, they are already quick runs)."""
    from toloka_emulator.config_writer import write_config

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-conformance-real-") as tmp:
        walls = {}
        for hold in (0.0, HOLD):
            config = write_config(Path(tmp) / f"emulator-{hold}.toml", {"limits": {"items_per_minute": 20_000}})
            server, url = _serve(config, hold)
            try:
                args = ["--base-url", url, "--emulator-config", str(config), "--quick", "--operation-timeout", "60"]
                walls[hold], status = _suite(args, Path(tmp) / f"hold-{hold}")
            finally:
                server.terminate()
                server.wait(10)
            print(
                f"conformance --quick, operations held {hold:g} s: {walls[hold]:.1f} s, exit {status}", file=sys.stderr
            )
        extra = (walls[HOLD] - walls[0.0]) / HOLD
        rows.append(
            Row(
                name=f"toloka-conformance --quick, operations held {HOLD:g} s: extra wall in operation latencies",
                unit="latencies",
                measured=extra,
                baseline=walls[0.0] / HOLD,
                baseline_name=f"the run with operations ending at once, {walls[0.0]:.1f} s, in {HOLD:g} s units",
                goal="<= 3",
                met=extra <= 3,
            )
        )
        uncapped, _ = _suite(["--embedded"], Path(tmp) / "uncapped")
        report = Path(tmp) / "budget"
        seconds, status = _suite(["--embedded", "--max-items", str(BUDGET_ITEMS)], report)
        decided, total = _decided(report)
        print(
            f"conformance --max-items {BUDGET_ITEMS}: {decided}/{total} decided in {seconds:.1f} s "
            f"(uncapped: {uncapped:.1f} s)",
            file=sys.stderr,
        )
        rows.append(
            Row(
                name=f"toloka-conformance --embedded --max-items {BUDGET_ITEMS}: wall against the uncapped run",
                unit="s",
                measured=seconds,
                baseline=uncapped,
                baseline_name="the same run without --max-items",
                goal="no slower",
                met=seconds <= uncapped,
            )
        )
        rows.append(
            Row(
                name=f"toloka-conformance --embedded --max-items {BUDGET_ITEMS}: requirements decided",
                unit="%",
                measured=100 * decided / total,
                baseline=100.0,
                baseline_name=f"every requirement ({total})",
                goal=">= 80 %",
                met=decided >= 0.8 * total,
            )
        )
    return rows
