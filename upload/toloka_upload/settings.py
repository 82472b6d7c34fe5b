"""Tunable knobs of an upload: batching, concurrency, pacing, timeouts, retries and polling."""

import random
from collections.abc import Mapping
from types import MappingProxyType

import attrs
import httpx

from toloka_upload.kinds import Kind

SYNC_MAX_ITEMS = 5000
"""The API's limit of items in one synchronous request (413 above it)."""

# Toloka's documented quotas (docs `parts/api/info-description.md`, "Rate limiting"; ../shared/toloka-api-notes.md,
# Corrections, second set): 200,000 tasks and 100,000 task suites a minute per account, and 429 above 300 requests
# a second. The default pace is the quota itself: the pacer's sliding minute never holds more than the server's
# fixed minute counts, and a 429 (another client on the account, a lower quota) holds the pace back.
DOCUMENTED_ITEMS_PER_MINUTE: Mapping[Kind, int] = MappingProxyType({Kind.TASKS: 200_000, Kind.TASK_SUITES: 100_000})
"""Items a minute per kind the API documents for an account: the default pace."""
DOCUMENTED_REQUESTS_PER_SECOND = 300
"""Requests a second the API documents before it answers 429: create requests are kept under it."""


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
    items_per_minute: int | Mapping[Kind, int] | None = DOCUMENTED_ITEMS_PER_MINUTE
    """The client-side pace, kept under this many items in any minute (batches never exceed it): one figure for
    both kinds, or one per kind (default: the documented quotas); None: no pacer."""
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
        pace = self.items_per_minute
        paces = pace.values() if isinstance(pace, Mapping) else [pace]
        if any(pace is not None and pace < 1 for pace in paces):
            raise ValueError("items_per_minute must be positive or None")

    def pace(self, kind: Kind) -> int | None:
        """Items a minute for `kind` (None: unpaced; a kind a mapping leaves out is unpaced too)."""
        if isinstance(self.items_per_minute, Mapping):
            return self.items_per_minute.get(kind)
        return self.items_per_minute
