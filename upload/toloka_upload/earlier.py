"""What earlier runs of the same target created, read from the server: a multiset of item digests with their ids.

A rerun meets an input item when an earlier run's operation log holds an item of the same content (the digest
of the item as sent, keys sorted, `pool_id` filled): each created id is claimed by one input item at most, so
two identical lines meant twice are met twice only if two were created.
"""

from collections import deque
from collections.abc import Iterable
from typing import Any

from toloka_contract.operations import CREATE_STEPS

from toloka_upload.items import ITEM_INDEX_KEY, item_digest


class Earlier:
    """The items earlier runs created, by content digest; `claim` hands each id out once."""

    def __init__(self) -> None:
        self._ids: dict[str, deque[str]] = {}
        self.operations = 0
        """Operations of earlier runs read."""
        self.items = 0
        """Items they created (claimed or not)."""

    def __bool__(self) -> bool:
        return bool(self._ids)

    def add(self, digest: str, item_id: str) -> None:
        """Note an item an earlier run created."""
        self._ids.setdefault(digest, deque()).append(item_id)
        self.items += 1

    def take_log(self, log: list[dict[str, Any]], created_key: str) -> None:
        """Note every item an operation log reports created."""
        for step in log:
            if step.get("type") not in CREATE_STEPS or not step.get("success"):
                continue
            item_id = (step.get("output") or {}).get(created_key)
            item = step.get("input")
            if isinstance(item_id, str) and isinstance(item, dict):
                if ITEM_INDEX_KEY in item:
                    item = {key: value for key, value in item.items() if key != ITEM_INDEX_KEY}
                self.add(item_digest(item), item_id)

    def claim(self, digest: str) -> str | None:
        """The id of an unclaimed earlier item with this digest (now claimed), or None."""
        queue = self._ids.get(digest)
        if not queue:
            return None
        item_id = queue.popleft()
        if not queue:
            del self._ids[digest]
        return item_id

    def discard(self, ids: Iterable[str]) -> None:
        """Claim these ids (a checkpoint already maps them to their input positions)."""
        gone = set(ids)
        if not gone:
            return
        for digest in list(self._ids):
            kept = deque(item_id for item_id in self._ids[digest] if item_id not in gone)
            if kept:
                self._ids[digest] = kept
            else:
                del self._ids[digest]
