"""Fixtures: the emulator in-process over httpx's ASGI transport, with the worker released afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from toloka_emulator import create_app, load_config
from toloka_emulator.config import parse_config
from toloka_emulator.config_writer import merge_overrides
from toloka_emulator.testing import ClientFactory


@pytest.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Build in-process clients, optionally with config overrides; everything is closed at the end."""
    apps: list[Any] = []
    clients: list[httpx.AsyncClient] = []

    async def factory(overrides: dict[str, Any] | None = None) -> httpx.AsyncClient:
        config = load_config() if not overrides else parse_config(merge_overrides(load_config().raw, overrides))
        app = create_app(config)
        apps.append(app)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator")
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.aclose()
    for app in apps:
        await app.state.emulator.stop_worker()
        app.state.emulator.close()


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """A client of an emulator with the default config and an in-memory database."""
    return await make_client()
