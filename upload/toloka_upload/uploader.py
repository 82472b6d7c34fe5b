"""The asyncio uploader: reads items lazily, runs a bounded number of batches at once, collects the outcomes."""

import asyncio
import collections
import itertools
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self, Unpack

import attrs
import httpx
import orjson
from toloka_client.client import AuthenticatedClient
from toloka_contract.auth import authorization_header

from toloka_upload.batch import STOPPED, ApiFlags, BatchUploader
from toloka_upload.checkpoint import Checkpoint, Marks, Pending, recorded_salt
from toloka_upload.checks import InputSpec, ItemChecker
from toloka_upload.credentials import Token, resolve_token
from toloka_upload.earlier import Earlier
from toloka_upload.errors import (
    ApiError,
    AuthenticationError,
    CheckpointMismatchError,
    EarlierRunsError,
    UploadError,
    UsageError,
)
from toloka_upload.identity import Target
from toloka_upload.items import ChangedItemError, PreparedBatch, prepare_batch
from toloka_upload.kinds import Kind
from toloka_upload.options import UploadFields, UploadOptions, derived
from toloka_upload.pacer import Pacer
from toloka_upload.results import BatchOutcome, UploadResult
from toloka_upload.retrying import send_with_retry
from toloka_upload.settings import SYNC_MAX_ITEMS, Settings
from toloka_upload.settling import PoolReader
from toloka_upload.timing import Clock, Sleep, Timing
from toloka_upload.wire import NOT_TOLOKA, Wire, api_error, parse_json

PRODUCTION_URL: Final = "https://toloka.dev"
SANDBOX_URL: Final = "https://sandbox.toloka.dev"
logger = logging.getLogger("toloka_upload")


def check_base_url(base_url: str) -> str:
    """The base URL, if it is an http(s) URL with a host; a ValueError saying what is wrong otherwise."""
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"the base URL {base_url!r} is not a URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"the base URL must start with http:// or https:// and name a host, got {base_url!r}")
    return base_url


def batches(items: Iterable[object], size: int) -> Iterator[tuple[int, int, list[object]]]:
    """(number, start position, items) per batch, read lazily."""
    iterator = iter(items)
    for number in itertools.count():
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield number, number * size, chunk


def batch_size(settings: Settings, async_mode: bool, kind: Kind = Kind.TASKS) -> int:
    """Items per request: the setting, within the API's synchronous limit and the kind's per-minute pace.

    A request with more items than the server allows in a minute could never be accepted, however long it waited.
    """
    size = settings.batch_size if async_mode else min(settings.batch_size, SYNC_MAX_ITEMS)
    pace = settings.pace(kind)
    return size if pace is None else min(size, pace)


def _salt(again: bool | str, checkpoint: str | os.PathLike[str] | None) -> str | None:
    """The salt of the target's operation id sequence: `again` itself when it is a name; for `again=True`, the one
    the checkpoint already records (resuming that upload), else a new random one."""
    if again is True:
        return (recorded_salt(Path(checkpoint)) if checkpoint is not None else None) or os.urandom(8).hex()
    return again or None


class AsyncUploader:
    """Uploads tasks and task suites through the generated client; one instance per base URL and token.

    `clock` and `sleep` are the one clock and sleep every waiting part uses (pacer, retries, polling, deadline).
    """

    def __init__(
        self,
        token: str | Token | None = None,
        *,
        base_url: str = PRODUCTION_URL,
        settings: Settings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.settings = settings or Settings()
        defaults = Timing()
        self._timing = Timing(defaults.clock if clock is None else clock, defaults.sleep if sleep is None else sleep)
        secret = resolve_token(token)
        limits = httpx.Limits(max_connections=self.settings.max_concurrency * 2, max_keepalive_connections=None)
        httpx_args: dict[str, Any] = {"limits": limits}
        if transport is not None:
            httpx_args["transport"] = transport
        client = AuthenticatedClient(
            base_url=base_url,
            token=authorization_header(secret),
            prefix="",
            timeout=self.settings.timeout,
            httpx_args=httpx_args,
        )
        self._wire = Wire(client)

    def __repr__(self) -> str:
        return f"AsyncUploader(base_url={self.base_url!r}, token='***', settings={self.settings!r})"

    async def upload_tasks(
        self, items: Iterable[object], options: UploadOptions | None = None, **fields: Unpack[UploadFields]
    ) -> UploadResult:
        """Create tasks from dicts or TaskCreate objects; the options are those of `upload`."""
        return await self.upload(Kind.TASKS, items, options, **fields)

    async def upload_task_suites(
        self, items: Iterable[object], options: UploadOptions | None = None, **fields: Unpack[UploadFields]
    ) -> UploadResult:
        """Create task suites from dicts or TaskSuiteCreate objects; the options are those of `upload`."""
        return await self.upload(Kind.TASK_SUITES, items, options, **fields)

    async def upload(
        self,
        kind: Kind,
        items: Iterable[object],
        options: UploadOptions | None = None,
        **fields: Unpack[UploadFields],
    ) -> UploadResult:
        """Create `kind` from `items` in batches; every position ends created, invalid, failed or unknown.

        The options (see UploadOptions) come as one UploadOptions, or as its fields by name (over `options`,
        when both are given); a misspelt one is a TypeError.
        """
        options = attrs.evolve(options, **fields) if options is not None else UploadOptions(**fields)
        pool_id, async_mode, checkpoint, stop = options.pool_id, options.async_mode, options.checkpoint, options.stop
        target = derived(
            Target, options, base_url=self.base_url, kind=kind.value, salt=_salt(options.again, checkpoint)
        )
        flags = derived(ApiFlags, options)
        settings = self.settings
        give_up_after = options.give_up_after if options.give_up_after is not None else settings.give_up_after
        timing = self._timing.with_deadline(give_up_after)
        input_spec = options.input_spec
        if input_spec is None and options.read_input_spec and pool_id:
            input_spec = await self.input_spec(pool_id)
        checker = ItemChecker(kind, allow_defaults=options.allow_defaults, spec=input_spec, spec_pool=pool_id)
        pace = settings.pace(kind)
        pacer = Pacer(pace, timing) if pace is not None else None
        journal = Checkpoint(Path(checkpoint), target) if checkpoint is not None else None
        uploader = BatchUploader(
            self._wire, kind, flags, target, settings, pacer, timing, stop, checkpointed=journal is not None
        )
        reader = PoolReader(self._wire, kind, settings.retry, timing)
        result = UploadResult(keep_items=options.keep_items)
        run = _Run(uploader, reader, settings.max_concurrency, journal, result, options.on_batch)
        size = batch_size(settings, async_mode, kind)
        tag = async_mode and settings.tag_items
        try:
            if journal is not None:
                await run.settle_earlier(journal)
                if not async_mode and pool_id is not None and (newest := await reader.newest_id(pool_id)):
                    journal.floors = {pool_id: newest}
            met = await _discover(uploader, journal) if async_mode else None
            for number, start, chunk in batches(items, size):
                if stop is not None and stop.is_set():
                    # The rest of the input is read and reported, so every input line has its outcome.
                    run.result.stopped = True
                    run.unsent(BatchOutcome(number, start, [None] * len(chunk)))
                    continue
                try:
                    prepared = prepare_batch(
                        number, start, chunk, kind, pool_id=pool_id, tag=tag, skip_invalid=options.skip_invalid_items,
                        checker=checker, earlier=journal.created if journal else None,
                        held=journal.unknown if journal else None, digests=journal is not None,
                        marks=journal is not None and not async_mode, claim=met.claim if met else None,
                    )  # fmt: skip
                except ChangedItemError as exc:
                    await run.collect(0)
                    raise CheckpointMismatchError(
                        f"{exc}: the checkpoint {checkpoint} is for another input. Nothing more was sent. To "
                        "upload this input as new items, use another --checkpoint file (and --again if it "
                        "repeats items already uploaded)",
                        exc.index,
                    ) from None
                del chunk
                if number == 0:
                    _refuse_unusable(prepared, pool_id, options.allow_defaults)
                await run.submit(prepared)
            await run.collect(0)
            run.result.stopped = stop is not None and stop.is_set()
        finally:
            await run.close()
        return run.result

    async def input_spec(self, pool_id: str) -> InputSpec | None:
        """The input spec of the pool's project (GET the pool, then its project); None when either cannot be read."""
        pool = await self._read_json(self._wire.pool, pool_id, "pool")
        project_id = pool.get("project_id") if pool else None
        if project_id is None:
            return None
        project = await self._read_json(self._wire.project, str(project_id), "project")
        spec = ((project or {}).get("task_spec") or {}).get("input_spec")
        if not isinstance(spec, dict) or not all(isinstance(field, dict) for field in spec.values()):
            return None
        return InputSpec(spec)

    async def _read_json(self, request: Callable[[str], Any], item_id: str, what: str) -> dict[str, Any] | None:
        try:
            response = await send_with_retry(
                lambda: request(item_id), self.settings.retry, replay_safe=True, timing=self._timing.with_deadline(60),
                what=f"GET {what} {item_id}",
            )  # fmt: skip
        except UploadError as exc:
            logger.warning("could not read %s %s (%s): input values are checked by the server only", what, item_id, exc)
            return None
        if response.status_code == 401:
            raise api_error(response)
        if response.status_code == 404 and what == "pool":
            if api_error(response).code != NOT_TOLOKA:
                raise UsageError(f"pool {item_id} does not exist (or this token cannot see it): nothing was sent")
            # Something else answers at the base URL (another web server, a proxy): the pool is not known missing.
            raise UsageError(
                f"GET {response.request.url} answered 404 without a Toloka error body: {self.base_url} does not "
                f"look like the Toloka API, so pool {item_id} could not be read; nothing was sent: check --base-url "
                "(base_url=)"
            )
        if response.status_code != 200:
            logger.warning(
                "could not read %s %s (HTTP %d): input values are checked by the server only",
                what, item_id, response.status_code,
            )  # fmt: skip
            return None
        try:
            body = parse_json(response)
        except orjson.JSONDecodeError:
            return None
        return body if isinstance(body, dict) else None

    async def aclose(self) -> None:
        """Close the connections."""
        await self._wire.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


async def _discover(uploader: BatchUploader, journal: Checkpoint | None) -> Earlier:
    """What earlier runs of the target created (less what the checkpoint already places), or a refusal."""
    try:
        met = await uploader.discover()
    except AuthenticationError:
        raise
    except (UploadError, ValueError, KeyError, TypeError) as exc:
        raise EarlierRunsError(
            f"could not read what earlier runs of this upload created ({exc}). Nothing was sent. Rerun when the "
            "server answers and their operations have ended"
        ) from None
    if journal is not None:
        met.discard(item_id for _, item_id in journal.created.values())
    return met


def _refuse_unusable(batch: PreparedBatch, pool_id: str | None, allow_defaults: bool) -> None:
    """One message before anything is sent when no item of the first batch names a pool or an overlap."""
    if not batch.errors or len(batch.errors) < batch.size - len(batch.created) - len(batch.unknown):
        return
    if pool_id is None and all("pool_id" in errors for errors in batch.errors.values()):
        raise UsageError(
            "the items have no pool_id: pass the pool with --pool-id (pool_id=...), or add a pool_id column/field; "
            "nothing was sent"
        )
    if not allow_defaults and all("overlap" in errors for errors in batch.errors.values()):
        raise UsageError(
            "the items have no overlap: pass --allow-defaults (allow_defaults=True) to use the pool's default "
            "overlap, or add an overlap column/field; nothing was sent"
        )


class _Run:
    """One upload in progress: its batches in flight, its checkpoint, its result."""

    def __init__(
        self,
        uploader: BatchUploader,
        reader: PoolReader,
        max_concurrency: int,
        checkpoint: Checkpoint | None,
        result: UploadResult,
        on_batch: Callable[[BatchOutcome], None] | None,
    ) -> None:
        self._uploader = uploader
        self._reader = reader
        self._max_concurrency = max_concurrency
        self._checkpoint = checkpoint
        self.result = result
        self._on_batch = on_batch
        self._pending: set[asyncio.Task[tuple[PreparedBatch, str | None, BatchOutcome]]] = set()

    async def settle_earlier(self, checkpoint: Checkpoint) -> None:
        """Follow the operations earlier runs left open, so that what they created is known by position."""
        # The checkpoint keeps no synchronous batch without marks (it cannot be found: see Checkpoint's loading).
        synchronous = [(p, p.marks) for p in checkpoint.pending if p.operation_id is None and p.marks is not None]
        for pending in checkpoint.pending:
            if pending.operation_id is not None:
                await self._settle_pending(checkpoint, pending, pending.operation_id)
        if synchronous:
            await self._settle_synchronous(checkpoint, synchronous)
        checkpoint.pending = []

    async def _settle_synchronous(self, checkpoint: Checkpoint, pendings: list[tuple[Pending, Marks]]) -> None:
        """Find the items of synchronous batches whose answer an earlier run lost by reading their pools back."""
        floors: dict[str, str | None] = {}
        for pending, marks in pendings:
            for offset in pending.unsettled():
                mark = marks[offset] if offset < len(marks) else None
                if mark is None:
                    continue
                pool, floor = mark[0], pending.floors.get(mark[0])
                if pool not in floors or (floors[pool] is not None and (floor is None or floor < str(floors[pool]))):
                    floors[pool] = floor
        known_ids = {item_id for _, item_id in checkpoint.created.values()}
        found: dict[tuple[str, str], collections.deque[str]] = {}
        unreadable: dict[str, str] = {}
        for pool, floor in floors.items():
            try:
                listing = await self._reader.by_mark(pool, floor, known_ids)
            except AuthenticationError:
                raise
            except UploadError as exc:
                unreadable[pool] = str(exc)
                continue
            found.update((mark, collections.deque(ids)) for mark, ids in listing.items())
        for pending, marks in pendings:
            self._settle_one(checkpoint, pending, marks, found, unreadable)

    def _settle_one(
        self, checkpoint: Checkpoint, pending: Pending, marks: Marks,
        found: dict[tuple[str, str], collections.deque[str]], unreadable: dict[str, str],
    ) -> None:  # fmt: skip
        outcome = BatchOutcome(-1, pending.start, [None] * pending.size)
        offsets = pending.unsettled()
        matched: dict[int, str] = {}
        missing: list[int] = []
        blocked: dict[int, str] = {}
        for offset in offsets:
            mark = marks[offset] if offset < len(marks) else None
            if mark is None:
                blocked[offset] = "it has no pool id or input values to find it by"
            elif mark[0] in unreadable:
                blocked[offset] = f"pool {mark[0]} could not be read ({unreadable[mark[0]]})"
            elif queue := found.get((mark[0], mark[1])):
                matched[offset] = queue.popleft()
            else:
                missing.append(offset)
        digests = pending.digests
        for offset, item_id in matched.items():
            outcome.ids[offset] = item_id
            digest = digests[offset] if offset < len(digests) else None
            if digest is not None:
                checkpoint.created[pending.start + offset] = (digest, item_id)
        where = f"the synchronous batch from position {pending.start} an earlier run sent without learning its outcome"
        for offset, why in blocked.items():
            outcome.unknown[offset] = checkpoint.unknown[pending.start + offset] = (
                f"outcome unknown: {where}: {why}; it is not resent: look for it in the pool, or rerun to try again"
            )
        if missing and (matched or blocked):
            for offset in missing:
                outcome.unknown[offset] = checkpoint.unknown[pending.start + offset] = (
                    f"outcome unknown: {where}: {len(matched)} of its items are in the pool, this one was not "
                    "found (the server may have stored it differently); it is not resent: look for it in the pool"
                )
        logger.info(
            "%s: %d item(s) found in the pool, %d not found%s", where, len(matched), len(missing),
            ", so the batch is sent again" if missing and not (matched or blocked) else "",
        )  # fmt: skip
        # Positions missing from the pool with nothing of their batch found there were never created: they end
        # up failed in this record, so the rerun sends them again.
        outcome.mark_remaining("not created: its synchronous batch is not in the pool")
        checkpoint.record_done(outcome, pending.digests, pending.key)

    async def _settle_pending(self, checkpoint: Checkpoint, pending: Pending, operation_id: str) -> None:
        batch = PreparedBatch(-1, pending.start, pending.size, b"", pending.sent, {}, pending.digests)
        try:
            outcome = await self._uploader.follow(operation_id, batch)
        except AuthenticationError:
            raise
        except (ApiError, UploadError) as exc:
            logger.warning("could not settle operation %s of an earlier run: %s", operation_id, exc)
            for offset in pending.sent:
                checkpoint.unknown[pending.start + offset] = (
                    f"outcome unknown: operation {operation_id} of an earlier run could not be read "
                    f"({exc}); rerun to settle it"
                )
            return
        if outcome is None:
            outcome = BatchOutcome(-1, pending.start, [None] * pending.size)
        for offset in outcome.unknown:
            checkpoint.unknown[pending.start + offset] = outcome.unknown[offset]
        for offset, item_id in enumerate(outcome.ids):
            digest = pending.digests[offset] if offset < len(pending.digests) else None
            if item_id is not None and digest is not None:
                checkpoint.created[pending.start + offset] = (digest, item_id)
        outcome.mark_remaining("not created by the earlier run")
        checkpoint.record_done(outcome, pending.digests, pending.key)

    async def submit(self, prepared: PreparedBatch) -> None:
        """Start uploading a batch once fewer than max_concurrency are in flight."""
        await self.collect(self._max_concurrency - 1)
        self._pending.add(asyncio.create_task(self._one(prepared)))

    async def _one(self, prepared: PreparedBatch) -> tuple[PreparedBatch, str | None, BatchOutcome]:
        key: str | None = None
        checkpoint = self._checkpoint

        def on_send(operation_id: str | None) -> None:
            # A start record means "sent, or about to be": written once the pacer lets the batch go.
            nonlocal key
            if checkpoint is not None:
                key = checkpoint.record_start(prepared, operation_id)

        outcome = await self._uploader.run(prepared, on_send)
        return prepared, key, outcome

    async def collect(self, limit: int) -> None:
        """Collect finished batches until at most `limit` are in flight."""
        while len(self._pending) > limit:
            done, _ = await asyncio.wait(self._pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                self._pending.discard(task)
                self._finish(*task.result())

    async def close(self) -> None:
        """Cancel what is still in flight (after an error) and close the checkpoint."""
        for task in self._pending:
            task.cancel()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        if self._checkpoint is not None:
            self._checkpoint.close()

    def unsent(self, outcome: BatchOutcome) -> None:
        """Report a batch that is never sent (the upload was stopped before it)."""
        reason = f"not created: {STOPPED}"
        self.result.add(outcome.mark_remaining(reason))
        if self._on_batch is not None:
            self._on_batch(outcome)

    def _finish(self, prepared: PreparedBatch, key: str | None, outcome: BatchOutcome) -> None:
        if self._checkpoint is not None:
            self._checkpoint.record_done(outcome, prepared.digests, key)
        self.result.add(outcome)
        if self._on_batch is not None:
            self._on_batch(outcome)
