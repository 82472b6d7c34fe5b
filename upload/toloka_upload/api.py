"""The one-call functions: upload_tasks / upload_task_suites (blocking) and their async twins."""

import asyncio
import concurrent.futures
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar, Unpack

import httpx

from toloka_upload.credentials import Token
from toloka_upload.results import UploadResult
from toloka_upload.settings import Settings
from toloka_upload.uploader import PRODUCTION_URL, AsyncUploader, UploadOptions

T = TypeVar("T")


async def async_upload_tasks(
    items: Iterable[object],
    *,
    token: str | Token | None = None,
    base_url: str = PRODUCTION_URL,
    settings: Settings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Unpack[UploadOptions],
) -> UploadResult:
    """Create tasks (dicts or TaskCreate) in batches; the token defaults to `TOLOKA_TOKEN`."""
    async with AsyncUploader(token, base_url=base_url, settings=settings, transport=transport) as uploader:
        return await uploader.upload_tasks(items, **options)


async def async_upload_task_suites(
    items: Iterable[object],
    *,
    token: str | Token | None = None,
    base_url: str = PRODUCTION_URL,
    settings: Settings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Unpack[UploadOptions],
) -> UploadResult:
    """Create task suites (dicts or TaskSuiteCreate) in batches; the token defaults to `TOLOKA_TOKEN`."""
    async with AsyncUploader(token, base_url=base_url, settings=settings, transport=transport) as uploader:
        return await uploader.upload_task_suites(items, **options)


def upload_tasks(
    items: Iterable[object],
    *,
    token: str | Token | None = None,
    base_url: str = PRODUCTION_URL,
    settings: Settings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Unpack[UploadOptions],
) -> UploadResult:
    """The blocking form of async_upload_tasks (works inside a running event loop too, e.g. in Jupyter)."""
    return run_blocking(
        async_upload_tasks(items, token=token, base_url=base_url, settings=settings, transport=transport, **options)
    )


def upload_task_suites(
    items: Iterable[object],
    *,
    token: str | Token | None = None,
    base_url: str = PRODUCTION_URL,
    settings: Settings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Unpack[UploadOptions],
) -> UploadResult:
    """The blocking form of async_upload_task_suites."""
    return run_blocking(
        async_upload_task_suites(
            items, token=token, base_url=base_url, settings=settings, transport=transport, **options
        )
    )


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end, in a helper thread when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
