"""Upload throughput at a rate quota: how much of the quota the pacer uses, and how often the server says 429.

The emulator counts items per account in fixed calendar minutes (toloka_emulator.ratelimit), so no run shorter
than a minute says anything about a per-minute pace: whatever the pace, a minute's worth goes at once. The run
uploads two minutes' worth (2 x QUOTA tasks) with the client paced at the quota it is told; the first minute's
worth is the burst any client gets, and the second can only go once a minute has passed. The share of the quota
is what the second minute's worth shows: (items - QUOTA) / (QUOTA x elapsed minutes), 1.0 for a client that sends
the rest exactly one minute after the start and finishes at once. A pacer at half the quota scores about a third;
one that ignores the quota and waits out 429s scores less still and fails the 429 goal. In process (the CPU is
not the point), a small quota keeps it near a minute.
"""

from __future__ import annotations

import asyncio
import collections
import time

import httpx
from toloka_emulator.testing import running_emulator
from toloka_upload import AsyncUploader, PollPolicy, Settings

from bench.table import Row

QUOTA = 3000
"""Tasks a minute, set on the emulator (both kinds share it) and given to the client as its pace."""
BATCH = 250
SHARE_GOAL = 0.95
RATE_LIMITED_GOAL = 0.01


class CountingTransport(httpx.AsyncHTTPTransport):
    """Counts the answers by status."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: collections.Counter[int] = collections.Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        self.statuses[response.status_code] += 1
        return response


async def _upload(base_url: str, token: str, count: int, transport: CountingTransport) -> float:
    """Seconds to upload `count` tasks to pool 1 at the quota."""
    settings = Settings(batch_size=BATCH, items_per_minute=QUOTA, poll=PollPolicy(initial=0.05, maximum=0.5))
    items = [{"input_values": {"image": f"https://example.com/pace/{i}.png"}, "overlap": 1} for i in range(count)]
    async with AsyncUploader(token, base_url=base_url, settings=settings, transport=transport) as uploader:
        start = time.monotonic()
        result = await uploader.upload_tasks(items, pool_id="1", read_input_spec=False)
        elapsed = time.monotonic() - start
    if result.created != count:
        raise RuntimeError(f"created {result.created} of {count}: {result.failed} failed, {result.unknown} unknown")
    return elapsed


def run(quick: bool) -> list[Row]:
    """Two rows: the share of the quota used, and the share of requests answered 429 (the same run)."""
    del quick  # a minute is the least that measures a per-minute pace
    count = 2 * QUOTA
    limits = {"limits": {"items_per_minute": QUOTA, "items_per_day": 10**9}}
    transport = CountingTransport()
    with running_emulator(config_overrides=limits) as emulator:
        elapsed = asyncio.run(_upload(emulator.base_url, emulator.token(), count, transport))
    share = (count - QUOTA) / (QUOTA * elapsed / 60)
    requests = sum(transport.statuses.values())
    limited = transport.statuses[429]
    return [
        Row(
            name=f"upload throughput against the emulator at a quota of {QUOTA:,} tasks a minute ({count:,} tasks, "
            f"batches of {BATCH}, elapsed {elapsed:.1f} s), as a share of the quota",
            unit="tasks/min",
            measured=share * QUOTA,
            baseline=QUOTA,
            baseline_name="the quota",
            goal=f">= {SHARE_GOAL:.2f}x",
            met=share >= SHARE_GOAL,
        ),
        Row(
            name="requests answered 429 in that run",
            unit="requests",
            measured=limited,
            baseline=requests,
            baseline_name="all requests",
            goal=f"<= {RATE_LIMITED_GOAL:.2f}x",
            met=limited <= RATE_LIMITED_GOAL * requests,
        ),
    ]
