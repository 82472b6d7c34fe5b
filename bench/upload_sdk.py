"""The official SDK (toloka-kit 1.2.3) doing the same upload, run by its own interpreter (compat/toloka-kit/.venv).

Usage: python bench/upload_sdk.py BASE_URL COUNT (token in TOLOKA_TOKEN). Prints the same JSON line as
bench.upload_workers. Uses only the standard library besides toloka-kit: it cannot import the workspace.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import toloka.client as toloka  # type: ignore[import-not-found]  # noqa: E402


def main(base_url: str, count: int) -> None:
    """Build SDK Task objects, then time create_tasks with the SDK's defaults (one async operation)."""
    client = toloka.TolokaClient(os.environ["TOLOKA_TOKEN"], url=base_url, timeout=600)
    tasks = [
        toloka.Task(pool_id="1", input_values={"image": f"https://example.com/bench/{i}.png"}, overlap=1)
        for i in range(count)
    ]
    cpu, wall = time.process_time(), time.perf_counter()
    result = client.create_tasks(tasks)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"mode": "sdk", "count": count, "created": len(result.items), "cpu": cpu, "wall": wall, "rss_mb": rss_mb}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
