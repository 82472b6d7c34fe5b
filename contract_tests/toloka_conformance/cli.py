"""`toloka-conformance`: point the suite at a server (or the embedded emulator) and get a verdict and reports."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

from toloka_contract.auth import is_header_safe

from toloka_conformance import report
from toloka_conformance.interrupt import Interrupted, Interruption, interruptible
from toloka_conformance.ledger import Ledger
from toloka_conformance.redaction import Secret
from toloka_conformance.results import (
    ERROR,
    FAILED,
    INCOMPLETE,
    PASSED,
    Outcome,
    Requirement,
    Verdict,
    overall_verdict,
)
from toloka_conformance.target import AUTH_SCHEMES, Target, Untestable, from_emulator_config, probe

if TYPE_CHECKING:
    from toloka_conformance.runner import Settings

# The embedded emulator's per-minute item limit: far above what a run creates, low enough that the 429
# check can reach it with four 5000-item requests.
EMBEDDED_ITEMS_PER_MINUTE = 20_000
# 0 only when every requirement passed; a skipped requirement (a missing prerequisite) is not a pass. A failure
# outweighs everything; without one, a row that could not be judged (ERROR) makes the run untested (4).
EXIT_CODES = {PASSED: 0, FAILED: 1, INCOMPLETE: 3, ERROR: 4}
EXIT_USAGE = 2
EXIT_UNTESTABLE = 4
EXIT_INTERRUPTED = 130
PROG = "toloka-conformance"
INSTALL_EMBEDDED = "pip install 'toloka-conformance[embedded]'"
_CONSOLE_CURL = 600
EXIT_HELP = (
    "Exit status: 0 every requirement passed; 1 a requirement failed; 2 bad usage; 3 nothing failed but something "
    "was skipped; 4 the server could not be tested (unreachable, token refused, not this API, a pool or value the "
    "account contradicts, or rows that could not be judged: the run broke or the suite's own code raised); 130 / 143 "
    "interrupted by SIGINT / SIGTERM (the report holds the rows decided before it)."
)
# The report row of a run that stopped before any check: the preflight probe found the server untestable.
PREFLIGHT = Requirement(
    "preflight.server_testable",
    "preflight",
    "The server can be tested: it answers, accepts the token and serves the Toloka API at the base URL",
    "Before any check: GET /api/v1/operations/<random id> (Toloka: 404 DOES_NOT_EXIST) and "
    "GET /api/v1/tasks?pool_id=<pool>&limit=1 (200), with each token given.",
)


class UsageError(Exception):
    """A flag is missing, malformed or inconsistent: one line naming it, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: `toloka-conformance: error: <what> (see --help)`, exit status 2."""

    def error(self, message: str) -> NoReturn:
        _say(f"error: {message} (see --help)")
        raise SystemExit(EXIT_USAGE)


def _say(line: str) -> None:
    print(f"{PROG}: {line}", file=sys.stderr, flush=True)


def _base_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an http:// or https:// URL (e.g. https://sandbox.toloka.dev)"
        )
    return text.rstrip("/")


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"must be a JSON object, not {type(value).__name__}")
    return value


def _number(kind: Callable[[str], Any], minimum: float) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum:g}, not {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("needs requirement ids or prefixes, comma-separated")
    return names


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Check a server against the Toloka batch task-creation contract (openapi.yaml).",
        epilog="With no --token-env, the emulator's default config (or --emulator-config) supplies tokens and pools. "
        + EXIT_HELP,
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--base-url", type=_base_url, help="the server under test, without /api/v1, e.g. https://sandbox.toloka.dev"
    )
    where.add_argument("--embedded", action="store_true", help="start the emulator on a free port, test it, stop it")
    parser.add_argument("--token-env", metavar="VAR", help="environment variable holding the account's token")
    parser.add_argument(
        "--auth-scheme",
        choices=AUTH_SCHEMES,
        default="auto",
        help="Authorization scheme: OAuth token or ApiKey; auto (default) picks as toloka-kit does, by the token's "
        "shape (toloka_contract.auth.authorization_scheme)",
    )
    parser.add_argument("--pool-id", help="the pool to upload into (required with --token-env)")
    parser.add_argument(
        "--input-values", metavar="JSON", type=_json_object, help="a valid input_values object for that pool"
    )
    parser.add_argument(
        "--invalid-input-values",
        metavar="JSON",
        type=_json_object,
        help="an input_values the pool rejects (default: the valid one plus an unknown key)",
    )
    parser.add_argument(
        "--output-values",
        metavar="JSON",
        type=_json_object,
        help="a valid output_values for the pool's project (enables the known/baseline solutions read-back checks)",
    )
    parser.add_argument(
        "--default-overlap",
        type=_number(int, 0),
        help="the pool's default_overlap_for_new_tasks (enables the allow_defaults check)",
    )
    parser.add_argument(
        "--default-suite-overlap", type=_number(int, 0), help="the pool's default_overlap_for_new_task_suites"
    )
    parser.add_argument("--other-token-env", metavar="VAR", help="a second account's token, for the isolation checks")
    parser.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="an API key of the same account (sent as `ApiKey <key>`), for the ApiKey authentication check",
    )
    parser.add_argument("--foreign-pool-id", help="a pool of another account (expects 404 on upload)")
    parser.add_argument("--closed-pool-id", help="a closed pool the suite may upload into and OPEN (open_pool check)")
    parser.add_argument("--archived-pool-id", help="an archived pool of the account (expects 409)")
    parser.add_argument(
        "--rate-limit-items",
        type=_number(int, 1),
        metavar="N",
        help="opt in to the 429 check: the account's per-minute item limit; N+1 items are uploaded",
    )
    parser.add_argument(
        "--operation-timeout",
        type=_number(float, 0.1),
        default=15.0,
        help="seconds an async operation may take (default 15)",
    )
    parser.add_argument(
        "--emulator-config", metavar="TOML", help="the config of the emulator at --base-url (default: its packaged one)"
    )
    parser.add_argument("--report", metavar="DIR", type=Path, help="write junit.xml and report.md here")
    parser.add_argument(
        "--max-examples",
        type=_number(int, 1),
        help="schemathesis examples per operation and mode (default 30, quick 3)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for data generation (default 0)")
    parser.add_argument("--quick", action="store_true", help="fewer generated cases: a smoke run under 15 s")
    parser.add_argument(
        "--no-format-validation", action="store_true", help="do not validate string formats in responses"
    )
    parser.add_argument(
        "--max-items",
        type=_number(int, 0),
        metavar="N",
        help="the most items (tasks, or suites) the run may create; rows that do not fit are skipped, saying so",
    )
    parser.add_argument(
        "--only",
        type=_names,
        action="extend",
        default=[],
        metavar="IDS",
        help="run only these requirements: ids or prefixes ending in '.', comma-separated "
        "(tasks.sync_limit,operations.)",
    )
    parser.add_argument(
        "--exclude",
        type=_names,
        action="extend",
        default=[],
        metavar="IDS",
        help="leave these requirements out (ids or prefixes, as --only); a chosen selection that passes exits 0",
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
    return None if name is None else _env_secret(name, flag)


def _env_secret(name: str, flag: str) -> Secret:
    """The secret in environment variable `name` (given by `flag`); a usage error when it is unusable."""
    value = os.environ.get(name)
    if not value:
        raise UsageError(f"{flag}: environment variable {name} is empty or unset")
    if not is_header_safe(value):
        raise UsageError(f"{flag}: the value of {name} has characters an HTTP header cannot carry (spaces, newlines)")
    return Secret(value)


def _target(args: argparse.Namespace, base_url: str, emulator_config: str | None) -> Target:
    """The target from the flags; without --token-env, from the emulator config, flags overriding it."""
    overrides: dict[str, Any] = {
        key: value
        for key, value in {
            "pool_id": args.pool_id,
            "input_values": args.input_values,
            "invalid_input_values": args.invalid_input_values,
            "output_values": args.output_values,
            "default_overlap": args.default_overlap,
            "default_suite_overlap": args.default_suite_overlap,
            "other_token": _secret_from_env(args.other_token_env, "--other-token-env"),
            "api_key": _secret_from_env(args.api_key_env, "--api-key-env"),
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
        return _emulator_target(base_url, emulator_config, overrides)
    if args.pool_id is None or args.input_values is None:
        raise UsageError("--token-env needs --pool-id and --input-values (a valid input_values for that pool)")
    token = _env_secret(args.token_env, "--token-env")
    return Target(base_url=base_url, token=token, **overrides)


def _emulator_target(base_url: str, emulator_config: str | None, overrides: dict[str, Any]) -> Target:
    """The target an emulator config describes (no --token-env); its problems are usage errors."""
    if emulator_config is not None and not Path(emulator_config).is_file():
        raise UsageError(f"--emulator-config: no such file: {emulator_config}")
    try:
        return from_emulator_config(base_url, emulator_config, **overrides)
    except ImportError:
        raise UsageError(
            "--token-env is missing, and without it the suite reads the emulator's config, but toloka-emulator is "
            f"not installed: give --token-env, --pool-id and --input-values (or {INSTALL_EMBEDDED})"
        ) from None
    except (ValueError, KeyError, OSError) as exc:  # the emulator's ConfigError is a ValueError
        raise UsageError(f"--emulator-config: {exc}") from None


@contextmanager
def _server(args: argparse.Namespace) -> Iterator[tuple[str, str | None]]:
    """(base URL, emulator config path): the given server, or an embedded emulator for the block's duration."""
    if not args.embedded:
        yield args.base_url, args.emulator_config
        return
    try:
        from toloka_emulator.testing import EmulatorStartError, running_emulator
    except ImportError:
        raise UsageError(f"--embedded needs the emulator, which is not installed: {INSTALL_EMBEDDED}") from None

    # No per-second request limit: fuzzing answers must not depend on how fast this machine sends.
    overrides = {"limits": {"items_per_minute": EMBEDDED_ITEMS_PER_MINUTE, "requests_per_second": 0}}
    try:
        emulator_run = running_emulator(config_overrides=overrides)
        emulator = emulator_run.__enter__()
    except EmulatorStartError as exc:
        raise _Untested(f"the embedded emulator did not start: {str(exc).splitlines()[0]}") from None
    try:
        print(f"embedded emulator: {emulator.base_url} (pid {emulator.pid})", flush=True)
        yield emulator.base_url, str(emulator.config_path)
    finally:
        emulator_run.__exit__(None, None, None)


def _settings(args: argparse.Namespace) -> Settings:
    from toloka_conformance import runner

    fuzz = runner.default_settings(
        quick=args.quick, seed=args.seed, max_examples=args.max_examples, validate_formats=not args.no_format_validation
    ).fuzz
    known = [row.id for row in runner.all_requirements()]
    for flag, patterns in (("--only", args.only), ("--exclude", args.exclude)):
        for pattern in patterns:
            if not any(runner.matches(pattern, row) for row in known):
                raise UsageError(
                    f"{flag}: {pattern!r} names no requirement (ids as in the report; a prefix ends in '.')"
                )
    settings = runner.Settings(
        fuzz=fuzz,
        behaviour="behaviour" not in args.skip,
        schemathesis="schemathesis" not in args.skip,
        client="client" not in args.skip,
        only=tuple(args.only),
        exclude=tuple(args.exclude),
        max_items=args.max_items,
    )
    if not any(settings.selects(row) for row in known):
        raise UsageError("--only / --exclude: the selection leaves no requirement to check")
    return settings


class _Untested(Exception):
    """The run cannot start (an embedded emulator that does not come up): one line, exit status 4."""


def _print_problems(outcomes: list[Outcome]) -> None:
    """Each failure and error with its facts; the rows the run did not reach (the server went away) are counted once,
    at the end."""
    from toloka_conformance.runner import HALTED

    for outcome in outcomes:
        if outcome.verdict in (Verdict.FAIL, Verdict.ERROR) and outcome.error != HALTED:
            print("\n" + report.console(outcome, curl_limit=_CONSOLE_CURL))


def _credential_flag(args: argparse.Namespace, credential: str | None) -> str:
    flags = {"token": ("--token-env", args.token_env), "other_token": ("--other-token-env", args.other_token_env)}
    if credential not in flags:
        return ""
    flag, variable = flags[credential]
    return f" ({flag} {variable})" if variable else " (from the emulator config)"


def _untestable(args: argparse.Namespace, base_url: str, found: Untestable, started: float) -> int:
    """Say in one line why the server cannot be tested; the report (if asked) has the one ERROR row."""
    line = f"cannot test {base_url}: {found.message}{_credential_flag(args, found.credential)}"
    _say(line)
    if args.report is not None:
        row = Outcome(PREFLIGHT, Verdict.ERROR, line, error=found.blocker.name)
        header = [f"target: {base_url}", f"command: {_command(args)}"]
        report.write(args.report, [row], time.monotonic() - started, header)
    return EXIT_UNTESTABLE


def _command(args: argparse.Namespace) -> str:
    return f"{PROG} {' '.join(args.argv)}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; the exit status says what a CI gate needs (see EXIT_HELP)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(arguments)
    except SystemExit as stop:  # --help (0) or a usage error already said in one line (2)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    args.argv = arguments
    with interruptible() as interruption:
        try:
            return _main(args, interruption)
        except UsageError as exc:
            _say(f"error: {exc}")
            return EXIT_USAGE
        except _Untested as exc:
            _say(str(exc))
            return EXIT_UNTESTABLE
        except Interrupted as stop:  # before the checks started
            _interrupted_early(args, stop)
            return stop.exit_status
        except KeyboardInterrupt:
            _say("interrupted")
            return EXIT_INTERRUPTED


def _main(args: argparse.Namespace, interruption: Interruption) -> int:
    if args.report is not None:
        try:
            args.report.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--report: cannot create {args.report}: {exc.strerror}") from None
    # schemathesis and hypothesis take seconds to import: let that overlap the embedded emulator's start.
    loading = threading.Thread(target=importlib.import_module, args=("toloka_conformance.runner",), daemon=True)
    if args.embedded:
        loading.start()
    started = time.monotonic()
    with _server(args) as (base_url, emulator_config):
        target = _target(args, base_url, emulator_config)
        found = probe(target)
        if found is not None:
            return _untestable(args, base_url, found, started)
        if not args.embedded:
            loading.start()
        loading.join()
        from toloka_conformance import preflight, runner

        settings = _settings(args)
        try:
            target, notes = preflight.check(
                target, input_given=args.input_values is not None, output_given=args.output_values is not None
            )
        except preflight.Mismatch as mismatch:
            return _refused(args, base_url, mismatch, started)
        plan = runner.item_plan(target, settings)
        print(plan, flush=True)
        for note in notes:
            print(f"preflight: {note}", flush=True)
        ledger = Ledger(settings.max_items)
        outcomes = runner.run(
            target,
            settings,
            progress=lambda line: print(line, flush=True),
            interruption=interruption,
            ledger=ledger,
        )
        interruption.defer()  # every row is decided or said not to be: a signal now must not cut the report short
    seconds = time.monotonic() - started
    _print_problems(outcomes)
    cut = interruption.name
    print("\n" + ("INTERRUPTED by " + cut + "; " if cut else "") + report.summary_line(outcomes, seconds))
    print(ledger.summary())
    if args.report is not None:
        header = [
            f"target: {target.base_url}" + (" (embedded emulator)" if args.embedded else ""),
            f"command: {_command(args)}",
            f"seed: {args.seed}; schemathesis max examples: {settings.fuzz.max_examples}; quick: {args.quick}",
            plan,
            *(f"preflight: {note}" for note in notes),
            *([f"selection: --only {','.join(args.only)}"] if args.only else []),
            *([f"selection: --exclude {','.join(args.exclude)}"] if args.exclude else []),
            *([f"INTERRUPTED by {cut}: rows not decided are errors"] if cut else []),
            ledger.summary(),
        ]
        for path in report.write(args.report, outcomes, seconds, header, created=ledger.entries):
            print(f"report: {path}")
    halted = [o for o in outcomes if o.error == runner.HALTED]
    if halted:
        _say(f"the server stopped answering during the run ({halted[0].observed}): {len(halted)} rows not judged")
    if interruption.signum is not None:
        _say(f"interrupted by {cut}: the report holds the rows decided before it")
        return 128 + interruption.signum
    return EXIT_CODES[overall_verdict(outcomes)]


def _interrupted_early(args: argparse.Namespace, stop: Interrupted) -> None:
    """A signal before any check ran: one line, and (with --report) every row an ERROR saying so."""
    _say(f"interrupted by {stop.name} before any check was decided")
    if args.report is None:
        return
    from toloka_conformance import runner

    detail = f"not judged: the run was interrupted by {stop.name} before the checks started"
    rows = [Outcome(row, Verdict.ERROR, detail, error=runner.INTERRUPTED) for row in runner.all_requirements()]
    header = [f"command: {_command(args)}", f"INTERRUPTED by {stop.name} before the checks started"]
    report.write(args.report, rows, 0.0, header)


def _refused(args: argparse.Namespace, base_url: str, mismatch: Exception, started: float) -> int:
    """A flag the preflight found contradicted: one line naming it; nothing was sent that creates anything."""
    line: str = getattr(mismatch, "line", str(mismatch))
    status: int = getattr(mismatch, "status", EXIT_USAGE)
    _say(f"{'error' if status == EXIT_USAGE else 'cannot test ' + base_url}: {line}")
    if args.report is not None:
        row = Outcome(PREFLIGHT, Verdict.ERROR, line, error="PreflightMismatch")
        header = [f"target: {base_url}", f"command: {_command(args)}"]
        report.write(args.report, [row], time.monotonic() - started, header)
    return status


if __name__ == "__main__":
    sys.exit(main())
