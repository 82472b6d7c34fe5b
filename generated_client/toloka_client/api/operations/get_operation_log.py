# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.operation_log_item import OperationLogItem
from ...types import Response


# Changed from the stock template (why: the upload layer sends pre-serialised bodies through the client's own
# httpx client and must not reach into a private function): the stock private `_get_kwargs` is public as
# `request_kwargs`.
def request_kwargs(
    operation_id: str,
) -> dict[str, Any]:
    """The keyword arguments of `httpx.Client.request` for this operation: method, url, params, headers, body."""

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/operations/{operation_id}/log".format(
            operation_id=quote(str(operation_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | list[OperationLogItem] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = OperationLogItem.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | list[OperationLogItem]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    operation_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | list[OperationLogItem]]:
    """Get an operation's log

     The per-item log of a batch-create operation: for every input item, either the id it became
    (`TASK_CREATE` / `TASK_SUITE_CREATE`, `success: true`) or the validation errors it got
    (`TASK_VALIDATE` / `TASK_SUITE_VALIDATE`, `success: false`). `input` echoes the item as sent,
    unknown top-level keys included (the official SDK relies on its `__item_idx` coming back).
    The order of the entries is not promised: toloka-kit's own fixtures (`tests/test_operation_log.py`)
    list a `TASK_VALIDATE` entry before `TASK_CREATE` ones, and clients match entries to items by
    `input.__item_idx` (or by comparing `input` with what they sent). When an operation fails because of
    invalid items with `skip_invalid_items=false`, only the invalid items have entries (nothing was
    created). Other steps, such as `POOL_OPEN`, may appear. An operation that has not finished may have
    a partial log; a pool operation (`POOL.OPEN`, `POOL.CLOSE`) may have an empty one.

    Args:
        operation_id (str): The ID of a task, suite or operation in a path. Real IDs use letters,
            digits, `-` and `_` only
            (`000248a756--6422ca21e5997032541d856b`, UUIDs); the pattern also keeps out `.` and `..`,
            which a URL
            would collapse into another path.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[OperationLogItem]]
    """

    kwargs = request_kwargs(
        operation_id=operation_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    operation_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | list[OperationLogItem] | None:
    """Get an operation's log

     The per-item log of a batch-create operation: for every input item, either the id it became
    (`TASK_CREATE` / `TASK_SUITE_CREATE`, `success: true`) or the validation errors it got
    (`TASK_VALIDATE` / `TASK_SUITE_VALIDATE`, `success: false`). `input` echoes the item as sent,
    unknown top-level keys included (the official SDK relies on its `__item_idx` coming back).
    The order of the entries is not promised: toloka-kit's own fixtures (`tests/test_operation_log.py`)
    list a `TASK_VALIDATE` entry before `TASK_CREATE` ones, and clients match entries to items by
    `input.__item_idx` (or by comparing `input` with what they sent). When an operation fails because of
    invalid items with `skip_invalid_items=false`, only the invalid items have entries (nothing was
    created). Other steps, such as `POOL_OPEN`, may appear. An operation that has not finished may have
    a partial log; a pool operation (`POOL.OPEN`, `POOL.CLOSE`) may have an empty one.

    Args:
        operation_id (str): The ID of a task, suite or operation in a path. Real IDs use letters,
            digits, `-` and `_` only
            (`000248a756--6422ca21e5997032541d856b`, UUIDs); the pattern also keeps out `.` and `..`,
            which a URL
            would collapse into another path.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[OperationLogItem]
    """

    return sync_detailed(
        operation_id=operation_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    operation_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | list[OperationLogItem]]:
    """Get an operation's log

     The per-item log of a batch-create operation: for every input item, either the id it became
    (`TASK_CREATE` / `TASK_SUITE_CREATE`, `success: true`) or the validation errors it got
    (`TASK_VALIDATE` / `TASK_SUITE_VALIDATE`, `success: false`). `input` echoes the item as sent,
    unknown top-level keys included (the official SDK relies on its `__item_idx` coming back).
    The order of the entries is not promised: toloka-kit's own fixtures (`tests/test_operation_log.py`)
    list a `TASK_VALIDATE` entry before `TASK_CREATE` ones, and clients match entries to items by
    `input.__item_idx` (or by comparing `input` with what they sent). When an operation fails because of
    invalid items with `skip_invalid_items=false`, only the invalid items have entries (nothing was
    created). Other steps, such as `POOL_OPEN`, may appear. An operation that has not finished may have
    a partial log; a pool operation (`POOL.OPEN`, `POOL.CLOSE`) may have an empty one.

    Args:
        operation_id (str): The ID of a task, suite or operation in a path. Real IDs use letters,
            digits, `-` and `_` only
            (`000248a756--6422ca21e5997032541d856b`, UUIDs); the pattern also keeps out `.` and `..`,
            which a URL
            would collapse into another path.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[OperationLogItem]]
    """

    kwargs = request_kwargs(
        operation_id=operation_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    operation_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | list[OperationLogItem] | None:
    """Get an operation's log

     The per-item log of a batch-create operation: for every input item, either the id it became
    (`TASK_CREATE` / `TASK_SUITE_CREATE`, `success: true`) or the validation errors it got
    (`TASK_VALIDATE` / `TASK_SUITE_VALIDATE`, `success: false`). `input` echoes the item as sent,
    unknown top-level keys included (the official SDK relies on its `__item_idx` coming back).
    The order of the entries is not promised: toloka-kit's own fixtures (`tests/test_operation_log.py`)
    list a `TASK_VALIDATE` entry before `TASK_CREATE` ones, and clients match entries to items by
    `input.__item_idx` (or by comparing `input` with what they sent). When an operation fails because of
    invalid items with `skip_invalid_items=false`, only the invalid items have entries (nothing was
    created). Other steps, such as `POOL_OPEN`, may appear. An operation that has not finished may have
    a partial log; a pool operation (`POOL.OPEN`, `POOL.CLOSE`) may have an empty one.

    Args:
        operation_id (str): The ID of a task, suite or operation in a path. Real IDs use letters,
            digits, `-` and `_` only
            (`000248a756--6422ca21e5997032541d856b`, UUIDs); the pattern also keeps out `.` and `..`,
            which a URL
            would collapse into another path.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[OperationLogItem]
    """

    return (
        await asyncio_detailed(
            operation_id=operation_id,
            client=client,
        )
    ).parsed
