"""`toloka-upload tasks FILE` / `toloka-upload task-suites FILE`: upload JSON Lines or CSV/TSV with progress."""

import argparse
import asyncio
import contextlib
import io
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import httpx
from tqdm import tqdm

from toloka_upload.credentials import TOKEN_ENV, MissingTokenError
from toloka_upload.errors import AuthenticationError, CheckpointMismatchError
from toloka_upload.kinds import Kind
from toloka_upload.readers import Numbered, SourceLines, read_jsonl, read_table
from toloka_upload.report import Report
from toloka_upload.results import UploadResult
from toloka_upload.settings import SYNC_MAX_ITEMS, Settings
from toloka_upload.uploader import PRODUCTION_URL, SANDBOX_URL, AsyncUploader

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "tsv", ".txt": "tsv"}


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="toloka-upload",
        description=f"Upload tasks or task suites to Toloka in batches. The token comes from ${TOKEN_ENV}.",
        epilog="Exit status: 0 all created, 1 something failed, 2 bad usage, 3 nothing failed but items were invalid.",
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
    parser.add_argument("--sync", action="store_true", help="synchronous requests instead of async operations")
    parser.add_argument("--checkpoint", type=Path, help="resume file: a rerun with it creates nothing twice")
    parser.add_argument(
        "--output", type=Path, help="write one JSON line per input item (index, line, status, id/errors/reason)"
    )
    parser.add_argument("--batch-size", type=int, default=SYNC_MAX_ITEMS, help="items per request (default 5000)")
    parser.add_argument("--concurrency", type=int, default=4, help="batches in flight (default 4)")
    parser.add_argument(
        "--items-per-minute", type=int, default=100_000, help="client-side pace (default 100000; 0 = unpaced)"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for an answer (default 120; connect: 10)"
    )
    parser.add_argument(
        "--json-cells",
        action="store_true",
        help="CSV/TSV: read cells like 5, true, [1] as JSON (needed for integer, float, boolean, JSON and array "
        "input fields; without it every cell is text and such fields come back INTEGER_EXPECTED etc.)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _input_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    return "jsonl" if args.file == "-" else FORMATS.get(Path(args.file).suffix.lower(), "jsonl")


def _count_lines(path: str) -> int | None:
    """Lines in a regular file (for the progress bar's ETA); None for stdin."""
    if path == "-":
        return None
    count = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


@contextlib.contextmanager
def _open_items(args: argparse.Namespace, kind: Kind) -> Iterator[Numbered]:
    fmt = _input_format(args)
    binary: IO[bytes] = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    try:
        if fmt == "jsonl":
            yield read_jsonl(binary, kind)
        else:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            yield read_table(text, kind, "," if fmt == "csv" else "\t", args.json_cells)
    finally:
        if binary is not sys.stdin.buffer:
            binary.close()


def _summary(result: UploadResult) -> str:
    return (
        f"created {result.created:,}, invalid {result.invalid:,}, failed {result.failed:,} (of {result.total:,} items)"
    )


async def _run(args: argparse.Namespace) -> int:
    kind = Kind(args.kind)
    settings = Settings(
        batch_size=args.batch_size,
        max_concurrency=args.concurrency,
        items_per_minute=args.items_per_minute or None,
        timeout=httpx.Timeout(args.timeout, connect=min(10.0, args.timeout)),
    )
    # Made first: it refuses a bad base URL or token before a progress bar or an output file appears.
    uploader = AsyncUploader(base_url=SANDBOX_URL if args.sandbox else args.base_url, settings=settings)
    async with uploader:
        total = _count_lines(args.file) if _input_format(args) == "jsonl" else None
        bar = tqdm(total=total, unit="item", disable=args.no_progress, file=sys.stderr, dynamic_ncols=True)
        output = args.output.open("wb") if args.output else None
        source = SourceLines()
        table = _input_format(args) != "jsonl"
        report = Report(bar, source, output, args.output, cells=table and not args.json_cells)
        try:
            with _open_items(args, kind) as numbered:
                upload = uploader.upload_tasks if kind is Kind.TASKS else uploader.upload_task_suites
                result = await upload(
                    source.records(numbered),
                    pool_id=args.pool_id,
                    async_mode=not args.sync,
                    skip_invalid_items=args.skip_invalid,
                    allow_defaults=args.allow_defaults,
                    open_pool=args.open_pool,
                    checkpoint=args.checkpoint,
                    on_batch=report,
                    keep_items=False,
                )
        finally:
            bar.close()
            if output is not None:
                output.close()
    print(_summary(result), file=sys.stderr)
    for hint in report.hints():
        print(hint, file=sys.stderr)
    if result.failed:
        print(
            "some items were not created: the reasons are above" + (f" and in {args.output}" if args.output else ""),
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_INVALID if result.invalid else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """The console script."""
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except (MissingTokenError, CheckpointMismatchError, ValueError, OSError) as exc:
        print(f"toloka-upload: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AuthenticationError as exc:
        print(f"toloka-upload: {exc.describe()}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("toloka-upload: interrupted; rerun with the same --checkpoint to resume", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
