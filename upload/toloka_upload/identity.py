"""What an upload is for (its target), and the operation ids derived from each batch's content and target.

An async batch's operation id is a uuid5 over a digest of (base URL, kind, pool, flags, salt, batch start,
batch body, attempt): the same command rerun after any interruption sends the same batches under the same ids,
so the API answers 409 OPERATION_ALREADY_EXISTS for what an earlier run got through, and the client follows
that operation instead of creating anything again. `salt` (`--again`) makes new ids, to upload the same
content again on purpose. `attempt` moves on only when the operation met again failed without creating
anything (a server-side failure), so the batch can still be created.
"""

import hashlib
import uuid
from typing import Any

import attrs
import orjson

NAMESPACE = uuid.UUID("5b0c1d3e-7f5a-4c8e-9a51-2f1d7c3b9e10")


@attrs.frozen
class Target:
    """Where an upload goes and how: what a checkpoint (and every derived operation id) is for."""

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

    def operation_id(self, start: int, body_digest: str, attempt: int = 0) -> str:
        """The operation id of the batch starting at input position `start` whose body has `body_digest`."""
        digest = hashlib.sha256(self.key() + f"|{start}|{body_digest}|{attempt}".encode()).hexdigest()
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
