"""Query-string parsing with 400 answers for values of the wrong type."""

from __future__ import annotations

import re

from starlette.datastructures import QueryParams
from toloka_contract.schema import is_uuid

from toloka_emulator import spec_bounds
from toloka_emulator.errors import bad_request
from toloka_emulator.items import ItemKind
from toloka_emulator.service import UploadParams
from toloka_emulator.storage import ListQuery

_SORT_KEYS = {"id": ("id", False), "created": ("created", False), "-id": ("id", True), "-created": ("created", True)}
# The list page size: openapi.yaml's `Limit` parameter.
MIN_LIMIT = spec_bounds.LIST_LIMIT_MIN
MAX_LIMIT = spec_bounds.LIST_LIMIT_MAX
DEFAULT_LIMIT = spec_bounds.LIST_LIMIT_DEFAULT


def boolean(query: QueryParams, name: str) -> bool:
    """A `true`/`false` query parameter (false when absent)."""
    value = query.get(name)
    if value is None:
        return False
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise bad_request(f"Query parameter {name} must be true or false", {name: value})


def operation_id(raw: str) -> str:
    """An operation id in the form it is stored under: a UUID lowercased (RFC 4122 hyphenated), else as given.

    UUIDs compare case-insensitively (RFC 4122 section 3), so `AAAA...` and `aaaa...` must name one operation,
    both when it is created (never twice) and when it is read.
    """
    return raw.lower() if is_uuid(raw) else raw


def upload_params(query: QueryParams) -> UploadParams:
    """The parameters of an upload request."""
    raw_operation_id = query.get("operation_id")
    if raw_operation_id is not None and not is_uuid(raw_operation_id):
        raise bad_request("Query parameter operation_id must be a UUID", {"operation_id": raw_operation_id})
    return UploadParams(
        async_mode=boolean(query, "async_mode"),
        allow_defaults=boolean(query, "allow_defaults"),
        skip_invalid_items=boolean(query, "skip_invalid_items"),
        open_pool=boolean(query, "open_pool"),
        operation_id=None if raw_operation_id is None else operation_id(raw_operation_id),
    )


def list_query(query: QueryParams, kind: ItemKind, account: str) -> ListQuery:
    """The filters and paging of a list request."""
    pool_id = query.get("pool_id")
    for name in ("pool_id", "id_gt", "id_gte", "id_lt", "id_lte"):
        if query.get(name) == "":
            raise bad_request(f"Query parameter {name} must not be empty")
    sort = query.get("sort", "id")
    order = tuple(_SORT_KEYS.get(key, ("", False)) for key in sort.split(","))
    fields = [name for name, _ in order]
    if "" in fields or len(set(fields)) != len(fields):
        message = "Query parameter sort must be comma-separated distinct keys among id, created, -id, -created"
        raise bad_request(message, {"sort": sort})
    raw_limit = query.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        if not re.fullmatch(r"\+?[0-9]{1,7}", raw_limit) or not MIN_LIMIT <= int(raw_limit) <= MAX_LIMIT:
            raise bad_request(
                f"Query parameter limit must be an integer in {MIN_LIMIT}..{MAX_LIMIT}", {"limit": raw_limit}
            )
        limit = int(raw_limit)
    bounds = tuple(
        (name, value) for name in ("id_gt", "id_gte", "id_lt", "id_lte") if (value := query.get(name)) is not None
    )
    return ListQuery(kind=kind.code, account=account, pool_id=pool_id, bounds=bounds, order=order, limit=limit)
