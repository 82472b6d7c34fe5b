"""Settling synchronous batches whose answer was lost, by reading the pool back.

A synchronous request carries nothing the server could recognise it by, so a batch whose answer was lost is
never resent blindly. With a checkpoint, its start record holds a mark per item (pool id and a digest of its
`input_values`, or of its tasks' for a suite) and the pool's newest id when the run began (the floor: anything
the batch created has a larger id). A rerun lists the pool after that floor, leaves out the ids the checkpoint
already accounts for, and matches the rest to the marks:
- every unknown item found: created, with the id found;
- none found: the batch never got in (a synchronous batch is created whole or not at all), so it is sent again;
- some found: those are created; the others stay unknown (never resent), with the reason.
"""

import collections
import logging
from collections.abc import Iterable
from typing import Any

from toloka_upload.errors import UploadError
from toloka_upload.items import Mark, content_mark
from toloka_upload.kinds import Kind
from toloka_upload.retrying import send_with_retry
from toloka_upload.settings import RetryPolicy
from toloka_upload.timing import Timing
from toloka_upload.wire import Wire, api_error, parse_json

logger = logging.getLogger("toloka_upload")
PAGE = 10_000


class PoolReader:
    """Reads pools back for settling: the newest id of a pool, and its items after a floor, by mark."""

    def __init__(self, wire: Wire, kind: Kind, retry: RetryPolicy, timing: Timing) -> None:
        self._wire = wire
        self._kind = kind
        self._retry = retry
        self._timing = timing

    async def _page(self, pool_id: str, *, id_gt: str | None, sort: str, limit: int) -> dict[str, Any]:
        response = await send_with_retry(
            lambda: self._wire.list_items(self._kind, pool_id, id_gt=id_gt, sort=sort, limit=limit), self._retry,
            replay_safe=True, timing=self._timing, what=f"GET {self._kind.value} of pool {pool_id}",
        )  # fmt: skip
        if response.status_code != 200:
            raise api_error(response)
        page = parse_json(response)
        if not isinstance(page, dict) or not isinstance(page.get("items"), list):
            raise UploadError(f"the list of pool {pool_id} is not an object with items")
        return page

    async def newest_id(self, pool_id: str) -> str | None:
        """The largest id in the pool now (None when it is empty or cannot be read: then no floor)."""
        try:
            page = await self._page(pool_id, id_gt=None, sort="-id", limit=1)
        except UploadError as exc:
            logger.info(
                "could not read the newest item of pool %s (%s): a settling rerun reads all of it", pool_id, exc
            )
            return None
        items = page["items"]
        return str(items[0]["id"]) if items and isinstance(items[0], dict) and "id" in items[0] else None

    async def by_mark(self, pool_id: str, floor: str | None, leave_out: Iterable[str]) -> dict[Mark, list[str]]:
        """The pool's items after `floor` (all without one), not in `leave_out`, by mark; ids in id order."""
        skip = set(leave_out)
        found: dict[Mark, list[str]] = collections.defaultdict(list)
        last = floor
        while True:
            page = await self._page(pool_id, id_gt=last, sort="id", limit=PAGE)
            for item in page["items"]:
                item_id = str(item["id"])
                last = item_id
                if item_id in skip:
                    continue
                mark = content_mark(self._kind, {**item, "pool_id": pool_id})
                if mark is not None:
                    found[mark].append(item_id)
            if not page.get("has_more") or not page["items"]:
                return found
