"""`toloka-upload tasks FILE` / `toloka-upload task-suites FILE`: upload JSON Lines or CSV/TSV with progress."""

import argparse
import asyncio
import contextlib
import gc
import io
import logging
import secrets
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import attrs
import httpx

from toloka_upload.checkpoint import recorded_salt
from toloka_upload.checks import InputSpec
from toloka_upload.credentials import TOKEN_ENV, MissingTokenError
from toloka_upload.errors import AuthenticationError, CheckpointMismatchError, EarlierRunsError, UsageError
from toloka_upload.kinds import Kind
from toloka_upload.options import UploadOptions
from toloka_upload.progress import TICK, Progress, watch
from toloka_upload.reach import UnreachableError, check_reachable
from toloka_upload.readers import Numbered, SourceLines, read_jsonl, read_table
from toloka_upload.report import Report
from toloka_upload.results import UploadResult
from toloka_upload.retry import RetryPlan, plan
from toloka_upload.settings import DOCUMENTED_ITEMS_PER_MINUTE, SYNC_MAX_ITEMS, Settings
from toloka_upload.uploader import PRODUCTION_URL, SANDBOX_URL, AsyncUploader

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INVALID, EXIT_UNREACHABLE, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "tsv", ".txt": "tsv"}


def _quotas() -> str:
    return " or ".join(f"{count} {kind.value.replace('-', ' ')}" for kind, count in DOCUMENTED_ITEMS_PER_MINUTE.items())


def _seconds(text: str) -> float:
    """A duration flag's value: a number of seconds above 0 (argparse's usage error otherwise, exit 2)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="toloka-upload",
        description=f"Upload tasks or task suites to Toloka in batches. The token comes from ${TOKEN_ENV}.",
        epilog="Exit status: 0 all created, 1 something failed or is unknown, 2 bad usage, 3 nothing failed but items "
        "were invalid, 4 the server could not be reached (nothing was sent), 130 interrupted.",
    )
    parser.add_argument("kind", choices=[kind.value for kind in Kind], help="what the file holds")
    parser.add_argument("file", help="JSON Lines (one create object a line; '-' for stdin), or CSV/TSV")
    parser.add_argument("--format", choices=["jsonl", "csv", "tsv"], help="input format (default: by extension)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--base-url", default=PRODUCTION_URL, help=f"API base URL (default {PRODUCTION_URL})")
    where.add_argument("--sandbox", action="store_true", help=f"use {SANDBOX_URL}")
    parser.add_argument("--pool-id", help="pool for items that have no pool_id")
    parser.add_argument(
        "--skip-invalid", action="store_true", help="create the valid items of a batch with invalid ones"
    )
    parser.add_argument("--allow-defaults", action="store_true", help="use the pool's default overlap")
    parser.add_argument("--open-pool", action="store_true", help="open the pool after uploading")
    parser.add_argument(
        "--sync",
        action="store_true",
        help="synchronous requests instead of async operations (a rerun is safe only with --checkpoint)",
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        help="resume file recording the target and each item's outcome: a rerun sends only what is not created yet",
    )
    parser.add_argument(
        "--again",
        nargs="?",
        const="",
        metavar="NAME",
        help="upload content already uploaded once more, as new items (async mode otherwise recognises the batches "
        "of earlier runs by their content and target, and follows them instead of creating). NAME (any word; write "
        "--again=NAME) names this new upload: a rerun with the same --again=NAME after an interruption creates "
        "nothing twice; without it a name is made up and printed",
    )
    parser.add_argument(
        "--retry-from",
        type=Path,
        metavar="OUTPUT",
        help="the --output file of an earlier run: upload only the input lines it does not report created or unknown "
        "(matched by content, so edited, deleted and moved lines are safe)",
    )
    parser.add_argument(
        "--give-up-after",
        type=_seconds,
        metavar="SECONDS",
        help="deadline for the whole upload: past it nothing is retried, and a summary says what is not done",
    )
    parser.add_argument(
        "--output", type=Path, help="write one JSON line per input item (index, line, status, id/errors/reason)"
    )
    parser.add_argument("--batch-size", type=int, default=SYNC_MAX_ITEMS, help="items per request (default 5000)")
    parser.add_argument("--concurrency", type=int, default=4, help="batches in flight (default 4)")
    parser.add_argument(
        "--items-per-minute",
        type=int,
        help=f"client-side pace (default: Toloka's documented quota, {_quotas()}; 0 = unpaced)",
    )
    parser.add_argument(
        "--timeout", type=_seconds, default=120.0, help="seconds to wait for an answer (default 120; connect: 10)"
    )
    parser.add_argument(
        "--json-cells",
        action="store_true",
        help="CSV/TSV: read cells like 5, true, [1] as JSON; only needed when the pool's project cannot be read "
        "(otherwise cells are typed by its input spec)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("-v", "--verbose", action="store_true", help="log retries and waits to stderr")
    return parser


def _input_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    return "jsonl" if args.file == "-" else FORMATS.get(Path(args.file).suffix.lower(), "jsonl")


def _count_records(path: str, table: bool) -> int | None:
    """About the records in a regular file, for the progress bar's total and ETA: its non-blank lines, less the
    header of a CSV/TSV (a quoted cell spanning lines counts more); None for stdin. A byte count, not a parse."""
    if path == "-":
        return None
    lines = blank = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            blank += chunk.count(b"\n\n") + (last == b"\n" and chunk[:1] == b"\n")
            last = chunk[-1:]
    records = lines + (last != b"\n") - blank
    return max(0, records - 1) if table else records


@contextlib.contextmanager
def _open_items(args: argparse.Namespace, kind: Kind, spec: InputSpec | None) -> Iterator[Numbered]:
    fmt = _input_format(args)
    binary: IO[bytes] = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    # Digests only where a record is kept of them (--output) or checked against one (--retry-from).
    digests = bool(args.output or args.retry_from)
    try:
        if fmt == "jsonl":
            yield read_jsonl(binary, kind, args.pool_id, digests=digests)
        else:
            # A row that is not UTF-8 is reported invalid at its line by the reader, not a crash mid-upload.
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="", errors="surrogateescape")
            typed = spec.cell if spec is not None and not args.json_cells else None
            yield read_table(text, kind, "," if fmt == "csv" else "\t", args.json_cells, typed, digests=digests)
    finally:
        if binary is not sys.stdin.buffer:
            binary.close()


def _summary(result: UploadResult, retry: RetryPlan | None) -> str:
    """The closing count, against every input line (with --retry-from, those it did not send too)."""
    kept_created, kept_unknown = (retry.created, retry.unknown) if retry is not None else (0, 0)
    created, earlier = result.created + kept_created, result.earlier + kept_created
    unknown, total = result.unknown + kept_unknown, result.total + kept_created + kept_unknown
    by_earlier = f" ({earlier:,} of them by an earlier run)" if earlier else ""
    unknowns = f", unknown {unknown:,}" if unknown else ""
    failed = f"invalid {result.invalid:,}, failed {result.failed:,}{unknowns}"
    return f"created {created:,}{by_earlier}, {failed} (of {total:,} items)"


def _same_file(one: Path | str, other: Path | str) -> bool:
    """Whether two paths name one file (that exists, or would be created at the same place)."""
    try:
        return Path(one).samefile(other)
    except OSError:
        return Path(one).resolve() == Path(other).resolve()


def _check_files(args: argparse.Namespace) -> None:
    """Refuse, before anything is read or written, a file given twice: --output opened for writing would empty the
    input or the checkpoint it names."""
    given = [("the input file", args.file if args.file != "-" else None), ("--checkpoint", args.checkpoint)]
    written = [("--output", args.output), ("--checkpoint", args.checkpoint)]
    for flag, path in written:
        for name, other in given:
            if path is not None and other is not None and flag != name and _same_file(path, other):
                raise UsageError(f"{flag} {path} is also {name}: writing it would destroy it; name another file")


def _retry_plan(args: argparse.Namespace, kind: Kind) -> RetryPlan:
    """What --retry-from sends: the input read once, checked against the earlier output, before anything is sent."""
    if args.file == "-":
        raise UsageError(
            "--retry-from reads the input twice (to check it against the earlier output before sending): give the "
            "file, not stdin"
        )
    with _open_items(args, kind, None) as numbered:
        retry = plan(args.retry_from, ((line, digest) for line, _, digest in numbered))
    if retry.created or retry.unknown:
        unknown = (
            f"; {retry.unknown:,} it reports unknown are not retried (rerun the original command to settle them)"
            if retry.unknown
            else ""
        )
        print(
            f"note: {args.retry_from}: {retry.created:,} input line(s) were created by the earlier run and are not "
            f"sent again{unknown}; sending the other {len(retry.send):,}",
            file=sys.stderr,
        )
    return retry


def _options(args: argparse.Namespace) -> UploadOptions:
    """The upload's options as the command line gives them (the one place its flags become options; what the
    command says about reruns is derived from these, not from the flags again)."""
    return UploadOptions(
        pool_id=args.pool_id,
        async_mode=not args.sync,
        skip_invalid_items=args.skip_invalid,
        allow_defaults=args.allow_defaults,
        open_pool=args.open_pool,
        checkpoint=args.checkpoint,
        again=args.again or False,
        give_up_after=args.give_up_after,
    )


def _invalid_advice(
    options: UploadOptions, output: Path | None, result: UploadResult, report: Report, total: int
) -> Iterator[str]:
    """What to do about invalid lines, counted against the input's `total` lines, with the next command.

    Only commands that are accepted and exact: --retry-from never goes with --checkpoint, a checkpoint refuses
    other flags (--skip-invalid among them), and a --sync rerun without a checkpoint would create again what
    this run created."""
    if not result.invalid:
        return
    lines = f"{result.invalid:,} of {total:,} input lines {'is' if result.invalid == 1 else 'are'} invalid"
    resend = options.async_mode or options.checkpoint  # whether rerunning the same command creates nothing twice
    retry = f"--retry-from {output}" if output else None
    if resend:
        fix = "fix the invalid lines and rerun the same command"
    elif retry:
        fix = f"fix the invalid lines, then rerun with {retry} (not the same command: without --checkpoint a --sync "
        fix += "rerun would create again what this run created)"
    else:
        fix = "fix the invalid lines and upload only the lines not created (without --checkpoint, rerunning the "
        fix += "same --sync command would create again what this run created)"
    if report.held_back:
        skip = None
        if options.async_mode and not options.checkpoint:
            # An async rerun meets what earlier runs of the target created, whatever their flags (identity.py).
            skip = "rerun the same command with --skip-invalid to create the valid ones now"
        elif retry:
            instead = f" in place of --checkpoint {options.checkpoint}" if options.checkpoint else ""
            skip = f"rerun with {retry} --skip-invalid{instead} to create the valid ones now"
        yield (
            f"{lines}, and the {report.held_back:,} valid line(s) batched with them were not created (--skip-invalid "
            f"was not given); {report.where()}."
        )
        yield f"Next: {fix}" + (f", or {skip}." if skip else ".")
    else:
        yield f"{lines}; {report.where()}."
        if retry and not options.checkpoint:
            yield f"Next: fix them, then rerun with {retry} to send only those lines."
        else:
            yield f"Next: {fix.replace('the invalid lines', 'them')}."


def _failed_next(options: UploadOptions, output: Path | None) -> str:
    """The command that sends the items known not to be created, and nothing else."""
    if output and not options.checkpoint:  # --retry-from does not go with --checkpoint, which resumes by itself
        return f"rerun with --retry-from {output} to send only those"
    if options.async_mode or options.checkpoint:
        return "rerun the same command to send them (what this run created is not created again)"
    return (
        "upload those lines again (they were not created; without --checkpoint, rerunning the whole command would"
        " create the others twice)"
    )


def _guarantee(options: UploadOptions) -> str | None:
    """What a synchronous upload can promise, said before it starts."""
    if options.async_mode or options.checkpoint:
        return None
    return (
        "note: --sync without --checkpoint: if this run is interrupted, rerunning it may create the batches it "
        "had sent again (a synchronous request carries nothing to recognise it by). Use --checkpoint (a rerun "
        "then never resends them), or async mode (the default), which a rerun settles by itself"
    )


def _again_name(args: argparse.Namespace) -> str | bool:
    """The name of an `--again` upload: as given, the one its checkpoint records, or a new one (printed)."""
    if args.again is None:
        return False
    if args.again:
        return str(args.again)
    if args.checkpoint and (recorded := recorded_salt(args.checkpoint)):
        return recorded
    name = secrets.token_hex(4)
    print(
        f"note: --again: this upload is named {name}; if it is interrupted, rerun it with --again={name} (not a bare "
        "--again, which would upload everything once more)",
        file=sys.stderr,
    )
    return name


def _interrupted(options: UploadOptions, output: Path | None) -> str:
    """What to do after an interruption."""
    if options.async_mode:
        again = f" (with --again={options.again})" if options.again else ""
        return (
            f"rerun the same command{again} to finish: the batches already sent are recognised by their operation "
            "ids, so nothing is created twice"
        )
    if options.checkpoint:
        return f"rerun the same command (with --checkpoint {options.checkpoint}) to finish; nothing is created twice"
    so_far = f" (the items created so far are in {output})" if output else ""
    return (
        f"there is no --checkpoint, so rerunning the same command would create the items of this run again{so_far}; "
        "upload the lines not yet processed only"
    )


async def _tick(bar: Progress) -> None:
    """Redraw the progress every TICK seconds while the upload runs (waits count down, the ETA moves)."""
    while True:
        await asyncio.sleep(TICK)
        bar.tick()


async def _run(args: argparse.Namespace) -> int:
    clock = time.monotonic  # the one clock of the command: the uploader's waits and the progress line
    kind = Kind(args.kind)
    connect = min(10.0, args.timeout)
    settings = Settings(
        batch_size=args.batch_size,
        max_concurrency=args.concurrency,
        timeout=httpx.Timeout(args.timeout, connect=connect),
    )
    if args.items_per_minute is not None:
        settings = attrs.evolve(settings, items_per_minute=args.items_per_minute or None)
    _check_files(args)
    if args.retry_from and args.checkpoint:
        raise UsageError("--retry-from and --checkpoint do not go together: a checkpoint already resumes per item")
    retry_plan = _retry_plan(args, kind) if args.retry_from else None
    only = retry_plan.send if retry_plan is not None else None
    # Resolved once, where the options (and, after an interruption, main's advice) read it.
    args.again = _again_name(args) or None
    options = _options(args)
    if note := _guarantee(options):
        print(note, file=sys.stderr)
    # Made first: it refuses a bad base URL or token before a progress bar or an output file appears.
    base_url = SANDBOX_URL if args.sandbox else args.base_url
    uploader = AsyncUploader(base_url=base_url, settings=settings, clock=clock)
    try:
        await check_reachable(base_url, timeout=connect)
    except UnreachableError:
        await uploader.aclose()
        raise
    stop = asyncio.Event()
    main_task = asyncio.current_task()
    loop = asyncio.get_running_loop()

    def on_interrupt() -> None:
        if stop.is_set() and main_task is not None:
            main_task.cancel()
            return
        stop.set()
        print("\ntoloka-upload: stopping after the batches in flight (Ctrl-C again to stop at once)", file=sys.stderr)

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
    async with uploader:
        table = _input_format(args) != "jsonl"
        total = len(only) if only is not None else _count_records(args.file, table)
        bar = Progress(total, clock=clock, disable=args.no_progress, file=sys.stderr, pace=settings.pace(kind))
        unwatch = watch(bar, verbose=args.verbose)
        try:  # read with the log already routed: its warnings and waits read like the upload's own
            spec = await uploader.input_spec(args.pool_id) if args.pool_id else None
        except BaseException:
            unwatch()
            bar.close()
            raise
        ticker = asyncio.create_task(_tick(bar))
        output = args.output.open("wb") if args.output else None
        if output is not None and retry_plan is not None:
            output.write(retry_plan.kept)
        source = SourceLines(only)
        report = Report(bar, source, output, args.output, cells=table and not args.json_cells and spec is None)
        read_all: int | None = None
        try:
            with _open_items(args, kind, spec) as numbered:
                result = await uploader.upload(
                    kind,
                    source.records(numbered),
                    options,
                    input_spec=spec,
                    read_input_spec=False,
                    on_batch=report,
                    keep_items=False,
                    stop=stop,
                )
            # The whole input was read: the bar's last line counts against it, not against the estimate.
            read_all = None if result.stopped else result.total
        except CheckpointMismatchError as exc:
            line = source.line_of(exc.index) if exc.index is not None else None
            raise CheckpointMismatchError(f"line {line}: {exc}" if line else str(exc), exc.index) from None
        finally:
            ticker.cancel()
            unwatch()
            bar.close(read_all)
            if output is not None:
                output.close()
    if not result.total and retry_plan is None and not result.stopped:
        print(
            f"toloka-upload: {args.file} holds no items (an empty file, or a header only): nothing was sent",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(_summary(result, retry_plan), file=sys.stderr)
    for hint in report.hints():
        print(hint, file=sys.stderr)
    if result.stopped:
        print(f"toloka-upload: interrupted; {_interrupted(options, args.output)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    where = f" and in {args.output}" if args.output else ""
    if result.unknown:
        print(
            f"{result.unknown:,} item(s) may or may not have been created (reasons above{where}): "
            + (
                "rerun the same command to settle them; it creates nothing twice"
                if options.async_mode
                else "rerun the same command (same --checkpoint) to settle them: it reads the pool back and "
                "creates nothing twice"
                if options.checkpoint
                else "look for them in the pool before uploading those lines again: without --checkpoint a rerun "
                "could create them twice"
            ),
            file=sys.stderr,
        )
    lines = result.total + (retry_plan.created + retry_plan.unknown if retry_plan is not None else 0)
    for advice in _invalid_advice(options, args.output, result, report, lines):
        print(advice, file=sys.stderr)
    if other := result.failed - report.held_back:
        print(
            f"{other:,} item(s) were not created: {report.where()}. Next: {_failed_next(options, args.output)}.",
            file=sys.stderr,
        )
    if result.failed or result.unknown or (retry_plan is not None and retry_plan.unknown):
        return EXIT_FAILED
    return EXIT_INVALID if result.invalid else EXIT_OK


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Fewer cyclic garbage collections while the command runs (restored after, for callers in this process).

    An upload allocates two dicts per item and makes no cycles, yet the default thresholds would collect every
    700 allocations, each older-generation pass walking every module loaded: a tenth of the command's CPU.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def main(argv: Sequence[str] | None = None) -> int:
    """The console script."""
    args = build_parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="toloka-upload: %(message)s")
    try:
        with _few_collections():
            return asyncio.run(_run(args))
    except UnreachableError as exc:
        print(f"toloka-upload: {exc}; nothing was sent: check --base-url and the network", file=sys.stderr)
        return EXIT_UNREACHABLE
    except OSError as exc:  # a file that cannot be read or written: its name and why, not "[Errno 21] ..."
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"toloka-upload: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except MissingTokenError:  # the library's message names token=, which a command line has no use for
        print(f"toloka-upload: no token: set {TOKEN_ENV} (the account's OAuth token or API key)", file=sys.stderr)
        return EXIT_USAGE
    except (CheckpointMismatchError, UsageError, ValueError) as exc:
        print(f"toloka-upload: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AuthenticationError as exc:
        print(f"toloka-upload: {exc.describe()}: the token was refused; check ${TOKEN_ENV}", file=sys.stderr)
        return EXIT_FAILED
    except EarlierRunsError as exc:
        print(f"toloka-upload: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (KeyboardInterrupt, asyncio.CancelledError):
        print(
            "toloka-upload: interrupted at once: the batches in flight were not followed to their end; "
            + _interrupted(_options(args), args.output),
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
