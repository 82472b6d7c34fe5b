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
    retried = records(second_output)
    assert sorted(r["index"] for r in retried) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24]
    assert {r["index"]: r["line"] for r in retried}[21] == 22
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
    # 200 items a minute: two batches go at once, the rest wait for the pacer when the signal comes.
    first = subprocess.Popen([*argv, "--items-per-minute", "200"], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while (not output.exists() or output.read_bytes().count(b"\n") < 100) and time.monotonic() < deadline:
        time.sleep(0.05)  # real time: a real upload process, to be interrupted by a real signal
    first.send_signal(how)
    _, stderr = first.communicate(timeout=60)
    if how is signal.SIGINT:
        assert first.returncode == 130, stderr
        assert "checkpoint" not in stderr and "rerun the same command to finish" in stderr
    assert sum(stored(emulator, kind).values()) < 600

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
    first = subprocess.Popen([*argv, "--items-per-minute", "200"], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while (not output.exists() or output.read_bytes().count(b"\n") < 100) and time.monotonic() < deadline:
        time.sleep(0.05)  # real time: a real upload process, to be interrupted by a real signal
    first.send_signal(how)
    _, stderr = first.communicate(timeout=60)
    if how is signal.SIGINT:
        assert first.returncode == 130 and "--checkpoint" in stderr, stderr
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
    # Two batches in flight: the two POSTs lost are those of batches 0 and 1 (with one in flight, the client
    # would rightly keep resending batch 0 under its operation id instead of moving on).
    settings = Settings(
        batch_size=10, max_concurrency=2, items_per_minute=None, retry=RetryPolicy(max_attempts=10**6),
        poll=PollPolicy(initial=0.01, maximum=0.05),
    )  # fmt: skip
    upload = async_upload_tasks if kind == "tasks" else async_upload_task_suites
    base_url = f"http://127.0.0.1:{outage.port}"
    # Sync mode settles an unknown batch with a checkpoint; async mode needs none (derived operation ids).
    options: dict[str, Any] = {
        "pool_id": "1", "token": emulator.token(), "base_url": base_url, "settings": settings,
        "async_mode": async_mode, "checkpoint": None if async_mode else tmp_path / "ckpt", "read_input_spec": False,
    }  # fmt: skip
    outage.lose, outage.lost = 2, lost
    result = await upload(items, clock=clock, sleep=clock.sleep, give_up_after=300, **options)
    assert (result.created, result.unknown, result.failed) == (0, 20, 40)
    for i in range(20):
        reason = result[i].reason or ""
        assert result[i].status is ItemStatus.UNKNOWN and "rerun the same command" in reason, reason
    for i in range(20, 60):
        assert result[i].status is ItemStatus.FAILED and "not created" in (result[i].reason or "")
    assert sum(clock.slept) <= 300, "the deadline ends the retrying"
    accepted = items[:20] if lost == "answer" else []
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
    clock = FakeClock()
    unavailable = httpx.MockTransport(lambda request: httpx.Response(503, json={"code": "X", "message": "down"}))
    settings = Settings(items_per_minute=10, batch_size=5, retry=RetryPolicy(max_attempts=10**6, backoff_max=10))
    with caplog.at_level(logging.INFO, logger="toloka_upload"):
        result = await async_upload_tasks(
            make("tasks", 20), pool_id="1", token=FAKE_TOKEN, base_url="http://api.test", transport=unavailable,
            settings=settings, clock=clock, sleep=clock.sleep, give_up_after=120, read_input_spec=False,
        )  # fmt: skip
    assert (result.failed, result.created, result.unknown) == (20, 0, 0), "503: the server did nothing"
    assert clock.now - 1000 <= 120 and sum(clock.slept) <= 120
    assert any("retrying in" in record.message for record in caplog.records)
    assert any("deadline" in (result[i].reason or "") for i in range(20))


def test_7_retry_after_as_an_http_date_and_payload_interval_are_honoured() -> None:
    now = 1_800_000_000.0  # any moment: the wait is measured from the answer's own Date header
    date = email.utils.formatdate(now, usegmt=True)
    later = email.utils.formatdate(now + 30, usegmt=True)
    response = httpx.Response(429, headers={"Retry-After": later, "Date": date})
    assert retry_after(response, 1.0) == pytest.approx(30, abs=1)
    minute = httpx.Response(429, json={"code": "TOO_MANY_REQUESTS", "message": "m", "payload": {"interval": "MIN"}})
    assert retry_after(minute, 1.0) == 60.0
    assert retry_after(httpx.Response(429), 1.5) == 1.5
