# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.task_suite_list import TaskSuiteList
from ...types import UNSET, Response, Unset


# Changed from the stock template (why: the upload layer sends pre-serialised bodies through the client's own
# httpx client and must not reach into a private function): the stock private `_get_kwargs` is public as
# `request_kwargs`.
def request_kwargs(
    *,
    pool_id: str | Unset = UNSET,
    id_gt: str | Unset = UNSET,
    id_gte: str | Unset = UNSET,
    id_lt: str | Unset = UNSET,
    id_lte: str | Unset = UNSET,
    sort: str | Unset = "id",
    limit: int | Unset = 50,
) -> dict[str, Any]:
    """The keyword arguments of `httpx.Client.request` for this operation: method, url, params, headers, body."""

    params: dict[str, Any] = {}

    params["pool_id"] = pool_id

    params["id_gt"] = id_gt

    params["id_gte"] = id_gte

    params["id_lt"] = id_lt

    params["id_lte"] = id_lte

    params["sort"] = sort

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/task-suites",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | TaskSuiteList | None:
    if response.status_code == 200:
        response_200 = TaskSuiteList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

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
) -> Response[Error | TaskSuiteList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    pool_id: str | Unset = UNSET,
    id_gt: str | Unset = UNSET,
    id_gte: str | Unset = UNSET,
    id_lt: str | Unset = UNSET,
    id_lte: str | Unset = UNSET,
    sort: str | Unset = "id",
    limit: int | Unset = 50,
) -> Response[Error | TaskSuiteList]:
    """List task suites

     Lists the caller's task suites, optionally of one pool, in pages of at most `limit`.

    Args:
        pool_id (str | Unset):
        id_gt (str | Unset):
        id_gte (str | Unset):
        id_lt (str | Unset):
        id_lte (str | Unset):
        sort (str | Unset):  Default: 'id'.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TaskSuiteList]
    """

    kwargs = request_kwargs(
        pool_id=pool_id,
        id_gt=id_gt,
        id_gte=id_gte,
        id_lt=id_lt,
        id_lte=id_lte,
        sort=sort,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    pool_id: str | Unset = UNSET,
    id_gt: str | Unset = UNSET,
    id_gte: str | Unset = UNSET,
    id_lt: str | Unset = UNSET,
    id_lte: str | Unset = UNSET,
    sort: str | Unset = "id",
    limit: int | Unset = 50,
) -> Error | TaskSuiteList | None:
    """List task suites

     Lists the caller's task suites, optionally of one pool, in pages of at most `limit`.

    Args:
        pool_id (str | Unset):
        id_gt (str | Unset):
        id_gte (str | Unset):
        id_lt (str | Unset):
        id_lte (str | Unset):
        sort (str | Unset):  Default: 'id'.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TaskSuiteList
    """

    return sync_detailed(
        client=client,
        pool_id=pool_id,
        id_gt=id_gt,
        id_gte=id_gte,
        id_lt=id_lt,
        id_lte=id_lte,
        sort=sort,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    pool_id: str | Unset = UNSET,
    id_gt: str | Unset = UNSET,
    id_gte: str | Unset = UNSET,
    id_lt: str | Unset = UNSET,
    id_lte: str | Unset = UNSET,
    sort: str | Unset = "id",
    limit: int | Unset = 50,
) -> Response[Error | TaskSuiteList]:
    """List task suites

     Lists the caller's task suites, optionally of one pool, in pages of at most `limit`.

    Args:
        pool_id (str | Unset):
        id_gt (str | Unset):
        id_gte (str | Unset):
        id_lt (str | Unset):
        id_lte (str | Unset):
        sort (str | Unset):  Default: 'id'.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TaskSuiteList]
    """

    kwargs = request_kwargs(
        pool_id=pool_id,
        id_gt=id_gt,
        id_gte=id_gte,
        id_lt=id_lt,
        id_lte=id_lte,
        sort=sort,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    pool_id: str | Unset = UNSET,
    id_gt: str | Unset = UNSET,
    id_gte: str | Unset = UNSET,
    id_lt: str | Unset = UNSET,
    id_lte: str | Unset = UNSET,
    sort: str | Unset = "id",
    limit: int | Unset = 50,
) -> Error | TaskSuiteList | None:
    """List task suites

     Lists the caller's task suites, optionally of one pool, in pages of at most `limit`.

    Args:
        pool_id (str | Unset):
        id_gt (str | Unset):
        id_gte (str | Unset):
        id_lt (str | Unset):
        id_lte (str | Unset):
        sort (str | Unset):  Default: 'id'.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TaskSuiteList
    """

    return (
        await asyncio_detailed(
            client=client,
            pool_id=pool_id,
            id_gt=id_gt,
            id_gte=id_gte,
            id_lt=id_lt,
            id_lte=id_lte,
            sort=sort,
            limit=limit,
        )
    ).parsed
