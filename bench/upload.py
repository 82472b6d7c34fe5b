"""Upload-layer benchmarks: client CPU per task against a hand-written httpx+orjson baseline, end-to-end time
against the official SDK (toloka-kit, in its own environment), and peak memory at two upload sizes.

Every upload runs in its own process (bench.upload_workers, or bench/upload_sdk.py under the SDK's interpreter)
against a fresh emulator on loopback with its rate limits raised, and reports its own CPU time (process_time
around the upload, after a tiny warm-up upload: the in-process figures), wall time and peak RSS. The
whole-process figure (bench.upload_process) is the `toloka-upload` command's own user+sys CPU from start to exit,
beside a hand-written script's (bench.upload_raw), both reading the same JSON Lines file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
from toloka_emulator.testing import running_emulator

from bench import upload_process
from bench.limits import RAISED_LIMITS
from bench.table import Row

REPO = Path(__file__).resolve().parents[1]
SDK_PYTHON = REPO / "compat" / "toloka-kit" / ".venv" / "bin" / "python"
CPU_GOAL = 1.3
SPEEDUP_GOAL = 3.0
MEMORY_GOAL = 1.2


def measure(mode: str, count: int) -> dict[str, Any]:
    """One upload of `count` tasks by `mode` against a fresh emulator; the worker's JSON figures."""
    with running_emulator(config_overrides=RAISED_LIMITS) as emulator:
        env = {**os.environ, "TOLOKA_TOKEN": emulator.token()}
        if mode == "sdk":
            if not SDK_PYTHON.exists():
                raise RuntimeError(f"{SDK_PYTHON} is missing: run `make setup-sdk`")
            command = [str(SDK_PYTHON), str(REPO / "bench" / "upload_sdk.py"), emulator.base_url, str(count)]
        else:
            command = [sys.executable, "-m", "bench.upload_workers", mode, emulator.base_url, str(count)]
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, timeout=1800, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} upload failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    figures: dict[str, Any] = orjson.loads(done.stdout.splitlines()[-1])
    if figures["created"] != count:
        raise RuntimeError(f"{mode} created {figures['created']} of {count}")
    return figures


def best(mode: str, count: int, runs: int) -> dict[str, Any]:
    """The run with the least CPU out of `runs` (the machine is shared: noise only ever adds time)."""
    return min((measure(mode, count) for _ in range(runs)), key=lambda figures: figures["cpu"])


def micros_per_task(figures: dict[str, Any]) -> float:
    """CPU microseconds per task."""
    return float(figures["cpu"]) / int(figures["count"]) * 1e6


def cpu_row(name: str, ours: dict[str, Any], baseline: dict[str, Any], baseline_name: str) -> Row:
    """Our CPU per task against a baseline's, held to CPU_GOAL."""
    measured, base = micros_per_task(ours), micros_per_task(baseline)
    return Row(name, "µs CPU/task", measured, base, baseline_name, f"≤ {CPU_GOAL}x", measured <= CPU_GOAL * base)


def whole_row(name: str, whole: dict[str, dict[str, Any]], mode: str) -> Row:
    """A whole-process figure of the command (`mode`, see upload_process.MODES) against the script's, held to
    CPU_GOAL."""
    ours, script = whole[mode]["cpu"], whole["raw"]["cpu"]
    return Row(name, "s CPU", ours, script, "httpx+orjson script", f"≤ {CPU_GOAL}x", ours <= CPU_GOAL * script)


def run(quick: bool) -> list[Row]:
    """Measure the upload layer; smaller sizes and single runs with `quick`."""
    count = 20_000 if quick else 100_000
    runs = 1 if quick else 3
    # Both sizes above the ~20k items in flight (4 batches of 5000), so both measure the steady state.
    small, large = (40_000, 160_000) if quick else (100_000, 400_000)
    whole = upload_process.best_pair(count, runs)
    figures = {mode: best(mode, count, runs) for mode in ("raw-sync", "ours-sync", "raw-async", "ours-async")}
    sdk = measure("sdk", count)
    memory_small, memory_large = measure("ours-streaming", small), measure("ours-streaming", large)
    n = f"{count // 1000}k tasks"
    speedup = sdk["wall"] / figures["ours-async"]["wall"]
    return [
        whole_row(f"toloka-upload whole-process CPU (user+sys), sync batches, {n} JSONL, checks on", whole, "command"),
        whole_row(
            f"toloka-upload whole-process CPU (user+sys) writing --output, sync batches, {n} JSONL, checks on",
            whole,
            "command-output",
        ),
        cpu_row(
            f"upload CPU in-process, sync batches of 5000, {n}",
            figures["ours-sync"],
            figures["raw-sync"],
            "httpx+orjson",
        ),
        cpu_row(
            f"upload CPU in-process, async operations, {n}", figures["ours-async"], figures["raw-async"], "httpx+orjson"
        ),
        Row(
            f"upload end to end, default async mode, {n}",
            "s",
            figures["ours-async"]["wall"],
            sdk["wall"],
            "toloka-kit 1.2.3",
            f"≥ {SPEEDUP_GOAL:.0f}x faster (ratio ≤ {1 / SPEEDUP_GOAL:.2f}x)",
            speedup >= SPEEDUP_GOAL,
        ),
        Row(
            f"upload CPU vs the official SDK, {n}",
            "µs CPU/task",
            micros_per_task(figures["ours-async"]),
            micros_per_task(sdk),
            "toloka-kit 1.2.3",
            "less (context)",
            micros_per_task(figures["ours-async"]) < micros_per_task(sdk),
        ),
        Row(
            f"upload peak RSS, streaming {large // 1000}k vs {small // 1000}k tasks",
            "MiB",
            memory_large["rss_mb"],
            memory_small["rss_mb"],
            f"same, {small // 1000}k tasks",
            f"≤ {MEMORY_GOAL}x (grows with batch, not upload)",
            memory_large["rss_mb"] <= MEMORY_GOAL * memory_small["rss_mb"],
        ),
    ]
