"""The asyncio uploader: reads items lazily, runs a bounded number of batches at once, collects the outcomes."""

import asyncio
import functools
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self, TypedDict, Unpack

import httpx
from toloka_client.client import AuthenticatedClient

from toloka_upload.batch import ApiFlags, BatchUploader
from toloka_upload.checkpoint import Checkpoint
from toloka_upload.credentials import Token, resolve_token
from toloka_upload.items import PreparedBatch, prepare_batch
from toloka_upload.kinds import Kind
from toloka_upload.pacer import Pacer
from toloka_upload.results import BatchOutcome, UploadResult
from toloka_upload.retrying import Sleep
from toloka_upload.settings import SYNC_MAX_ITEMS, Settings
from toloka_upload.wire import Wire

PRODUCTION_URL: Final = "https://toloka.dev"
SANDBOX_URL: Final = "https://sandbox.toloka.dev"


def check_base_url(base_url: str) -> str:
    """The base URL, if it is an http(s) URL with a host; a ValueError saying what is wrong otherwise."""
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"the base URL {base_url!r} is not a URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"the base URL must start with http:// or https:// and name a host, got {base_url!r}")
    return base_url


class UploadOptions(TypedDict, total=False):
    """Per-upload options, shared by every upload function."""

    pool_id: str | None
    """Filled into items that have no `pool_id`."""
    async_mode: bool
    """True (default): async operations with a client-made operation_id each; False: synchronous requests."""
    skip_invalid_items: bool
    allow_defaults: bool
    open_pool: bool
    checkpoint: str | os.PathLike[str] | None
    """A resume file: a rerun with the same file and input skips finished batches and creates nothing twice."""
    on_batch: Callable[[BatchOutcome], None] | None
    """Called as each batch ends (progress bars, streaming results out)."""
    keep_items: bool
    """False keeps only counts in the result, so memory does not grow with the upload (use on_batch)."""


def batches(items: Iterable[object], size: int) -> Iterator[tuple[int, int, list[object]]]:
    """(number, start position, items) per batch, read lazily."""
    iterator = iter(items)
    for number in itertools.count():
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield number, number * size, chunk


def batch_size(settings: Settings, async_mode: bool) -> int:
    """Items per request: the setting, within the API's synchronous limit and the per-minute pace.

    A request with more items than the server allows in a minute could never be accepted, however long it waited.
    """
    size = settings.batch_size if async_mode else min(settings.batch_size, SYNC_MAX_ITEMS)
    return size if settings.items_per_minute is None else min(size, settings.items_per_minute)


class AsyncUploader:
    """Uploads tasks and task suites through the generated client; one instance per base URL and token."""

    def __init__(
        self,
        token: str | Token | None = None,
        *,
        base_url: str = PRODUCTION_URL,
        settings: Settings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.settings = settings or Settings()
        self._sleep = sleep
        secret = resolve_token(token)
        limits = httpx.Limits(max_connections=self.settings.max_concurrency * 2, max_keepalive_connections=None)
        httpx_args: dict[str, Any] = {"limits": limits}
        if transport is not None:
            httpx_args["transport"] = transport
        client = AuthenticatedClient(
            base_url=base_url,
            token=secret.reveal(),
            prefix=secret.prefix,
            timeout=self.settings.timeout,
            httpx_args=httpx_args,
        )
        self._wire = Wire(client)

    def __repr__(self) -> str:
        return f"AsyncUploader(base_url={self.base_url!r}, token='***', settings={self.settings!r})"

    async def upload_tasks(self, items: Iterable[object], **options: Unpack[UploadOptions]) -> UploadResult:
        """Create tasks from dicts or TaskCreate objects; every position ends created, invalid or failed."""
        return await self.upload(Kind.TASKS, items, **options)

    async def upload_task_suites(self, items: Iterable[object], **options: Unpack[UploadOptions]) -> UploadResult:
        """Create task suites from dicts or TaskSuiteCreate objects; as upload_tasks."""
        return await self.upload(Kind.TASK_SUITES, items, **options)

    async def upload(self, kind: Kind, items: Iterable[object], **options: Unpack[UploadOptions]) -> UploadResult:
        """Create `kind` from `items`: upload_tasks and upload_task_suites in one."""
        return await self._upload(kind, items, options)

    async def aclose(self) -> None:
        """Close the connections."""
        await self._wire.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _upload(self, kind: Kind, items: Iterable[object], options: UploadOptions) -> UploadResult:
        flags = ApiFlags(
            async_mode=options.get("async_mode", True),
            allow_defaults=options.get("allow_defaults", False),
            skip_invalid_items=options.get("skip_invalid_items", False),
            open_pool=options.get("open_pool", False),
        )
        settings = self.settings
        size = batch_size(settings, flags.async_mode)
        tag = flags.async_mode and settings.tag_items
        pacer = Pacer(settings.items_per_minute) if settings.items_per_minute is not None else None
        path = options.get("checkpoint")
        checkpoint = (
            Checkpoint(Path(path), {"kind": kind.value, "batch_size": size, "async_mode": flags.async_mode, "tag": tag})
            if path is not None
            else None
        )
        run = _Run(
            BatchUploader(self._wire, kind, flags, settings, pacer, self._sleep),
            flags,
            settings.max_concurrency,
            checkpoint,
            UploadResult(keep_items=options.get("keep_items", True)),
            options.get("on_batch"),
        )
        try:
            for number, start, chunk in batches(items, size):
                if not run.restored(number):
                    prepared = prepare_batch(
                        number,
                        start,
                        chunk,
                        kind,
                        pool_id=options.get("pool_id"),
                        tag=tag,
                        skip_invalid=flags.skip_invalid_items,
                    )
                    del chunk
                    await run.submit(prepared)
            await run.settle(0)
        finally:
            await run.close()
        return run.result


class _Run:
    """One upload in progress: its batches in flight, its checkpoint, its result."""

    def __init__(
        self,
        uploader: BatchUploader,
        flags: ApiFlags,
        max_concurrency: int,
        checkpoint: Checkpoint | None,
        result: UploadResult,
        on_batch: Callable[[BatchOutcome], None] | None,
    ) -> None:
        self._uploader = uploader
        self._flags = flags
        self._max_concurrency = max_concurrency
        self._checkpoint = checkpoint
        self.result = result
        self._on_batch = on_batch
        self._pending: set[asyncio.Task[BatchOutcome]] = set()

    def restored(self, number: int) -> bool:
        """Take batch `number` from the checkpoint if an earlier run finished it."""
        earlier = self._checkpoint.done(number) if self._checkpoint is not None else None
        if earlier is not None:
            self._finish(earlier, record=False)
        return earlier is not None

    async def submit(self, prepared: PreparedBatch) -> None:
        """Start uploading a batch once fewer than max_concurrency are in flight."""
        await self.settle(self._max_concurrency - 1)
        operation_id: str | None = None
        on_send: Callable[[], None] | None = None
        checkpoint = self._checkpoint
        if checkpoint is not None:
            digest = prepared.digest()
            started = checkpoint.started(prepared.number, digest)
            if started is not None and not self._flags.async_mode and prepared.sent:
                # A synchronous batch whose answer was lost: resending could create it twice.
                self._finish(self._uploader.interrupted(prepared))
                return
            operation_id = started.operation_id if started is not None else None
            if self._flags.async_mode and operation_id is None:
                operation_id = self._uploader.new_operation_id()
            # A start record means "sent, or about to be": it is written once the pacer lets the batch go,
            # never while it waits for its turn (a rerun would take a queued synchronous batch for a sent one).
            on_send = functools.partial(checkpoint.record_start, prepared.number, digest, operation_id)
        self._pending.add(asyncio.create_task(self._uploader.run(prepared, operation_id, on_send)))

    async def settle(self, limit: int) -> None:
        """Collect finished batches until at most `limit` are in flight."""
        while len(self._pending) > limit:
            done, _ = await asyncio.wait(self._pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                self._pending.discard(task)
                self._finish(task.result())

    async def close(self) -> None:
        """Cancel what is still in flight (after an error) and close the checkpoint."""
        for task in self._pending:
            task.cancel()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        if self._checkpoint is not None:
            self._checkpoint.close()

    def _finish(self, outcome: BatchOutcome, record: bool = True) -> None:
        # An async batch with failures stays open: a rerun resends it under the same operation_id, which
        # either finishes it or reads the operation that did run. A synchronous batch is never resent.
        if self._checkpoint is not None and record and not (self._flags.async_mode and outcome.failed):
            self._checkpoint.record_done(outcome)
        self.result.add(outcome)
        if self._on_batch is not None:
            self._on_batch(outcome)
