"""`toloka-emulator serve` runs the emulator under uvicorn; `toloka-emulator config` prints the effective config."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from toloka_emulator.config import ConfigError, EmulatorConfig, load_config


def main(argv: Sequence[str] | None = None) -> int:
    """The console script's entry point."""
    parser = argparse.ArgumentParser(prog="toloka-emulator", description="A local emulator of Toloka's batch API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the emulator (Ctrl-C or SIGTERM stops it cleanly)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--db", default="toloka-emulator.db", help="SQLite file (':memory:' keeps nothing)")
    serve.add_argument("--config", default=None, help="TOML config file (the packaged default if omitted)")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    show = commands.add_parser("config", help="print the effective configuration as JSON")
    show.add_argument("--config", default=None, help="TOML config file (the packaged default if omitted)")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"toloka-emulator: {exc}", file=sys.stderr)
        return 2
    if args.command == "config":
        print(config.to_json())
        return 0
    return _serve(args, config)


def _serve(args: argparse.Namespace, config: EmulatorConfig) -> int:
    """Run uvicorn with one worker until a signal stops it."""
    import uvicorn

    from toloka_emulator.app import create_app

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    app = create_app(config, args.db)
    # uvicorn's own access log would duplicate ours; it handles SIGINT/SIGTERM with a graceful shutdown.
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level=args.log_level, lifespan="on")
    return 0
