"""Sending a request again when that is safe: 429 after `Retry-After`, 5xx and connection errors with backoff.

Every decision is logged on `logging.getLogger("toloka_upload")`, and every wait goes through the upload's
Timing, so the total deadline (`give_up_after`) ends retrying wherever it happens.
"""

import contextlib
import email.utils
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson

from toloka_upload.errors import UploadError
from toloka_upload.settings import RetryPolicy
from toloka_upload.timing import DeadlinePassed, Sleep, Timing, announce_wait

__all__ = ["GaveUpError", "OutcomeUnknownError", "Sleep", "UnsendableRequestError", "send_with_retry"]

logger = logging.getLogger("toloka_upload")

# The request never left: no connection was made, or none was free in the pool.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request could not even be built (a URL scheme httpx cannot speak, a header value h11 refuses): sending
# it again fails the same way.
UNSENDABLE = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)
# toloka-kit's reading of a 429 without Retry-After: the limit's window, in payload.interval.
INTERVALS = {"MIN": 60.0, "MINUTE": 60.0, "HOUR": 3600.0, "DAY": 86400.0}


class OutcomeUnknownError(UploadError):
    """A non-idempotent request may have reached the server; sending it again could create things twice."""


class UnsendableRequestError(UploadError):
    """The request could not be sent at all, and never will be: retrying is pointless."""


class GaveUpError(UploadError):
    """A request kept failing in ways worth retrying until the policy or the deadline ran out.

    `maybe_sent`: whether any attempt may have reached the server (then what it did is not known).
    """

    def __init__(self, message: str, *, maybe_sent: bool) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


def _payload_interval(response: httpx.Response) -> float | None:
    try:
        body: Any = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    payload = body.get("payload") if isinstance(body, dict) else None
    interval = payload.get("interval") if isinstance(payload, dict) else None
    return INTERVALS.get(str(interval).upper()) if interval is not None else None


def retry_after(response: httpx.Response, fallback: float, now: Callable[[], float] = time.time) -> float:
    """The seconds a 429 asks to wait: `Retry-After` as seconds or as an HTTP date (measured from the answer's
    `Date` when it has one, else from `now()`), else the error's `payload.interval` (MIN, HOUR, DAY), else
    `fallback`."""
    value = response.headers.get("Retry-After", "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            at = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            at = None
        if at is not None:
            reference = now()
            if date := response.headers.get("Date"):
                with contextlib.suppress(TypeError, ValueError):
                    reference = email.utils.parsedate_to_datetime(date).timestamp()
            return max(0.0, at - reference)
    interval = _payload_interval(response)
    return interval if interval is not None else fallback


async def send_with_retry(
    send: Callable[[], Awaitable[httpx.Response]],
    policy: RetryPolicy,
    *,
    replay_safe: bool,
    timing: Timing,
    what: str = "request",
    on_rate_limited: Callable[[float], None] | None = None,
) -> httpx.Response:
    """Send until an answer worth returning arrives.

    `replay_safe` says whether a request that may have reached the server can be sent again (reads, and async
    uploads carrying an operation_id). Without it, only "not sent" errors, 429 and 503 (the server did nothing)
    are retried; another 5xx is returned to the caller and a lost answer raises OutcomeUnknownError.
    A 429 whose wait exceeds the policy, or too many of them, is returned as is; `on_rate_limited` hears each
    429's wait (the pacer holds every batch for it). Past the deadline, GaveUpError.
    """
    failures = 0
    rate_limited = 0
    maybe_sent = False
    while True:
        if timing.passed():
            raise GaveUpError(f"gave up: the deadline passed ({what})", maybe_sent=maybe_sent)
        try:
            response = await send()
        except UNSENDABLE as exc:
            # Only the type: h11's message may quote a header value, which could be the token.
            raise UnsendableRequestError(
                f"the request could not be sent ({type(exc).__name__}): check the base URL and the token"
            ) from None
        except NOT_SENT as exc:
            reason = f"could not connect ({type(exc).__name__})"
        except httpx.TransportError as exc:
            if not replay_safe:
                raise OutcomeUnknownError(
                    f"the connection failed after the request was sent ({type(exc).__name__}); it may or may not "
                    "have been processed, so it is not resent"
                ) from None
            maybe_sent = True
            reason = f"connection failed after sending ({type(exc).__name__})"
        else:
            status = response.status_code
            if status == 429:
                rate_limited += 1
                wait = retry_after(response, policy.backoff(rate_limited))
                if rate_limited > policy.max_rate_limited or wait > policy.max_retry_after:
                    logger.warning("%s: HTTP 429 asks to wait %.0f s: not retried", what, wait)
                    return response
                if on_rate_limited is not None:
                    on_rate_limited(wait)
                announce_wait(
                    wait, "the server's rate limit (429)", "%s: HTTP 429, retrying in %.1f s (rate-limited %d times)",
                    what, wait, rate_limited,
                )  # fmt: skip
                try:
                    await timing.wait(wait)
                except DeadlinePassed:
                    raise GaveUpError(
                        f"gave up: the deadline passed while rate-limited ({what})", maybe_sent=maybe_sent
                    ) from None
                continue
            if status == 503 or (status >= 500 and replay_safe):
                maybe_sent = maybe_sent or status != 503
                reason = f"HTTP {status}"
            else:
                return response
        failures += 1
        if failures >= policy.max_attempts:
            logger.warning("%s: giving up after %d attempts; last: %s", what, failures, reason)
            raise GaveUpError(f"gave up after {failures} attempts; last: {reason}", maybe_sent=maybe_sent)
        wait = policy.backoff(failures)
        announce_wait(
            wait, f"a retry ({reason})", "%s: %s; retrying in %.2f s (attempt %d of %d)",
            what, reason, wait, failures + 1, policy.max_attempts,
        )  # fmt: skip
        try:
            await timing.wait(wait)
        except DeadlinePassed:
            logger.warning("%s: giving up, the deadline passed; last: %s", what, reason)
            raise GaveUpError(
                f"gave up: the deadline passed after {failures} attempt(s); last: {reason}", maybe_sent=maybe_sent
            ) from None
