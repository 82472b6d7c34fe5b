"""Tunable knobs of an upload: batching, concurrency, pacing, timeouts, retries and polling."""

import random

import attrs
import httpx

SYNC_MAX_ITEMS = 5000
"""The API's limit of items in one synchronous request (413 above it)."""


@attrs.frozen
class RetryPolicy:
    """When and how long to wait before sending a request again."""

    max_attempts: int = 8
    """Attempts per request for 5xx answers and connection errors (the first one included)."""
    max_rate_limited: int = 100
    """429 answers tolerated per request; each waits the `Retry-After` the server asked for."""
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 600.0
    """A longer `Retry-After` (the daily limit) fails the batch instead of sleeping for hours."""

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after the `attempt`-th failure (1-based): exponential with full jitter."""
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))


@attrs.frozen
class PollPolicy:
    """How often to look at an async operation until it ends."""

    initial: float = 0.1
    factor: float = 1.5
    maximum: float = 5.0
    give_up_after: float = 3600.0
    """An operation still running after this many seconds leaves its batch unknown (a rerun settles it)."""

    def next_interval(self, current: float) -> float:
        """The wait after one of `current` seconds."""
        return min(self.maximum, current * self.factor)


def default_timeout() -> httpx.Timeout:
    """10 s to connect, 120 s for the rest: a 5000-item synchronous batch can take a while to answer."""
    return httpx.Timeout(120.0, connect=10.0)


@attrs.frozen
class Settings:
    """Everything about an upload that is not the API's own parameters."""

    batch_size: int = SYNC_MAX_ITEMS
    max_concurrency: int = 4
    """Batches in flight at once (async batches hold their slot while their operation runs)."""
    items_per_minute: int | None = 100_000
    """The client-side pace, kept under this many items in any minute (batches never exceed it); None: no pacer."""
    timeout: httpx.Timeout = attrs.field(factory=default_timeout)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    poll: PollPolicy = attrs.field(factory=PollPolicy)
    give_up_after: float | None = None
    """The whole upload's deadline in seconds: past it nothing is retried or waited for, and what is not done
    ends failed (never sent) or unknown (sent, outcome not known). None: no deadline."""
    tag_items: bool = False
    """Add `__item_idx` to items of async batches, as the official SDK does, and map the log back by it.

    Off by default: the contract says the log's item steps come in request order, and tagging copies every item.
    """

    def __attrs_post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if self.items_per_minute is not None and self.items_per_minute < 1:
            raise ValueError("items_per_minute must be positive or None")
