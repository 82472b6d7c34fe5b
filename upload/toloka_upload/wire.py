"""The upload's HTTP calls: request shapes from the generated operation modules, bytes in and out with orjson.

The generated functions convert every item to and from attrs models, which costs more CPU than the whole rest
of an upload; here a batch is serialised once and only small answers (Operation, Error) become models.
"""

from types import ModuleType
from typing import Any
from uuid import UUID

import httpx
import orjson
from toloka_client.api.operations import get_operation, get_operation_log
from toloka_client.api.pools import get_pool
from toloka_client.api.projects import get_project
from toloka_client.client import AuthenticatedClient
from toloka_client.models.error import Error
from toloka_client.models.operation import Operation
from toloka_client.types import UNSET, Unset

from toloka_upload.errors import ApiError, AuthenticationError
from toloka_upload.kinds import Kind

# The keys of the generated `request_kwargs` results this module relies on. The create body (`json`) is swapped for
# bytes serialised once; any other key (a regeneration that sends `content`, `data`, `files`, `cookies`...) would
# be sent wrongly or lost, so it stops the upload instead.
REQUEST_KEYS = frozenset({"method", "url", "params", "headers"})
CREATE_KEYS = REQUEST_KEYS | {"json"}


class RequestShapeError(RuntimeError):
    """The generated client builds requests differently since it was regenerated: wire.py needs updating."""


def _checked(request: dict[str, Any], allowed: frozenset[str], operation: str) -> dict[str, Any]:
    """`request` when it has only the keys this module knows how to send (and the body, for a create)."""
    if not request.keys() <= allowed or ("json" in allowed and "json" not in request):
        raise RequestShapeError(
            f"the generated {operation}.request_kwargs returned keys {sorted(request)}; toloka_upload.wire expects "
            f"{sorted(allowed)}: update wire.py for the regenerated client"
        )
    return request


class Wire:
    """Sends create, operation and log requests through the generated client's `httpx.AsyncClient`."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._http = client.get_async_httpx_client()

    async def create(
        self,
        kind: Kind,
        body: bytes,
        *,
        async_mode: bool,
        allow_defaults: bool,
        skip_invalid_items: bool,
        open_pool: bool,
        operation_id: str | None,
    ) -> httpx.Response:
        """POST one pre-serialised batch (a JSON array) to the create endpoint of `kind`."""
        module = kind.create_module
        request = module.request_kwargs(
            body=[],
            async_mode=async_mode,
            allow_defaults=allow_defaults,
            skip_invalid_items=skip_invalid_items,
            open_pool=open_pool,
            **({"operation_id": UUID(operation_id)} if operation_id else {}),
        )
        request = _checked(request, CREATE_KEYS, module.__name__)
        del request["json"]
        return await self._http.request(**request, content=body)

    async def operation(self, operation_id: str) -> httpx.Response:
        """GET an operation."""
        return await self._get(get_operation, operation_id)

    async def operation_log(self, operation_id: str) -> httpx.Response:
        """GET an operation's log."""
        return await self._get(get_operation_log, operation_id)

    async def pool(self, pool_id: str) -> httpx.Response:
        """GET a pool (its project id, status, default overlaps)."""
        return await self._get(get_pool, pool_id)

    async def project(self, project_id: str) -> httpx.Response:
        """GET a project (its input spec)."""
        return await self._get(get_project, project_id)

    async def _get(self, module: ModuleType, *arguments: str, **query: Any) -> httpx.Response:
        """Send the request the generated `module` builds for `arguments` and `query`."""
        request = _checked(module.request_kwargs(*arguments, **query), REQUEST_KEYS, module.__name__)
        return await self._http.request(**request)

    async def list_items(
        self, kind: Kind, pool_id: str, *, id_gt: str | None = None, sort: str = "id", limit: int = 10_000
    ) -> httpx.Response:
        """GET one page of the tasks (or task suites) of a pool, after `id_gt` in `sort` order."""
        module = kind.list_module
        query: dict[str, Any] = {"pool_id": pool_id, "sort": sort, "limit": limit}
        if id_gt is not None:
            query["id_gt"] = id_gt
        return await self._get(module, **query)

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()


def parse_json(response: httpx.Response) -> Any:
    """The response body as Python objects."""
    return orjson.loads(response.content)


def parse_operation(response: httpx.Response) -> Operation:
    """A 200/202 answer as the generated Operation model (small: worth the model)."""
    return Operation.from_dict(parse_json(response))


# The code of an error answer whose body is not Toloka's error body (the contract's `Error`).
NOT_TOLOKA = "UNEXPECTED_RESPONSE"


def api_error(response: httpx.Response) -> ApiError:
    """The exception for an error answer; bodies that are not Toloka errors keep a short excerpt of the text."""
    try:
        error = Error.from_dict(parse_json(response))
        code, message, request_id, payload = error.code, error.message, error.request_id, error.payload
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        code, message, request_id, payload = NOT_TOLOKA, response.text[:200], None, None
    error_type = AuthenticationError if response.status_code == 401 else ApiError
    return error_type(
        response.status_code,
        code,
        message,
        None if isinstance(request_id, Unset) else request_id,
        None if payload is UNSET else payload,
    )
