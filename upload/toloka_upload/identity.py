"""What an upload is for (its target), and the sequence of operation ids its async batches take.

Every run of the same target (base URL, kind, pool, `--again` name) numbers its operations in one sequence: slot
0, 1, 2, ... each a uuid5 of the target and the slot. A run first reads the operations of the slots taken so far
(until one does not exist) and their logs, so it knows per item what earlier runs created (see earlier.py);
it then takes the next free slots for what is left. A slot is taken by one POST at a time (the next POST waits
until the server has the previous one), so the taken slots never have a gap. `salt` (`--again`) starts a
sequence of its own, to upload the same content again on purpose. The API's own flags (`--skip-invalid`,
`--allow-defaults`, `--open-pool`) are not part of the sequence: adding `--skip-invalid` to a rerun must still
meet what the first run created.
"""

import hashlib
import uuid
from typing import Any

import attrs
import orjson

NAMESPACE = uuid.UUID("5b0c1d3e-7f5a-4c8e-9a51-2f1d7c3b9e10")


@attrs.frozen
class Target:
    """What an upload is for, derived from its options (options.derived): a checkpoint's header records all of it
    (a rerun with another target is refused), while the operation id sequence (`slot_id`) takes only the base
    URL, kind, pool and salt, so a rerun with other API flags still meets what earlier runs created."""

    base_url: str
    kind: str
    pool_id: str | None
    async_mode: bool
    skip_invalid_items: bool
    allow_defaults: bool
    open_pool: bool
    salt: str | None = None

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self)

    def key(self) -> bytes:
        """The canonical bytes of the target."""
        return orjson.dumps(self.to_record(), option=orjson.OPT_SORT_KEYS)

    def slot_id(self, slot: int) -> str:
        """The operation id of slot `slot` of this target's sequence (the same in every run of the target)."""
        sequence = orjson.dumps([self.base_url, self.kind, self.pool_id, self.salt])
        digest = hashlib.sha256(sequence + f"|slot|{slot}".encode()).hexdigest()
        return str(uuid.uuid5(NAMESPACE, digest))


FLAG_NAMES = {
    "base_url": "the base URL",
    "kind": "what is uploaded",
    "pool_id": "the pool (--pool-id)",
    "async_mode": "async mode (--sync)",
    "skip_invalid_items": "--skip-invalid",
    "allow_defaults": "--allow-defaults",
    "open_pool": "--open-pool",
    "salt": "--again",
}


def differences(earlier: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What differs between two targets, in words."""
    return [
        f"{FLAG_NAMES.get(name, name)}: {earlier.get(name)!r} then, {now.get(name)!r} now"
        for name in sorted(earlier.keys() | now.keys())
        if earlier.get(name) != now.get(name)
    ]
