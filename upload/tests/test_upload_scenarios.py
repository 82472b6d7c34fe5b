"""The seven scenarios of issue 11, each against the real emulator over loopback (the fault proxy, real signals,
a fake clock where time matters), asserting by reading the pool back that every input line exists exactly once
or is reported invalid."""

import asyncio
import collections
import contextlib
import email.utils
import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
from toloka_client.api.task_suites import list_task_suites
from toloka_client.api.tasks import list_tasks
from toloka_client.client import AuthenticatedClient
from toloka_emulator.testing import RunningEmulator, running_emulator
from toloka_upload import (
    FakeClock,
    ItemStatus,
    PollPolicy,
    RetryPolicy,
    Settings,
    async_upload_task_suites,
    async_upload_tasks,
    cli,
    upload_task_suites,
    upload_tasks,
)
from toloka_upload.credentials import TOKEN_ENV
from toloka_upload.errors import EarlierRunsError
from toloka_upload.retrying import retry_after

FAKE_TOKEN = "fake-token"  # noqa: S105 (a fake)


async def read_message(reader: asyncio.StreamReader) -> bytes | None:
    """One HTTP/1.1 message (head and Content-Length body), or None at the end of the stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return head + await reader.readexactly(length)


UNLIMITED = {"limits": {"items_per_minute": 10**9, "items_per_day": 10**10}}
KINDS = {"tasks": list_tasks, "task-suites": list_task_suites}


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(config_overrides=UNLIMITED) as running:
        yield running


def image(item: dict[str, Any]) -> str:
    """The image URL identifying an item (a task, or a suite's first task)."""
    values = item["tasks"][0]["input_values"] if "tasks" in item else item["input_values"]
    return str(values["image"])


def make(kind: str, count: int, tag: str = "") -> list[dict[str, Any]]:
    """Valid items of `kind`, each with its own image."""
    urls = [f"https://example.com/{tag}{i}.png" for i in range(count)]
    if kind == "tasks":
        return [{"input_values": {"image": url}, "overlap": 1} for url in urls]
    return [{"tasks": [{"input_values": {"image": url}}], "overlap": 1} for url in urls]


def stored(emulator: RunningEmulator, kind: str = "tasks", pool_id: str = "1") -> collections.Counter[str]:
    """How many times each image is in the pool, read back through the list endpoint."""
    client = AuthenticatedClient(base_url=emulator.base_url, token=emulator.token(), prefix="OAuth")
    found: collections.Counter[str] = collections.Counter()
    last: str | None = None
    with client as http:
        while True:
            query = {"pool_id": pool_id, "limit": 100_000, **({"id_gt": last} if last else {})}
            response = http.get_httpx_client().request(**KINDS[kind].request_kwargs(**query))
            assert response.status_code == 200, response.text
            page = orjson.loads(response.content)
            found.update(image(item) for item in page["items"])
            if not page["has_more"]:
                return found
            last = page["items"][-1]["id"]


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in items))
    return path


def command(emulator: RunningEmulator, kind: str, source: Path, *args: str, base_url: str | None = None) -> list[str]:
    return [
        sys.executable, "-m", "toloka_upload.cli", kind, str(source), "--base-url", base_url or emulator.base_url,
        "--no-progress", *args,
    ]  # fmt: skip


def interrupted_paced(argv: list[str], env: dict[str, str], output: Path, how: signal.Signals) -> tuple[int, str]:
    """Run the command in a child process at 200 items a minute (two batches of 100 go at once, the rest wait for
    the pacer) and send it `how` once its --output holds 100 records; its exit status and stderr."""
    first = subprocess.Popen([*argv, "--items-per-minute", "200"], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while (not output.exists() or output.read_bytes().count(b"\n") < 100) and time.monotonic() < deadline:
        time.sleep(0.05)  # real time: a real upload process, to be interrupted by a real signal
    first.send_signal(how)
    _, stderr = first.communicate(timeout=60)
    return first.returncode, stderr


def run(emulator: RunningEmulator, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """The command in this process (its code path is the console script's; the signal tests use a child
    process): an interpreter start and the imports cost more than these small uploads."""
    assert argv[:3] == [sys.executable, "-m", "toloka_upload.cli"]
    stderr = io.StringIO()
    saved = os.environ.get(TOKEN_ENV)
    os.environ[TOKEN_ENV] = emulator.token()
    try:
        with contextlib.redirect_stderr(stderr):
            status = cli.main(argv[3:])
    finally:
        if saved is None:
            del os.environ[TOKEN_ENV]
        else:
            os.environ[TOKEN_ENV] = saved
    return subprocess.CompletedProcess(argv, status, "", stderr.getvalue())


def records(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


MODES = [pytest.param([], id="async"), pytest.param(["--sync"], id="sync")]


# 1. A checkpoint reused for another input or target is refused, saying what differs; nothing is claimed.
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["tasks", "task-suites"])
def test_1_a_checkpoint_for_another_input_or_target_is_refused(
    emulator: RunningEmulator, tmp_path: Path, mode: list[str], kind: str
) -> None:
    checkpoint = tmp_path / "upload.ckpt"
    source = write_jsonl(tmp_path / "a.jsonl", make(kind, 30))
    common = ["--pool-id", "1", "--checkpoint", str(checkpoint), "--batch-size", "10", *mode]
    assert run(emulator, command(emulator, kind, source, *common)).returncode == 0
    assert stored(emulator, kind) == collections.Counter(image(i) for i in make(kind, 30))

    other_file = write_jsonl(tmp_path / "b.jsonl", make(kind, 30, tag="other-"))
    edited = make(kind, 30)
    edited[14]["overlap"] = 2
    edited_file = write_jsonl(tmp_path / "c.jsonl", edited)
    other_pool = [*common[2:], "--pool-id", "2"]
    for argv, says in [
        (command(emulator, kind, other_file, *common), "line 1: item 0 was created by the earlier run"),
        (command(emulator, kind, edited_file, *common), "line 15: item 14 was created by the earlier run"),
        (command(emulator, kind, source, *other_pool), "the pool (--pool-id): '1' then, '2' now"),
    ]:
        output = tmp_path / "out.jsonl"
        done = run(emulator, [*argv, "--output", str(output)])
        assert done.returncode == 2, done.stderr
        assert says in done.stderr and "another --checkpoint file" in done.stderr
        assert "created 30" not in done.stderr
        assert not [r for r in records(output) if r["status"] == "created" and not r.get("earlier")]
    assert stored(emulator, kind) == collections.Counter(image(i) for i in make(kind, 30)), "nothing more was sent"
    assert stored(emulator, kind, pool_id="2") == collections.Counter()


# 2. Fix the bad row and rerun the same command: only what is not created yet is sent.
@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="async-no-checkpoint"),
        pytest.param(["--checkpoint", "CKPT"], id="async-checkpoint"),
        pytest.param(["--skip-invalid", "--checkpoint", "CKPT"], id="async-skip-invalid-checkpoint"),
        pytest.param(["--sync", "--checkpoint", "CKPT"], id="sync-checkpoint"),
        pytest.param(["--sync", "--skip-invalid", "--checkpoint", "CKPT"], id="sync-skip-invalid-checkpoint"),
    ],
)
@pytest.mark.parametrize("kind", ["tasks", "task-suites"])
def test_2_fix_and_rerun_sends_only_what_is_not_created(
    emulator: RunningEmulator, tmp_path: Path, args: list[str], kind: str
) -> None:
    args = [str(tmp_path / "ckpt") if arg == "CKPT" else arg for arg in args]
    items = make(kind, 30)
    bad = make(kind, 30)
    values = bad[17]["tasks"][0]["input_values"] if kind == "task-suites" else bad[17]["input_values"]
    values["image"] = "not a url"
    source = write_jsonl(tmp_path / "in.jsonl", bad)
    output = tmp_path / "out.jsonl"
    argv = command(emulator, kind, source, "--pool-id", "1", "--batch-size", "10", "--output", str(output), *args)
    first = run(emulator, argv)
    assert first.returncode in (1, 3), first.stderr
    assert "line 18 (item 17): invalid" in first.stderr
    created_first = {r["index"]: r["id"] for r in records(output) if r["status"] == "created"}
    assert len(created_first) == (29 if "--skip-invalid" in args else 20)

    write_jsonl(source, items)  # the row is fixed
    second = run(emulator, argv)
    assert second.returncode == 0, second.stderr
    assert stored(emulator, kind) == collections.Counter(image(i) for i in items), "every line exactly once"
    again = {r["index"]: r for r in records(output)}
    assert sorted(again) == list(range(30)) and all(r["status"] == "created" for r in again.values())
    assert {i: r["id"] for i, r in again.items() if r.get("earlier")} == created_first
    assert f"({len(created_first)} of them by an earlier run)" in second.stderr


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["tasks", "task-suites"])
def test_2_retry_from_an_output_file_sends_exactly_the_failed_and_invalid_lines(
    emulator: RunningEmulator, tmp_path: Path, mode: list[str], kind: str
) -> None:
    items = make(kind, 25)
    bad = make(kind, 25)
    for index, url in ((3, "not a url"), (21, "also not one")):
        (bad[index]["tasks"][0] if kind == "task-suites" else bad[index])["input_values"]["image"] = url
    source = write_jsonl(tmp_path / "in.jsonl", bad)
    first_output, second_output = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    common = ["--pool-id", "1", "--batch-size", "10", *mode]
    assert run(emulator, command(emulator, kind, source, *common, "--output", str(first_output))).returncode == 1
    write_jsonl(source, items)
    argv = command(emulator, kind, source, *common, "--retry-from", str(first_output), "--output", str(second_output))
    second = run(emulator, argv)
    assert second.returncode == 0, second.stderr
    retried = {r["index"]: r for r in records(second_output)}
    assert sorted(retried) == list(range(25)), "every input line has its record, sent or not"
    assert sorted(i for i, r in retried.items() if not r.get("earlier")) == [*range(10), *range(20, 25)]
    assert all(r["status"] == "created" for r in retried.values())
    assert retried[21]["line"] == 22
    assert stored(emulator, kind) == collections.Counter(image(i) for i in items)


# 3. Ctrl-C without a checkpoint: the message is true, and rerunning the same command loses and repeats nothing.
@pytest.mark.parametrize("kind", ["tasks", "task-suites"])
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_3_interrupted_async_upload_without_checkpoint_rerun_creates_each_line_once(
    emulator: RunningEmulator, tmp_path: Path, kind: str, how: signal.Signals
) -> None:
    items = make(kind, 600)
    source = write_jsonl(tmp_path / "in.jsonl", items)
    output = tmp_path / "out.jsonl"
    argv = command(emulator, kind, source, "--pool-id", "1", "--batch-size", "100", "--output", str(output))
    env = {**os.environ, "TOLOKA_TOKEN": emulator.token()}
    returncode, stderr = interrupted_paced(argv, env, output, how)
    if how is signal.SIGINT:
        assert returncode == 130, stderr
        assert "checkpoint" not in stderr and "rerun the same command to finish" in stderr
        assert "(of 600 items)" in stderr, "the summary counts every input line"
    else:
        assert returncode == -signal.SIGKILL, f"the upload should still have been running: {stderr}"
    assert sum(stored(emulator, kind).values()) < 600, "the interruption came before the end"

    second = run(emulator, [*argv, "--items-per-minute", "0"])
    assert second.returncode == 0, second.stderr
    assert stored(emulator, kind) == collections.Counter(image(i) for i in items)
    assert sorted(r["index"] for r in records(output)) == list(range(600))


@pytest.mark.parametrize("kind", ["tasks", "task-suites"])
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_3_interrupted_sync_upload_with_checkpoint_rerun_creates_each_line_once(
    emulator: RunningEmulator, tmp_path: Path, kind: str, how: signal.Signals
) -> None:
    items = make(kind, 600)
    source = write_jsonl(tmp_path / "in.jsonl", items)
    output = tmp_path / "out.jsonl"
    argv = command(
        emulator, kind, source, "--pool-id", "1", "--batch-size", "100", "--output", str(output), "--sync",
        "--checkpoint", str(tmp_path / "ckpt"),
    )  # fmt: skip
    env = {**os.environ, "TOLOKA_TOKEN": emulator.token()}
    returncode, stderr = interrupted_paced(argv, env, output, how)
    if how is signal.SIGINT:
        assert returncode == 130 and "--checkpoint" in stderr, stderr
    else:
        assert returncode == -signal.SIGKILL, f"the upload should still have been running: {stderr}"
    assert sum(stored(emulator, kind).values()) < 600, "the interruption came before the end"
    second = run(emulator, [*argv, "--items-per-minute", "0"])
    assert second.returncode == 0, second.stderr
    assert stored(emulator, kind) == collections.Counter(image(i) for i in items)
    assert sorted(r["index"] for r in records(output)) == list(range(600))


def test_3_sync_without_checkpoint_says_up_front_what_a_rerun_cannot_promise(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", make("tasks", 3))
    done = run(emulator, command(emulator, "tasks", source, "--pool-id", "1", "--sync"))
    assert done.returncode == 0
    assert "--sync without --checkpoint" in done.stderr and "may create the batches it had sent again" in done.stderr


def test_3_again_uploads_the_same_content_once_more_and_a_rerun_of_that_creates_nothing_twice(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    items = make("tasks", 20)
    source = write_jsonl(tmp_path / "in.jsonl", items)
    common = ["--pool-id", "1", "--batch-size", "5"]

    def pool_counts() -> set[int]:
        found = stored(emulator)
        assert set(found) == {image(item) for item in items}
        return set(found.values())

    assert run(emulator, command(emulator, "tasks", source, *common)).returncode == 0
    rerun = run(emulator, command(emulator, "tasks", source, *common))
    assert rerun.returncode == 0 and "(20 of them by an earlier run)" in rerun.stderr
    assert pool_counts() == {1}, "a rerun of the same content is recognised, not created again"

    again = run(emulator, command(emulator, "tasks", source, *common, "--again"))
    assert again.returncode == 0, again.stderr
    name = again.stderr.split("this upload is named ")[1].split(";")[0]
    assert f"rerun it with --again={name}" in again.stderr
    assert pool_counts() == {2}
    assert run(emulator, command(emulator, "tasks", source, *common, f"--again={name}")).returncode == 0
    assert pool_counts() == {2}, "the named again-upload rerun follows its own operations"

    checkpoint = ["--checkpoint", str(tmp_path / "again.ckpt")]
    assert run(emulator, command(emulator, "tasks", source, *common, *checkpoint, "--again")).returncode == 0
    resumed = run(emulator, command(emulator, "tasks", source, *common, *checkpoint, "--again"))
    assert resumed.returncode == 0 and "this upload is named" not in resumed.stderr, "the checkpoint keeps the name"
    assert pool_counts() == {3}


# 4. A long outage: honest outcomes, a deadline on a fake clock, and a rerun that settles what is unknown.
class OutageProxy:
    """Forwards to the emulator. During an outage, the first `lose` POSTs are lost: their answers (`lost="answer"`:
    the server got the request) or the requests themselves (`lost="request"`: it never did); on the last of them
    the proxy stops listening (connections refused), as a server gone down would."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.lose = 0
        self.lost = "answer"
        self.hide_projects = False
        """Answer 403 to GET /api/v1/projects/...: a token that may upload but not read the project."""
        self.port = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self.serve, "127.0.0.1", self.port, reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        assert self.server is not None
        self.server.close()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (request := await read_message(reader)) is not None:
                if self.hide_projects and request.startswith(b"GET /api/v1/projects/"):
                    writer.write(FORBIDDEN)
                    await writer.drain()
                    continue
                losing = request.startswith(b"POST") and self.lose > 0
                if losing:
                    self.lose -= 1
                    if self.lose == 0:
                        self.stop()  # the server "goes down": nothing after this request connects
                    if self.lost == "request":
                        return
                upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
                upstream_writer.write(request)
                response = await read_message(upstream_reader)
                upstream_writer.close()
                if losing:
                    return
                assert response is not None
                writer.write(response)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


FORBIDDEN_BODY = orjson.dumps({"code": "ACCESS_DENIED", "message": "hidden by the test proxy"})
FORBIDDEN = (
    b"HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: "
    + str(len(FORBIDDEN_BODY)).encode()
    + b"\r\n\r\n"
    + FORBIDDEN_BODY
)


@pytest.fixture
async def outage(emulator: RunningEmulator) -> AsyncIterator[OutageProxy]:
    proxy = OutageProxy(emulator.base_url)
    await proxy.start()
    yield proxy
    proxy.stop()


def eventually_stored(emulator: RunningEmulator, kind: str, count: int) -> collections.Counter[str]:
    """The pool once it holds `count` items (async operations the server accepted end on its own time)."""
    deadline = time.monotonic() + 20
    while sum((found := stored(emulator, kind)).values()) < count and time.monotonic() < deadline:
        time.sleep(0.05)  # real time: a real emulator process ends the operations on its own time
    return found


@pytest.mark.parametrize("lost", ["answer", "request"])
@pytest.mark.parametrize("kind", ["tasks", "task-suites"])
@pytest.mark.parametrize("async_mode", [True, False], ids=["async", "sync"])
async def test_4_long_outage_reports_unknown_not_failed_stops_at_the_deadline_and_a_rerun_settles_it(
    emulator: RunningEmulator, outage: OutageProxy, tmp_path: Path, async_mode: bool, kind: str, lost: str
) -> None:
    items = make(kind, 60)
    clock = FakeClock()
    # Two batches in flight. Sync: the two POSTs lost are those of batches 0 and 1. Async: one POST at a time
    # takes the next slot of the operation sequence, so both are batch 0's (sent, then resent under the same
    # id), and the batches after it are not sent while it may exist unanswered (a later slot would leave a gap).
    settings = Settings(
        batch_size=10, max_concurrency=2, items_per_minute=None, retry=RetryPolicy(max_attempts=10**6),
        poll=PollPolicy(initial=0.01, maximum=0.05),
    )  # fmt: skip
    upload = async_upload_tasks if kind == "tasks" else async_upload_task_suites
    base_url = f"http://127.0.0.1:{outage.port}"
    # Sync mode settles an unknown batch with a checkpoint; async mode needs none (a rerun reads the operations of
    # earlier runs back).
    options: dict[str, Any] = {
        "pool_id": "1", "token": emulator.token(), "base_url": base_url, "settings": settings,
        "async_mode": async_mode, "checkpoint": None if async_mode else tmp_path / "ckpt", "read_input_spec": False,
    }  # fmt: skip
    outage.lose, outage.lost = 2, lost
    result = await upload(items, clock=clock, sleep=clock.sleep, give_up_after=300, **options)
    lost_items = 10 if async_mode else 20
    assert (result.created, result.unknown, result.failed) == (0, lost_items, 60 - lost_items)
    for i in range(lost_items):
        reason = result[i].reason or ""
        assert result[i].status is ItemStatus.UNKNOWN and "rerun the same command" in reason, reason
    for i in range(lost_items, 60):
        assert result[i].status is ItemStatus.FAILED and "not created" in (result[i].reason or "")
    assert sum(clock.slept) <= 300, "the deadline ends the retrying"
    accepted = items[:lost_items] if lost == "answer" else []
    assert eventually_stored(emulator, kind, len(accepted)) == collections.Counter(image(i) for i in accepted)

    await outage.start()  # the server is back on the same address
    rerun = await upload(items, **options)
    assert (rerun.created, rerun.unknown, rerun.failed) == (60, 0, 0), next(rerun.problems(), None)
    assert rerun.earlier == len(accepted)
    assert all(rerun[i].earlier for i in range(len(accepted)))
    assert stored(emulator, kind) == collections.Counter(image(i) for i in items), "every line exactly once"
    if not async_mode:
        again = await upload(items, **options)
        assert (again.created, again.earlier) == (60, 60), "a third run has nothing left to send"
        assert stored(emulator, kind) == collections.Counter(image(i) for i in items)


async def test_4_sync_without_checkpoint_says_how_to_settle_an_unknown_batch(emulator: RunningEmulator) -> None:
    proxy = OutageProxy(emulator.base_url)
    base_url = await proxy.start()
    proxy.lose = 1
    clock = FakeClock()
    result = await async_upload_tasks(
        make("tasks", 5), pool_id="1", token=emulator.token(), base_url=base_url, async_mode=False,
        read_input_spec=False, clock=clock, sleep=clock.sleep, give_up_after=60,
        settings=Settings(items_per_minute=None),
    )  # fmt: skip
    proxy.stop()
    assert result.unknown == 5
    reason = result[0].reason or ""
    assert "look for the item in the pool" in reason and "--checkpoint" in reason, reason
    assert stored(emulator) == collections.Counter(image(i) for i in make("tasks", 5)), "the server got it"


@pytest.mark.parametrize("kind", ["tasks", "task-suites"])
async def test_4_sync_items_naming_their_own_pools_are_settled_pool_by_pool(
    emulator: RunningEmulator, outage: OutageProxy, tmp_path: Path, kind: str
) -> None:
    # No pool_id=: each item names its pool (1 and the closed 2, alternating), so the run records no floor and
    # the rerun reads back every pool the lost batches' marks name.
    items = [{**item, "pool_id": "1" if i % 2 == 0 else "2"} for i, item in enumerate(make(kind, 40))]
    clock = FakeClock()
    settings = Settings(
        batch_size=10, max_concurrency=2, items_per_minute=None, retry=RetryPolicy(max_attempts=10**6)
    )  # fmt: skip
    upload = async_upload_tasks if kind == "tasks" else async_upload_task_suites
    options: dict[str, Any] = {
        "token": emulator.token(), "base_url": f"http://127.0.0.1:{outage.port}", "settings": settings,
        "async_mode": False, "checkpoint": tmp_path / "ckpt", "read_input_spec": False,
    }  # fmt: skip
    outage.lose, outage.lost = 2, "answer"
    result = await upload(items, clock=clock, sleep=clock.sleep, give_up_after=300, **options)
    assert (result.created, result.unknown, result.failed) == (0, 20, 20)

    await outage.start()
    rerun = await upload(items, **options)
    assert (rerun.created, rerun.unknown, rerun.failed, rerun.earlier) == (40, 0, 0, 20), next(rerun.problems(), None)
    for pool in ("1", "2"):
        expected = collections.Counter(image(item) for item in items if item["pool_id"] == pool)
        assert stored(emulator, kind, pool) == expected, f"pool {pool}: every line exactly once"


# 5. One bad cell holds back only its item, dicts and models alike; a missing pool id or overlap is one message.
@pytest.mark.parametrize("async_mode", [True, False], ids=["async", "sync"])
@pytest.mark.parametrize("kind", ["tasks", "task-suites"])
def test_5_a_bad_cell_holds_back_only_its_item_for_dicts_and_models(
    emulator: RunningEmulator, async_mode: bool, kind: str
) -> None:
    from toloka_client.models.task_create import TaskCreate
    from toloka_client.models.task_suite_create import TaskSuiteCreate

    model = TaskCreate if kind == "tasks" else TaskSuiteCreate
    items: list[Any] = make(kind, 20)
    items[5] = {**items[5], "pool_id": ""}
    items[6] = model.from_dict({**items[6], "pool_id": ""})
    items[7] = model.from_dict({**items[7], "pool_id": "1"})
    upload = upload_tasks if kind == "tasks" else upload_task_suites
    result = upload(
        items, pool_id="1", token=emulator.token(), base_url=emulator.base_url, async_mode=async_mode,
        skip_invalid_items=True, settings=Settings(items_per_minute=None),
    )  # fmt: skip
    assert (result.created, result.invalid, result.failed) == (18, 2, 0)
    for index in (5, 6):
        errors = result[index].errors
        assert errors is not None and errors["pool_id"]["code"] == "VALUE_REQUIRED"
    expected = collections.Counter(f"https://example.com/{i}.png" for i in range(20) if i not in (5, 6))
    assert stored(emulator, kind) == expected


def test_5_a_web_ui_tsv_without_pool_id_or_overlap_is_one_message_before_anything_is_sent(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    source = tmp_path / "web-ui.tsv"
    source.write_text("INPUT:image\n" + "".join(f"https://example.com/{i}.png\n" for i in range(50)))
    no_pool = run(emulator, command(emulator, "tasks", source))
    assert no_pool.returncode == 2 and no_pool.stderr.count("toloka-upload:") == 1, no_pool.stderr
    assert "--pool-id" in no_pool.stderr and "nothing was sent" in no_pool.stderr
    no_overlap = run(emulator, command(emulator, "tasks", source, "--pool-id", "1"))
    assert no_overlap.returncode == 2 and no_overlap.stderr.count("toloka-upload:") == 1, no_overlap.stderr
    assert "--allow-defaults" in no_overlap.stderr
    assert stored(emulator) == collections.Counter()
    done = run(emulator, command(emulator, "tasks", source, "--pool-id", "1", "--allow-defaults"))
    assert done.returncode == 0, done.stderr
    assert stored(emulator) == collections.Counter(f"https://example.com/{i}.png" for i in range(50))


# 6. CSV/TSV cells are typed by the project's input spec when it can be read.
def test_6_table_cells_are_typed_by_the_projects_input_spec(emulator: RunningEmulator, tmp_path: Path) -> None:
    source = tmp_path / "in.tsv"
    source.write_text(
        "INPUT:image\tINPUT:priority\tINPUT:caption\toverlap\n"
        "https://example.com/a.png\t5\t7\t1\n"
        "https://example.com/b.png\tmany\tx\t1\n"
    )
    output = tmp_path / "out.jsonl"
    done = run(
        emulator, command(emulator, "tasks", source, "--pool-id", "1", "--skip-invalid", "--output", str(output))
    )
    assert done.returncode == 3, done.stderr
    lines = records(output)
    assert lines[0]["status"] == "created"
    assert lines[1]["status"] == "invalid" and lines[1]["errors"]["input_values.priority"]["code"] == "INTEGER_EXPECTED"
    assert "--json-cells" not in done.stderr
    assert stored(emulator) == collections.Counter(["https://example.com/a.png"])


async def test_6_without_the_input_spec_cells_are_text_and_the_hint_points_to_json_cells(
    emulator: RunningEmulator, outage: OutageProxy, tmp_path: Path
) -> None:
    outage.hide_projects = True
    source = tmp_path / "in.tsv"
    source.write_text(
        "INPUT:image\tINPUT:priority\toverlap\nhttps://example.com/a.png\t5\t1\nhttps://example.com/b.png\t\t1\n"
    )
    base_url = f"http://127.0.0.1:{outage.port}"

    async def upload(*extra: str) -> tuple[int, str]:
        argv = command(emulator, "tasks", source, "--pool-id", "1", "--skip-invalid", *extra, base_url=base_url)
        process = await asyncio.create_subprocess_exec(
            *argv, env={**os.environ, "TOLOKA_TOKEN": emulator.token()}, stderr=asyncio.subprocess.PIPE
        )
        _, stderr = await process.communicate()
        assert process.returncode is not None
        return process.returncode, stderr.decode()

    status, stderr = await upload()
    assert status == 3, stderr
    assert "line 2 (item 0): invalid" in stderr and "INTEGER_EXPECTED" in stderr
    assert "hint: 1 item(s) were refused with INTEGER_EXPECTED" in stderr and "--json-cells" in stderr
    assert stored(emulator) == collections.Counter(["https://example.com/b.png"])
    source.write_text("INPUT:image\tINPUT:priority\toverlap\nhttps://example.com/a.png\t5\t1\n")
    status, stderr = await upload("--json-cells")
    assert status == 0, stderr
    assert stored(emulator) == collections.Counter(["https://example.com/a.png", "https://example.com/b.png"])


# 7. Library traps: strict options, the injected clock everywhere, logged retries, Retry-After dates.
def test_7_a_misspelt_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="skip_invalid"):
        upload_tasks([], pool_id="1", token=FAKE_TOKEN, skip_invalid=True)  # type: ignore[call-arg]


async def test_7_the_deadline_ends_retrying_on_the_fake_clock_and_every_retry_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock(start=1000.0)
    unavailable = httpx.MockTransport(lambda request: httpx.Response(503, json={"code": "X", "message": "down"}))
    settings = Settings(items_per_minute=10, batch_size=5, retry=RetryPolicy(max_attempts=10**6, backoff_max=10))
    with caplog.at_level(logging.INFO, logger="toloka_upload"):
        result = await async_upload_tasks(
            make("tasks", 20), pool_id="1", token=FAKE_TOKEN, base_url="http://api.test", transport=unavailable,
            settings=settings, clock=clock, sleep=clock.sleep, give_up_after=120, read_input_spec=False,
            async_mode=False,
        )  # fmt: skip
    assert (result.failed, result.created, result.unknown) == (20, 0, 0), "503: the server did nothing"
    assert clock.now - 1000 <= 120 and sum(clock.slept) <= 120
    assert any("retrying in" in record.message for record in caplog.records)
    assert any("deadline" in (result[i].reason or "") for i in range(20))
    # Async mode first reads what earlier runs created: with the server down past the deadline it refuses,
    # having sent nothing.
    clock = FakeClock(start=1000.0)
    with pytest.raises(EarlierRunsError, match=r"could not read what earlier runs of this upload created.*Nothing was"):
        await async_upload_tasks(
            make("tasks", 20), pool_id="1", token=FAKE_TOKEN, base_url="http://api.test", transport=unavailable,
            settings=settings, clock=clock, sleep=clock.sleep, give_up_after=120, read_input_spec=False,
        )  # fmt: skip
    assert clock.now - 1000 <= 120


def test_7_retry_after_as_an_http_date_and_payload_interval_are_honoured() -> None:
    now = 1_800_000_000.0  # any moment: the wait is measured from the answer's own Date header
    date = email.utils.formatdate(now, usegmt=True)
    later = email.utils.formatdate(now + 30, usegmt=True)
    response = httpx.Response(429, headers={"Retry-After": later, "Date": date})
    assert retry_after(response, 1.0) == pytest.approx(30, abs=1)
    minute = httpx.Response(429, json={"code": "TOO_MANY_REQUESTS", "message": "m", "payload": {"interval": "MIN"}})
    assert retry_after(minute, 1.0) == 60.0
    assert retry_after(httpx.Response(429), 1.5) == 1.5


# Issue 17: one emulator for these tests, each on a pool of its own (a fresh emulator per test costs a second).
SHARED_POOL_IDS = [str(1000 + n) for n in range(60)]
SHARED_POOLS = [
    {
        "id": pool_id, "owner": "requester", "project_id": "101", "status": "open",
        "default_overlap_for_new_tasks": 1, "default_overlap_for_new_task_suites": 1,
        "example_input_values": {"image": "https://example.com/1.png"},
    }
    for pool_id in SHARED_POOL_IDS
]  # fmt: skip
unused_pools = iter(SHARED_POOL_IDS)


@pytest.fixture(scope="module")
def shared() -> Iterator[RunningEmulator]:
    with running_emulator(config_overrides={**UNLIMITED, "pools": SHARED_POOLS}) as running:
        yield running


@pytest.fixture
def pool() -> str:
    """A pool no other test writes to."""
    return next(unused_pools)


# Issue 17: every README workflow is exact without a checkpoint in async mode, per item; --retry-from checks the
# input against the output file; an interrupted run reports every input line. Each test reads the pool back.
def write_tsv(path: Path, items: list[dict[str, Any]]) -> Path:
    """Tasks as a web-UI TSV (INPUT:image, overlap)."""
    rows = ["INPUT:image\toverlap", *(f"{item['input_values']['image']}\t{item['overlap']}" for item in items)]
    path.write_text("\n".join(rows) + "\n")
    return path


def spoil(kind: str, item: dict[str, Any], url: str = "not a url") -> dict[str, Any]:
    """A copy of the item with an image the server refuses."""
    values = {"image": url}
    if kind == "tasks":
        return {**item, "input_values": values}
    return {**item, "tasks": [{"input_values": values}]}


WORKFLOWS = ["fix", "fix-skip-invalid", "delete", "reorder", "append"]
# Every workflow for tasks in JSON Lines; TSV and suites each through the workflows that differ for them (a
# table's cells, a suite's nested tasks), to keep the tests' time down.
CASES = [
    *(pytest.param("tasks", "jsonl", workflow, id=f"tasks-jsonl-{workflow}") for workflow in WORKFLOWS),
    *(pytest.param("tasks", "tsv", workflow, id=f"tasks-tsv-{workflow}") for workflow in ("fix", "delete", "append")),
    *(
        pytest.param("task-suites", "jsonl", workflow, id=f"suites-jsonl-{workflow}")
        for workflow in ("fix-skip-invalid", "reorder", "append")
    ),
]


def workflow_inputs(kind: str, workflow: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The first run's input and the edited input of the rerun."""
    items = make(kind, 30)
    if workflow.startswith("fix"):
        return [*items[:17], spoil(kind, items[17]), *items[18:]], items
    if workflow == "delete":
        return [*items[:17], spoil(kind, items[17]), *items[18:]], [*items[:17], *items[18:]]
    if workflow == "reorder":
        return items, [*items[20:], *reversed(items[:20])]
    # Appended: ten new lines, and a second copy of line 5 (identical lines are meant twice).
    return items, [*items, *make(kind, 10, tag="new-"), items[5]]


@pytest.mark.parametrize(("kind", "fmt", "workflow"), CASES)
def test_17_async_rerun_after_each_readme_workflow_holds_each_line_once_without_a_checkpoint(
    shared: RunningEmulator, pool: str, tmp_path: Path, kind: str, fmt: str, workflow: str
) -> None:
    first_input, second_input = workflow_inputs(kind, workflow)
    write = write_tsv if fmt == "tsv" else write_jsonl
    source = write(tmp_path / f"in.{fmt}", first_input)
    output = tmp_path / "out.jsonl"
    flags = ["--skip-invalid"] if workflow == "fix-skip-invalid" else []
    argv = command(shared, kind, source, "--pool-id", pool, "--batch-size", "10", "--output", str(output), *flags)
    first = run(shared, argv)
    before = stored(shared, kind, pool)
    good_first = collections.Counter(image(i) for i in first_input if "not a url" not in image(i))
    if workflow in ("fix", "delete"):  # without --skip-invalid the bad line holds its batch (lines 11..20) back
        good_first = collections.Counter(image(i) for i in first_input[:10] + first_input[20:])
    assert before == good_first, first.stderr

    write(source, second_input)
    second = run(shared, argv)
    assert second.returncode == 0, second.stderr
    after = stored(shared, kind, pool)
    assert after == collections.Counter(image(i) for i in second_input), "each input line exactly once"
    results = records(output)
    assert sorted(r["index"] for r in results) == list(range(len(second_input)))
    assert all(r["status"] == "created" for r in results)
    sent_again = [r for r in results if not r.get("earlier")]
    # Per item: the rerun sends only what the pool does not hold yet, and reports the rest with their ids.
    assert len(sent_again) == sum(after.values()) - sum(before.values())
    earlier_ids = {r["id"] for r in results if r.get("earlier")}
    assert len(earlier_ids) == sum(before.values())
    print(f"\n{kind}/{fmt}/{workflow}: pool before {sum(before.values())}, after {sum(after.values())}")


@pytest.mark.parametrize("kind", ["tasks", "task-suites"])
def test_17_adding_skip_invalid_to_the_rerun_still_meets_what_the_first_run_created(
    shared: RunningEmulator, pool: str, tmp_path: Path, kind: str
) -> None:
    items = make(kind, 30)
    source = write_jsonl(tmp_path / "in.jsonl", [*items[:5], spoil(kind, items[5]), *items[6:]])
    argv = command(shared, kind, source, "--pool-id", pool, "--batch-size", "10")
    assert run(shared, argv).returncode == 1
    assert sum(stored(shared, kind, pool).values()) == 20
    second = run(shared, [*argv, "--skip-invalid"])
    assert second.returncode == 3, second.stderr
    expected = collections.Counter(image(i) for i in items[:5] + items[6:])
    assert stored(shared, kind, pool) == expected, "the flag is not part of what a rerun meets earlier runs by"


@pytest.mark.parametrize("workflow", ["delete", "reorder"])
def test_17_sync_with_a_checkpoint_refuses_an_input_whose_lines_moved(
    shared: RunningEmulator, pool: str, tmp_path: Path, workflow: str
) -> None:
    first_input, second_input = workflow_inputs("tasks", workflow)
    source = write_jsonl(tmp_path / "in.jsonl", first_input)
    argv = command(
        shared, "tasks", source, "--pool-id", pool, "--batch-size", "10", "--sync", "--skip-invalid",
        "--checkpoint", str(tmp_path / "ckpt"),
    )  # fmt: skip
    run(shared, argv)
    before = stored(shared, "tasks", pool)
    write_jsonl(source, second_input)
    second = run(shared, argv)
    assert second.returncode == 2 and "another --checkpoint file" in second.stderr, second.stderr
    assert stored(shared, "tasks", pool) == before, "nothing was sent"


def test_17_a_second_identical_upload_reads_as_met_not_created_and_a_missing_pool_is_refused_once(
    shared: RunningEmulator, pool: str, tmp_path: Path
) -> None:
    items = make("tasks", 3)
    options: dict[str, Any] = {"token": shared.token(), "base_url": shared.base_url}
    assert repr(upload_tasks(items, pool_id=pool, **options)).startswith("UploadResult(total=3, new=3, earlier=0,")
    again = upload_tasks(items, pool_id=pool, **options)
    assert repr(again).startswith("UploadResult(total=3, new=0, earlier=3,"), "nothing was created the second time"
    assert stored(shared, "tasks", pool) == collections.Counter(image(i) for i in items)

    with pytest.raises(ValueError, match=r"^pool 404 does not exist .*nothing was sent$"):
        upload_tasks(items, pool_id="404", **options)
    source = write_jsonl(tmp_path / "in.jsonl", make("tasks", 30))
    done = run(shared, command(shared, "tasks", source, "--pool-id", "404"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["toloka-upload: pool 404 does not exist (or this token cannot see it): "
                                                "nothing was sent"]  # fmt: skip


@contextlib.contextmanager
def not_toloka() -> Iterator[str]:
    """A web server that is not Toloka (another app on the port, a proxy): 404 with an empty body to everything."""
    import http.server
    import threading

    class NotFound(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_17_a_404_that_is_not_toloka_s_names_the_base_url_not_a_missing_pool(
    shared: RunningEmulator, pool: str, tmp_path: Path
) -> None:
    # Only Toloka's own 404 (an error body with a code, as the emulator's) says the pool does not exist; a bare 404
    # from whatever else listens at --base-url said "pool 1 does not exist" and sent the user looking for the pool.
    source = write_jsonl(tmp_path / "in.jsonl", make("tasks", 3))
    with not_toloka() as base_url:
        done = run(shared, command(shared, "tasks", source, "--pool-id", pool, base_url=base_url))
        url = re.escape(base_url)
        expected = rf"^GET {url}/api/v1/pools/{pool} answered 404 without a Toloka error body: {url} does not look"
        with pytest.raises(ValueError, match=expected + r" like the Toloka API, .*check --base-url"):
            upload_tasks(make("tasks", 3), pool_id=pool, token=shared.token(), base_url=base_url)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"toloka-upload: GET {base_url}/api/v1/pools/{pool} answered 404 without a Toloka error body: {base_url} does "
        f"not look like the Toloka API, so pool {pool} could not be read; nothing was sent: check --base-url "
        "(base_url=)"
    ]
    assert stored(shared, "tasks", pool) == collections.Counter(), "nothing reached the emulator"
    missing = run(shared, command(shared, "tasks", source, "--pool-id", "404"))
    assert missing.returncode == 2 and "pool 404 does not exist" in missing.stderr, "Toloka's 404 still says so"


def test_17_a_batch_the_pace_would_hold_past_the_deadline_says_so_not_that_the_deadline_passed(
    shared: RunningEmulator, pool: str, tmp_path: Path
) -> None:
    # At 100 items a minute the second batch waits a minute, past a 30 s deadline: it is failed at once (no wait),
    # and the line said "the deadline passed" a second into a 30 s deadline.
    items = make("tasks", 300)
    source = write_tsv(tmp_path / "in.tsv", items)
    output = tmp_path / "out.jsonl"
    argv = command(shared, "tasks", source, "--pool-id", pool, "--batch-size", "100", "--output", str(output))
    started = time.monotonic()
    first = run(shared, [*argv, "--items-per-minute", "100", "--give-up-after", "30"])
    assert time.monotonic() - started < 20, "the wait past the deadline is not waited"
    assert first.returncode == 1, first.stderr
    assert "failed: not created: the deadline (--give-up-after) would pass before the rate limit lets it be sent" in (
        first.stderr
    )
    assert "passed before it was sent" not in first.stderr
    assert sum(stored(shared, "tasks", pool).values()) == 100
    second = run(shared, [*argv[:-1], str(tmp_path / "out2.jsonl"), "--retry-from", str(output)])
    assert second.returncode == 0, second.stderr
    assert stored(shared, "tasks", pool) == collections.Counter(image(i) for i in items)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_17_sigint_at_a_random_point_then_rerun_holds_each_line_once_and_every_line_was_reported(
    shared: RunningEmulator, pool: str, tmp_path: Path, seed: int
) -> None:
    import random

    kind = "tasks" if seed != 2 else "task-suites"
    items = make(kind, 400)
    source = write_jsonl(tmp_path / "in.jsonl", items)
    output = tmp_path / "out.jsonl"
    argv = command(
        shared, kind, source, "--pool-id", pool, "--batch-size", "5", "--concurrency", "2", "--output", str(output),
        "--items-per-minute", "0",
    )  # fmt: skip
    env = {**os.environ, "TOLOKA_TOKEN": shared.token()}
    first = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    # Somewhere between the start of sending and its middle (80 batches, two in flight, each polled).
    started = time.monotonic()
    while not output.exists() and time.monotonic() - started < 30:
        time.sleep(0.01)  # real time: a real upload process, to be interrupted by a real signal
    time.sleep(random.Random(seed).uniform(0.0, 1.0))  # real time: a random point of that real process's run
    first.send_signal(signal.SIGINT)
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 130, f"the signal should have interrupted the upload: {stderr}"
    assert "interrupted" in stderr
    before = stored(shared, kind, pool)
    assert sum(before.values()) < 400 and set(before.values()) <= {1}
    assert "(of 400 items)" in stderr, "the summary counts the input's lines"
    reported = records(output)
    assert sorted(r["index"] for r in reported) == list(range(400)), "every input line has its record"
    assert {r["reason"] for r in reported if r["status"] == "failed"} <= {
        "not created: not sent: the upload was stopped before this batch was sent"
    }, "one wording, whether the batch was reached before or after the stop"
    unsent = [line for line in stderr.splitlines() if "not sent" in line]
    if any(r["status"] == "failed" for r in reported):
        assert len(unsent) == 1 and " items between lines " in unsent[0], (
            "the batches never sent: one line, not one each"
        )

    # Rerun in larger batches (what a rerun meets earlier runs by does not depend on the batch size).
    second = run(shared, [*argv, "--batch-size", "100", "--concurrency", "4"])
    assert second.returncode == 0, second.stderr
    after = stored(shared, kind, pool)
    assert after == collections.Counter(image(i) for i in items)
    assert f"({sum(before.values())} of them by an earlier run)" in second.stderr
    print(f"\nSIGINT seed {seed} ({kind}): pool before {sum(before.values())}, after {sum(after.values())}")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("change", ["delete", "shift", "reached"])
def test_17_retry_from_matches_lines_by_content_after_deletions_and_shifts(
    shared: RunningEmulator, pool: str, tmp_path: Path, mode: list[str], change: str
) -> None:
    items = make("tasks", 25)
    first_input = [*items[:3], spoil("tasks", items[3]), *items[4:21], spoil("tasks", items[21]), *items[22:]]
    if change == "reached":  # the earlier run saw only the first 15 lines
        first_input = first_input[:15]
    source = write_jsonl(tmp_path / "in.jsonl", first_input)
    first_output, second_output = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    common = ["--pool-id", pool, "--batch-size", "10", "--skip-invalid", *mode]
    assert run(shared, command(shared, "tasks", source, *common, "--output", str(first_output))).returncode == 3
    before = stored(shared, "tasks", pool)
    assert sum(before.values()) == len(first_input) - (1 if change == "reached" else 2)
    if change == "delete":  # the bad lines deleted instead of fixed: nothing is left to send
        second_input = [*items[:3], *items[4:21], *items[22:]]
    elif change == "shift":  # fixed, and a new line inserted on top: every line below moves down one
        second_input = [*make("tasks", 1, tag="top-"), *items]
    else:  # fixed, and the ten lines the earlier run never reached are sent too
        second_input = items
    write_jsonl(source, second_input)
    argv = command(shared, "tasks", source, *common, "--retry-from", str(first_output), "--output", str(second_output))
    second = run(shared, argv)
    assert second.returncode == 0, second.stderr
    after = stored(shared, "tasks", pool)
    assert after == collections.Counter(image(i) for i in second_input), "each input line exactly once"
    assert sorted(r["index"] for r in records(second_output)) == list(range(len(second_input)))
    print(f"\nretry-from {change} {mode}: pool before {sum(before.values())}, after {sum(after.values())}")


def test_17_retry_from_refuses_before_sending_what_it_cannot_resolve(
    shared: RunningEmulator, pool: str, tmp_path: Path
) -> None:
    items = make("tasks", 12)
    source = write_jsonl(tmp_path / "in.jsonl", [*items[:11], spoil("tasks", items[11])])
    output = tmp_path / "out.jsonl"
    common = ["--pool-id", pool, "--batch-size", "5", "--sync", "--skip-invalid"]
    assert run(shared, command(shared, "tasks", source, *common, "--output", str(output))).returncode == 3
    before = stored(shared, "tasks", pool)

    # A created line edited in place: sending it would make a second task of line 3.
    write_jsonl(source, [*items[:2], spoil("tasks", items[2], "https://example.com/edited.png"), *items[3:]])
    done = run(shared, command(shared, "tasks", source, *common, "--retry-from", str(output)))
    assert done.returncode == 2 and "line 3: " in done.stderr and "Nothing was sent" in done.stderr, done.stderr
    # An output file of an older version, without digests.
    old = tmp_path / "old.jsonl"
    without = [{k: v for k, v in r.items() if k != "digest"} for r in records(output)]
    old.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in without))
    write_jsonl(source, items)
    done = run(shared, command(shared, "tasks", source, *common, "--retry-from", str(old)))
    assert done.returncode == 2 and "no digest" in done.stderr, done.stderr
    assert stored(shared, "tasks", pool) == before, "nothing was sent"

    # A line still invalid is named as --output names it: line 12, item 11.
    write_jsonl(source, [*items[:11], spoil("tasks", items[11])])
    done = run(shared, command(shared, "tasks", source, *common, "--retry-from", str(output)))
    assert done.returncode == 3 and "line 12 (item 11): invalid" in done.stderr, done.stderr
