# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.operation import Operation
from ...models.task import Task
from ...models.task_batch_create_result import TaskBatchCreateResult
from ...models.task_create import TaskCreate
from ...types import UNSET, Response, Unset


# Changed from the stock template (why: the upload layer sends pre-serialised bodies through the client's own
# httpx client and must not reach into a private function): the stock private `_get_kwargs` is public as
# `request_kwargs`.
def request_kwargs(
    *,
    body: list[TaskCreate] | TaskCreate,
    async_mode: bool | Unset = False,
    allow_defaults: bool | Unset = False,
    skip_invalid_items: bool | Unset = False,
    open_pool: bool | Unset = False,
    operation_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    """The keyword arguments of `httpx.Client.request` for this operation: method, url, params, headers, body."""
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["async_mode"] = async_mode

    params["allow_defaults"] = allow_defaults

    params["skip_invalid_items"] = skip_invalid_items

    params["open_pool"] = open_pool

    json_operation_id: str | Unset = UNSET
    if not isinstance(operation_id, Unset):
        json_operation_id = str(operation_id)
    params["operation_id"] = json_operation_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/tasks",
        "params": params,
    }

    if isinstance(body, list):
        _kwargs["json"] = []
        for componentsschemas_task_create_body_type_0_item_data in body:
            componentsschemas_task_create_body_type_0_item = (
                componentsschemas_task_create_body_type_0_item_data.to_dict()
            )
            _kwargs["json"].append(componentsschemas_task_create_body_type_0_item)

    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Operation | Task | TaskBatchCreateResult | None:
    if response.status_code == 201:

        def _parse_response_201(data: object) -> Task | TaskBatchCreateResult:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_create_result_type_0 = TaskBatchCreateResult.from_dict(data)

                return componentsschemas_task_create_result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_task_create_result_type_1 = Task.from_dict(data)

            return componentsschemas_task_create_result_type_1

        response_201 = _parse_response_201(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = Operation.from_dict(response.json())

        return response_202

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

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

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
) -> Response[Error | Operation | Task | TaskBatchCreateResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[TaskCreate] | TaskCreate,
    async_mode: bool | Unset = False,
    allow_defaults: bool | Unset = False,
    skip_invalid_items: bool | Unset = False,
    open_pool: bool | Unset = False,
    operation_id: UUID | Unset = UNSET,
) -> Response[Error | Operation | Task | TaskBatchCreateResult]:
    """Create multiple tasks

     Creates multiple tasks in one request. You can add a maximum of 100,000 tasks per minute and a
    maximum of 2,000,000 tasks per day.

    With `async_mode=false` (the default) the answer is 201 with the created tasks keyed by their
    position in the request and, with `skip_invalid_items=true`, the validation errors keyed the same
    way; at most 5000 tasks per request (413 above that, nothing created). With `async_mode=true` the
    answer is 202 with an `Operation` to poll until it ends; items are validated inside the operation,
    so a 202 may be given for items that then fail validation (see the operation's `details` and log).

    The body is an array of tasks or one task object (fullApi `createTask` takes `oneOf [TaskFormV1,
    array]`; toloka-kit's `create_task` and the Java SDK's `createTask` POST one object here). For one
    object the synchronous answer is 201 with the created `Task` itself, and an invalid task is a 400
    `VALIDATION_ERROR` whose `payload` is keyed by field path, with no index (even with
    `skip_invalid_items=true`); asynchronously it is the same 202 operation, with a one-entry log.

    Args:
        async_mode (bool | Unset):  Default: False.
        allow_defaults (bool | Unset):  Default: False.
        skip_invalid_items (bool | Unset):  Default: False.
        open_pool (bool | Unset):  Default: False.
        operation_id (UUID | Unset):
        body (list[TaskCreate] | TaskCreate): One task or an array of tasks (fullApi `oneOf
            [TaskFormV1, array]`). Chosen for the generated
            client: one request body that is a union, so `create_tasks` takes `body=list[TaskCreate]`
            exactly
            as before and also `body=TaskCreate`; the 201 answer is then the matching union member
            (`TaskBatchCreateResult` for an array, `Task` for one object). Two operations would need
            two paths,
            which the API does not have.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Operation | Task | TaskBatchCreateResult]
    """

    kwargs = request_kwargs(
        body=body,
        async_mode=async_mode,
        allow_defaults=allow_defaults,
        skip_invalid_items=skip_invalid_items,
        open_pool=open_pool,
        operation_id=operation_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: list[TaskCreate] | TaskCreate,
    async_mode: bool | Unset = False,
    allow_defaults: bool | Unset = False,
    skip_invalid_items: bool | Unset = False,
    open_pool: bool | Unset = False,
    operation_id: UUID | Unset = UNSET,
) -> Error | Operation | Task | TaskBatchCreateResult | None:
    """Create multiple tasks

     Creates multiple tasks in one request. You can add a maximum of 100,000 tasks per minute and a
    maximum of 2,000,000 tasks per day.

    With `async_mode=false` (the default) the answer is 201 with the created tasks keyed by their
    position in the request and, with `skip_invalid_items=true`, the validation errors keyed the same
    way; at most 5000 tasks per request (413 above that, nothing created). With `async_mode=true` the
    answer is 202 with an `Operation` to poll until it ends; items are validated inside the operation,
    so a 202 may be given for items that then fail validation (see the operation's `details` and log).

    The body is an array of tasks or one task object (fullApi `createTask` takes `oneOf [TaskFormV1,
    array]`; toloka-kit's `create_task` and the Java SDK's `createTask` POST one object here). For one
    object the synchronous answer is 201 with the created `Task` itself, and an invalid task is a 400
    `VALIDATION_ERROR` whose `payload` is keyed by field path, with no index (even with
    `skip_invalid_items=true`); asynchronously it is the same 202 operation, with a one-entry log.

    Args:
        async_mode (bool | Unset):  Default: False.
        allow_defaults (bool | Unset):  Default: False.
        skip_invalid_items (bool | Unset):  Default: False.
        open_pool (bool | Unset):  Default: False.
        operation_id (UUID | Unset):
        body (list[TaskCreate] | TaskCreate): One task or an array of tasks (fullApi `oneOf
            [TaskFormV1, array]`). Chosen for the generated
            client: one request body that is a union, so `create_tasks` takes `body=list[TaskCreate]`
            exactly
            as before and also `body=TaskCreate`; the 201 answer is then the matching union member
            (`TaskBatchCreateResult` for an array, `Task` for one object). Two operations would need
            two paths,
            which the API does not have.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Operation | Task | TaskBatchCreateResult
    """

    return sync_detailed(
        client=client,
        body=body,
        async_mode=async_mode,
        allow_defaults=allow_defaults,
        skip_invalid_items=skip_invalid_items,
        open_pool=open_pool,
        operation_id=operation_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[TaskCreate] | TaskCreate,
    async_mode: bool | Unset = False,
    allow_defaults: bool | Unset = False,
    skip_invalid_items: bool | Unset = False,
    open_pool: bool | Unset = False,
    operation_id: UUID | Unset = UNSET,
) -> Response[Error | Operation | Task | TaskBatchCreateResult]:
    """Create multiple tasks

     Creates multiple tasks in one request. You can add a maximum of 100,000 tasks per minute and a
    maximum of 2,000,000 tasks per day.

    With `async_mode=false` (the default) the answer is 201 with the created tasks keyed by their
    position in the request and, with `skip_invalid_items=true`, the validation errors keyed the same
    way; at most 5000 tasks per request (413 above that, nothing created). With `async_mode=true` the
    answer is 202 with an `Operation` to poll until it ends; items are validated inside the operation,
    so a 202 may be given for items that then fail validation (see the operation's `details` and log).

    The body is an array of tasks or one task object (fullApi `createTask` takes `oneOf [TaskFormV1,
    array]`; toloka-kit's `create_task` and the Java SDK's `createTask` POST one object here). For one
    object the synchronous answer is 201 with the created `Task` itself, and an invalid task is a 400
    `VALIDATION_ERROR` whose `payload` is keyed by field path, with no index (even with
    `skip_invalid_items=true`); asynchronously it is the same 202 operation, with a one-entry log.

    Args:
        async_mode (bool | Unset):  Default: False.
        allow_defaults (bool | Unset):  Default: False.
        skip_invalid_items (bool | Unset):  Default: False.
        open_pool (bool | Unset):  Default: False.
        operation_id (UUID | Unset):
        body (list[TaskCreate] | TaskCreate): One task or an array of tasks (fullApi `oneOf
            [TaskFormV1, array]`). Chosen for the generated
            client: one request body that is a union, so `create_tasks` takes `body=list[TaskCreate]`
            exactly
            as before and also `body=TaskCreate`; the 201 answer is then the matching union member
            (`TaskBatchCreateResult` for an array, `Task` for one object). Two operations would need
            two paths,
            which the API does not have.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Operation | Task | TaskBatchCreateResult]
    """

    kwargs = request_kwargs(
        body=body,
        async_mode=async_mode,
        allow_defaults=allow_defaults,
        skip_invalid_items=skip_invalid_items,
        open_pool=open_pool,
        operation_id=operation_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: list[TaskCreate] | TaskCreate,
    async_mode: bool | Unset = False,
    allow_defaults: bool | Unset = False,
    skip_invalid_items: bool | Unset = False,
    open_pool: bool | Unset = False,
    operation_id: UUID | Unset = UNSET,
) -> Error | Operation | Task | TaskBatchCreateResult | None:
    """Create multiple tasks

     Creates multiple tasks in one request. You can add a maximum of 100,000 tasks per minute and a
    maximum of 2,000,000 tasks per day.

    With `async_mode=false` (the default) the answer is 201 with the created tasks keyed by their
    position in the request and, with `skip_invalid_items=true`, the validation errors keyed the same
    way; at most 5000 tasks per request (413 above that, nothing created). With `async_mode=true` the
    answer is 202 with an `Operation` to poll until it ends; items are validated inside the operation,
    so a 202 may be given for items that then fail validation (see the operation's `details` and log).

    The body is an array of tasks or one task object (fullApi `createTask` takes `oneOf [TaskFormV1,
    array]`; toloka-kit's `create_task` and the Java SDK's `createTask` POST one object here). For one
    object the synchronous answer is 201 with the created `Task` itself, and an invalid task is a 400
    `VALIDATION_ERROR` whose `payload` is keyed by field path, with no index (even with
    `skip_invalid_items=true`); asynchronously it is the same 202 operation, with a one-entry log.

    Args:
        async_mode (bool | Unset):  Default: False.
        allow_defaults (bool | Unset):  Default: False.
        skip_invalid_items (bool | Unset):  Default: False.
        open_pool (bool | Unset):  Default: False.
        operation_id (UUID | Unset):
        body (list[TaskCreate] | TaskCreate): One task or an array of tasks (fullApi `oneOf
            [TaskFormV1, array]`). Chosen for the generated
            client: one request body that is a union, so `create_tasks` takes `body=list[TaskCreate]`
            exactly
            as before and also `body=TaskCreate`; the 201 answer is then the matching union member
            (`TaskBatchCreateResult` for an array, `Task` for one object). Two operations would need
            two paths,
            which the API does not have.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Operation | Task | TaskBatchCreateResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            async_mode=async_mode,
            allow_defaults=allow_defaults,
            skip_invalid_items=skip_invalid_items,
            open_pool=open_pool,
            operation_id=operation_id,
        )
    ).parsed
