"""One run of the suite against one catalogue server, served by uvicorn in a thread of the worker process.

`execute(job)` builds the server (`serve_catalogue.build`), serves it on a free port in a thread, runs the suite
(in the calling process, which the kill test makes a worker of a 4-process pool) against it, stops the server
and returns the verdict per row. Serving in the worker, not in a process of its own, saves a Python start and
the emulator's imports per server (about a second each, ~190 servers); every server still gets a fresh app
with its own in-memory database.
"""

from __future__ import annotations

import contextlib
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toloka_emulator.config_writer import merge_overrides, write_config

sys.path.insert(0, str(Path(__file__).parent))
import serve_catalogue
from uvicorn_thread import serving

_PARTS = ("behaviour", "schemathesis", "client")


@dataclass(frozen=True)
class Job:
    """Which server to serve and how to run the suite against it."""

    kind: str  # emulator | broken | valid
    name: str
    report: Path
    config: dict[str, Any]  # overrides of the emulator config the suite reads (and the server runs)
    server_config: dict[str, Any] | None = None  # further overrides only the server runs with
    parts: tuple[str, ...] = _PARTS  # the parts of the suite to run (the others are --skip'ped)
    operation_timeout: float = 3.0
    exclude: tuple[str, ...] = ()  # rows left out of this run (--exclude)


@dataclass(frozen=True)
class Run:
    """What the suite reported: exit status, every row's verdict and detail, and the wall time."""

    job: Job
    exit_code: int
    verdicts: dict[str, str]  # requirement id -> pass | fail | skip | error
    details: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    output: str = ""

    def with_verdict(self, verdict: str) -> frozenset[str]:
        """The rows with this verdict."""
        return frozenset(row for row, seen in self.verdicts.items() if seen == verdict)


def _verdicts(report: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Each row's verdict and detail from junit.xml (none if the run wrote no report)."""
    verdicts: dict[str, str] = {}
    details: dict[str, str] = {}
    junit = report / "junit.xml"
    if not junit.exists():
        return verdicts, details
    for case in ET.parse(junit).getroot().iter("testcase"):  # noqa: S314  (our own report)
        name = str(case.get("name"))
        verdicts[name] = "pass"
        for tag, verdict in (("failure", "fail"), ("error", "error"), ("skipped", "skip")):
            found = case.find(tag)
            if found is not None:
                verdicts[name] = verdict
                details[name] = (found.get("message") or found.text or "").strip()
    return verdicts, details


@contextlib.contextmanager
def _serving(job: Job, config: Path) -> Iterator[str]:
    """Serve the job's server on a free port in a thread of this process; yields its base URL."""
    try:
        app = serve_catalogue.build(job.kind, job.name, config)
    except Exception as exc:  # a catalogue entry that cannot be built is this run's finding, reported as no run
        raise RuntimeError(f"{job.kind} server {job.name} could not be built: {type(exc).__name__}: {exc}") from exc
    with serving(app) as base_url:
        yield base_url


def execute(job: Job) -> Run:
    """Serve the job's server and run the (quick, narrowed) suite against it; a server that does not start (or a
    run that crashes) is a Run with exit code -1 and the reason as its output, never an exception."""
    started = time.monotonic()
    try:
        return _execute(job)
    except Exception as exc:  # one broken entry must not hide the other runs' results
        return Run(job, -1, {}, {}, time.monotonic() - started, f"{type(exc).__name__}: {exc}"[-3000:])


def _execute(job: Job) -> Run:
    from toloka_conformance import cli

    job.report.mkdir(parents=True, exist_ok=True)
    suite_config = write_config(job.report / "suite-config.toml", job.config)
    server_config = (
        write_config(job.report / "server-config.toml", merge_overrides(job.config, job.server_config))
        if job.server_config
        else suite_config
    )
    started = time.monotonic()
    output = job.report / "output.txt"
    with _serving(job, server_config) as base_url:
        argv = ["--base-url", base_url, "--emulator-config", str(suite_config), "--quick"]
        argv += ["--operation-timeout", str(job.operation_timeout), "--report", str(job.report)]
        argv += [arg for part in _PARTS if part not in job.parts for arg in ("--skip", part)]
        argv += ["--exclude", ",".join(job.exclude)] if job.exclude else []
        with output.open("w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
            try:
                exit_code = cli.main(argv)
            except SystemExit as stop:
                exit_code = int(stop.code) if isinstance(stop.code, int) else 2
    verdicts, details = _verdicts(job.report)
    text = output.read_text(encoding="utf-8", errors="replace")
    return Run(job, exit_code, verdicts, details, time.monotonic() - started, text[-3000:])
