"""What the suite reports: one outcome per contract requirement, passed, failed, skipped or errored."""

from __future__ import annotations

import sysconfig
import traceback
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import httpx

from toloka_conformance import curl


class Verdict(StrEnum):
    """The answers a requirement can get.

    A missing prerequisite is a SKIP, never a pass. ERROR means the requirement could not be judged: the suite's
    own code raised, or the run broke (a timeout, a refused or reset connection); it is never a FAIL.
    """

    PASS = "pass"  # noqa: S105  (a verdict, not a password)
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"


@dataclass(frozen=True)
class Requirement:
    """A contract requirement: a stable id, the area it belongs to, and the docs sentence it tests."""

    id: str
    area: str
    title: str
    docs: str


@dataclass(frozen=True)
class Outcome:
    """The verdict on one requirement, with what a user needs to act on a failure or an error.

    A failure carries structured facts: `rule` (the contract sentence broken), `expected` and `observed` (what
    the contract asks for and what the server did), `request` (`METHOD URL` of the request that showed it) and
    `curl` (that request, reproducible, token redacted). An error carries `error`, the exception's class name.
    """

    requirement: Requirement
    verdict: Verdict
    detail: str = ""
    curl: str | None = None
    seconds: float = 0.0
    rule: str | None = None
    expected: str | None = None
    observed: str | None = None
    request: str | None = None
    error: str | None = None

    def facts(self) -> list[tuple[str, str]]:
        """The labelled facts of this outcome, in the one order every report shows them (empty ones left out).

        The console, report.md and junit.xml all render exactly these pairs; `detail` is among them only when
        there is no `observed` (an unstructured failure, an error), since a structured one's detail repeats them.
        """
        pairs = (
            ("rule", self.rule),
            ("expected", self.expected),
            ("observed", self.observed),
            ("detail", None if self.observed else self.detail),
            ("error", self.error),
            ("request", self.request),
            ("reproduce", self.curl),
        )
        return [(label, value) for label, value in pairs if value]


# The overall verdicts, worst first: a failure outweighs an error, an error a skip.
PASSED, FAILED, ERROR, INCOMPLETE = "PASSED", "FAILED", "ERROR", "INCOMPLETE"


def overall_passed(outcomes: list[Outcome]) -> bool:
    """True only when every requirement passed: a skip is not a pass."""
    return bool(outcomes) and all(o.verdict is Verdict.PASS for o in outcomes)


def overall_verdict(outcomes: list[Outcome]) -> str:
    """PASSED (all passed), FAILED (any failure), ERROR (no failure, something could not be judged) or
    INCOMPLETE (no failure or error, but something was skipped)."""
    if overall_passed(outcomes):
        return PASSED
    verdicts = {o.verdict for o in outcomes}
    if Verdict.FAIL in verdicts:
        return FAILED
    return ERROR if Verdict.ERROR in verdicts or not outcomes else INCOMPLETE


def _names(cls: type[BaseException]) -> frozenset[str]:
    return frozenset({cls.__name__}).union(*(_names(sub) for sub in cls.__subclasses__()))


# The class names of the exceptions that mean a request got no HTTP answer: the run broke, not the requirement.
TRANSPORT_ERRORS = _names(httpx.TransportError)


def error_outcome(requirement: Requirement, exc: BaseException) -> Outcome:
    """The ERROR row of an exception: a request that got no answer (the run), or the suite's own code raising."""
    name = type(exc).__name__
    if isinstance(exc, httpx.TransportError):
        request = _request_of(exc)
        line = f"{request.method} {request.url}" if request is not None else None
        detail = (
            f"not judged: {'the request' if line is None else line} got no answer ({name}: {exc}); "
            "an error of the run, not a failure of the requirement"
        )
        command = curl.of_request(request) if request is not None else None
        return Outcome(requirement, Verdict.ERROR, detail, curl=command, request=line, error=name)
    detail = (
        f"not judged: the suite's own code raised {name}: {exc} at {_origin(exc)}; "
        "a bug in the suite, not a finding against the server"
    )
    return Outcome(requirement, Verdict.ERROR, detail, error=name)


def _request_of(exc: httpx.TransportError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:
        return None


def _origin(exc: BaseException) -> str:
    """`file:line in function` of the innermost frame of the suite (or of a check written outside it): not in the
    standard library or an installed library, unless it is this package's own."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "an unknown place"
    package = Path(__file__).parent
    libraries = {Path(sysconfig.get_paths()[name]) for name in ("stdlib", "platstdlib", "purelib", "platlib")}

    def own(filename: str) -> bool:
        path = Path(filename)
        return path.is_relative_to(package) or not any(path.is_relative_to(lib) for lib in libraries)

    frame = ([frame for frame in frames if own(frame.filename)] or frames)[-1]
    path = Path(frame.filename)
    shown = path.relative_to(package.parent) if path.is_relative_to(package.parent) else path.name
    return f"{shown}:{frame.lineno} in {frame.name}"
