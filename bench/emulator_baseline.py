"""The emulator benchmark's baseline: a trivial in-memory Starlette endpoint that parses a batch and answers it.

Run as `python -m bench.emulator_baseline FD` on a listening socket the benchmark bound and passed as FD (so no
other process can take its port between choosing and listening); it stores nothing and validates nothing, so it shows
what HTTP, JSON parsing and answering alone cost on this machine.
"""

from __future__ import annotations

import socket
import sys

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


async def create(request: Request) -> Response:
    """Parse the array and echo it keyed by index, as a batch-create answer is shaped."""
    items = orjson.loads(await request.body())
    return Response(orjson.dumps({"items": {str(i): item for i, item in enumerate(items)}}), 201)


app = Starlette(routes=[Route("/api/v1/tasks", create, methods=["POST"])])


def serve(fd: int) -> None:
    """Serve `app` as uvicorn's command line would (one worker, no access log) on the inherited socket `fd`."""
    # Family, type and protocol are read from the descriptor: IPPROTO_TCP, so asyncio sets TCP_NODELAY on each
    # connection as it does for the emulator's socket (toloka_emulator.cli.listen) and for `uvicorn --port`.
    sock = socket.socket(fileno=fd)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])


if __name__ == "__main__":
    serve(int(sys.argv[1]))
