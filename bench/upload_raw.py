"""The whole-process baseline for bench.upload_process: what a hand-written script does for the same upload.

Usage: python -m bench.upload_raw FILE BASE_URL POOL_ID (token in TOLOKA_TOKEN). Reads the JSON Lines file with
orjson, sends synchronous batches of 5000 with httpx, collects the created ids by position, and prints how many
were created. No checks, no retries, no checkpoint, no progress: the least any upload can do.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import httpx
import orjson

BATCH = 5000


def post_sync_batches(base_url: str, token: str, data: list[dict[str, Any]]) -> int:
    """The baseline's upload: synchronous batches, serialised and parsed with orjson, ids collected by position."""
    ids: list[str | None] = [None] * len(data)
    headers = {"Authorization": f"OAuth {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        for start in range(0, len(data), BATCH):
            response = client.post(
                "/api/v1/tasks", params={"async_mode": "false"}, content=orjson.dumps(data[start : start + BATCH])
            )
            response.raise_for_status()
            for key, task in orjson.loads(response.content)["items"].items():
                ids[start + int(key)] = task["id"]
    return sum(1 for i in ids if i)


def main(path: str, base_url: str, pool_id: str) -> int:
    """Upload the file; the number of items created."""
    with open(path, "rb") as handle:
        data = [orjson.loads(line) for line in handle if line.strip()]
    for item in data:
        item.setdefault("pool_id", pool_id)
    return post_sync_batches(base_url, os.environ["TOLOKA_TOKEN"], data)


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2], sys.argv[3]))
