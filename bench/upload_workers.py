"""One measured upload per process, for bench.upload: the upload layer, or the hand-written httpx+orjson baseline.

Usage: python -m bench.upload_workers MODE BASE_URL COUNT (token in TOLOKA_TOKEN). Prints one JSON line:
the upload's own CPU seconds (process_time around the upload only), wall seconds, peak RSS and counts.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import orjson
from toloka_contract.operations import ENDED_STATUSES
from toloka_upload import Settings, upload_tasks

from bench.upload_raw import BATCH
from bench.upload_raw import post_sync_batches as raw_sync

POLL_START, POLL_FACTOR, POLL_MAX = 0.1, 1.5, 5.0


def items(count: int) -> Iterator[dict[str, Any]]:
    """Valid tasks for the default config's pool 1, each with its own image."""
    for i in range(count):
        yield {"pool_id": "1", "input_values": {"image": f"https://example.com/bench/{i}.png"}, "overlap": 1}


def raw_async(base_url: str, token: str, data: list[dict[str, Any]]) -> int:
    """The baseline for async mode: one operation per batch, polled with backoff, ids taken from its log."""
    ids: list[str | None] = [None] * len(data)
    headers = {"Authorization": f"OAuth {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        for start in range(0, len(data), BATCH):
            operation_id = str(uuid.uuid4())
            body = orjson.dumps(data[start : start + BATCH])
            params = {"async_mode": "true", "operation_id": operation_id}
            client.post("/api/v1/tasks", params=params, content=body).raise_for_status()
            delay = POLL_START
            while (
                orjson.loads(client.get(f"/api/v1/operations/{operation_id}").content)["status"] not in ENDED_STATUSES
            ):
                time.sleep(delay)
                delay = min(POLL_MAX, delay * POLL_FACTOR)
            for offset, step in enumerate(orjson.loads(client.get(f"/api/v1/operations/{operation_id}/log").content)):
                ids[start + offset] = step["output"]["task_id"]
    return sum(1 for i in ids if i)


def ours(async_mode: bool) -> Callable[[str, str, list[dict[str, Any]]], int]:
    """The upload layer in one mode, pacer off (the emulator's limits are raised)."""

    def run(base_url: str, token: str, data: list[dict[str, Any]]) -> int:
        settings = Settings(items_per_minute=None)
        # pool_id: the pool's project input spec is read and every item checked against it (the checks on).
        return upload_tasks(
            data, token=token, base_url=base_url, settings=settings, async_mode=async_mode, pool_id="1"
        ).created

    return run


def ours_streaming(base_url: str, token: str, count: int) -> int:
    """The upload layer reading a generator and keeping counts only: memory should not grow with `count`."""
    settings = Settings(items_per_minute=None)
    return upload_tasks(items(count), token=token, base_url=base_url, settings=settings, keep_items=False).created


MODES: dict[str, Callable[[str, str, list[dict[str, Any]]], int]] = {
    "raw-sync": raw_sync,
    "raw-async": raw_async,
    "ours-sync": ours(async_mode=False),
    "ours-async": ours(async_mode=True),
}


def main(mode: str, base_url: str, count: int) -> None:
    """Measure one upload and print the figures."""
    token = os.environ["TOLOKA_TOKEN"]
    # A tiny upload first, so one-time costs (lazy imports, TLS context) stay out of the per-task figure.
    MODES.get(mode, MODES["ours-async"])(base_url, token, [dict(item, pool_id="1") for item in items(3)])
    data = list(items(count)) if mode in MODES else []
    cpu, wall = time.process_time(), time.perf_counter()
    created = ours_streaming(base_url, token, count) if mode == "ours-streaming" else MODES[mode](base_url, token, data)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        orjson.dumps(
            {"mode": mode, "count": count, "created": created, "cpu": cpu, "wall": wall, "rss_mb": rss_mb}
        ).decode()
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
