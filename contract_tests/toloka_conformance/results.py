"""What the suite reports: one outcome per contract requirement, passed, failed or skipped."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    """The three answers a requirement can get; a missing prerequisite is a skip, never a pass."""

    PASS = "pass"  # noqa: S105  (a verdict, not a password)
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Requirement:
    """A contract requirement: a stable id, the area it belongs to, and the docs sentence it tests."""

    id: str
    area: str
    title: str
    docs: str


@dataclass(frozen=True)
class Outcome:
    """The verdict on one requirement, with what a user needs to act on a failure."""

    requirement: Requirement
    verdict: Verdict
    detail: str = ""
    curl: str | None = None
    seconds: float = 0.0


def overall_passed(outcomes: list[Outcome]) -> bool:
    """True only when every requirement passed: a skip is not a pass."""
    return bool(outcomes) and all(o.verdict is Verdict.PASS for o in outcomes)


def overall_verdict(outcomes: list[Outcome]) -> str:
    """PASSED (all passed), FAILED (any failure) or INCOMPLETE (no failure, but something was skipped)."""
    if overall_passed(outcomes):
        return "PASSED"
    return "FAILED" if any(o.verdict is Verdict.FAIL for o in outcomes) else "INCOMPLETE"
