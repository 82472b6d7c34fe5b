"""`toloka-emulator serve` runs the emulator under uvicorn; `toloka-emulator config` prints the effective config."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import logging
import os
import shutil
import signal
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toloka_emulator.config import ConfigError, EmulatorConfig, load_config
from toloka_emulator.config_writer import dumps_toml

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# `serve` flags for the production-like profile: flag -> (config table, key, type, help).
PROFILE_FLAGS: dict[str, tuple[str, str, type, str]] = {
    "--operation-delay": ("worker", "operation_delay_s", float, "seconds an upload operation stays PENDING"),
    "--operation-rate": ("worker", "operation_items_per_second", float, "items a second a RUNNING operation does"),
    "--tasks-per-minute": ("limits", "tasks_per_minute", int, "tasks created a minute per account"),
    "--task-suites-per-minute": ("limits", "task_suites_per_minute", int, "task suites created a minute"),
    "--requests-per-second": ("limits", "requests_per_second", int, "requests a second per account, 0: no limit"),
    "--error-rate": ("faults", "error_rate", float, "share of requests answered 500/503"),
    "--drop-after-commit-rate": ("faults", "drop_after_commit_rate", float, "share of uploads dropped after commit"),
    "--poll-429-rate": ("faults", "poll_429_rate", float, "share of operation reads answered 429"),
    "--fault-seed": ("faults", "seed", int, "seed of the fault draws"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """The console script's entry point."""
    parser = argparse.ArgumentParser(prog="toloka-emulator", description="A local emulator of Toloka's batch API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the emulator (Ctrl-C or SIGTERM stops it cleanly)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080, help="TCP port (0: any free one, see --port-file)")
    serve.add_argument(
        "--port-file", default=None, help="write the port listened on to this file once listening (for --port 0)"
    )
    serve.add_argument("--db", default="toloka-emulator.db", help="SQLite file (':memory:' keeps nothing)")
    serve.add_argument("--config", default=None, help="config file, TOML or JSON (the packaged default if omitted)")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.add_argument(
        "--testing",
        action="store_true",
        help="record requests and add POST /_emulator/reset and GET /_emulator/requests (for test fixtures)",
    )
    serve.add_argument(
        "--parent-pid", type=int, default=None, help="stop (SIGTERM) when this process dies, even by SIGKILL"
    )
    serve.add_argument(
        "--remove-when-orphaned", default=None, help="a directory to delete on exit if the --parent-pid process died"
    )
    show = commands.add_parser("config", help="print the effective configuration as TOML (what --config reads)")
    show.add_argument("--config", default=None, help="config file, TOML or JSON (the packaged default if omitted)")
    show.add_argument("--json", action="store_true", help="print JSON instead (--config reads that too)")
    for command in (serve, show):
        production = command.add_argument_group("production-like behaviour (each overrides the config's setting)")
        for flag, (table, key, kind, text) in PROFILE_FLAGS.items():
            production.add_argument(
                flag, type=kind, default=None, dest=f"{table}__{key}", help=f"{text} ([{table}] {key})"
            )
    args = parser.parse_args(argv)
    overrides: dict[str, dict[str, Any]] = {}
    for table, key, *_ in PROFILE_FLAGS.values():
        value = getattr(args, f"{table}__{key}", None)
        if value is not None:
            overrides.setdefault(table, {})[key] = value
    try:
        config = load_config(args.config, overrides)
    except ConfigError as exc:
        print(f"toloka-emulator: {exc}", file=sys.stderr)
        return 2
    if args.command == "config":
        print(config.to_json() if args.json else dumps_toml(config.raw), end="" if not args.json else "\n")
        return 0
    return _serve(args, config)


def _serve(args: argparse.Namespace, config: EmulatorConfig) -> int:
    """Run uvicorn with one worker until a signal stops it."""
    import uvicorn

    from toloka_emulator.app import create_app
    from toloka_emulator.storage import SchemaError

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        sock = listen(args.host, args.port)
    except OSError as exc:
        print(f"toloka-emulator: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    with sock:
        try:
            app = create_app(config, args.db, testing=args.testing)
        except (sqlite3.Error, SchemaError) as exc:
            print(f"toloka-emulator: cannot use the database {args.db}: {exc}", file=sys.stderr)
            return 1
        host, port = sock.getsockname()[:2]
        logging.getLogger("toloka_emulator").info("listening on http://%s:%d", host, port)
        if args.port_file is not None:
            _write_port(Path(args.port_file), port)
        # uvicorn's own access log would duplicate ours; it handles SIGINT/SIGTERM with a graceful shutdown. A 75 s
        # keep-alive (nginx's, not uvicorn's 5 s): clients that reuse a connection as it idles out see a reset.
        server = uvicorn.Server(
            uvicorn.Config(app, access_log=False, log_level=args.log_level, lifespan="on", timeout_keep_alive=75)
        )
        if args.parent_pid is not None:
            _stop_with_parent(args.parent_pid)
            # uvicorn re-raises the SIGTERM it handled once shut down; with a Python handler here that returns, so
            # the orphan's temporary directory is removed below (exit status 0 rather than death by SIGTERM).
            signal.signal(signal.SIGTERM, lambda *_: None)
        # uvicorn re-raises the SIGINT it handled once its graceful shutdown is done: Ctrl-C is a clean stop.
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[sock])
    if args.parent_pid is not None and args.remove_when_orphaned and os.getppid() != args.parent_pid:
        shutil.rmtree(args.remove_when_orphaned, ignore_errors=True)  # nobody else is left to remove it
    return 0


def _stop_with_parent(parent_pid: int) -> None:
    """SIGTERM this process (a clean uvicorn shutdown) once `parent_pid` is no longer its parent.

    Linux's PR_SET_PDEATHSIG signals at once; a watch of the parent pid (every 0.2 s) covers other systems and the
    parent dying before this process set it up.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.2)  # real time: this watches another process, not the app's clock
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket (so connections made before uvicorn serves wait in the backlog)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only for a socket whose `proto` says TCP;
    # without it Nagle's algorithm and delayed ACKs hold every answer on a kept-alive connection ~40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def _write_port(path: Path, port: int) -> None:
    """Write the port atomically: a reader sees the whole number or no file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(f"{port}\n", encoding="utf-8")
    partial.replace(path)
