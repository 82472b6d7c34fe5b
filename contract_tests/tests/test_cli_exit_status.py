"""The CLI's exit status is what a CI gate needs: 0 passed, 1 failed, 2 usage, 3 skipped, 4 not testable.

Against a real emulator (a subprocess on loopback). To stay fast, most runs swap the suite's parts for a few
small checks (written here with the suite's own helpers) and leave schemathesis and the client pass out.
"""

from __future__ import annotations

import socket
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from toloka_conformance import cli, client_run, fuzzing, oracle, runner
from toloka_conformance.checks import Check, Context, Skipped
from toloka_conformance.checks.base import CheckFunction
from toloka_conformance.checks.support import OPERATIONS, expect_error, expect_status
from toloka_conformance.redaction import Secret
from toloka_conformance.results import Requirement
from toloka_conformance.target import Blocker, from_emulator_config, probe
from toloka_emulator.testing import RunningEmulator, free_port, running_emulator

RULE = "[test] GET of an operation that does not exist answers 404 DOES_NOT_EXIST."
# The `suite` fixture: install these checks as the whole suite.
Install = Callable[..., None]
BAD_TOKEN = "conformance-test-refused-token"  # noqa: S105  (a made-up token, looked for in the output)


def _check(name: str, function: CheckFunction) -> Check:
    return Check(Requirement(f"test.{name}", "behaviour", f"test check {name}", RULE), function)


def _passes(ctx: Context) -> str:
    expect_error(ctx.api.get(f"{OPERATIONS}/{uuid.uuid4()}"), 404, "DOES_NOT_EXIST", RULE)
    return "404 DOES_NOT_EXIST"


def _fails(ctx: Context) -> None:
    """Holds the server to a wrong expectation (200), so the real 404 is a failure with every fact."""
    expect_status(ctx.api.get(f"{OPERATIONS}/{uuid.uuid4()}"), 200, RULE)


def _skips(ctx: Context) -> None:
    raise Skipped("needs a flag this test does not give")


def _raises(ctx: Context) -> None:
    body = ctx.api.get(f"{OPERATIONS}/{uuid.uuid4()}").json()
    body["no such key"]  # a bug of the check's own: KeyError


PASSES, FAILS, SKIPS, RAISES = (
    _check("passes", _passes),
    _check("fails", _fails),
    _check("skips", _skips),
    _check("raises", _raises),
)


@dataclass(frozen=True)
class Run:
    """One CLI run: exit status, what it printed, and its JUnit report."""

    exit_code: int
    out: str
    err: str
    junit: ET.Element

    def cases(self, element: str) -> dict[str, ET.Element]:
        """The testcases carrying `element` (failure, error, skipped) by name, each with that element."""
        found = {}
        for case in self.junit.iter("testcase"):
            child = case.find(element)
            if child is not None:
                found[str(case.get("name"))] = child
        return found


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    """One emulator for the module's runs (each run only reads or creates a handful of items)."""
    with running_emulator() as server:
        yield server


@pytest.fixture
def suite(monkeypatch: pytest.MonkeyPatch) -> Install:
    """Replace the behavioural checks with the given ones; schemathesis, the client pass and the model report no
    rows."""

    def install(*checks: Check) -> None:
        monkeypatch.setattr(runner, "REGISTRY", list(checks))
        monkeypatch.setattr(fuzzing, "requirements", list)
        monkeypatch.setattr(client_run, "OPERATIONS", ())
        monkeypatch.setattr(oracle, "REQUIREMENTS", ())

    return install


def _run(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], tokens: list[str]) -> Run:
    report = tmp_path / "report"
    exit_code = cli.main([*argv, "--report", str(report), "--skip", "schemathesis", "--skip", "client"])
    printed = capsys.readouterr()
    written = [path.read_text(encoding="utf-8") for path in report.iterdir()] if report.exists() else []
    for text in [printed.out, printed.err, *written]:
        assert not any(token in text for token in tokens), "a token was printed"
    junit = ET.parse(report / "junit.xml").getroot() if (report / "junit.xml").exists() else ET.Element("none")  # noqa: S314
    return Run(exit_code, printed.out, printed.err, junit)


def _argv(emulator: RunningEmulator, base_url: str | None = None) -> list[str]:
    return ["--base-url", base_url or emulator.base_url, "--emulator-config", str(emulator.config_path)]


def _tokens(emulator: RunningEmulator) -> list[str]:
    return [token for account in emulator.config.accounts for token in account.tokens] + [BAD_TOKEN]


def test_every_requirement_passed_exits_0(
    emulator: RunningEmulator, suite: Install, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only passes: exit 0, JUnit with no failure, error or skip."""
    suite(PASSES)
    run = _run(_argv(emulator), tmp_path, capsys, _tokens(emulator))
    assert run.exit_code == 0
    assert [run.junit.get(key) for key in ("tests", "failures", "errors", "skipped")] == ["1", "0", "0", "0"]


def test_a_failed_requirement_exits_1_even_beside_errors_and_skips(
    emulator: RunningEmulator, suite: Install, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failure outweighs errors and skips: exit 1; each verdict is counted in its own JUnit element."""
    suite(PASSES, FAILS, SKIPS, RAISES)
    run = _run(_argv(emulator), tmp_path, capsys, _tokens(emulator))
    assert run.exit_code == 1
    assert set(run.cases("failure")) == {"test.fails"}
    assert set(run.cases("error")) == {"test.raises"}
    assert set(run.cases("skipped")) == {"test.skips"}
    assert [run.junit.get(key) for key in ("tests", "failures", "errors", "skipped")] == ["4", "1", "1", "1"]


def test_nothing_failed_but_something_skipped_exits_3(
    emulator: RunningEmulator, suite: Install, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A skip is not a pass: exit 3."""
    suite(PASSES, SKIPS)
    assert _run(_argv(emulator), tmp_path, capsys, _tokens(emulator)).exit_code == 3


def test_a_check_raising_is_an_error_not_a_failure(
    emulator: RunningEmulator, suite: Install, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The suite's own exception: an ERROR row (JUnit <error> typed by the exception), no failure, exit 4."""
    suite(PASSES, RAISES)
    run = _run(_argv(emulator), tmp_path, capsys, _tokens(emulator))
    assert run.exit_code == 4
    assert run.cases("failure") == {}
    error = run.cases("error")["test.raises"]
    assert error.get("type") == "KeyError"
    # The row says where the suite broke: this file's _raises.
    assert f"{Path(__file__).name}:" in str(error.get("message")) and "in _raises" in str(error.get("message"))


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--embedded", "--frobnicate"], "--frobnicate"),
        (["--embedded", "--input-values", '{"image": '], "--input-values"),
        (["--embedded", "--input-values", "[1]"], "--input-values"),
        (["--base-url", "localhost:8080"], "--base-url"),
        (["--base-url", "http://127.0.0.1:9", "--token-env", "CONFORMANCE_UNSET_VARIABLE", "--pool-id", "1",
          "--input-values", "{}"], "--token-env"),
        (["--base-url", "http://127.0.0.1:9", "--operation-timeout", "0"], "--operation-timeout"),
    ],
)  # fmt: skip
def test_bad_usage_exits_2_with_one_line_naming_the_flag(
    argv: list[str], flag: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown flag, malformed or non-object JSON, a URL without a scheme, an unset variable: exit 2, one line."""
    monkeypatch.delenv("CONFORMANCE_UNSET_VARIABLE", raising=False)
    assert cli.main(argv) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    lines = printed.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("toloka-conformance: error:") and flag in lines[0]
    assert "Traceback" not in printed.err


def _closed_port() -> str:
    """A loopback URL nothing listens on: free_port's one right use (a server is never started on it)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize(
    ("case", "blocker"),
    [
        ("closed port", Blocker.REFUSED),
        ("base URL ending in /api/v1", Blocker.NOT_THIS_API),
        ("refused token", Blocker.TOKEN_REFUSED),
        ("https to a plain-HTTP server", Blocker.TLS),
        ("a host name that does not resolve", Blocker.DNS),
    ],
)
def test_a_server_that_cannot_be_tested_exits_4_with_one_line(
    case: str,
    blocker: Blocker,
    emulator: RunningEmulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The preflight probe stops the run: exit 4, one line, no check run, nothing counted as a failure.

    The report holds one ERROR row typed by the case.
    """
    base_url = {
        "closed port": _closed_port(),
        "base URL ending in /api/v1": emulator.base_url + "/api/v1",
        "https to a plain-HTTP server": emulator.base_url.replace("http://", "https://"),
        "a host name that does not resolve": "http://conformance-no-such-host.invalid",
    }.get(case, emulator.base_url)
    argv = _argv(emulator, base_url)
    if case == "refused token":
        monkeypatch.setenv("CONFORMANCE_BAD_TOKEN", BAD_TOKEN)
        argv = ["--base-url", base_url, "--token-env", "CONFORMANCE_BAD_TOKEN", "--pool-id", "1"]
        argv += ["--input-values", '{"image": "https://example.com/1.png"}']
    run = _run(argv, tmp_path, capsys, _tokens(emulator))
    assert run.exit_code == 4
    assert run.out == ""  # no plan, no rows: nothing was checked
    assert len(run.err.splitlines()) == 1 and run.err.startswith(f"toloka-conformance: cannot test {base_url}: ")
    assert run.cases("failure") == {}
    assert {name: error.get("type") for name, error in run.cases("error").items()} == {cli.PREFLIGHT.id: blocker.name}


def test_the_probe_names_each_case(emulator: RunningEmulator) -> None:
    """probe() on the target itself: None for the emulator, the case (and the refused credential) otherwise."""
    target = from_emulator_config(emulator.base_url, str(emulator.config_path))
    assert probe(target) is None
    refused = probe(replace(target, other_token=Secret(BAD_TOKEN)))
    assert refused is not None and (refused.blocker, refused.credential) == (Blocker.TOKEN_REFUSED, "other_token")
    assert BAD_TOKEN not in refused.message
    with socket.create_server(("127.0.0.1", 0), backlog=8) as silent:  # accepts connections, never answers
        silent_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        timed_out = probe(replace(target, base_url=silent_url), timeout=0.3)
    assert timed_out is not None and timed_out.blocker is Blocker.TIMEOUT


def _kills_the_server(ctx: Context) -> str:
    """Passes, then takes the server away (SIGKILL) for the checks after it."""
    _passes(ctx)
    _EMULATORS[ctx.target.base_url].kill()
    return "killed the server"


_EMULATORS: dict[str, RunningEmulator] = {}


def test_a_server_that_stops_answering_halts_the_run_with_errors(
    suite: Install, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request that got no answer is an ERROR of the run; nothing more is sent, the rest are ERROR rows; exit 4."""
    monkeypatch.setattr(runner, "CONCURRENT_CHECKS", 1)  # one at a time, in order: "the rest" is then well defined
    with running_emulator() as own:
        _EMULATORS[own.base_url] = own
        suite(_check("kills", _kills_the_server), PASSES, FAILS)
        run = _run(_argv(own), tmp_path, capsys, _tokens(own))
    assert run.exit_code == 4
    assert run.cases("failure") == {}
    errors = {name: error.get("type") for name, error in run.cases("error").items()}
    assert errors == {"test.passes": "ConnectError", "test.fails": runner.HALTED}
    assert len(run.err.splitlines()) == 1 and "stopped answering" in run.err
