"""Fixtures: the emulator in-process over httpx's ASGI transport, its lifespan (the worker) run for the test."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from toloka_contract.clock import FakeClock
from toloka_emulator import create_app
from toloka_emulator.inprocess import running
from toloka_emulator.testing import ClientFactory


@pytest.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Build in-process clients, optionally with config overrides and a fake clock; all closed at the end."""
    async with contextlib.AsyncExitStack() as stack:

        async def factory(overrides: dict[str, Any] | None = None, clock: FakeClock | None = None) -> httpx.AsyncClient:
            timing: dict[str, Any] = {"clock": clock, "sleep": clock.sleep} if clock is not None else {}
            app = await stack.enter_async_context(running(create_app(overrides or None, **timing)))
            transport = httpx.ASGITransport(app=app)
            return await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://emulator"))

        yield factory


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """A client of an emulator with the default config and an in-memory database."""
    return await make_client()
