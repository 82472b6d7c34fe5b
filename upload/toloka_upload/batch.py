"""Uploading one prepared batch, synchronously or as an async operation, down to an outcome per position."""

import time
import uuid
from collections.abc import Callable
from typing import Any

import attrs
from toloka_client.models.operation import Operation
from toloka_client.models.operation_status import OperationStatus

from toloka_upload.errors import ApiError, AuthenticationError, UploadError
from toloka_upload.items import PreparedBatch
from toloka_upload.kinds import Kind
from toloka_upload.oplog import take_log
from toloka_upload.pacer import Pacer
from toloka_upload.results import BatchOutcome
from toloka_upload.retrying import OutcomeUnknownError, Sleep, send_with_retry
from toloka_upload.settings import Settings
from toloka_upload.wire import Wire, api_error, parse_json, parse_operation

ENDED = (OperationStatus.SUCCESS, OperationStatus.FAIL)


@attrs.frozen
class ApiFlags:
    """The API's own query parameters of an upload."""

    async_mode: bool = True
    allow_defaults: bool = False
    skip_invalid_items: bool = False
    open_pool: bool = False


def _rejected_reason(batch: PreparedBatch) -> str:
    return (
        "not created: other items of its batch were invalid and skip_invalid_items is false "
        f"(batch {batch.number}, positions {batch.start}..{batch.start + batch.size - 1})"
    )


def _blank(batch: PreparedBatch) -> BatchOutcome:
    return BatchOutcome(batch.number, batch.start, [None] * batch.size, errors=dict(batch.errors))


class BatchUploader:
    """Turns a prepared batch into a BatchOutcome, retrying only what is safe to retry."""

    def __init__(
        self,
        wire: Wire,
        kind: Kind,
        flags: ApiFlags,
        settings: Settings,
        pacer: Pacer | None,
        sleep: Sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wire = wire
        self._kind = kind
        self._flags = flags
        self._settings = settings
        self._pacer = pacer
        self._sleep = sleep
        self._clock = clock

    @staticmethod
    def new_operation_id() -> str:
        """A fresh client-made operation id."""
        return str(uuid.uuid4())

    @staticmethod
    def interrupted(batch: PreparedBatch) -> BatchOutcome:
        """The outcome of a synchronous batch an earlier run sent without getting the answer."""
        return _blank(batch).settle(
            "outcome unknown: an earlier run sent this synchronous batch and stopped before the answer; it is not "
            "resent, so nothing is created twice (async mode, the default, resumes such batches safely)"
        )

    async def run(
        self, batch: PreparedBatch, operation_id: str | None = None, on_send: Callable[[], None] | None = None
    ) -> BatchOutcome:
        """Upload `batch`; async batches use `operation_id` (a fresh uuid4 when None) for every attempt.

        `on_send` is called once the pacer has admitted the batch, right before its first request: a batch
        still waiting for its turn was never sent, so a checkpoint must not record it as started.
        """
        outcome = _blank(batch)
        if not batch.sent:
            return outcome.settle(_rejected_reason(batch))
        if self._pacer is not None:
            await self._pacer.acquire(len(batch.sent))
        if on_send is not None:
            on_send()
        try:
            if self._flags.async_mode:
                outcome.operation_id = operation_id or self.new_operation_id()
                await self._run_async(batch, outcome, outcome.operation_id)
            else:
                await self._run_sync(batch, outcome)
        except AuthenticationError:
            raise
        except ApiError as exc:
            self._take_validation_payload(batch, outcome, exc)
            if exc.code == "VALIDATION_ERROR" and outcome.errors:
                return outcome.settle(_rejected_reason(batch))
            return outcome.settle(f"not created: {exc.describe()}")
        except UploadError as exc:
            return outcome.settle(f"not created: {exc}")
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            # An answer that is not what the contract says: what happened on the server cannot be told.
            return outcome.settle(
                f"outcome unknown: the server's answer could not be read ({type(exc).__name__}: {exc})"
            )
        return outcome.settle("not created: the server reported no outcome for this item")

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

    async def _run_sync(self, batch: PreparedBatch, outcome: BatchOutcome) -> None:
        response = await send_with_retry(
            self._send(batch, None), self._settings.retry, replay_safe=False, sleep=self._sleep
        )
        if response.status_code != 201:
            if response.status_code >= 500 and response.status_code != 503:
                raise OutcomeUnknownError(
                    f"HTTP {response.status_code} to a synchronous upload: it may or may not have been processed, "
                    "so it is not resent"
                )
            raise api_error(response)
        answer = parse_json(response)
        sent = batch.sent
        ids = outcome.ids
        for key, item in answer["items"].items():
            ids[sent[int(key)]] = item["id"]
        for key, errors in (answer.get("validation_errors") or {}).items():
            outcome.errors[sent[int(key)]] = errors

    async def _run_async(self, batch: PreparedBatch, outcome: BatchOutcome, operation_id: str) -> None:
        response = await send_with_retry(
            self._send(batch, operation_id), self._settings.retry, replay_safe=True, sleep=self._sleep
        )
        if response.status_code == 202:
            operation = parse_operation(response)
        else:
            error = api_error(response)
            if error.code != "OPERATION_ALREADY_EXISTS":
                raise error
            # An earlier attempt got through: follow its operation rather than create anything again.
            operation = await self._get_operation(operation_id)
        operation = await self._wait(operation, operation_id)
        log = await self._read(self._wire.operation_log, operation_id)
        take_log(parse_json(log), batch, self._kind.created_key, outcome)
        if operation.status is OperationStatus.FAIL:
            reason = _rejected_reason(batch) if outcome.errors else f"not created: operation {operation_id} failed"
            outcome.settle(reason)

    async def _read(self, request: Callable[[str], Any], operation_id: str) -> Any:
        response = await send_with_retry(
            lambda: request(operation_id), self._settings.retry, replay_safe=True, sleep=self._sleep
        )
        if response.status_code != 200:
            raise api_error(response)
        return response

    async def _get_operation(self, operation_id: str) -> Operation:
        return parse_operation(await self._read(self._wire.operation, operation_id))

    async def _wait(self, operation: Operation, operation_id: str) -> Operation:
        poll = self._settings.poll
        deadline = self._clock() + poll.give_up_after
        delay = poll.initial
        while operation.status not in ENDED:
            if self._clock() > deadline:
                raise UploadError(
                    f"operation {operation_id} still {operation.status.value} after {poll.give_up_after:.0f} s"
                )
            await self._sleep(delay)
            delay = poll.next_interval(delay)
            operation = await self._get_operation(operation_id)
        return operation

    @staticmethod
    def _take_validation_payload(batch: PreparedBatch, outcome: BatchOutcome, error: ApiError) -> None:
        """A 400 VALIDATION_ERROR keyed by request index names the items that made the batch fail."""
        if error.code != "VALIDATION_ERROR" or not isinstance(error.payload, dict):
            return
        for key, errors in error.payload.items():
            if isinstance(key, str) and key.isdigit() and int(key) < len(batch.sent) and isinstance(errors, dict):
                outcome.errors[batch.sent[int(key)]] = errors
