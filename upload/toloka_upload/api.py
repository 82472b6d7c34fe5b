"""The one-call functions: upload_tasks / upload_task_suites (blocking) and their async twins."""

import asyncio
import concurrent.futures
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar, Unpack

import httpx

from toloka_upload.credentials import Token
from toloka_upload.kinds import Kind
from toloka_upload.results import UploadResult
from toloka_upload.settings import Settings
from toloka_upload.uploader import AsyncUploader, UploadOptions

T = TypeVar("T")
CLIENT_KEYS = ("token", "base_url", "settings", "transport")


class UploadCall(UploadOptions, total=False):
    """The keyword arguments of the one-call functions: where and how to connect, then the upload's options."""

    token: str | Token | None
    """The API token; `TOLOKA_TOKEN` when absent."""
    base_url: str
    """https://toloka.dev by default."""
    settings: Settings | None
    transport: httpx.AsyncBaseTransport | None
    """An httpx transport to send through instead of the network (tests)."""


async def _upload(kind: Kind, items: Iterable[object], call: UploadCall) -> UploadResult:
    client: dict[str, Any] = {key: call[key] for key in CLIENT_KEYS if key in call}  # type: ignore[literal-required]
    options: dict[str, Any] = {key: value for key, value in call.items() if key not in CLIENT_KEYS}
    async with AsyncUploader(**client) as uploader:
        return await uploader.upload(kind, items, **options)


async def async_upload_tasks(items: Iterable[object], **call: Unpack[UploadCall]) -> UploadResult:
    """Create tasks (dicts or TaskCreate) in batches; every position ends created, invalid or failed."""
    return await _upload(Kind.TASKS, items, call)


async def async_upload_task_suites(items: Iterable[object], **call: Unpack[UploadCall]) -> UploadResult:
    """Create task suites (dicts or TaskSuiteCreate) in batches; as async_upload_tasks."""
    return await _upload(Kind.TASK_SUITES, items, call)


def upload_tasks(items: Iterable[object], **call: Unpack[UploadCall]) -> UploadResult:
    """The blocking form of async_upload_tasks (works inside a running event loop too, e.g. in Jupyter)."""
    return run_blocking(_upload(Kind.TASKS, items, call))


def upload_task_suites(items: Iterable[object], **call: Unpack[UploadCall]) -> UploadResult:
    """The blocking form of async_upload_task_suites."""
    return run_blocking(_upload(Kind.TASK_SUITES, items, call))


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end, in a helper thread when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
