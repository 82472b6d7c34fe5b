"""The Toloka error body and the exception that carries it out of request handling."""

from __future__ import annotations

import uuid
from typing import Any

import orjson


class ApiError(Exception):
    """An API-level failure answered with `{request_id, code, message, payload?}` and the given status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        payload: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.payload = payload
        self.headers = headers or {}

    def body(self) -> bytes:
        """The JSON error body."""
        return error_body(self.code, self.message, self.payload)


def error_body(code: str, message: str, payload: Any = None) -> bytes:
    """A Toloka error body with a fresh request id; `payload` only when there is one."""
    body: dict[str, Any] = {"request_id": str(uuid.uuid4()), "code": code, "message": message}
    if payload is not None:
        body["payload"] = payload
    return orjson.dumps(body)


def bad_request(message: str, payload: Any = None) -> ApiError:
    """A 400 VALIDATION_ERROR for a malformed request."""
    return ApiError(400, "VALIDATION_ERROR", message, payload)


def not_found() -> ApiError:
    """A 404 DOES_NOT_EXIST, the same for missing and foreign objects."""
    return ApiError(404, "DOES_NOT_EXIST", "Object does not exist")
