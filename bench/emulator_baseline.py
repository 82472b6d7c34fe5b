"""The emulator benchmark's baseline: a trivial in-memory Starlette endpoint that parses a batch and answers it.

Run as `python -m uvicorn bench.emulator_baseline:app`; it stores nothing and validates nothing, so it shows
what HTTP, JSON parsing and answering alone cost on this machine.
"""

from __future__ import annotations

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


async def create(request: Request) -> Response:
    """Parse the array and echo it keyed by index, as a batch-create answer is shaped."""
    items = orjson.loads(await request.body())
    return Response(orjson.dumps({"items": {str(i): item for i, item in enumerate(items)}}), 201)


async def ready(request: Request) -> Response:
    """Answers once the server is up."""
    return Response(b"ok")


app = Starlette(routes=[Route("/api/v1/tasks", create, methods=["POST"]), Route("/ready", ready)])
