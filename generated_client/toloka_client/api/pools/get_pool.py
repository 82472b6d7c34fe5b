# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.pool import Pool
from ...types import Response


# Changed from the stock template (why: the upload layer sends pre-serialised bodies through the client's own
# httpx client and must not reach into a private function): the stock private `_get_kwargs` is public as
# `request_kwargs`.
def request_kwargs(
    pool_id: str,
) -> dict[str, Any]:
    """The keyword arguments of `httpx.Client.request` for this operation: method, url, params, headers, body."""

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/pools/{pool_id}".format(
            pool_id=quote(str(pool_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Pool | None:
    if response.status_code == 200:
        response_200 = Pool.from_dict(response.json())

        return response_200

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Pool]:
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
) -> Response[Error | Pool]:
    """Get a pool

     Reads one pool (fullApi `getPool`, `PoolViewV1`): its project, its status and its defaults are what
    the upload workflow needs (`allow_defaults=true` takes the overlap from `defaults`, `open_pool=true`
    leaves `status: OPEN`). Another account's pool answers 404, as a missing one does.

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
        Response[Error | Pool]
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
) -> Error | Pool | None:
    """Get a pool

     Reads one pool (fullApi `getPool`, `PoolViewV1`): its project, its status and its defaults are what
    the upload workflow needs (`allow_defaults=true` takes the overlap from `defaults`, `open_pool=true`
    leaves `status: OPEN`). Another account's pool answers 404, as a missing one does.

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
        Error | Pool
    """

    return sync_detailed(
        pool_id=pool_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    pool_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | Pool]:
    """Get a pool

     Reads one pool (fullApi `getPool`, `PoolViewV1`): its project, its status and its defaults are what
    the upload workflow needs (`allow_defaults=true` takes the overlap from `defaults`, `open_pool=true`
    leaves `status: OPEN`). Another account's pool answers 404, as a missing one does.

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
        Response[Error | Pool]
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
) -> Error | Pool | None:
    """Get a pool

     Reads one pool (fullApi `getPool`, `PoolViewV1`): its project, its status and its defaults are what
    the upload workflow needs (`allow_defaults=true` takes the overlap from `defaults`, `open_pool=true`
    leaves `status: OPEN`). Another account's pool answers 404, as a missing one does.

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
        Error | Pool
    """

    return (
        await asyncio_detailed(
            pool_id=pool_id,
            client=client,
        )
    ).parsed
