"""openapi-core's view of the spec, and httpx requests and responses adapted to its protocols.

Kept apart from `spec` because importing openapi-core costs about a second, which only the client checks need.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from toloka_contract.schema import FORMAT_CHECKS
from werkzeug.datastructures import Headers, ImmutableMultiDict

from toloka_conformance.spec import SPEC_PATH, load_spec


class HttpxOpenAPIRequest:
    """An `httpx.Request` as openapi-core's `Request` protocol."""

    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        query = parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(request.headers.multi_items()),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        url = self._request.url
        return f"{url.scheme}://{url.netloc.decode('ascii')}"

    @property
    def path(self) -> str:
        # As sent, percent-encoded: decoded, an id holding `/` or a newline would not match its path template.
        # openapi-core does not decode path parameters either, so their values are checked in encoded form.
        return self._request.url.raw_path.split(b"?", 1)[0].decode("ascii")

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self._request.content or None

    @property
    def content_type(self) -> str:
        return str(self._request.headers.get("content-type", "")).lower()


class HttpxOpenAPIResponse:
    """An `httpx.Response` as openapi-core's `Response` protocol."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def content_type(self) -> str:
        return str(self._response.headers.get("content-type", "")).lower()

    @property
    def headers(self) -> Headers:
        return Headers(self._response.headers.multi_items())

    @property
    def data(self) -> bytes | None:
        return self._response.content or None


@functools.cache
def openapi(path: Path = SPEC_PATH) -> OpenAPI:
    """openapi-core's view of the spec, with the `date-time-local` format registered."""
    config = Config(extra_format_validators={"date-time-local": FORMAT_CHECKS["date-time-local"]})
    return OpenAPI.from_dict(load_spec(path), config=config)
