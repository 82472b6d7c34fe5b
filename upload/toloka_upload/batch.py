"""Uploading one prepared batch, synchronously or as an async operation, down to an outcome per position."""

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any

import attrs
from toloka_client.models.operation import Operation
from toloka_contract.operations import FAIL, OperationTimeoutError, async_wait_for_operation, operation_status

from toloka_upload.earlier import Earlier
from toloka_upload.errors import ApiError, AuthenticationError, UploadError
from toloka_upload.identity import Target
from toloka_upload.items import PreparedBatch
from toloka_upload.kinds import Kind
from toloka_upload.oplog import take_log
from toloka_upload.pacer import Pacer
from toloka_upload.results import BatchOutcome
from toloka_upload.retrying import GaveUpError, OutcomeUnknownError, send_with_retry
from toloka_upload.settings import Settings
from toloka_upload.timing import DeadlinePassed, Timing
from toloka_upload.wire import Wire, api_error, parse_json, parse_operation

logger = logging.getLogger("toloka_upload")
MAX_OPERATION_ATTEMPTS = 5
"""Slots tried for one batch whose operations failed server-side without creating anything."""


@attrs.frozen
class ApiFlags:
    """The API's own query parameters of an upload."""

    async_mode: bool = True
    allow_defaults: bool = False
    skip_invalid_items: bool = False
    open_pool: bool = False


HELD_BACK = "other items of its batch were invalid and skip_invalid_items is false"
"""Why a valid item was not created without skip_invalid_items (the command words it with its own flag)."""

# Raised without waiting as soon as the pacer's wait would end past the deadline: the deadline may be minutes away.
DEADLINE = "the deadline (give_up_after) would pass before the rate limit lets it be sent"
"""Why a batch not sent by the deadline is `failed` (the command words it with its own flag)."""

STOPPED = "not sent: the upload was stopped before this batch was sent"
"""Why a batch the upload reached after a stop (Ctrl-C, `stop=`) is `failed`: one wording wherever it is found."""


def _rejected_reason(batch: PreparedBatch) -> str:
    return f"not created: {HELD_BACK} (batch {batch.number}, positions {batch.start}..{batch.start + batch.size - 1})"


def _blank(batch: PreparedBatch) -> BatchOutcome:
    ids: list[str | None] = [None] * batch.size
    for offset, item_id in batch.created.items():
        ids[offset] = item_id
    return BatchOutcome(
        batch.number, batch.start, ids, errors=dict(batch.errors), earlier=set(batch.created),
        unknown=dict(batch.unknown),
    )  # fmt: skip


def unknown_reason(detail: str, operation_id: str | None, checkpointed: bool = False) -> str:
    """Why a position may or may not have been created, and how to settle it."""
    if operation_id is None and checkpointed:
        return (
            f"outcome unknown: {detail}; it is not resent: rerun the same command (same --checkpoint) to settle "
            "it: the rerun looks for the batch's items in the pool and sends them again only if they are not there"
        )
    if operation_id is None:
        return (
            f"outcome unknown: {detail}; a synchronous request cannot be told apart from a new one and there is no "
            "--checkpoint to settle it by, so it is not resent: look for the item in the pool before uploading its "
            "line again (next time use --checkpoint, or async mode, the default)"
        )
    return (
        f"outcome unknown: {detail}; operation {operation_id} may have created it: rerun the same command to "
        "settle it (it follows that operation, creating nothing twice)"
    )


class BatchUploader:
    """Turns a prepared batch into a BatchOutcome, retrying only what is safe to retry."""

    def __init__(
        self, wire: Wire, kind: Kind, flags: ApiFlags, target: Target, settings: Settings, pacer: Pacer | None,
        timing: Timing, stop: asyncio.Event | None = None, *, checkpointed: bool = False,
    ) -> None:  # fmt: skip
        self._wire = wire
        self._kind = kind
        self._flags = flags
        self._target = target
        self._settings = settings
        self._pacer = pacer
        self._timing = timing
        self._stop = stop
        self._checkpointed = checkpointed
        self._slots = asyncio.Lock()
        self._next_slot = 0
        """The next free slot of the target's operation sequence (set by `discover`)."""
        self._halted: str | None = None
        """Why no more batches are sent (a slot's operation may exist unanswered), once that happens."""

    def not_sent(self, batch: PreparedBatch, reason: str) -> BatchOutcome:
        """The outcome of a batch that was never sent."""
        return _blank(batch).mark_remaining(f"not created: {reason}")

    async def run(self, batch: PreparedBatch, on_send: Callable[[str | None], None] | None = None) -> BatchOutcome:
        """Upload `batch` (an async batch as an operation in the next free slot of the target's sequence).

        `on_send` is called with the operation id (its slot's) once the pacer has admitted the batch, right before
        its first request: a batch still waiting for its turn was never sent, so a checkpoint must not record it as
        started.
        """
        outcome = _blank(batch)
        if not batch.sent:
            return outcome.mark_remaining(_rejected_reason(batch)) if batch.errors else outcome
        try:
            if self._pacer is not None and not await self._admitted(self._pacer, len(batch.sent)):
                return outcome.mark_remaining(f"not created: {STOPPED}")
        except DeadlinePassed:
            return outcome.mark_remaining(f"not created: {DEADLINE}")
        try:
            if self._flags.async_mode:
                await self._run_async(batch, outcome, on_send)
            else:
                if on_send is not None:
                    on_send(None)
                await self._run_sync(batch, outcome)
        except AuthenticationError:
            raise
        except ApiError as exc:
            self._take_validation_payload(batch, outcome, exc)
            if exc.code == "VALIDATION_ERROR" and outcome.errors:
                return outcome.mark_remaining(_rejected_reason(batch))
            return outcome.mark_remaining(f"not created: {exc.describe()}")
        except GaveUpError as exc:
            if exc.maybe_sent:
                return outcome.mark_remaining(self._unknown(str(exc), outcome.operation_id), unknown=True)
            return outcome.mark_remaining(f"not created: {exc}")
        except OutcomeUnknownError as exc:
            return outcome.mark_remaining(self._unknown(str(exc), outcome.operation_id), unknown=True)
        except UploadError as exc:
            return outcome.mark_remaining(f"not created: {exc}")
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            # An answer that is not what the contract says: what happened on the server cannot be told.
            detail = f"the server's answer could not be read ({type(exc).__name__}: {exc})"
            return outcome.mark_remaining(self._unknown(detail, outcome.operation_id), unknown=True)
        return outcome.mark_remaining("not created: the server reported no outcome for this item")

    def _unknown(self, detail: str, operation_id: str | None) -> str:
        return unknown_reason(detail, operation_id, self._checkpointed)

    async def _admitted(self, pacer: Pacer, items: int) -> bool:
        """Wait for the pacer; False when the upload is stopped first (the batch is then never sent)."""
        if self._stop is None:
            await pacer.acquire(items)
            return True
        acquire = asyncio.ensure_future(pacer.acquire(items))
        stopped = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({acquire, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if not acquire.done():
            acquire.cancel()
            return False
        acquire.result()
        return True

    def _send(self, batch: PreparedBatch, operation_id: str | None) -> Callable[[], Any]:
        flags = self._flags
        return lambda: self._wire.create(
            self._kind,
            batch.body,
            async_mode=flags.async_mode,
            allow_defaults=flags.allow_defaults,
            skip_invalid_items=flags.skip_invalid_items,
            open_pool=flags.open_pool,
            operation_id=operation_id,
        )

    def _what(self, batch: PreparedBatch) -> str:
        return f"batch {batch.number} ({len(batch.sent)} items from position {batch.start})"

    async def _run_sync(self, batch: PreparedBatch, outcome: BatchOutcome) -> None:
        response = await send_with_retry(
            self._send(batch, None), self._settings.retry, replay_safe=False, timing=self._timing,
            what=self._what(batch), on_rate_limited=self._pacer.hold if self._pacer else None,
        )  # fmt: skip
        if response.status_code != 201:
            if response.status_code >= 500 and response.status_code != 503:
                raise OutcomeUnknownError(
                    f"HTTP {response.status_code} to a synchronous upload: it may or may not have been processed"
                )
            raise api_error(response)
        answer = parse_json(response)
        sent = batch.sent
        ids = outcome.ids
        for key, item in answer["items"].items():
            ids[sent[int(key)]] = item["id"]
        for key, errors in (answer.get("validation_errors") or {}).items():
            outcome.errors[sent[int(key)]] = errors

    async def discover(self) -> Earlier:
        """Read the operations earlier runs of the target took (slot 0, 1, ... until one does not exist), waiting
        for those still running, and what their logs say they created; this run's slots start after them."""
        earlier = Earlier()
        slot = 0
        while True:
            operation_id = self._target.slot_id(slot)
            response = await send_with_retry(
                functools.partial(self._wire.operation, operation_id), self._settings.retry, replay_safe=True,
                timing=self._timing, what=f"operation {operation_id} of an earlier run",
            )  # fmt: skip
            if response.status_code == 404:
                break
            if response.status_code != 200:
                raise api_error(response)
            operation = await self._wait(parse_operation(response), operation_id)
            if operation_status(operation) != FAIL:  # a failed operation creates nothing
                log = parse_json(await self._read(self._wire.operation_log, operation_id))
                earlier.take_log(log, self._kind.created_key)
            earlier.operations += 1
            slot += 1
        self._next_slot = slot
        return earlier

    async def _post_in_next_slot(
        self, batch: PreparedBatch, outcome: BatchOutcome, on_send: Callable[[str | None], None] | None
    ) -> tuple[str, Operation, bool, bool]:
        """POST the batch under the next free slot's operation id: (the id, its operation, whether it was met
        again, whether another run sent it).

        One POST at a time, so that a slot is taken only once the server has the one before (a rerun reads the
        slots until the first that does not exist). An operation met again (409) is followed to its end before
        the lock is let go: if another run of the target took the slot, no later slot may be taken by this one.
        """
        async with self._slots:
            if self._halted is not None:
                raise UploadError(f"not sent: {self._halted}; rerun the same command to send it")
            if self._stop is not None and self._stop.is_set():
                raise UploadError(STOPPED)
            operation_id = outcome.operation_id = self._target.slot_id(self._next_slot)
            if on_send is not None:
                on_send(operation_id)
            try:
                response = await send_with_retry(
                    self._send(batch, operation_id), self._settings.retry, replay_safe=True, timing=self._timing,
                    what=self._what(batch), on_rate_limited=self._pacer.hold if self._pacer else None,
                )  # fmt: skip
            except (GaveUpError, OutcomeUnknownError) as exc:
                if not isinstance(exc, GaveUpError) or exc.maybe_sent:
                    self._take_slot(operation_id)
                raise
            if response.status_code >= 500:
                self._take_slot(operation_id)
                raise OutcomeUnknownError(
                    f"HTTP {response.status_code} to the request creating operation {operation_id}"
                )
            if response.status_code != 202 and (error := api_error(response)).code != "OPERATION_ALREADY_EXISTS":
                raise error  # refused: the slot stays free for the next batch
            self._next_slot += 1
            if response.status_code == 202:
                return operation_id, parse_operation(response), False, False
            logger.info("%s: operation %s exists already: following it", self._what(batch), operation_id)
            operation, foreign = await self._ended(
                await self._get_operation(operation_id), batch, outcome, by_content=True
            )
            return operation_id, operation, True, foreign

    def _take_slot(self, operation_id: str) -> None:
        """The slot's operation may exist: later slots would leave a gap if it does not, so nothing more is sent."""
        self._next_slot += 1
        self._halted = f"the request creating operation {operation_id} may have reached the server unanswered"

    async def _ended(
        self, operation: Operation, batch: PreparedBatch, outcome: BatchOutcome, *, by_content: bool = False
    ) -> tuple[Operation, bool]:
        """The operation once it has ended, its log taken into the outcome, and whether another run sent it: a
        met operation (`by_content`) whose log holds items this batch does not, or lacks some of them though it
        succeeded, was sent by another run of the same target at the same time; this run then sends nothing
        more."""
        operation_id = str(outcome.operation_id)
        try:
            operation = await self._wait(operation, operation_id)
            log = parse_json(await self._read(self._wire.operation_log, operation_id))
        except GaveUpError as exc:
            # The server holds the operation: whatever stopped the client, it may create the items.
            raise GaveUpError(str(exc), maybe_sent=True) from None
        unmatched = take_log(log, batch, self._kind.created_key, outcome, by_content=by_content)
        if not by_content:
            return operation, False
        outcome.earlier.update(offset for offset in batch.sent if outcome.ids[offset] is not None)
        lacking = operation_status(operation) != FAIL and any(
            outcome.ids[offset] is None and offset not in outcome.errors for offset in batch.sent
        )
        if unmatched or lacking:
            self._halted = (
                f"another run of the same upload sent operation {operation_id} at the same time; rerun the same "
                "command when it has ended"
            )
        return operation, bool(unmatched or lacking)

    async def _run_async(
        self, batch: PreparedBatch, outcome: BatchOutcome, on_send: Callable[[str | None], None] | None
    ) -> None:
        """Create the batch as an operation in the next free slot (or follow the one a resend met)."""
        for attempt in range(MAX_OPERATION_ATTEMPTS):
            operation_id, operation, met, foreign = await self._post_in_next_slot(
                batch, outcome, on_send if attempt == 0 else None
            )
            if not met:
                operation, _ = await self._ended(operation, batch, outcome)
            elif foreign:
                # What the other run's operation holds of this batch is created; the rest is not, nor sent.
                outcome.mark_remaining(f"not created: {self._halted}")
                return
            if operation_status(operation) == FAIL:
                if met and not outcome.errors and all(outcome.ids[o] is None for o in batch.sent):
                    # The operation met again failed server-side and created nothing: a new slot can still create.
                    what = self._what(batch)
                    logger.info("%s: operation %s failed without creating anything: sending anew", what, operation_id)
                    continue
                reason = _rejected_reason(batch) if outcome.errors else f"not created: operation {operation_id} failed"
                outcome.mark_remaining(reason)
            return
        outcome.mark_remaining(f"not created: {MAX_OPERATION_ATTEMPTS} operations for it failed")

    async def follow(self, operation_id: str, batch: PreparedBatch) -> BatchOutcome | None:
        """What an earlier run's operation did with `batch` (None when the server never got it)."""
        outcome = _blank(batch)
        outcome.operation_id = operation_id
        response = await send_with_retry(
            lambda: self._wire.operation(operation_id), self._settings.retry, replay_safe=True, timing=self._timing,
            what=f"operation {operation_id}",
        )  # fmt: skip
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise api_error(response)
        operation = await self._wait(parse_operation(response), operation_id)
        if operation_status(operation) == FAIL:
            return outcome  # a failed operation creates nothing
        log = parse_json(await self._read(self._wire.operation_log, operation_id))
        try:
            take_log(log, batch, self._kind.created_key, outcome)
        except ValueError as exc:
            outcome.mark_remaining(
                unknown_reason(f"its operation's log could not be mapped ({exc})", operation_id), unknown=True
            )
        outcome.earlier.update(offset for offset in batch.sent if outcome.ids[offset] is not None)
        return outcome

    async def _read(self, request: Callable[[str], Any], operation_id: str) -> Any:
        response = await send_with_retry(
            lambda: request(operation_id), self._settings.retry, replay_safe=True, timing=self._timing,
            what=f"operation {operation_id}",
        )  # fmt: skip
        if response.status_code != 200:
            raise api_error(response)
        return response

    async def _get_operation(self, operation_id: str) -> Operation:
        return parse_operation(await self._read(self._wire.operation, operation_id))

    async def _wait(self, operation: Operation, operation_id: str) -> Operation:
        """Poll until the operation ends (toloka_contract's loop on the upload's clock and sleep)."""
        poll = self._settings.poll
        try:
            return await async_wait_for_operation(
                lambda: self._get_operation(operation_id), initial=operation, interval=poll.initial,
                backoff=poll.factor, max_interval=poll.maximum, timeout=poll.give_up_after,
                clock=self._timing.clock, sleep=self._timing.wait,
            )  # fmt: skip
        except OperationTimeoutError as exc:
            raise GaveUpError(
                f"operation {operation_id} still {exc.status} after {poll.give_up_after:.0f} s", maybe_sent=True
            ) from None
        except DeadlinePassed:
            status = operation_status(operation)
            raise GaveUpError(
                f"the deadline passed while operation {operation_id} was {status}", maybe_sent=True
            ) from None

    @staticmethod
    def _take_validation_payload(batch: PreparedBatch, outcome: BatchOutcome, error: ApiError) -> None:
        """A 400 VALIDATION_ERROR keyed by request index names the items that made the batch fail; a single
        object's payload is keyed by field path (no index)."""
        if error.code != "VALIDATION_ERROR" or not isinstance(error.payload, dict):
            return
        for key, errors in error.payload.items():
            if isinstance(key, str) and key.isdigit() and int(key) < len(batch.sent) and isinstance(errors, dict):
                outcome.errors[batch.sent[int(key)]] = errors
