"""The suite's own HTTP access to the server under test: every exchange kept, so a failure can show its curl."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from toloka_conformance import curl
from toloka_conformance.ledger import Ledger
from toloka_conformance.redaction import Secret

JsonValue = Any


@dataclass(frozen=True)
class Exchange:
    """One request and the response it got."""

    request: httpx.Request
    response: httpx.Response

    @property
    def status(self) -> int:
        """The response's status code."""
        return self.response.status_code

    def json(self) -> JsonValue:
        """The response body parsed as JSON, or None when it is not JSON."""
        try:
            return self.response.json()
        except ValueError:
            return None

    def curl(self) -> str:
        """The request as a curl command, token redacted."""
        return curl.render(self.request.method, str(self.request.url), self.request.headers, self.request.content)

    def summary(self) -> str:
        """`METHOD path -> status: body`, the body shortened, for failure messages."""
        text = self.response.text
        if len(text) > 300:
            text = text[:300] + "..."
        return f"{self.request.method} {self.request.url.raw_path.decode()} -> {self.status}: {text}"


class Api:
    """A client for the server under test acting as one account (or none, with `authorization=None`)."""

    def __init__(
        self, base_url: str, authorization: Secret | None, *, timeout: float = 30.0, ledger: Ledger | None = None
    ) -> None:
        self._authorization = authorization
        self._ledger = ledger
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int | bool] | None = None,
        json_body: JsonValue = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authorize: bool = True,
    ) -> Exchange:
        """Send a request as this account; booleans in `params` go out lowercase, as the API expects."""
        all_headers: dict[str, str] = {}
        if authorize and self._authorization is not None:
            all_headers["Authorization"] = self._authorization.reveal()
        if json_body is not None:
            content = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        query = {key: _query_value(value) for key, value in (params or {}).items()}
        request = self._http.build_request(method, path, params=query, content=content, headers=all_headers)
        if self._ledger is None:
            return Exchange(request, self._http.send(request))
        reserved = self._ledger.reserve(method, request.url.path, content)  # BudgetSpent: not sent
        try:
            response = self._http.send(request)
        except BaseException:
            self._ledger.observe(method, request.url.path, reserved, 0, content, b"")
            raise
        self._ledger.observe(method, request.url.path, reserved, response.status_code, content, response.content)
        return Exchange(request, response)

    def get(self, path: str, **params: str | int | bool) -> Exchange:
        """GET with query parameters."""
        return self.send("GET", path, params=params)

    def post(self, path: str, body: JsonValue, **params: str | int | bool) -> Exchange:
        """POST a JSON body with query parameters."""
        return self.send("POST", path, params=params, json_body=body)


def _query_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
