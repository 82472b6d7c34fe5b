"""Whole-process CPU of the `toloka-upload` command against a hand-written httpx+orjson script (bench.upload_raw).

Both upload the same JSON Lines file of tasks in synchronous batches of 5000 to a fresh emulator (its own
process, rate limits raised), each in a child process of its own; the figure is the child's user+sys CPU time
from `os.wait4`, what a shell's `time` reports: interpreter start, imports, reading the file, the checks, the
progress bar, everything. The command runs as a user would, checks on (it reads the pool and its project's
input spec and checks every item), progress bar on (to a file), client-side pacer off (`--items-per-minute 0`:
the pacer only sleeps, and would stretch the run to a minute).

Bytecode: the children cache compiled modules in a private PYTHONPYCACHEPREFIX, filled by one warm-up run of
each, as a normal install has them in `__pycache__` after its first run (this machine sets
PYTHONDONTWRITEBYTECODE, which would make every start compile every module from source: `--uncached`).

Run alone: python -m bench.upload_process [COUNT] [RUNS] [--uncached] [--output-only] (one JSON line per run on
stderr, then the best of each and the ratios; `--output-only`: the `--output` row and the script alone).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from toloka_emulator.testing import running_emulator

from bench.limits import RAISED_LIMITS

REPO = Path(__file__).resolve().parents[1]
COMMAND = Path(sys.executable).with_name("toloka-upload")


def write_tasks(path: Path, count: int) -> Path:
    """`count` valid tasks for pool 1 (without pool_id: the command fills it from --pool-id), one per line."""
    with path.open("wb") as handle:
        for i in range(count):
            handle.write(orjson.dumps({"input_values": {"image": f"https://example.com/bench/{i}.png"}, "overlap": 1}))
            handle.write(b"\n")
    return path


def child_run(command: list[str], env: dict[str, str], workdir: Path) -> dict[str, Any]:
    """Run `command` to its end; its own CPU (user, sys) by wait4, wall time, exit status and output."""
    out, err = workdir / "stdout", workdir / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        wall = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - wall
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "cpu": usage.ru_utime + usage.ru_stime,
        "wall": wall,
        "status": process.returncode,
        "stdout": out.read_text(errors="replace"),
        "stderr": err.read_text(errors="replace"),
    }


def created_by(mode: str, run: dict[str, Any]) -> int:
    """How many items the run says it created."""
    if mode == "raw":
        return int(run["stdout"].split()[-1])
    found = re.search(r"created ([\d,]+)", run["stderr"])
    return int(found[1].replace(",", "")) if found else -1


def child_env(token: str, bytecode: Path | None) -> dict[str, str]:
    """The children's environment. With `bytecode`, compiled modules are cached there (PYTHONPYCACHEPREFIX), as
    they are in `__pycache__` after any first run on a normal install; without it nothing is cached and every
    start compiles every module it imports from source (this machine sets PYTHONDONTWRITEBYTECODE)."""
    env = {**os.environ, "TOLOKA_TOKEN": token}
    if bytecode is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


MODES = ("command", "command-output", "raw")
"""The command as is, the command writing `--output` (what fix-and-rerun and --retry-from need), the script."""


def measure(mode: str, source: Path, count: int, bytecode: Path | None) -> dict[str, Any]:
    """One whole-process upload of `source` by `mode` (one of MODES) against a fresh emulator."""
    with running_emulator(config_overrides=RAISED_LIMITS) as emulator, tempfile.TemporaryDirectory() as tmp:
        env = child_env(emulator.token(), bytecode)
        if mode.startswith("command"):
            command = [str(COMMAND), "tasks", str(source), "--base-url", emulator.base_url, "--pool-id", "1"]
            command += ["--sync", "--items-per-minute", "0"]
            if mode == "command-output":
                command += ["--output", str(Path(tmp) / "results.jsonl")]
        else:
            command = [sys.executable, "-m", "bench.upload_raw", str(source), emulator.base_url, "1"]
        run = child_run(command, env, Path(tmp))
    created = created_by(mode, run)
    if run["status"] != 0 or created != count:
        raise RuntimeError(
            f"{mode} upload: status {run['status']}, created {created} of {count}: {run['stderr'][-2000:]}"
        )
    return {"mode": mode, "count": count, **{key: run[key] for key in ("user", "sys", "cpu", "wall")}}


def best_pair(count: int, runs: int, cached: bool = True, modes: tuple[str, ...] = MODES) -> dict[str, dict[str, Any]]:
    """The least-CPU run of each of `modes` out of `runs`, alternating the modes (the machine is shared: noise only
    ever adds time, and alternating spreads it over both). `cached`: with compiled bytecode cached (a warm-up
    run of each fills the cache first), else compiling at every start."""
    with tempfile.TemporaryDirectory() as tmp:
        source = write_tasks(Path(tmp) / "tasks.jsonl", count)
        bytecode = Path(tmp) / "pycache" if cached else None
        found: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
        if cached:
            for mode in found:
                measure(mode, source, count, bytecode)
        for _ in range(runs):
            for mode in found:
                found[mode].append(measure(mode, source, count, bytecode))
                print(orjson.dumps({**found[mode][-1], "cached": cached}).decode(), file=sys.stderr, flush=True)
    return {mode: min(figures, key=lambda f: f["cpu"]) for mode, figures in found.items()}


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    size = int(numbers[0]) if numbers else 100_000
    repeat = int(numbers[1]) if len(numbers) > 1 else 3
    warm = "--uncached" not in sys.argv
    chosen = ("command-output", "raw") if "--output-only" in sys.argv else MODES
    pair = best_pair(size, repeat, warm, chosen)
    ratios = {f"ratio {mode}": pair[mode]["cpu"] / pair["raw"]["cpu"] for mode in chosen if mode != "raw"}
    print(orjson.dumps({**pair, "cached": warm, **ratios}).decode())
