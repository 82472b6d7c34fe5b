"""The suite's own plumbing: tokens never print, curl commands reproduce requests, reports carry every row."""

from __future__ import annotations

import json
import shlex
import subprocess
import xml.etree.ElementTree as ET

from toloka_conformance import cli, curl, fuzzing, report
from toloka_conformance.checks import REGISTRY
from toloka_conformance.redaction import REDACTED, Secret, scrub
from toloka_conformance.results import Outcome, Requirement, Verdict, overall_passed, overall_verdict
from toloka_conformance.runner import Settings, default_settings, run
from toloka_conformance.target import Target

TOKEN = "very-secret-token-123"  # noqa: S105  (a fake token to look for)


def _outcome(verdict: Verdict, requirement_id: str = "tasks.x", curl_command: str | None = None) -> Outcome:
    return Outcome(
        Requirement(requirement_id, "behaviour", "Title", "The docs | say so."), verdict, "detail", curl_command
    )


def test_secret_never_prints_its_value() -> None:
    """repr, str and f-strings of a Secret show REDACTED; reveal() gives the token."""
    secret = Secret(TOKEN)
    assert TOKEN not in repr(secret) and TOKEN not in str(secret) and TOKEN not in f"{secret}"
    assert secret.reveal() == TOKEN


def test_scrub_replaces_every_token() -> None:
    """Any text that slipped a token through has it replaced."""
    assert scrub(f"Authorization: OAuth {TOKEN} and {TOKEN}", [Secret(TOKEN), None]) == (
        f"Authorization: OAuth {REDACTED} and {REDACTED}"
    )


def test_curl_keeps_the_scheme_and_drops_the_token() -> None:
    """The Authorization header keeps `OAuth` and loses the token; the body is passed verbatim."""
    command = curl.render("post", "http://h/api/v1/tasks?a=1", {"Authorization": f"OAuth {TOKEN}"}, b'[{"a": 1}]')
    assert TOKEN not in command
    assert shlex.split(command) == [
        "curl", "-i", "-X", "POST", "http://h/api/v1/tasks?a=1", "-H", f"Authorization: OAuth {REDACTED}",
        "--data-binary", '[{"a": 1}]',
    ]  # fmt: skip


def test_curl_generates_a_long_repeated_body() -> None:
    """5001 equal items become a python one-liner piped into curl, which prints exactly that body."""
    item = {"pool_id": "1", "input_values": {"ok": True, "none": None}}
    body = json.dumps([item] * 5001).encode()
    command = curl.render("POST", "http://h/x", {}, body)
    generator = command.split(" | curl ")[0]
    printed = subprocess.run(["sh", "-c", generator], capture_output=True, check=True, text=True).stdout
    assert json.loads(printed) == [item] * 5001


def test_a_skip_is_not_a_pass() -> None:
    """Skipped requirements make the run INCOMPLETE, a failure makes it FAILED, only all-pass is PASSED."""
    assert overall_verdict([_outcome(Verdict.PASS)]) == "PASSED"
    assert overall_verdict([_outcome(Verdict.PASS), _outcome(Verdict.SKIP)]) == "INCOMPLETE"
    assert overall_verdict([_outcome(Verdict.SKIP), _outcome(Verdict.FAIL)]) == "FAILED"
    assert not overall_passed([])


def test_reports_have_one_row_per_requirement_and_the_failure_curl() -> None:
    """junit.xml has a testcase per outcome (failure/skipped marked); report.md a row each and the curl."""
    outcomes = [
        _outcome(Verdict.PASS, "a.pass"),
        _outcome(Verdict.FAIL, "b.fail", "curl -X POST http://h/x"),
        _outcome(Verdict.SKIP, "c.skip"),
    ]
    root = ET.fromstring(report.junit(outcomes, 1.0))  # noqa: S314  (our own output)
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {"a.pass", "b.fail", "c.skip"}
    assert cases["b.fail"].find("failure") is not None and cases["c.skip"].find("skipped") is not None
    text = report.markdown(outcomes, 1.0, ["target: x"])
    assert sum(line.startswith("| `") for line in text.splitlines()) == 3
    assert "curl -X POST http://h/x" in text and "The docs \\| say so." in text


def test_a_left_out_part_is_reported_as_skipped_rows() -> None:
    """--skip keeps every row of the part, as skipped, so the run is INCOMPLETE (exit 3), never PASSED."""
    target = Target(base_url="http://127.0.0.1:9", token=Secret(TOKEN), pool_id="1", input_values={})
    settings = Settings(fuzz=default_settings(quick=True).fuzz, behaviour=False, schemathesis=False, client=False)
    outcomes = run(target, settings)  # nothing runs, so nothing is sent to the (absent) server
    ids = [outcome.requirement.id for outcome in outcomes]
    assert {check.requirement.id for check in REGISTRY} <= set(ids)
    assert {requirement.id for requirement in fuzzing.requirements()} <= set(ids)
    assert "client.create_tasks" in ids
    assert {outcome.verdict for outcome in outcomes} == {Verdict.SKIP}
    assert all("--skip" in outcome.detail for outcome in outcomes)
    assert cli.EXIT_CODES[overall_verdict(outcomes)] == 3


def test_a_schemathesis_failure_row_reproduces_the_failure_it_names_first() -> None:
    """The curl attached to a failed schemathesis row belongs to the first message in its detail, not to whichever
    failure happened to have the shortest command."""
    target = Target(base_url="http://h", token=Secret(TOKEN), pool_id="1", input_values={})
    summary = fuzzing._Events(target)
    tally = summary.tallies["status_code_conformance"]
    tally.failures["a"] = ("GET /a: first failure", "curl -X GET http://h/a/with/a/longer/path")
    tally.failures["b"] = ("GET /b: second failure", "curl http://h/b")
    row = next(o for o in fuzzing._outcomes(summary, 1.0) if o.requirement.id == "schemathesis.status_code_conformance")
    assert row.verdict is Verdict.FAIL
    assert row.detail.index("first failure") < row.detail.index("second failure")
    assert row.curl == "curl -X GET http://h/a/with/a/longer/path"
