# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.operation import Operation
from ...types import Response


# Changed from the stock template (why: the upload layer sends pre-serialised bodies through the client's own
# httpx client and must not reach into a private function): the stock private `_get_kwargs` is public as
# `request_kwargs`.
def request_kwargs(
    pool_id: str,
) -> dict[str, Any]:
    """The keyword arguments of `httpx.Client.request` for this operation: method, url, params, headers, body."""

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/pools/{pool_id}/close".format(
            pool_id=quote(str(pool_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | Operation | None:
    if response.status_code == 202:
        response_202 = Operation.from_dict(response.json())

        return response_202

    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Error | Operation]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    pool_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Error | Operation]:
    """Close a pool

     Closes the pool (fullApi `closePool`). The answer is 202 with a `POOL.CLOSE` operation to poll, or
    204 with
    no body when the pool is already closed (fullApi's note; the Java SDK's `executeAction` handles
    both). An archived pool answers 409 `INAPPROPRIATE_STATUS`. Resolved against fullApi, which lists
    only 202: 204 is in fullApi's description, and 404/409 are the errors every pool route has.

    Args:
        pool_id (str): The ID of a task, suite or operation in a path. Real IDs use letters,
            digits, `-` and `_` only
            (`000248a756--6422ca21e5997032541d856b`, UUIDs); the pattern also keeps out `.` and `..`,
            which a URL
            would collapse into another path.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | Operation]
    """

    kwargs = request_kwargs(
        pool_id=pool_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    pool_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | Error | Operation | None:
    """Close a pool

     Closes the pool (fullApi `closePool`). The answer is 202 with a `POOL.CLOSE` operation to poll, or
    204 with
    no body when the pool is already closed (fullApi's note; the Java SDK's `executeAction` handles
    both). An archived pool answers 409 `INAPPROPRIATE_STATUS`. Resolved against fullApi, which lists
    only 202: 204 is in fullApi's description, and 404/409 are the errors every pool route has.

    Args:
        pool_id (str): The ID of a task, suite or operation in a path. Real IDs use letters,
            digits, `-` and `_` only
            (`000248a756--6422ca21e5997032541d856b`, UUIDs); the pattern also keeps out `.` and `..`,
            which a URL
            would collapse into another path.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | Operation
    """

    return sync_detailed(
        pool_id=pool_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    pool_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Error | Operation]:
    """Close a pool

     Closes the pool (fullApi `closePool`). The answer is 202 with a `POOL.CLOSE` operation to poll, or
    204 with
    no body when the pool is already closed (fullApi's note; the Java SDK's `executeAction` handles
    both). An archived pool answers 409 `INAPPROPRIATE_STATUS`. Resolved against fullApi, which lists
    only 202: 204 is in fullApi's description, and 404/409 are the errors every pool route has.

    Args:
        pool_id (str): The ID of a task, suite or operation in a path. Real IDs use letters,
            digits, `-` and `_` only
            (`000248a756--6422ca21e5997032541d856b`, UUIDs); the pattern also keeps out `.` and `..`,
            which a URL
            would collapse into another path.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | Operation]
    """

    kwargs = request_kwargs(
        pool_id=pool_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    pool_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | Error | Operation | None:
    """Close a pool

     Closes the pool (fullApi `closePool`). The answer is 202 with a `POOL.CLOSE` operation to poll, or
    204 with
    no body when the pool is already closed (fullApi's note; the Java SDK's `executeAction` handles
    both). An archived pool answers 409 `INAPPROPRIATE_STATUS`. Resolved against fullApi, which lists
    only 202: 204 is in fullApi's description, and 404/409 are the errors every pool route has.

    Args:
        pool_id (str): The ID of a task, suite or operation in a path. Real IDs use letters,
            digits, `-` and `_` only
            (`000248a756--6422ca21e5997032541d856b`, UUIDs); the pattern also keeps out `.` and `..`,
            which a URL
            would collapse into another path.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | Operation
    """

    return (
        await asyncio_detailed(
            pool_id=pool_id,
            client=client,
        )
    ).parsed
