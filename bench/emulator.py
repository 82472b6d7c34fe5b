"""Emulator benchmarks: sync upload throughput, async 100k-task latency, and memory over 1M stored tasks.

Each figure comes with a baseline measured in the same run: a trivial Starlette endpoint
(`bench.emulator_baseline`) served by the same uvicorn on loopback, parsing and answering the same batches.
"""

from __future__ import annotations

import contextlib
import http.client
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
from toloka_contract.operations import wait_for_operation
from toloka_emulator.cli import listen
from toloka_emulator.testing import running_emulator, wait_until_serving

from bench.limits import RAISED_LIMITS
from bench.table import Row

REPO = Path(__file__).resolve().parents[1]
BATCH = 5000
CLIENT_THREADS = 2
SYNC_GOAL = 50_000.0
ASYNC_GOAL_SECONDS = 3.0
MEMORY_GOAL_RATIO = 1.25


def _batch_body(size: int, offset: int = 0) -> bytes:
    """A JSON array of `size` valid tasks for the default config's pool 1."""
    return orjson.dumps(
        [
            {"pool_id": "1", "input_values": {"image": f"https://example.com/img/{offset + i}.png"}, "overlap": 1}
            for i in range(size)
        ]
    )


class _Target:
    """A server on loopback that takes batch uploads with keep-alive connections."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.headers = {"Content-Type": "application/json", **headers}

    def post(self, conn: http.client.HTTPConnection, path: str, body: bytes) -> tuple[int, bytes]:
        """POST one body and read the whole answer."""
        conn.request("POST", path, body=body, headers=self.headers)
        response = conn.getresponse()
        return response.status, response.read()

    def upload(self, bodies: list[bytes], expected: int = 201) -> float:
        """Upload every body from CLIENT_THREADS keep-alive connections; the wall time in seconds."""

        def worker(chunk: list[bytes]) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                for body in chunk:
                    status, answer = self.post(conn, "/api/v1/tasks", body)
                    if status != expected:
                        raise RuntimeError(f"upload answered {status}: {answer[:300]!r}")
            finally:
                conn.close()

        chunks = [bodies[i::CLIENT_THREADS] for i in range(CLIENT_THREADS)]
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            list(pool.map(worker, chunks))
        return time.perf_counter() - started


@contextlib.contextmanager
def _baseline_server() -> Iterator[_Target]:
    """The trivial endpoint under uvicorn, one worker, on a loopback port bound here and handed to it (no race)."""
    with listen("127.0.0.1", 0) as sock:
        port = sock.getsockname()[1]
        command = [sys.executable, "-m", "bench.emulator_baseline", str(sock.fileno())]
        process = subprocess.Popen(command, cwd=REPO, pass_fds=(sock.fileno(),))
    try:
        if not wait_until_serving(process, f"http://127.0.0.1:{port}"):
            raise RuntimeError("the baseline server did not start")
        yield _Target(port, {})
    finally:
        process.terminate()
        process.wait(15)


def _rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _wait_success(base_url: str, operation_id: str, headers: dict[str, str]) -> dict[str, Any]:
    """Poll an operation every 10 ms until it ends."""
    conn = http.client.HTTPConnection(base_url.removeprefix("http://"), timeout=120)

    def fetch() -> dict[str, Any]:
        conn.request("GET", f"/api/v1/operations/{operation_id}", headers=headers)
        operation: dict[str, Any] = orjson.loads(conn.getresponse().read())
        return operation

    try:
        return wait_for_operation(fetch, interval=0.01, backoff=1.0, max_interval=0.01, timeout=120)
    finally:
        conn.close()


def run(quick: bool) -> list[Row]:
    """Measure the emulator against the trivial endpoint; smaller sizes with `quick`."""
    sync_batches = 10 if quick else 40
    async_size = 20_000 if quick else 100_000
    memory_small, memory_large = (20_000, 200_000) if quick else (100_000, 1_000_000)
    bodies = [_batch_body(BATCH, i * BATCH) for i in range(sync_batches)]
    async_body = _batch_body(async_size)
    with _baseline_server() as baseline:
        baseline.upload(bodies[:2])
        baseline_rate = sync_batches * BATCH / baseline.upload(bodies)
        conn = http.client.HTTPConnection("127.0.0.1", baseline.port, timeout=120)
        started = time.perf_counter()
        baseline.post(conn, "/api/v1/tasks", async_body)
        baseline_async = time.perf_counter() - started
        conn.close()
    rows = []
    with running_emulator(config_overrides=RAISED_LIMITS) as emulator:
        target = _Target(int(emulator.base_url.rsplit(":", 1)[1]), emulator.headers())
        target.upload(bodies[:2])
        sync_rate = sync_batches * BATCH / target.upload(bodies)
        rows.append(
            Row(
                name=f"emulator sync upload, {BATCH}-task batches, {sync_batches} batches",
                unit="tasks/s",
                measured=sync_rate,
                baseline=baseline_rate,
                baseline_name="trivial Starlette endpoint",
                goal=f">= {SYNC_GOAL:,.0f} tasks/s",
                met=sync_rate >= SYNC_GOAL,
            )
        )
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=120)
        operation_id = str(uuid.uuid4())
        status, answer = target.post(conn, f"/api/v1/tasks?async_mode=true&operation_id={operation_id}", async_body)
        accepted = time.perf_counter()
        conn.close()
        if status != 202:
            raise RuntimeError(f"async upload answered {status}: {answer[:300]!r}")
        operation = _wait_success(emulator.base_url, operation_id, emulator.headers())
        async_seconds = time.perf_counter() - accepted
        ok = operation["status"] == "SUCCESS" and operation["details"]["success_count"] == async_size
        rows.append(
            Row(
                name=f"emulator async upload of {async_size:,} tasks: 202 -> SUCCESS",
                unit="s",
                measured=async_seconds,
                baseline=baseline_async,
                baseline_name="trivial endpoint parsing+answering the same body",
                goal=f"<= {ASYNC_GOAL_SECONDS:.0f} s",
                met=ok and async_seconds <= ASYNC_GOAL_SECONDS,
            )
        )
    rows.append(_memory_row(memory_small, memory_large))
    return rows


def _memory_row(small: int, large: int) -> Row:
    """RSS of a fresh emulator after `small` and after `large` tasks stored (sync 5000-task batches)."""
    with running_emulator(config_overrides=RAISED_LIMITS) as emulator:
        target = _Target(int(emulator.base_url.rsplit(":", 1)[1]), emulator.headers())
        body = _batch_body(BATCH)
        target.upload([body] * (small // BATCH))
        rss_small = _rss_mb(emulator.pid)
        target.upload([body] * ((large - small) // BATCH))
        rss_large = _rss_mb(emulator.pid)
    return Row(
        name=f"emulator RSS after {large:,} tasks stored (baseline: after {small:,})",
        unit="MiB",
        measured=rss_large,
        baseline=rss_small,
        baseline_name=f"same process after {small:,}",
        goal=f"<= {MEMORY_GOAL_RATIO}x baseline",
        met=rss_large <= MEMORY_GOAL_RATIO * rss_small,
    )
