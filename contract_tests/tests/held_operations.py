"""A test server whose operations take time: the emulator, each operation read PENDING for `hold` seconds after it
was accepted (or first read), as a real server's operations under load; `hold=None` never ends one.

Until the emulator has a latency profile of its own, the suite's tests of slow and never-ending operations use it.
Run as a process: `python held_operations.py CONFIG PORT HOLD` (HOLD in seconds, or `never`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from rewriting import Rewrite, is_operation_read
from starlette.types import ASGIApp, Scope
from toloka_emulator import create_app


def held(
    app: ASGIApp,
    hold: float | None,
    clock: Callable[[], float] = time.monotonic,
    events: list[tuple[str, str]] | None = None,
) -> ASGIApp:
    """`app` with every operation PENDING for `hold` seconds after its 202 (None: for ever); `events`, when given,
    gets ("accepted", id) at each 202 and ("ended", id) at the first read that shows the operation ended."""
    since: dict[str, float] = {}
    ended: set[str] = set()
    events = events if events is not None else []

    def response(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
        if status == 202 and isinstance(body, dict) and body.get("id") is not None:
            since.setdefault(str(body["id"]), clock())
            events.append(("accepted", str(body["id"])))
            if body.get("status") in ("SUCCESS", "FAIL"):
                _pending(body)
        elif is_operation_read(scope) and status == 200 and isinstance(body, dict):
            key = str(body.get("id"))
            started = since.setdefault(key, clock())
            if hold is None or clock() - started < hold:
                _pending(body)
            elif key not in ended:
                ended.add(key)
                events.append(("ended", key))
        return status, body

    return Rewrite(app, response=response)


def _pending(operation: dict[str, Any]) -> None:
    operation["status"] = "PENDING"
    operation.pop("started", None)
    operation.pop("finished", None)
    operation.pop("details", None)


def main(argv: list[str]) -> None:
    """Serve until terminated."""
    config, port, hold = argv
    app = held(create_app(Path(config)), None if hold == "never" else float(hold))
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", lifespan="on")


if __name__ == "__main__":
    main(sys.argv[1:])
