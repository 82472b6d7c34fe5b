"""An upload through a misbehaving proxy still creates every item exactly once and accounts for every position."""

import asyncio
import collections
import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
from toloka_client.api.tasks import list_tasks
from toloka_client.client import AuthenticatedClient
from toloka_emulator.testing import RunningEmulator, running_emulator
from toloka_upload import PollPolicy, RetryPolicy, Settings, async_upload_tasks

# Every other request misbehaves, in every way the proxy knows, round and round.
FAULTS = ("drop_before", "500_after", "503", "429", "drop_after", "stall", "500")
SCHEDULE = tuple(step for fault in FAULTS for step in ("pass", fault))
READ_TIMEOUT = 2.0
STALL = 3.0


def canned(status: int, code: str, extra_headers: str = "") -> bytes:
    """A whole HTTP/1.1 response with a Toloka error body."""
    body = orjson.dumps({"request_id": "fault-proxy", "code": code, "message": "injected by the test proxy"})
    head = f"HTTP/1.1 {status} Injected\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
    return head.encode() + extra_headers.encode() + b"\r\n" + body


CANNED = {
    "500": canned(500, "INTERNAL_ERROR"),
    "500_after": canned(500, "INTERNAL_ERROR"),
    "503": canned(503, "REMOTE_SERVICE_UNAVAILABLE"),
    "429": canned(429, "TOO_MANY_REQUESTS", "retry-after: 1\r\n"),
}


async def read_message(reader: asyncio.StreamReader) -> bytes | None:
    """One HTTP/1.1 message (head and Content-Length body), or None at the end of the stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        assert name.strip().lower() != b"transfer-encoding", "the proxy handles Content-Length bodies only"
        if name.strip().lower() == b"content-length":
            length = int(value)
    return head + await reader.readexactly(length)


class FaultProxy:
    """A loopback HTTP/1.1 proxy in front of the emulator that drops, fails, rate-limits and stalls requests."""

    def __init__(self, upstream: str, schedule: Iterator[str]) -> None:
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._schedule = schedule
        self.seen: collections.Counter[str] = collections.Counter()
        self.lost_uploads = 0
        """POSTs the server processed whose answer the client never got: the case operation ids exist for."""

    async def _forward(self, request: bytes) -> bytes:
        reader, writer = await asyncio.open_connection(*self._upstream)
        try:
            writer.write(request)
            await writer.drain()
            response = await read_message(reader)
            assert response is not None
            return response
        finally:
            writer.close()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One client connection, request after request, until the client or a fault closes it."""
        try:
            while (request := await read_message(reader)) is not None:
                fault = next(self._schedule)
                self.seen[fault] += 1
                if request.startswith(b"POST") and fault in ("500_after", "drop_after", "stall"):
                    self.lost_uploads += 1
                if fault == "drop_before":
                    return
                if fault in ("500", "503", "429"):
                    writer.write(CANNED[fault])
                    continue
                response = await self._forward(request)
                if fault == "drop_after":
                    return
                if fault == "500_after":
                    response = CANNED[fault]
                if fault == "stall":
                    await asyncio.sleep(STALL)
                writer.write(response)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    """A fresh emulator without rate limits (the proxy does the rate limiting)."""
    with running_emulator(config_overrides={"limits": {"items_per_minute": 10**9, "items_per_day": 10**10}}) as e:
        yield e


@pytest.fixture
async def proxy(emulator: RunningEmulator) -> AsyncIterator[tuple[str, FaultProxy]]:
    """The proxy's base URL and the proxy."""
    fault_proxy = FaultProxy(emulator.base_url, itertools.cycle(SCHEDULE))
    server = await asyncio.start_server(fault_proxy.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", fault_proxy


def server_images(emulator: RunningEmulator) -> dict[str, str]:
    """Task id → image of everything in pool 1, read directly from the emulator."""
    client = AuthenticatedClient(base_url=emulator.base_url, token=emulator.token(), prefix="OAuth")
    with client as http:
        response = http.get_httpx_client().request(**list_tasks.request_kwargs(pool_id="1", limit=100_000))
    page: dict[str, Any] = orjson.loads(response.content)
    assert not page["has_more"]
    return {task["id"]: task["input_values"]["image"] for task in page["items"]}


async def test_upload_through_faults_creates_everything_exactly_once(
    emulator: RunningEmulator, proxy: tuple[str, FaultProxy]
) -> None:
    base_url, fault_proxy = proxy
    images = [f"https://example.com/{i}.png" for i in range(3000)]
    items = [{"input_values": {"image": image}, "overlap": 1} for image in images]
    settings = Settings(
        batch_size=250,
        max_concurrency=3,
        items_per_minute=None,
        timeout=httpx.Timeout(READ_TIMEOUT, connect=2.0),
        retry=RetryPolicy(max_attempts=20, backoff_base=0.05, backoff_max=0.5),
        poll=PollPolicy(initial=0.05, maximum=0.3),
    )
    result = await async_upload_tasks(items, pool_id="1", token=emulator.token(), base_url=base_url, settings=settings)

    assert set(fault_proxy.seen) == {"pass", *FAULTS}, fault_proxy.seen
    assert fault_proxy.lost_uploads > 0
    assert (result.total, result.created, result.invalid, result.failed) == (3000, 3000, 0, 0)
    on_server = await asyncio.to_thread(server_images, emulator)
    assert sorted(on_server.values()) == sorted(images)
    assert set(on_server) == set(result.ids)
    assert all(on_server[result[i].id or ""] == images[i] for i in range(3000))
