"""What a test sent, as structured records (like respx's calls): kept by apps made with `testing=True`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class RecordedRequest:
    """One API request and its answer: JSON bodies parsed, the account named instead of its token."""

    method: str
    path: str
    query: dict[str, str]
    account: str | None
    body: Any
    status: int
    response: Any

    @property
    def items(self) -> list[Any]:
        """The create objects of an upload (one object or an array), else []."""
        if self.method != "POST" or not self.path.startswith(("/api/v1/tasks", "/api/v1/task-suites")):
            return []
        return [self.body] if isinstance(self.body, dict) else list(self.body or [])

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON data (what `GET /_emulator/requests` answers)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordedRequest:
        """A record from `to_dict`'s form."""
        return cls(**data)


class Recorder:
    """ASGI middleware appending a RecordedRequest for every `/api/` request to `records`."""

    def __init__(
        self, app: ASGIApp, *, account_of: Callable[[str], str | None], records: list[RecordedRequest]
    ) -> None:
        self.app = app
        self.account_of = account_of
        self.records = records

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        sent: list[bytes] = []
        answered: list[bytes] = []
        status = 500

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                sent.append(message.get("body", b""))
            return message

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                answered.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            headers = dict(scope["headers"])
            _, _, token = headers.get(b"authorization", b"").decode("latin-1").strip().partition(" ")
            self.records.append(
                RecordedRequest(
                    method=scope["method"],
                    path=scope["path"],
                    query=dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))),
                    account=self.account_of(token.strip()),
                    body=_json(b"".join(sent)),
                    status=status,
                    response=_json(b"".join(answered)),
                )
            )


def _json(data: bytes) -> Any:
    """Parsed JSON, the text when it is not JSON, None when empty."""
    if not data:
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return data.decode("utf-8", errors="replace")
