"""How the suite waits for an operation to end: one clock and one sleep, `toloka_contract.operations`' loop,
429 guidance honoured, and a server whose operations never end found out once, not once per row."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from toloka_contract.operations import OperationTimeoutError, wait_for_operation

from toloka_conformance.api import Exchange
from toloka_conformance.interrupt import Interruption

Clock = Callable[[], float]
Sleep = Callable[[float], object]

# A 429 without Retry-After names the limit's window in `payload.interval` (toloka-kit waits that long).
_WINDOWS = {"MIN": 60.0, "HOUR": 3600.0, "DAY": 86400.0}
# The first poll comes soon (an emulator ends operations in milliseconds); then the interval grows to this.
FIRST_POLL = 0.05
MAX_POLL = 2.0


class NotEnded(Exception):
    """The operation had not ended within --operation-timeout: `status` is its last status, `waited` seconds."""

    def __init__(self, status: str, waited: float, *, already: bool) -> None:
        self.status = status
        self.waited = waited
        self.already = already  # an earlier operation outlived the timeout: this one was given no time of its own
        super().__init__(f"still {status} after {waited:.1f} s")


def guidance(response: httpx.Response) -> float | None:
    """Seconds a 429 asks to wait: an integer `Retry-After`, else `payload.interval`'s window; None if neither."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        body = response.json()
    except ValueError:
        return None
    payload = body.get("payload") if isinstance(body, dict) else None
    interval = payload.get("interval") if isinstance(payload, dict) else None
    return _WINDOWS.get(str(interval).upper()) if interval is not None else None


@dataclass
class Waits:
    """The run's waits for operations: the clock and sleep passed in, the timeout, and whether operations end here.

    Once one operation outlives the timeout, every later wait looks once and gives up (`NotEnded.already`), so a
    server whose operations never end costs about one timeout, and the run says so once (`stuck`).
    """

    timeout: float
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    stuck: str | None = None
    interruption: Interruption | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def pause(self, seconds: float) -> None:
        """Sleep between polls; Interrupted first when the run got a signal (a check waiting in a worker thread
        stops at its next poll)."""
        if self.interruption is not None:
            self.interruption.check()
        self.sleep(seconds)

    def until_ended(
        self, get: Callable[[], Exchange], parse: Callable[[Exchange], dict[str, Any]]
    ) -> tuple[dict[str, Any], Exchange]:
        """GET the operation until its status is SUCCESS or FAIL; (the operation, the GET that showed it).

        `parse` reads an answer (and raises to stop: a check's Failed). A 429 is waited out as it asks, within the
        timeout, then asked again. Raises NotEnded.
        """
        last: list[Exchange] = []
        deadline = self.clock() + self.timeout

        def fetch() -> dict[str, Any]:
            while True:
                exchange = get()
                last[:] = [exchange]
                remaining = deadline - self.clock()
                if exchange.status != 429 or remaining <= 0:
                    return parse(exchange)
                wait = guidance(exchange.response)
                self.pause(min(wait if wait is not None else FIRST_POLL, remaining))

        already = self.stuck is not None
        timeout = 0.0 if already else self.timeout
        try:
            body = wait_for_operation(
                fetch,
                interval=FIRST_POLL,
                max_interval=MAX_POLL,
                timeout=timeout,
                clock=self.clock,
                sleep=self.pause,
            )
        except OperationTimeoutError as exc:
            with self._lock:
                if self.stuck is None:
                    self.stuck = f"an operation was still {exc.status} after {exc.waited:.1f} s"
            raise NotEnded(exc.status, exc.waited, already=already) from None
        return body, last[0]
