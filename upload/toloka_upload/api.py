"""The one-call functions: upload_tasks / upload_task_suites (blocking) and their async twins.

Every option is keyword-only and spelt out: a misspelt one (`skip_invalid=True`) is a TypeError.
"""

import asyncio
import concurrent.futures
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar, Unpack

import httpx

from toloka_upload.credentials import Token
from toloka_upload.kinds import Kind
from toloka_upload.options import UploadFields
from toloka_upload.results import UploadResult
from toloka_upload.settings import Settings
from toloka_upload.timing import Clock, Sleep
from toloka_upload.uploader import PRODUCTION_URL, AsyncUploader

T = TypeVar("T")


class UploadCall(UploadFields, total=False):
    """The keyword arguments of the one-call functions, for type checkers: the connection's (AsyncUploader's)
    and the upload's own (UploadFields, the fields of UploadOptions, which refuses any other name at run time)."""

    token: str | Token | None
    base_url: str
    settings: Settings | None
    transport: httpx.AsyncBaseTransport | None
    clock: Clock | None
    sleep: Sleep | None


async def async_upload(
    kind: Kind,
    items: Iterable[object],
    *,
    token: str | Token | None = None,
    base_url: str = PRODUCTION_URL,
    settings: Settings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
    sleep: Sleep | None = None,
    **options: Unpack[UploadFields],
) -> UploadResult:
    """Create `kind` from `items` (dicts or generated create models); every position ends created, invalid,
    failed or unknown. `token` (else `TOLOKA_TOKEN`), `base_url`, `settings`, `transport`, `clock`/`sleep` set
    up the connection (see AsyncUploader); the rest are the fields of UploadOptions."""
    uploader = AsyncUploader(token, base_url=base_url, settings=settings, transport=transport, clock=clock, sleep=sleep)
    async with uploader:
        return await uploader.upload(kind, items, **options)


async def async_upload_tasks(items: Iterable[object], **options: Unpack[UploadCall]) -> UploadResult:
    """Create tasks (dicts or TaskCreate); the options are those of async_upload (unknown ones: TypeError)."""
    return await async_upload(Kind.TASKS, items, **options)


async def async_upload_task_suites(items: Iterable[object], **options: Unpack[UploadCall]) -> UploadResult:
    """Create task suites (dicts or TaskSuiteCreate); as async_upload_tasks."""
    return await async_upload(Kind.TASK_SUITES, items, **options)


def upload_tasks(items: Iterable[object], **options: Unpack[UploadCall]) -> UploadResult:
    """The blocking form of async_upload_tasks (works inside a running event loop too, e.g. in Jupyter)."""
    return run_blocking(async_upload(Kind.TASKS, items, **options))


def upload_task_suites(items: Iterable[object], **options: Unpack[UploadCall]) -> UploadResult:
    """The blocking form of async_upload_task_suites."""
    return run_blocking(async_upload(Kind.TASK_SUITES, items, **options))


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end, in a helper thread when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
