"""Exceptions of the upload layer; none of them ever carries the token."""

from typing import Any


class UploadError(Exception):
    """Base of everything the upload layer raises on purpose."""


class ApiError(UploadError):
    """The API refused a request with a Toloka error body (`code`, `message`, `request_id`, `payload`)."""

    def __init__(self, status: int, code: str, message: str, request_id: str | None = None, payload: Any = None):
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.payload = payload
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line for logs and failure reasons: status, code, message and request id."""
        request = f" (request {self.request_id})" if self.request_id else ""
        return f"HTTP {self.status} {self.code}: {self.message}{request}"


class AuthenticationError(ApiError):
    """401: every later request would fail the same way, so the upload stops instead of failing batch by batch."""


class CheckpointMismatchError(UploadError):
    """The checkpoint file belongs to another upload (other target, or an item it created has changed).

    `index`: the input position of the changed item, when that is what differs.
    """

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class UsageError(UploadError, ValueError):
    """The upload cannot go as asked (no pool id, no overlap...): said once, before anything is sent."""


class EarlierRunsError(UploadError):
    """What earlier runs of the same upload created could not be read (said before anything is sent)."""
