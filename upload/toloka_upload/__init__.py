"""Batched, retried, resumable uploads of Toloka tasks and task suites on top of the generated `toloka_client`."""

from typing import Any

from toloka_upload.api import (
    UploadCall,
    async_upload,
    async_upload_task_suites,
    async_upload_tasks,
    upload_task_suites,
    upload_tasks,
)
from toloka_upload.checks import InputSpec
from toloka_upload.credentials import TOKEN_ENV, MissingTokenError, Token
from toloka_upload.errors import (
    ApiError,
    AuthenticationError,
    CheckpointMismatchError,
    EarlierRunsError,
    UploadError,
    UsageError,
)
from toloka_upload.items import InvalidInput
from toloka_upload.kinds import Kind
from toloka_upload.options import UploadFields, UploadOptions
from toloka_upload.results import BatchOutcome, ItemOutcome, ItemStatus, UploadResult
from toloka_upload.settings import PollPolicy, RetryPolicy, Settings
from toloka_upload.timing import FakeClock, Timing
from toloka_upload.uploader import PRODUCTION_URL, SANDBOX_URL, AsyncUploader

__all__ = [
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "TOKEN_ENV",
    "ApiError",
    "AsyncUploader",
    "AuthenticationError",
    "BatchOutcome",
    "CheckpointMismatchError",
    "EarlierRunsError",
    "FakeClock",
    "InputSpec",
    "InvalidInput",
    "ItemOutcome",
    "ItemStatus",
    "Kind",
    "MissingTokenError",
    "PollPolicy",
    "RetryPolicy",
    "Settings",
    "Timing",
    "Token",
    "UploadCall",
    "UploadError",
    "UploadFields",
    "UploadOptions",
    "UploadResult",
    "UsageError",
    "async_upload",
    "async_upload_task_suites",
    "async_upload_tasks",
    "parse_timestamp",
    "upload_task_suites",
    "upload_tasks",
]


def __getattr__(name: str) -> Any:
    # toloka_contract.timestamps reads openapi.yaml (PyYAML) when imported: only when asked for, not at every start.
    if name == "parse_timestamp":
        from toloka_contract.timestamps import parse_timestamp

        return parse_timestamp
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
