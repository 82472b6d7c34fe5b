"""The suite against a team's own server (issue 20): the emulator as a separate process with a team-like config
(other ids, another input and output spec, another limit, pools without example values), real signals, slow and
never-ending operations, and a fake clock for the waits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from toloka_conformance import cli
from toloka_conformance.api import Exchange
from toloka_conformance.checks import REGISTRY
from toloka_conformance.interrupt import Interrupted, interruptible
from toloka_conformance.schedule import Turns, schedule
from toloka_conformance.waiting import NotEnded, Waits
from toloka_emulator.testing import RunningEmulator, running_emulator

sys.path.insert(0, str(Path(__file__).parent))
from broken_servers import BY_NAME
from held_operations import held
from junit_rows import verdicts
from toloka_emulator import create_app
from uvicorn_thread import serving

TOKEN = "team-ci-token-0000000001"  # noqa: S105  (the test server's own)
OPEN, CLOSED, ARCHIVED, SECOND_OPEN, FOREIGN = "900101", "900102", "900103", "900104", "900201"
TEAM_CONFIG = f"""
[limits]
items_per_minute = 50000
items_per_day = 2000000
sync_max_items = 5000
max_body_bytes = 67108864

[[accounts]]
name = "team"
tokens = ["{TOKEN}"]
api_keys = ["team-ci-api-key-0000001.key.team"]

[[accounts]]
name = "neighbour"
tokens = ["neighbour-token-0000000002"]

[[projects]]
id = "7001"
owner = "team"
public_name = "Team: sentiment"

[projects.input_spec]
text = {{ type = "string", required = true, min_length = 1, max_length = 500 }}
score = {{ type = "integer", required = false, min_value = 1, max_value = 5 }}

[projects.output_spec]
verdict = {{ type = "string", required = true, allowed_values = ["positive", "negative"] }}

[[projects]]
id = "7002"
owner = "neighbour"
public_name = "Neighbour: images"

[projects.input_spec]
image = {{ type = "url", required = true }}

[projects.output_spec]
label = {{ type = "string", required = true }}
"""
POOLS = [
    (OPEN, "team", "7001", "open"),
    (CLOSED, "team", "7001", "closed"),
    (ARCHIVED, "team", "7001", "archived"),
    (SECOND_OPEN, "team", "7001", "open"),
    (FOREIGN, "neighbour", "7002", "open"),
]


def _config(directory: Path) -> Path:
    """The team's config: no pool has example_input_values (optional), so the suite builds them from the project."""
    text = TEAM_CONFIG + "".join(
        f'\n[[pools]]\nid = "{pool}"\nowner = "{owner}"\nproject_id = "{project}"\nstatus = "{status}"\n'
        "default_overlap_for_new_tasks = 2\ndefault_overlap_for_new_task_suites = 1\n"
        for pool, owner, project, status in POOLS
    )
    path = directory / "team.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    """The emulator, its own process, with the team's config."""
    with running_emulator(config_path=_config(tmp_path_factory.mktemp("team"))) as emulator:
        yield emulator


def _flags(base_url: str, *extra: str) -> list[str]:
    return ["--base-url", base_url, "--token-env", "TEAM_TOKEN", "--pool-id", OPEN, *extra]


def _tasks_in(base_url: str, pool: str) -> int:
    headers = {"Authorization": f"OAuth {TOKEN}"}
    answer = httpx.get(f"{base_url}/api/v1/tasks", params={"pool_id": pool, "limit": 100000}, headers=headers)
    return len(answer.json()["items"])


def _pool_status(base_url: str, pool: str) -> str:
    answer = httpx.get(f"{base_url}/api/v1/pools/{pool}", headers={"Authorization": f"OAuth {TOKEN}"})
    return str(answer.json()["status"])


@pytest.mark.parametrize(
    ("flags", "status", "named"),
    [
        (["--pool-id", "555", "--input-values", '{"text": "a"}'], 4, "--pool-id 555: no such pool"),
        (["--pool-id", FOREIGN, "--input-values", '{"text": "a"}'], 4, f"--pool-id {FOREIGN}: no such pool"),
        (["--input-values", '{"image": "https://x.y/1.png"}'], 2, "--input-values: pool 900101's project 7001 refuses"),
        (["--input-values", '{"text": "a", "score": 9}'], 2, "input_values.score: VALUE_GREATER_THAN_MAX"),
        (["--input-values", '{"text": "a"}', "--closed-pool-id", OPEN], 2, f"--closed-pool-id {OPEN} is --pool-id"),
        (["--input-values", '{"text": "a"}', "--closed-pool-id", SECOND_OPEN], 4, "is OPEN, not CLOSED"),
        (["--input-values", '{"text": "a"}', "--archived-pool-id", CLOSED], 4, "is CLOSED, not ARCHIVED"),
        (["--input-values", '{"text": "a"}', "--output-values", '{"verdict": "maybe"}'], 2, "--output-values"),
        (["--input-values", '{"text": "a"}', "--invalid-input-values", '{"text": "b"}'], 2, "--invalid-input-values"),
        (["--input-values", '{"text": "a"}', "--foreign-pool-id", SECOND_OPEN], 2, "is this account's pool"),
    ],
)
def test_a_flag_the_account_contradicts_is_one_line_and_nothing_is_sent(
    team: RunningEmulator,
    flags: list[str],
    status: int,
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Preflight: one line naming the flag, exit 2 (usage) or 4 (cannot test), nothing created or closed."""
    monkeypatch.setenv("TEAM_TOKEN", TOKEN)
    before = {pool: _tasks_in(team.base_url, pool) for pool in (OPEN, SECOND_OPEN)}
    assert cli.main(["--base-url", team.base_url, "--token-env", "TEAM_TOKEN", "--pool-id", OPEN, *flags]) == status
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0], err
    assert {pool: _tasks_in(team.base_url, pool) for pool in (OPEN, SECOND_OPEN)} == before
    assert _pool_status(team.base_url, SECOND_OPEN) == "OPEN"


def test_a_chosen_gate_that_passes_exits_0_with_values_built_from_the_project(
    team: RunningEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The team's config has no example values: input and output values come from project 7001 (not the packaged
    defaults), and `--only` rows that pass exit 0."""
    report = tmp_path / "report"
    gate = "tasks.read_back.solutions,tasks.single.,operations.ends,client.create_tasks"
    argv = ["--base-url", team.base_url, "--emulator-config", str(team.config_path), "--only", gate]
    assert cli.main([*argv, "--quick", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "input_values built from project 7001's input spec: {'text': 'c'}" in out
    assert "output_values built from project 7001's output spec: {'verdict': 'positive'}" in out
    rows = {case.get("name") for case in ET.parse(report / "junit.xml").getroot().iter("testcase")}  # noqa: S314
    assert rows == {"tasks.read_back.solutions", "tasks.single.sync", "tasks.single.async", "tasks.single.invalid"} | {
        "operations.ends",
        "client.create_tasks",
    }


def test_an_unknown_selection_is_a_usage_error(team: RunningEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    """A name or prefix that selects nothing is bad usage (exit 2), not an empty green run."""
    argv = ["--base-url", team.base_url, "--emulator-config", str(team.config_path), "--only", "operations"]
    assert cli.main(argv) == 2
    assert "--only: 'operations' names no requirement" in capsys.readouterr().err


def test_max_items_caps_what_is_created_and_the_report_lists_it(
    team: RunningEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows that do not fit are skipped saying why; the report lists every object created, within the cap."""
    report = tmp_path / "report"
    before = _tasks_in(team.base_url, OPEN)
    gate = "tasks.list.paged_walk,tasks.single.sync,operations.ends,tasks.sync_limit"
    argv = ["--base-url", team.base_url, "--emulator-config", str(team.config_path), "--only", gate]
    # operations.ends creates 4, tasks.single.sync 1: the walk's 6 do not fit.
    assert cli.main([*argv, "--max-items", "5", "--report", str(report)]) == 3
    text = (report / "report.md").read_text(encoding="utf-8")
    assert "not run: this check creates 6 and needs 6 item(s), --max-items 5 leaves" in text
    assert "not run: this check creates 5001 and needs 5001 item(s)" in text  # tasks.sync_limit's oversized batch
    listed = [line for line in text.split("## Objects this run created")[1].splitlines() if line.startswith("| ")]
    items = sum(int(line.split("|")[4]) for line in listed[1:])  # after the header row
    assert 0 < items <= 5
    assert 0 < _tasks_in(team.base_url, OPEN) - before <= items
    assert "tasks.single.sync" in text.split("## Objects this run created")[1]
    capsys.readouterr()


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_mid_run_writes_the_report_so_far_and_never_passes(
    team: RunningEmulator, tmp_path: Path, signum: int, status: int
) -> None:
    """A real signal during schemathesis: exit 130 / 143, JUnit and report.md written, the behavioural rows decided
    before it kept, every other row an error saying why, and the closed pool closed again."""
    report = tmp_path / "report"
    command = [sys.executable, "-m", "toloka_conformance.cli", "--base-url", team.base_url]
    command += ["--emulator-config", str(team.config_path), "--report", str(report), "--seed", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("schemathesis: examples"):
            break
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == status, (out, err)
    assert any(line.startswith("pass ") for line in seen), "the signal came before any check was decided"
    assert f"interrupted by {signal.Signals(signum).name}" in err
    cases = {str(c.get("name")): c for c in ET.parse(report / "junit.xml").getroot().iter("testcase")}  # noqa: S314
    run_row = cases["schemathesis.run"].find("error")
    assert run_row is not None and "cut short by" in str(run_row.get("message"))
    assert cases["pools.closed_accepts"].find("failure") is None
    errors = [name for name, case in cases.items() if case.find("error") is not None]
    assert "schemathesis.not_a_server_error" in errors and "rate_limit.retry_after" in errors
    assert cases["client.create_tasks"].find("error") is None  # it ran beside the behavioural checks, before
    markdown = (report / "report.md").read_text(encoding="utf-8")
    assert "PASSED" not in markdown.splitlines()[2] and "INTERRUPTED" in markdown
    assert _pool_status(team.base_url, CLOSED) == "CLOSED"


def _exchange(status: int, body: Any, headers: dict[str, str] | None = None) -> Exchange:
    request = httpx.Request("GET", "http://server/api/v1/operations/x")
    return Exchange(request, httpx.Response(status, json=body, headers=headers, request=request))


class _FakeTime:
    """A clock and a sleep that only move when slept."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _object(exchange: Exchange) -> dict[str, Any]:
    body = exchange.json()
    assert isinstance(body, dict)
    return body


def test_waits_back_off_honour_429_and_give_up_on_a_server_whose_operations_never_end_once() -> None:
    """On a fake clock: the interval grows, a 429's Retry-After is waited, and after one operation outlived the
    timeout the next wait looks once and gives up without sleeping."""
    fake = _FakeTime()
    waits = Waits(10.0, clock=fake.clock, sleep=fake.sleep)
    answers = iter([_exchange(200, {"status": "PENDING"})] * 3 + [_exchange(429, {}, {"Retry-After": "3"})])
    ended = _exchange(200, {"status": "SUCCESS"})
    body, _ = waits.until_ended(lambda: next(answers, ended), _object)
    assert body["status"] == "SUCCESS"
    assert fake.slept[:3] == sorted(fake.slept[:3]) and fake.slept[0] < fake.slept[2]
    assert 3.0 in fake.slept
    fake.slept.clear()
    with pytest.raises(NotEnded) as first:
        waits.until_ended(lambda: _exchange(200, {"status": "RUNNING"}), _object)
    assert not first.value.already and 10.0 <= sum(fake.slept) <= 10.5
    assert waits.stuck is not None and "RUNNING" in waits.stuck
    fake.slept.clear()
    with pytest.raises(NotEnded) as second:
        waits.until_ended(lambda: _exchange(200, {"status": "PENDING"}), _object)
    assert second.value.already and fake.slept == []


def test_checks_that_read_the_pool_run_alone_and_closed_pool_checks_share_a_lane() -> None:
    """The schedule keeps the "nothing created" and list rows away from concurrent uploads."""
    order = schedule(list(REGISTRY))
    ids = {name: {c.requirement.id for c in getattr(order, name)} for name in ("together", "closed_lane", "alone")}
    assert {"tasks.skip_invalid.none_valid", "tasks.list.paged_walk", "operations.fail_counts"} <= ids["alone"]
    assert "tasks.list.paged_walk" not in ids["closed_lane"]  # it reads the target pool too: alone
    assert {"pools.closed_accepts", "pools.open_pool"} <= ids["closed_lane"]
    assert {"operations.ends", "links.async_chain", "tasks.single.async"} <= ids["together"]
    # The lone checks that use the closed pool come last, after the client's turn with it.
    assert [c.requirement.id for c in order.closed_alone] == ["tasks.list.paged_walk", "suites.list.paged_walk"]
    assert order.alone[-2:] == order.closed_alone
    lane = [c.requirement.id for c in order.closed_lane]
    assert order.turn_order(client=True) == [*lane, "client", "tasks.list.paged_walk", "suites.list.paged_walk"]


def test_the_lone_checks_start_when_the_client_takes_its_turn_and_its_pool_users_after_it() -> None:
    """`wait_entered("client")` returns once the client holds the closed pool (it creates nothing after); a lone
    check that uses that pool waits until the client is done with it; a client that never takes its turn
    releases it."""
    turns = Turns(["lane", "client", "walk"])
    events: list[str] = []
    entered, leave = threading.Event(), threading.Event()

    def client() -> None:
        with turns.turn("client"):
            entered.set()
            leave.wait(5)
            events.append("client done")

    with turns.turn("lane"):
        pass
    thread = threading.Thread(target=client)
    thread.start()
    turns.wait_entered("client")
    assert entered.is_set()

    def walk() -> None:
        with turns.turn("walk"):
            events.append("walk")

    walker = threading.Thread(target=walk)
    walker.start()
    walker.join(0.5)
    assert walker.is_alive()  # the walk waits for the client's turn to end
    leave.set()
    thread.join(5)
    walker.join(5)
    assert not walker.is_alive() and events == ["client done", "walk"]
    gave_up = Turns(["client", "walk"])
    gave_up.release("client")  # the client's pass ended without taking its turn
    gave_up.wait_entered("client")
    with gave_up.turn("walk"):
        pass


def test_the_open_pool_is_lent_to_the_client_inside_the_holders_turn() -> None:
    """`lend(holder)`: the guest after the holder (the client) takes its turn while the holder still holds the
    pool open, and the holder goes on once the guest is done; users after both still wait for both. A lend to no
    guest, or to a guest already done, returns at once."""
    turns = Turns(["lane", "open_pool", "client", "walk"])
    events: list[str] = []

    def client() -> None:
        with turns.turn("client"):
            events.append("client")

    def walk() -> None:
        with turns.turn("walk"):
            events.append("walk")

    with turns.turn("lane"):
        pass
    guest, walker = threading.Thread(target=client), threading.Thread(target=walk)
    guest.start()
    walker.start()
    with turns.turn("open_pool"):
        events.append("opened")
        turns.lend("open_pool")
        events.append("closed")
        walker.join(0.3)
        assert walker.is_alive()  # the walk waits for the holder too
    guest.join(5)
    walker.join(5)
    assert events == ["opened", "client", "closed", "walk"]
    assert turns.lender("client") == "open_pool" and turns.lender("walk") is None
    alone = Turns(["open_pool", "walk"])
    with alone.turn("open_pool"):
        alone.lend("open_pool")  # the walk is no guest: nothing to wait for
    done = Turns(["open_pool", "client"])
    done.release("client")
    with done.turn("open_pool"):
        done.lend("open_pool")
    assert done.lender("client") is None


WINDOW_ROWS = (
    "operations.idempotent",
    "operations.id_global",
    "operations.id_case_insensitive",
    "operations.fail_counts",
)


def test_lone_checks_that_wait_share_one_window_and_are_blamed_one_at_a_time_when_it_does_not_hold(
    team: RunningEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lone checks that wait for operations run in one window (operations held 1.5 s: about one hold, not
    four); against a server that answers a reused operation_id with the 409 yet creates the items, the pool gains
    an item nobody claimed: each check runs again alone and only operations.idempotent fails."""
    assert {check.requirement.id for check in schedule(list(REGISTRY)).window} == set(WINDOW_ROWS)
    argv = ["--emulator-config", str(team.config_path), "--only", ",".join(WINDOW_ROWS), "--operation-timeout", "10"]
    events: list[tuple[str, str]] = []
    with serving(held(create_app(team.config_path), 2.0, events=events)) as url:
        assert cli.main(["--base-url", url, *argv, "--report", str(tmp_path / "held")]) == 0
    assert verdicts(tmp_path / "held") == dict.fromkeys(WINDOW_ROWS, "pass")
    assert "did not hold" not in capsys.readouterr().out
    kinds = [kind for kind, _ in events]
    # Overlapping waits: every operation of the four checks was accepted before the first of them ended.
    assert kinds.count("accepted") >= len(WINDOW_ROWS) and "ended" in kinds, events
    assert kinds.index("ended") > max(i for i, kind in enumerate(kinds) if kind == "accepted"), events
    broken = BY_NAME["operation_id_reuse_refused_but_created"].wrap(create_app(team.config_path))
    with serving(broken) as url:
        assert cli.main(["--base-url", url, *argv, "--report", str(tmp_path / "broken")]) == 1
    assert verdicts(tmp_path / "broken") == {**dict.fromkeys(WINDOW_ROWS, "pass"), "operations.idempotent": "failure"}
    out = capsys.readouterr().out
    assert "created in /api/v1/tasks during the window, 3 claimed by its checks' operations" in out
    assert "each runs again alone" in out


SLOW_GATE = "operations.,links.,tasks.single.,timestamps.,isolation.operation,pools.closed_accepts,pools.open_pool"


def test_slow_operations_give_the_same_verdicts_and_never_ending_ones_fail_once(
    team: RunningEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rows that wait for operations pass against operations held PENDING 1 s; against operations that never
    end, they fail (the suite says so once) within about one --operation-timeout."""
    outcomes = {}
    for hold in (1.0, None):
        app = held(create_app(team.config_path), hold)
        with serving(app) as url:
            report = tmp_path / f"hold-{hold}"
            argv = ["--base-url", url, "--emulator-config", str(team.config_path), "--only", SLOW_GATE]
            cli.main([*argv, "--operation-timeout", "2", "--report", str(report)])
        outcomes[hold] = (verdicts(report), capsys.readouterr().out)
    slow, never = outcomes[1.0], outcomes[None]
    assert set(slow[0].values()) == {"pass"}, slow[0]
    failed = {row for row, verdict in never[0].items() if verdict == "failure"}
    assert {"operations.ends", "links.async_chain", "tasks.single.async"} <= failed
    assert never[1].count("operations did not end:") == 1
    written = (tmp_path / "hold-None" / "report.md").read_text(encoding="utf-8")
    assert "not waited for: an operation was still PENDING after 2.0 s earlier in this run" in written


def test_a_server_refusing_sync_requests_above_1000_fails_the_full_request_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The team's server with a sync limit of 1000 (below the documented 5000): `tasks.sync_full` fails, and
    `tasks.sync_limit` (5001 refused) still passes: each row has one reason to fail."""
    config = _config(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace("sync_max_items = 5000", "sync_max_items = 1000"))
    report = tmp_path / "report"
    with running_emulator(config_path=config) as emulator:
        argv = ["--base-url", emulator.base_url, "--emulator-config", str(config), "--report", str(report)]
        assert cli.main([*argv, "--only", "tasks.sync_full,tasks.sync_limit"]) == 1
    assert verdicts(report) == {"tasks.sync_full": "failure", "tasks.sync_limit": "pass"}
    capsys.readouterr()


def test_a_signal_raises_once_and_is_only_noted_while_the_report_is_written() -> None:
    """Real signals to this process: the first raises Interrupted (130 / 143); after `defer()` one is only noted."""
    with interruptible() as interruption, pytest.raises(Interrupted) as stop:
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs before the next bytecode, inside this block
    assert stop.value.exit_status == 143 and interruption.name == "SIGTERM"
    with interruptible() as interruption:
        interruption.defer()
        os.kill(os.getpid(), signal.SIGINT)
    assert interruption.name == "SIGINT"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
