"""Build (and, from the command line, serve) one server of a catalogue: `python serve_catalogue.py KIND NAME
CONFIG PORT` serves it until stopped, to iterate on one server by hand; the kill-rate test calls `build` and
serves the app in a thread of its worker (`catalogue_run.py`).

KIND is `emulator` (the correct one), `broken` (a fault of broken_servers.py) or `valid` (a variant of
valid_servers.py). The emulator runs CONFIG with an in-memory database on a clock frozen in the middle of the
current minute (create_app's `clock`), so a run never straddles a rate window's boundary (the 429 check then needs
N+1 items, not up to 2N+1, and never depends on when the run started).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import broken_servers
import uvicorn
import valid_servers
from starlette.types import ASGIApp
from toloka_contract.clock import Clock
from toloka_emulator import create_app, load_config


def frozen_clock() -> Clock:
    """A clock standing still at the middle of the current minute (the wall clock read once, here, for that)."""
    frozen = (time.time() // 60) * 60 + 30
    return lambda: frozen


def build(kind: str, name: str, config: Path) -> ASGIApp:
    """The app of catalogue entry `name` of `kind`, around an emulator running `config`."""
    # On a frozen clock every request falls in one second: the per-second request limit would stop the run.
    app: ASGIApp = create_app(load_config(config, {"limits": {"requests_per_second": 0}}), clock=frozen_clock())
    if kind == "emulator":
        return app
    if kind == "broken":
        return broken_servers.BY_NAME[name].wrap(app)
    if kind == "valid":
        return valid_servers.BY_NAME[name].wrap(app)
    raise SystemExit(f"unknown kind {kind!r}: emulator, broken or valid")


def main(argv: list[str]) -> None:
    """Serve until terminated."""
    kind, name, config, port = argv
    uvicorn.run(build(kind, name, Path(config)), host="127.0.0.1", port=int(port), log_level="warning", lifespan="on")


if __name__ == "__main__":
    main(sys.argv[1:])
