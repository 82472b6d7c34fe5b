"""The emulator's state and the operations it serves, with all database work off the event loop.

Every write (uploads, operation processing) runs on one writer thread, which also owns the rate limiter
and the id sequence, so concurrent requests are serialized there and nothing is created twice. Reads run
on a separate thread with their own connection when the database is a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC
from typing import Any, TypeVar

import orjson
from toloka_contract.clock import Clock, Sleep
from toloka_contract.operations import FAIL, PENDING, POOL_CLOSE, POOL_OPEN, RUNNING, SUCCESS
from toloka_contract.timestamps import parse_timestamp

from toloka_emulator import batch
from toloka_emulator.clock import Timestamps
from toloka_emulator.config import EmulatorConfig, FaultsConfig
from toloka_emulator.errors import ApiError, bad_request, not_found
from toloka_emulator.gcpause import gc_paused
from toloka_emulator.items import KINDS_BY_OPERATION_TYPE, SUITE, TASK, ItemKind
from toloka_emulator.pools import Pools
from toloka_emulator.ratelimit import RateLimiter, RequestRate, Reservation
from toloka_emulator.storage import ListQuery, OperationRow, Reader, Writer, connect

_T = TypeVar("_T")
# The operation type of opening (`open`) and closing (`closed`) a pool.
POOL_OPERATION_TYPES = {"open": POOL_OPEN, "closed": POOL_CLOSE}
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadParams:
    """The query parameters of an upload."""

    async_mode: bool
    allow_defaults: bool
    skip_invalid_items: bool
    open_pool: bool
    operation_id: str | None

    def stored(self) -> bytes:
        """The `parameters` object of the operation."""
        return orjson.dumps(
            {
                "skip_invalid_items": self.skip_invalid_items,
                "allow_defaults": self.allow_defaults,
                "open_pool": self.open_pool,
            }
        )


class Emulator:
    """Configuration, storage, rate limits and the background operation worker of one app.

    `clock` (wall time in seconds) stamps every timestamp and drives the rate windows and operation latency;
    `sleep` is what the worker waits with. Tests pass a `toloka_contract.clock.FakeClock` pair.
    """

    def __init__(self, config: EmulatorConfig, db_path: str = ":memory:", *, clock: Clock, sleep: Sleep) -> None:
        self.clock = clock
        self.sleep = sleep
        self.timestamps = Timestamps(clock)
        sync_mode = config.storage.synchronous.upper()
        write_conn = connect(db_path, sync_mode)
        self._writer = Writer(write_conn)
        self._write_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="emulator-write")
        if db_path == ":memory:":
            self._reader = Reader(write_conn)
            self._read_pool = self._write_pool
        else:
            self._reader = Reader(connect(db_path, sync_mode, read_only=True))
            self._read_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="emulator-read")
        self._configure(config, self._reader.pool_states())
        self._worker: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None

    def _configure(self, config: EmulatorConfig, pool_states: list[Any]) -> None:
        """Take a configuration: accounts, pools, and fresh rate counts."""
        self.config = config
        self.accounts = config.accounts_by_token()
        self.pools = Pools(config, pool_states)
        limits = config.limits
        self._rates = {
            TASK.code: RateLimiter(limits.tasks_per_minute, limits.tasks_per_day, clock=self.clock),
            SUITE.code: RateLimiter(limits.task_suites_per_minute, limits.task_suites_per_day, clock=self.clock),
        }
        self.requests = RequestRate(limits.requests_per_second, clock=self.clock)
        # Injected faults are drawn from one generator seeded by the config: the same run fails the same way.
        self.fault_random = random.Random(config.faults.seed)
        # Items parsed at acceptance, handed to the worker so it need not parse the stored input again.
        self._accepted: dict[str, list[dict[str, Any]]] = {}
        # Rate-limit reservations of accepted operations, released when they end (lost, like all counts, on restart).
        self._reservations: dict[str, tuple[RateLimiter, Reservation]] = {}

    @property
    def faults(self) -> FaultsConfig:
        """The injected faults in force."""
        return self.config.faults

    def accounts_get(self, token: str) -> str | None:
        """The account a token or API key authenticates, if any."""
        return self.accounts.get(token)

    async def reset(self, config: EmulatorConfig | None = None) -> None:
        """Forget every item, operation and pool change (and take `config`, if given): a clean state for a test."""
        await self._write(self._reset, config or self.config)

    def _reset(self, config: EmulatorConfig) -> None:
        self._writer.wipe()
        self._configure(config, [])

    # -- plumbing -------------------------------------------------------------------------------------

    async def _write(self, fn: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._write_pool, functools.partial(_paused, fn, *args))

    async def _read(self, fn: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._read_pool, functools.partial(fn, *args))

    def start_worker(self) -> None:
        """Start the background worker (the app's lifespan does); it first resumes unfinished work."""
        if self._worker is not None and not self._worker.done():
            return
        self._wake = asyncio.Event()
        self._worker = asyncio.get_running_loop().create_task(self._work(), name="toloka-emulator-worker")

    def _notify(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _work(self) -> None:
        wake = self._wake
        if wake is None:
            return
        while True:
            wake.clear()
            due: float | None = None
            if self.config.worker.enabled:
                for operation_id in await self._write(self._writer.unfinished_operations):
                    try:
                        later = await self._write(self._advance_operation, operation_id)
                    except Exception:
                        # A bug must not wedge the queue: the operation fails visibly instead.
                        logger.exception("operation %s failed unexpectedly", operation_id)
                        await self._write(self._fail_operation, operation_id)
                        continue
                    if later is not None:
                        due = later if due is None else min(due, later)
            if due is None:
                await wake.wait()
            else:
                await self._wait(wake, due - self.clock())

    async def _wait(self, wake: asyncio.Event, seconds: float) -> None:
        """Sleep `seconds` on the app's sleep, or less if woken by a new operation."""
        woken = asyncio.ensure_future(wake.wait())
        slept = asyncio.ensure_future(self.sleep(max(0.0, seconds)))
        try:
            await asyncio.wait((woken, slept), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (woken, slept):
                task.cancel()

    async def stop_worker(self) -> None:
        """Cancel the worker; an operation it was processing stays unfinished and is resumed next start."""
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        self._worker = None

    def close(self) -> None:
        """Wait for running database work and close the connections."""
        self._write_pool.shutdown(wait=True)
        self._read_pool.shutdown(wait=True)
        self._reader.conn.close()
        self._writer.conn.close()

    # -- uploads --------------------------------------------------------------------------------------

    async def upload(self, kind: ItemKind, account: str, body: bytes, params: UploadParams) -> tuple[int, bytes]:
        """Handle an upload; returns the status and body (201 batch result or 202 operation)."""
        if params.async_mode:
            result = await self._write(self._accept_async, kind, account, body, params)
            self._notify()
            return 202, result
        return 201, await self._write(self._upload_sync, kind, account, body, params)

    def _upload_sync(self, kind: ItemKind, account: str, body: bytes, params: UploadParams) -> bytes:
        items, single = batch.parse_items(body)
        limit = self.config.limits.sync_max_items
        if len(items) > limit:
            raise ApiError(413, "ENTITY_TOO_LARGE", "Too many items in a synchronous request", {"limit": limit})
        batch.check_pools(items, account, self.pools)
        evaluation = batch.evaluate(items, kind, account, self.pools, params.allow_defaults)
        if evaluation.errors and (not params.skip_invalid_items or not evaluation.valid):
            raise bad_request("Validation failed", evaluation.error_payload(single))
        rate = self._rates[kind.code]
        reservation = rate.reserve(account, len(evaluation.valid))
        states_before = self.pools.snapshot() if params.open_pool else None
        try:
            self._writer.begin()
            created = self._create(evaluation, kind, account)
            if params.open_pool:
                self._open_pools(evaluation)
            self._writer.commit()
        except BaseException:
            self._writer.rollback()
            if states_before is not None:
                self.pools.restore(states_before)
            rate.release(reservation)
            raise
        if single:
            return created[0][2]
        return batch.sync_result(created, evaluation)

    def _accept_async(self, kind: ItemKind, account: str, body: bytes, params: UploadParams) -> bytes:
        items, _ = batch.parse_items(body)
        batch.check_pools(items, account, self.pools)
        rate = self._rates[kind.code]
        reservation = rate.reserve(account, len(items))
        details = {"total_count": len(items), "valid_count": 0, "not_valid_count": 0}
        row = OperationRow(
            id=params.operation_id or str(uuid.uuid4()),
            account=account,
            type=kind.operation_type,
            status=PENDING,
            submitted=self.timestamps.now(),
            started=None,
            finished=None,
            parameters=params.stored(),
            details=orjson.dumps({**details, "success_count": 0, "failed_count": 0}),
        )
        try:
            inserted = self._writer.insert_operation(row, body)
        except BaseException:
            rate.release(reservation)
            raise
        if not inserted:
            rate.release(reservation)
            raise ApiError(409, "OPERATION_ALREADY_EXISTS", "Operation with this id already exists")
        self._accepted[row.id] = items
        self._reservations[row.id] = (rate, reservation)
        return operation_json(row)

    def _create(self, evaluation: batch.Evaluation, kind: ItemKind, account: str) -> list[tuple[int, str, bytes]]:
        first = self._writer.allocate(len(evaluation.valid))
        rows, created = batch.build_rows(evaluation, kind, account, first, self.timestamps.now())
        self._writer.insert_items(rows)
        return created

    def _open_pools(self, evaluation: batch.Evaluation) -> list[str]:
        """Open the closed pools that got items; the caller commits (the in-memory status follows at once)."""
        opened = []
        now = self.timestamps.now()
        for pool_id in dict.fromkeys(pool.id for _, _, pool, _ in evaluation.valid):
            if self.pools.statuses[pool_id] == "closed":
                state = self.pools.changed(pool_id, "open", now)
                self._writer.set_pool_state(state)
                self.pools.set(state)
                opened.append(pool_id)
        return opened

    def _advance_operation(self, operation_id: str) -> float | None:
        """Take an unfinished operation as far as the clock allows: None once it has ended, else when to look again.

        Without latency it runs to its end at once. With it, it stays PENDING until `operation_delay_s` after it
        was submitted, then RUNNING until its item count / `operation_items_per_second` after it started.
        """
        row = self._reader_for_writer().get_operation(operation_id)
        if row is None or row.status not in (PENDING, RUNNING):
            self._accepted.pop(operation_id, None)
            self._reservations.pop(operation_id, None)
            return None
        worker = self.config.worker
        if worker.latency:
            now = self.clock()
            if row.status == PENDING:
                start_at = _epoch(row.submitted) + worker.operation_delay_s
                if now < start_at:
                    return start_at
                row = _replace(row, status=RUNNING, started=self.timestamps.now())
                self._writer.update_operation(row)
            total = orjson.loads(row.details)["total_count"]
            end_at = _epoch(row.started or row.submitted) + worker.duration(total)
            if now < end_at:
                return end_at
        self._process_operation(row)
        return None

    def progress(self, row: OperationRow) -> int:
        """An operation's `progress`: 100 once ended; while RUNNING with latency, the share of its duration gone."""
        if row.finished:
            return 100
        worker = self.config.worker
        if row.status != RUNNING or not row.started or not worker.operation_items_per_second:
            return 0
        duration = worker.duration(orjson.loads(row.details)["total_count"])
        share = (self.clock() - _epoch(row.started)) / duration if duration else 1.0
        return max(0, min(99, int(share * 100)))

    def _process_operation(self, row: OperationRow) -> None:
        """Run one pending or running operation to its end in one transaction with its items."""
        operation_id = row.id
        items = self._accepted.pop(operation_id, None)
        running = _replace(row, status=RUNNING, started=row.started or self.timestamps.now())
        self._writer.update_operation(running)
        kind = KINDS_BY_OPERATION_TYPE[row.type]
        params = orjson.loads(row.parameters)
        if items is None:
            items = batch.stored_items(self._writer.operation_input(operation_id))
        evaluation = batch.evaluate(items, kind, row.account, self.pools, params["allow_defaults"])
        succeeds = bool(evaluation.valid) and (params["skip_invalid_items"] or not evaluation.errors)
        states_before = self.pools.snapshot()
        try:
            self._writer.begin()
            created = self._create(evaluation, kind, row.account) if succeeds else []
            opened = self._open_pools(evaluation) if succeeds and params["open_pool"] else []
            details = {
                "total_count": len(items),
                "valid_count": len(evaluation.valid),
                "not_valid_count": len(evaluation.errors),
                "success_count": len(created),
                "failed_count": len(items) - len(created),
            }
            finished = _replace(
                running,
                status=SUCCESS if succeeds else FAIL,
                finished=self.timestamps.now(),
                details=orjson.dumps(details),
            )
            self._writer.update_operation(finished, batch.operation_results(len(items), created, evaluation, opened))
            self._writer.commit()
        except BaseException:
            self._writer.rollback()
            self.pools.restore(states_before)
            raise
        self._release_reservation(operation_id, len(items) - len(created))

    def _fail_operation(self, operation_id: str) -> None:
        row = self._reader_for_writer().get_operation(operation_id)
        if row is not None:
            total = orjson.loads(row.details)["total_count"]
            details = {"total_count": total, "valid_count": 0, "not_valid_count": total, "success_count": 0}
            failed = _replace(
                row,
                status=FAIL,
                started=row.started or self.timestamps.now(),
                finished=self.timestamps.now(),
                details=orjson.dumps({**details, "failed_count": total}),
            )
            self._writer.update_operation(failed, batch.operation_results(total, [], batch.Evaluation(), []))
        self._release_reservation(operation_id, None)

    def _release_reservation(self, operation_id: str, uncreated: int | None) -> None:
        """Give back the rate-limit count of an ended operation's items that were not created (None: all)."""
        held = self._reservations.pop(operation_id, None)
        if held is not None:
            rate, reservation = held
            rate.release(reservation, uncreated)

    # -- pools and projects ---------------------------------------------------------------------------

    def get_pool(self, account: str, pool_id: str) -> bytes:
        """An account's pool, or 404."""
        body = self.pools.pool_json(pool_id, account)
        if body is None:
            raise not_found()
        return body

    def get_project(self, account: str, project_id: str) -> bytes:
        """An account's project, or 404."""
        body = self.pools.project_json(project_id, account)
        if body is None:
            raise not_found()
        return body

    async def pool_action(self, account: str, pool_id: str, status: str) -> bytes | None:
        """Open (`status="open"`) or close an account's pool: the ended operation, or None if already so."""
        return await self._write(self._pool_action, account, pool_id, status)

    def _pool_action(self, account: str, pool_id: str, status: str) -> bytes | None:
        if self.pools.owned(pool_id, account) is None:
            raise not_found()
        current = self.pools.statuses[pool_id]
        if current == "archived":
            raise ApiError(409, "INAPPROPRIATE_STATUS", f"Pool {pool_id} is archived")
        if current == status:
            return None
        # The change is immediate, so the operation is answered already ended (as fullApi's examples show it).
        now = self.timestamps.now()
        state = self.pools.changed(pool_id, status, now)
        row = OperationRow(
            id=str(uuid.uuid4()),
            account=account,
            type=POOL_OPERATION_TYPES[status],
            status=SUCCESS,
            submitted=now,
            started=now,
            finished=now,
            parameters=orjson.dumps({"pool_id": pool_id}),
            details=b"",
        )
        self._writer.insert_pool_operation(row, state)
        self.pools.set(state)
        return operation_json(row, 100)

    def _reader_for_writer(self) -> Reader:
        return Reader(self._writer.conn)

    # -- reads ----------------------------------------------------------------------------------------

    async def get_item(self, kind: ItemKind, account: str, item_id: str) -> bytes:
        """One item's JSON, or 404."""
        body = await self._read(self._reader.get_item, kind.code, account, item_id)
        if body is None:
            raise not_found()
        return body

    async def list_items(self, query: ListQuery) -> bytes:
        """One page of items as `{items, has_more}`."""
        bodies, has_more = await self._read(self._reader.list_items, query)
        return b'{"items":[' + b",".join(bodies) + b'],"has_more":' + (b"true" if has_more else b"false") + b"}"

    async def get_operation(self, account: str, operation_id: str) -> bytes:
        """An operation of the account, or 404."""
        row = await self._read(self._reader.get_operation, operation_id)
        if row is None or row.account != account:
            raise not_found()
        return operation_json(row, self.progress(row))

    async def get_log(self, account: str, operation_id: str) -> bytes:
        """An operation's log (empty until it ends), or 404."""
        row = await self._read(self._reader.get_operation, operation_id)
        if row is None or row.account != account:
            raise not_found()
        stored = await self._read(self._reader.get_results, operation_id)
        if stored is None or row.type not in KINDS_BY_OPERATION_TYPE:
            return b"[]"
        kind = KINDS_BY_OPERATION_TYPE[row.type]
        return await self._read(batch.render_log, kind, *stored)


def _paused(fn: Callable[..., _T], *args: Any) -> _T:
    with gc_paused():
        return fn(*args)


def _replace(row: OperationRow, **changes: Any) -> OperationRow:
    return OperationRow(**{**row.__dict__, **changes})


def _epoch(timestamp: str) -> float:
    """Seconds since the epoch of a stored (UTC) timestamp."""
    return parse_timestamp(timestamp).replace(tzinfo=UTC).timestamp()


def operation_json(row: OperationRow, progress: int = 0) -> bytes:
    """The Operation object (`progress` is 100 once it has ended, whatever is passed)."""
    operation: dict[str, Any] = {"id": row.id, "type": row.type, "status": row.status, "submitted": row.submitted}
    if row.started:
        operation["started"] = row.started
    if row.finished:
        operation["finished"] = row.finished
    operation["progress"] = 100 if row.finished else progress
    operation["parameters"] = orjson.Fragment(row.parameters)
    if row.details:
        operation["details"] = orjson.Fragment(row.details)
    return orjson.dumps(operation)
