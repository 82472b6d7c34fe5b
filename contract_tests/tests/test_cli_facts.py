"""A failure's facts (rule, expected, observed, request, curl) are fields, and every report renders the same ones."""

from __future__ import annotations

import shlex
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from toloka_conformance import report, runner
from toloka_conformance.api import Api
from toloka_conformance.checks import Check, Context
from toloka_conformance.checks.base import CheckFunction
from toloka_conformance.checks.support import OPERATIONS, expect_status
from toloka_conformance.results import Outcome, Requirement, Verdict
from toloka_conformance.target import Target, from_emulator_config
from toloka_emulator.testing import running_emulator

RULE = "[test] GET of a missing operation answers 200 (a wrong rule, so that the real 404 fails it)."
MISSING = str(uuid.uuid4())


def _fails(ctx: Context) -> None:
    expect_status(ctx.api.get(f"{OPERATIONS}/{MISSING}"), 200, RULE)


def _raises(ctx: Context) -> None:
    raise RuntimeError("a bug in a check")


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    """The default config's target on a live emulator."""
    with running_emulator() as emulator:
        yield from_emulator_config(emulator.base_url, str(emulator.config_path))


def _outcome(target: Target, function: CheckFunction) -> Outcome:
    check = Check(Requirement("test.row", "behaviour", "a test row", "The docs sentence."), function)
    with Api(target.base_url, target.authorization(target.token)) as api, Api(target.base_url, None) as anonymous:
        return runner.run_check(check, Context(target, api, None, anonymous))


def test_a_failure_carries_its_facts_as_fields(target: Target) -> None:
    """rule, expected and observed come from the check's Failed; request and curl from the exchange it names."""
    outcome = _outcome(target, _fails)
    url = f"{target.base_url}{OPERATIONS}/{MISSING}"
    assert outcome.verdict is Verdict.FAIL
    assert outcome.rule == RULE
    assert outcome.expected == "HTTP 200"
    assert outcome.observed is not None and outcome.observed.startswith(f"GET {OPERATIONS}/{MISSING} -> 404")
    assert outcome.request == f"GET {url}"
    assert outcome.curl is not None and shlex.split(outcome.curl)[:5] == ["curl", "-i", "-X", "GET", url]
    assert outcome.error is None


def test_an_error_carries_the_exception_not_a_rule(target: Target) -> None:
    """The suite's own exception: ERROR, `error` is its class, no rule or expectation is claimed."""
    outcome = _outcome(target, _raises)
    assert (outcome.verdict, outcome.error, outcome.rule, outcome.expected) == (
        Verdict.ERROR,
        "RuntimeError",
        None,
        None,
    )


def _markdown_facts(markdown: str, heading: str) -> list[str]:
    """The fact lines of one section of report.md: its bullets, the reproduce bullet joined with its code block."""
    lines = markdown.splitlines()
    section = lines[lines.index(heading) + 1 :]
    section = section[: next((i for i, line in enumerate(section) if line.startswith("#")), len(section))]
    facts = []
    for index, line in enumerate(section):
        if line == "- reproduce:":
            facts.append(f"reproduce: {section[index + 3]}")  # after the blank line and the ```sh fence
        elif line.startswith("- "):
            facts.append(line.removeprefix("- "))
    return facts


def test_console_markdown_and_junit_render_the_same_facts(target: Target) -> None:
    """The lines under a failure and an error are the same in the console, report.md and junit.xml."""
    outcomes = [_outcome(target, _fails), _outcome(target, _raises)]
    root = ET.fromstring(report.junit(outcomes, 1.0))  # noqa: S314  (our own output)
    markdown = report.markdown(outcomes, 1.0, ["target: test"])
    for outcome, element in zip(outcomes, ("failure", "error"), strict=True):
        expected = report.fact_lines(outcome)
        console = report.console(outcome).splitlines()
        heading = next(line for line in markdown.splitlines() if line.startswith("### ") and line.endswith(console[0]))
        junit = next(root.iter(element)).text
        assert [line.removeprefix("  ") for line in console[1:]] == expected
        assert junit is not None and junit.splitlines() == expected
        assert _markdown_facts(markdown, heading) == expected
    labels = [line.split(":", 1)[0] for line in report.fact_lines(outcomes[0])]
    assert labels == ["rule", "expected", "observed", "request", "reproduce"]


def test_the_summary_counts_errors_apart_from_failures() -> None:
    """`n passed, n failed, n errors, n skipped`; the JUnit totals agree."""
    row = Requirement("r", "area", "t", "d")
    outcomes = [Outcome(row, verdict) for verdict in (Verdict.PASS, Verdict.FAIL, Verdict.ERROR, Verdict.ERROR)]
    assert report.summary_line(outcomes, 2.0) == "FAILED: 1 passed, 1 failed, 2 errors, 0 skipped in 2.0 s"
    root = ET.fromstring(report.junit(outcomes, 2.0))  # noqa: S314  (our own output)
    assert [root.get(key) for key in ("tests", "failures", "errors", "skipped")] == ["4", "1", "2", "0"]
