"""Sending a request again when that is safe: 429 after `Retry-After`, 5xx and connection errors with backoff."""

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from toloka_upload.errors import UploadError
from toloka_upload.settings import RetryPolicy

Sleep = Callable[[float], Awaitable[None]]

# The request never left: no connection was made, or none was free in the pool.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request could not even be built (a URL scheme httpx cannot speak, a header value h11 refuses): sending
# it again fails the same way.
UNSENDABLE = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)


class OutcomeUnknownError(UploadError):
    """A non-idempotent request may have reached the server; sending it again could create things twice."""


class UnsendableRequestError(UploadError):
    """The request could not be sent at all, and never will be: retrying is pointless."""


class GaveUpError(UploadError):
    """A request kept failing in ways worth retrying until the policy ran out of attempts."""


def retry_after(response: httpx.Response, fallback: float) -> float:
    """The seconds a 429 asks to wait (`Retry-After`, integer or decimal), else `fallback`."""
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return fallback


async def send_with_retry(
    send: Callable[[], Awaitable[httpx.Response]],
    policy: RetryPolicy,
    *,
    replay_safe: bool,
    sleep: Sleep = asyncio.sleep,
) -> httpx.Response:
    """Send until an answer worth returning arrives.

    `replay_safe` says whether a request that may have reached the server can be sent again (reads, and async
    uploads carrying an operation_id). Without it, only "not sent" errors, 429 and 503 (the server did nothing)
    are retried; another 5xx is returned to the caller and a lost answer raises OutcomeUnknownError.
    A 429 whose wait exceeds the policy, or too many of them, is returned as is.
    """
    failures = 0
    rate_limited = 0
    while True:
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
            reason = f"connection failed ({type(exc).__name__})"
        else:
            status = response.status_code
            if status == 429:
                rate_limited += 1
                wait = retry_after(response, policy.backoff(rate_limited))
                if rate_limited > policy.max_rate_limited or wait > policy.max_retry_after:
                    return response
                await sleep(wait)
                continue
            if status == 503 or (status >= 500 and replay_safe):
                reason = f"HTTP {status}"
            else:
                return response
        failures += 1
        if failures >= policy.max_attempts:
            raise GaveUpError(f"gave up after {failures} attempts; last: {reason}")
        await sleep(policy.backoff(failures))
