"""The ASGI app: routes, authentication, body and content-type checks, and Toloka-shaped error answers."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from toloka_contract.clock import Clock, Sleep
from toloka_contract.spec import spec_text

from toloka_emulator import params
from toloka_emulator.config import ConfigError, EmulatorConfig, load_config
from toloka_emulator.errors import ApiError, bad_request, error_body
from toloka_emulator.faults import Faults
from toloka_emulator.items import SUITE, TASK, ItemKind
from toloka_emulator.recording import RecordedRequest, Recorder
from toloka_emulator.service import Emulator

JSON = "application/json"
access_logger = logging.getLogger("toloka_emulator.access")
logger = logging.getLogger(__name__)
_HTTP_CODES = {
    401: "AUTHENTICATION_ERROR",
    403: "ACCESS_DENIED",
    404: "DOES_NOT_EXIST",
    405: "METHOD_NOT_ALLOWED",
    413: "ENTITY_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def create_app(
    config: EmulatorConfig | Mapping[str, Any] | Path | str | None = None,
    db_path: Path | str = ":memory:",
    *,
    clock: Clock = time.time,
    sleep: Sleep = asyncio.sleep,
    testing: bool = False,
) -> Starlette:
    """The emulator as an ASGI app: default config and an in-memory database unless told otherwise.

    `config` is an EmulatorConfig, the path of a config file, or a dict of overrides of the packaged default.
    `clock` (wall time in seconds) and `sleep` are the app's one clock: timestamps, rate windows and operation
    latency read it (tests pass `toloka_contract.clock.FakeClock()` and its `sleep`). The background worker
    that ends async operations runs during the app's lifespan only: a server without lifespan (a bare
    `httpx.ASGITransport`) leaves them PENDING; `toloka_emulator.inprocess.InProcessEmulator` runs it for you.
    `testing=True` records every API request (`app.state.records`, RecordedRequest) and adds `POST /_emulator/reset`
    (a clean state, a JSON object of config overrides optional) and `GET /_emulator/requests`.
    `app.state.emulator` is the Emulator behind it.
    """
    if isinstance(config, Mapping):
        config = load_config(overrides=config)
    elif not isinstance(config, EmulatorConfig):
        config = load_config(config)
    emulator = Emulator(config, str(db_path), clock=clock, sleep=sleep)
    handlers = _Handlers(emulator)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        emulator.start_worker()
        logger.info("toloka-emulator started")
        try:
            yield
        finally:
            await emulator.stop_worker()
            emulator.close()
            logger.info("toloka-emulator stopped cleanly")

    routes = [
        Route("/api/v1/tasks", handlers.tasks, methods=["GET", "POST"]),
        Route("/api/v1/tasks/{item_id}", handlers.task, methods=["GET"]),
        Route("/api/v1/task-suites", handlers.suites, methods=["GET", "POST"]),
        Route("/api/v1/task-suites/{item_id}", handlers.suite, methods=["GET"]),
        Route("/api/v1/pools/{pool_id}", handlers.pool, methods=["GET"]),
        Route("/api/v1/pools/{pool_id}/open", handlers.open_pool, methods=["POST"]),
        Route("/api/v1/pools/{pool_id}/close", handlers.close_pool, methods=["POST"]),
        Route("/api/v1/projects/{project_id}", handlers.project, methods=["GET"]),
        Route("/api/v1/operations/{operation_id}", handlers.operation, methods=["GET"]),
        Route("/api/v1/operations/{operation_id}/log", handlers.operation_log, methods=["GET"]),
        Route("/openapi.yaml", openapi, methods=["GET"]),
    ]
    records: list[RecordedRequest] = []
    if testing:
        admin = _Admin(emulator, config, records)
        routes += [
            Route("/_emulator/reset", admin.reset, methods=["POST"]),
            Route("/_emulator/requests", admin.requests, methods=["GET"]),
        ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _internal_error},
    )
    app.router.redirect_slashes = False
    app.state.emulator = emulator
    app.add_middleware(Faults, source=emulator)
    if testing:
        app.add_middleware(Recorder, account_of=emulator.accounts_get, records=records)
    app.state.records = records
    app.add_middleware(AccessLog)
    return app


class _Admin:
    """The test-only routes of an app made with `testing=True`."""

    def __init__(self, emulator: Emulator, base: EmulatorConfig, records: list[RecordedRequest]) -> None:
        self.emulator = emulator
        self.base = base
        self.records = records

    async def reset(self, request: Request) -> Response:
        """Forget everything stored and recorded; a JSON object body is config overrides of the app's config."""
        body = await request.body()
        overrides = orjson.loads(body) if body.strip() else {}
        if not isinstance(overrides, dict):
            raise bad_request("The body must be a JSON object of config overrides")
        try:
            config = self.base.with_overrides(overrides) if overrides else self.base
        except ConfigError as exc:
            raise bad_request(str(exc)) from None
        await self.emulator.reset(config)
        self.records.clear()
        return Response(status_code=204)

    async def requests(self, request: Request) -> Response:
        """Every API request recorded since the last reset, oldest first."""
        return _json(200, orjson.dumps([record.to_dict() for record in self.records]))


class _Handlers:
    """Endpoints bound to one Emulator."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    @property
    def max_body(self) -> int:
        """The body size limit of the current config."""
        return self.emulator.config.limits.max_body_bytes

    def account(self, request: Request) -> str:
        """The account the Authorization header (`OAuth <token>` or `ApiKey <token>`) names, or 401; counted
        against the requests-a-second limit (429)."""
        scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
        account = self.emulator.accounts.get(token.strip())
        if scheme.lower() not in ("oauth", "apikey") or account is None:
            raise ApiError(401, "AUTHENTICATION_ERROR", "Authentication failed")
        self.emulator.requests.count(account)
        return account

    async def body(self, request: Request) -> bytes:
        """The JSON body, refused with 415 for another content type and 413 over the size limit."""
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type != JSON:
            raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "The body must be application/json")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            raise self._too_large()
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                raise self._too_large()
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self) -> ApiError:
        return ApiError(413, "ENTITY_TOO_LARGE", "The request body is too large", {"max_bytes": self.max_body})

    async def _collection(self, request: Request, kind: ItemKind) -> Response:
        account = self.account(request)
        if request.method != "POST":
            query = params.list_query(request.query_params, kind, account)
            return _json(200, await self.emulator.list_items(query))
        upload = params.upload_params(request.query_params)
        status, body = await self.emulator.upload(kind, account, await self.body(request), upload)
        return _json(status, body)

    async def tasks(self, request: Request) -> Response:
        """POST: create tasks; GET: list them."""
        return await self._collection(request, TASK)

    async def suites(self, request: Request) -> Response:
        """POST: create task suites; GET: list them."""
        return await self._collection(request, SUITE)

    async def task(self, request: Request) -> Response:
        """One task."""
        account = self.account(request)
        return _json(200, await self.emulator.get_item(TASK, account, request.path_params["item_id"]))

    async def suite(self, request: Request) -> Response:
        """One task suite."""
        account = self.account(request)
        return _json(200, await self.emulator.get_item(SUITE, account, request.path_params["item_id"]))

    async def pool(self, request: Request) -> Response:
        """One pool."""
        account = self.account(request)
        return _json(200, self.emulator.get_pool(account, request.path_params["pool_id"]))

    async def project(self, request: Request) -> Response:
        """One project."""
        account = self.account(request)
        return _json(200, self.emulator.get_project(account, request.path_params["project_id"]))

    async def _pool_action(self, request: Request, status: str) -> Response:
        account = self.account(request)
        operation = await self.emulator.pool_action(account, request.path_params["pool_id"], status)
        return Response(status_code=204) if operation is None else _json(202, operation)

    async def open_pool(self, request: Request) -> Response:
        """Open a pool: 202 with the POOL.OPEN operation, 204 if it already is open."""
        return await self._pool_action(request, "open")

    async def close_pool(self, request: Request) -> Response:
        """Close a pool: 202 with the POOL.CLOSE operation, 204 if it already is closed."""
        return await self._pool_action(request, "closed")

    @staticmethod
    def _operation_id(request: Request) -> str:
        return params.operation_id(request.path_params["operation_id"])

    async def operation(self, request: Request) -> Response:
        """One operation."""
        account = self.account(request)
        return _json(200, await self.emulator.get_operation(account, self._operation_id(request)))

    async def operation_log(self, request: Request) -> Response:
        """One operation's log."""
        account = self.account(request)
        return _json(200, await self.emulator.get_log(account, self._operation_id(request)))


async def openapi(request: Request) -> Response:
    """The contract this emulator implements (toloka_contract's openapi.yaml)."""
    return Response(_openapi_bytes(), media_type="application/yaml")


@functools.cache
def _openapi_bytes() -> bytes:
    return spec_text().encode("utf-8")


def _json(status: int, body: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type=JSON, headers=headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, ApiError):  # registered for ApiError only; Starlette types every handler by Exception
        raise TypeError(f"_api_error was given a {type(exc).__name__}") from exc
    return _json(exc.status, exc.body(), exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # registered for HTTPException only, as above
        raise TypeError(f"_http_error was given a {type(exc).__name__}") from exc
    code = _HTTP_CODES.get(exc.status_code, "VALIDATION_ERROR" if exc.status_code < 500 else "INTERNAL_ERROR")
    return _json(exc.status_code, error_body(code, str(exc.detail)), dict(exc.headers or {}))


async def _internal_error(request: Request, exc: Exception) -> Response:
    return _json(500, error_body("INTERNAL_ERROR", "Internal error"))


class AccessLog:
    """One log line per request: method, path with query, status, milliseconds (headers never logged)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            query = scope.get("query_string", b"").decode("latin-1")
            path = scope["path"] + (f"?{query}" if query else "")
            elapsed = (time.perf_counter() - started) * 1000
            access_logger.info("%s %s %d %.1fms", scope["method"], path, status, elapsed)
