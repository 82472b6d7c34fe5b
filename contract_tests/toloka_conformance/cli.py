"""`toloka-conformance`: point the suite at a server (or the embedded emulator) and get a verdict and reports."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toloka_conformance import report
from toloka_conformance.redaction import Secret
from toloka_conformance.results import Outcome, Verdict, overall_verdict
from toloka_conformance.target import AUTH_SCHEMES, Target, from_emulator_config

if TYPE_CHECKING:
    from toloka_conformance.runner import Settings

# The embedded emulator's per-minute item limit: far above what a run creates, low enough that the 429
# check can reach it with four 5000-item requests.
EMBEDDED_ITEMS_PER_MINUTE = 20_000
# 0 only when every requirement passed; a skipped requirement (a missing prerequisite) is not a pass.
EXIT_CODES = {"PASSED": 0, "FAILED": 1, "INCOMPLETE": 3}
_CONSOLE_CURL = 600


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="toloka-conformance",
        description="Check a server against the Toloka batch task-creation contract (openapi.yaml).",
        epilog="With no --token-env, the emulator's default config (or --emulator-config) supplies tokens and pools. "
        "Exit status: 0 every requirement passed, 1 some failed, 3 none failed but some were skipped.",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--base-url", help="the server under test, e.g. https://sandbox.toloka.dev")
    where.add_argument("--embedded", action="store_true", help="start the emulator on a free port, test it, stop it")
    parser.add_argument("--token-env", metavar="VAR", help="environment variable holding the account's token")
    parser.add_argument(
        "--auth-scheme",
        choices=AUTH_SCHEMES,
        default="auto",
        help="Authorization scheme: OAuth token or ApiKey; auto (default) picks as toloka-kit does (ApiKey when the "
        "token has two dots, the first at position 22-24)",
    )
    parser.add_argument("--pool-id", help="the pool to upload into (required with --token-env)")
    parser.add_argument("--input-values", metavar="JSON", help="a valid input_values object for that pool")
    parser.add_argument(
        "--invalid-input-values",
        metavar="JSON",
        help="an input_values the pool rejects (default: the valid one plus an unknown key)",
    )
    parser.add_argument(
        "--output-values",
        metavar="JSON",
        help="a valid output_values for the pool's project (enables the known/baseline solutions read-back checks)",
    )
    parser.add_argument(
        "--default-overlap",
        type=int,
        help="the pool's default_overlap_for_new_tasks (enables the allow_defaults check)",
    )
    parser.add_argument("--default-suite-overlap", type=int, help="the pool's default_overlap_for_new_task_suites")
    parser.add_argument("--other-token-env", metavar="VAR", help="a second account's token, for the isolation checks")
    parser.add_argument("--foreign-pool-id", help="a pool of another account (expects 404 on upload)")
    parser.add_argument("--closed-pool-id", help="a closed pool the suite may upload into and OPEN (open_pool check)")
    parser.add_argument("--archived-pool-id", help="an archived pool of the account (expects 409)")
    parser.add_argument(
        "--rate-limit-items",
        type=int,
        metavar="N",
        help="opt in to the 429 check: the account's per-minute item limit; N+1 items are uploaded",
    )
    parser.add_argument(
        "--operation-timeout", type=float, default=15.0, help="seconds an async operation may take (default 15)"
    )
    parser.add_argument(
        "--emulator-config", metavar="TOML", help="the config of the emulator at --base-url (default: its packaged one)"
    )
    parser.add_argument("--report", metavar="DIR", type=Path, help="write junit.xml and report.md here")
    parser.add_argument(
        "--max-examples", type=int, help="schemathesis examples per operation and mode (default 30, quick 3)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for data generation (default 0)")
    parser.add_argument("--quick", action="store_true", help="fewer generated cases: a smoke run under 15 s")
    parser.add_argument(
        "--no-format-validation", action="store_true", help="do not validate string formats in responses"
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["behaviour", "schemathesis", "client"],
        help="leave out a part (repeatable)",
    )
    return parser


def _secret_from_env(name: str | None, flag: str) -> Secret | None:
    if name is None:
        return None
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"{flag}: environment variable {name} is empty or unset")
    return Secret(value)


def _json_object(text: str | None, flag: str) -> dict[str, Any] | None:
    if text is None:
        return None
    value = json.loads(text)
    if not isinstance(value, dict):
        raise SystemExit(f"{flag} must be a JSON object")
    return value


def _target(args: argparse.Namespace, base_url: str, emulator_config: str | None) -> Target:
    """The target from the flags; without --token-env, from the emulator config, flags overriding it."""
    overrides: dict[str, Any] = {
        key: value
        for key, value in {
            "pool_id": args.pool_id,
            "input_values": _json_object(args.input_values, "--input-values"),
            "invalid_input_values": _json_object(args.invalid_input_values, "--invalid-input-values"),
            "output_values": _json_object(args.output_values, "--output-values"),
            "default_overlap": args.default_overlap,
            "default_suite_overlap": args.default_suite_overlap,
            "other_token": _secret_from_env(args.other_token_env, "--other-token-env"),
            "foreign_pool_id": args.foreign_pool_id,
            "closed_pool_id": args.closed_pool_id,
            "archived_pool_id": args.archived_pool_id,
            "rate_limit_items": args.rate_limit_items,
        }.items()
        if value is not None
    }
    overrides["operation_timeout"] = args.operation_timeout
    overrides["auth_scheme"] = args.auth_scheme
    if args.token_env is None:
        return from_emulator_config(base_url, emulator_config, **overrides)
    if args.pool_id is None or args.input_values is None:
        raise SystemExit("--token-env needs --pool-id and --input-values (a valid input_values for that pool)")
    token = _secret_from_env(args.token_env, "--token-env")
    assert token is not None
    return Target(base_url=base_url, token=token, **overrides)


@contextmanager
def _server(args: argparse.Namespace) -> Iterator[tuple[str, str | None]]:
    """(base URL, emulator config path): the given server, or an embedded emulator for the block's duration."""
    if not args.embedded:
        yield args.base_url, args.emulator_config
        return
    from toloka_emulator.testing import running_emulator

    overrides = {"limits": {"items_per_minute": EMBEDDED_ITEMS_PER_MINUTE}}
    with running_emulator(config_overrides=overrides) as emulator:
        print(f"embedded emulator: {emulator.base_url} (pid {emulator.pid})", flush=True)
        yield emulator.base_url, str(emulator.config_path)


def _settings(args: argparse.Namespace) -> Settings:
    from toloka_conformance import runner

    fuzz = runner.default_settings(
        quick=args.quick, seed=args.seed, max_examples=args.max_examples, validate_formats=not args.no_format_validation
    ).fuzz
    parts = {part: part not in args.skip for part in ("behaviour", "schemathesis", "client")}
    return runner.Settings(fuzz=fuzz, **parts)


def _print_failures(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.verdict is not Verdict.FAIL:
            continue
        print(f"\nFAIL {outcome.requirement.id}: {outcome.detail}\n  rule: {outcome.requirement.docs}")
        if outcome.curl:
            shown = outcome.curl[:_CONSOLE_CURL] + (
                " ... (whole in report.md)" if len(outcome.curl) > _CONSOLE_CURL else ""
            )
            print(f"  reproduce: {shown}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; exit 0 only when every requirement passed."""
    args = _parser().parse_args(argv)
    # schemathesis and hypothesis take seconds to import: let that overlap the embedded emulator's start.
    loading = threading.Thread(target=importlib.import_module, args=("toloka_conformance.runner",), daemon=True)
    loading.start()
    started = time.monotonic()
    with _server(args) as (base_url, emulator_config):
        target = _target(args, base_url, emulator_config)
        loading.join()
        from toloka_conformance import runner

        settings = _settings(args)
        plan = runner.item_plan(target, settings)
        print(plan, flush=True)
        outcomes = runner.run(target, settings, progress=lambda line: print(line, flush=True))
    seconds = time.monotonic() - started
    _print_failures(outcomes)
    print("\n" + report.summary_line(outcomes, seconds))
    if args.report is not None:
        header = [
            f"target: {target.base_url}" + (" (embedded emulator)" if args.embedded else ""),
            f"command: toloka-conformance {' '.join(sys.argv[1:] if argv is None else argv)}",
            f"seed: {args.seed}; schemathesis max examples: {settings.fuzz.max_examples}; quick: {args.quick}",
            plan,
        ]
        for path in report.write(args.report, outcomes, seconds, header):
            print(f"report: {path}")
    return EXIT_CODES[overall_verdict(outcomes)]


if __name__ == "__main__":
    sys.exit(main())
