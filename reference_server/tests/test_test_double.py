"""The emulator as a test double: the in-process transport for every client, a fast reset, recorded requests,
operation latency and injected faults on the app's clock, and the pytest fixtures."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from toloka_client.api.pools import get_pool
from toloka_contract.clock import FakeClock
from toloka_emulator.inprocess import InProcessEmulator
from toloka_emulator.testing import REQUESTER_HEADERS, ClientFactory, is_running, sample_task
from toloka_upload import upload_tasks

TASK = {"input_values": {"image": "https://example.com/1.png"}, "overlap": 1}


def test_every_client_reaches_an_in_process_emulator() -> None:
    with InProcessEmulator() as emulator:
        with emulator.client() as client:
            assert get_pool.sync("1", client=client).status == "OPEN"  # type: ignore[union-attr]

        async def read_async() -> Any:
            async with emulator.client() as client:
                return await get_pool.asyncio("1", client=client)

        assert asyncio.run(read_async()).status == "OPEN"
        result = upload_tasks([TASK, TASK], pool_id="1", **emulator.upload_options())
        assert result.created == 2
        with httpx.Client(transport=emulator.transport, base_url=emulator.base_url) as plain:
            listed = plain.get("/api/v1/tasks", params={"pool_id": "1"}, headers=emulator.headers()).json()
        assert len(listed["items"]) == 2


def test_reset_gives_a_clean_state_and_a_declared_config() -> None:
    with InProcessEmulator() as emulator:
        assert upload_tasks([TASK, TASK], pool_id="1", **emulator.upload_options()).created == 2
        emulator.reset()
        assert emulator.requests() == []
        with httpx.Client(transport=emulator.transport, base_url=emulator.base_url) as plain:
            assert plain.get("/api/v1/tasks", headers=emulator.headers()).json()["items"] == []
            assert plain.get("/api/v1/pools/2", headers=emulator.headers()).json()["status"] == "CLOSED"
        assert upload_tasks([TASK], pool_id="1", **emulator.upload_options()).created == 1
        project = {"id": "9", "owner": "requester", "input_spec": {"text": {"type": "string"}}}
        emulator.reset({"projects": [project], "pools": [{"id": "90", "owner": "requester", "project_id": "9"}]})
        assert list(emulator.config.pools) == ["90"]
        result = upload_tasks(
            [{"input_values": {"text": "hi"}, "overlap": 1}], pool_id="90", **emulator.upload_options()
        )
        assert result.created == 1
        emulator.reset()  # back to the first config
        assert list(emulator.config.pools) == ["1", "2", "3", "4"]


def test_a_reset_clears_the_state_in_place() -> None:
    """A reset empties the same app (no new app, process or transport: bench/fixtures.py measures its cost)."""
    with InProcessEmulator() as emulator:
        app, transport = emulator.app, emulator.transport
        assert upload_tasks([TASK] * 50, pool_id="1", **emulator.upload_options()).created == 50
        assert len(emulator.requests()) > 0
        emulator.reset()
        assert emulator.app is app and emulator.transport is transport
        assert emulator.requests() == []
        listed = httpx.Client(transport=transport, base_url=emulator.base_url, headers=REQUESTER_HEADERS).get(
            "/api/v1/tasks", params={"pool_id": "1"}
        )
        assert listed.status_code == 200 and listed.json()["items"] == []


def test_a_bad_config_in_a_reset_is_a_clear_error() -> None:
    with InProcessEmulator() as emulator, pytest.raises(ValueError, match="pools"):
        emulator.reset({"pools": [{"id": "1", "owner": "nobody"}]})


def test_requests_are_recorded_as_structured_records() -> None:
    with InProcessEmulator() as emulator:
        upload_tasks([TASK], pool_id="1", async_mode=False, **emulator.upload_options())
        uploads = emulator.uploads()
        assert len(uploads) == 1
        [upload] = uploads
        assert (upload.method, upload.path, upload.account, upload.status) == (
            "POST",
            "/api/v1/tasks",
            "requester",
            201,
        )
        assert upload.query["async_mode"] == "false"
        assert upload.items == [{**TASK, "pool_id": "1"}] or upload.items[0]["input_values"] == TASK["input_values"]
        assert upload.response["items"]["0"]["pool_id"] == "1"
        assert "emulator-requester-token" not in repr(emulator.requests())


async def test_operations_go_pending_running_then_end_on_the_apps_clock(make_client: ClientFactory) -> None:
    clock = SteppedClock()
    latency = {"worker": {"operation_delay_s": 2, "operation_items_per_second": 10}}
    client = await make_client(latency, clock=clock)
    accepted = await client.post(
        "/api/v1/tasks", json=[sample_task()] * 40, params={"async_mode": "true"}, headers=REQUESTER_HEADERS
    )
    path = f"/api/v1/operations/{accepted.json()['id']}"

    async def read() -> tuple[str, int]:
        await asyncio.sleep(0.05)  # let the worker look at the clock
        body = (await client.get(path, headers=REQUESTER_HEADERS)).json()
        return body["status"], body["progress"]

    assert await read() == ("PENDING", 0)
    clock.advance(1.9)
    assert await read() == ("PENDING", 0)
    clock.advance(0.1)
    assert await read() == ("RUNNING", 0)
    clock.advance(1.0)
    assert await read() == ("RUNNING", 25)  # 1 s of 40 items at 10 a second
    clock.advance(2.5)
    assert await read() == ("RUNNING", 87)
    clock.advance(0.5)
    assert await read() == ("SUCCESS", 100)


async def test_faults_are_deterministic_under_a_seed(make_client: ClientFactory) -> None:
    async def statuses(seed: int) -> list[int]:
        client = await make_client({"faults": {"seed": seed, "error_rate": 0.5}})
        return [(await client.get("/api/v1/pools/1", headers=REQUESTER_HEADERS)).status_code for _ in range(20)]

    first = await statuses(7)
    assert set(first) == {200, 500, 503} or (set(first) <= {200, 500, 503} and len(set(first)) >= 2)
    assert first == await statuses(7)
    assert first != await statuses(8)


def test_a_dropped_connection_after_the_commit_created_the_items() -> None:
    with InProcessEmulator({"faults": {"drop_after_commit_rate": 1.0}}) as emulator:
        with httpx.Client(transport=emulator.transport, base_url=emulator.base_url) as plain:
            with pytest.raises(httpx.RemoteProtocolError):
                plain.post("/api/v1/tasks", json=[sample_task()], headers=emulator.headers())
            listed = plain.get("/api/v1/tasks", params={"pool_id": "1"}, headers=emulator.headers()).json()
        assert len(listed["items"]) == 1


async def test_polling_meets_429_with_guidance(make_client: ClientFactory) -> None:
    client = await make_client({"faults": {"poll_429_rate": 1.0}})
    accepted = await client.post(
        "/api/v1/tasks", json=[sample_task()], params={"async_mode": "true"}, headers=REQUESTER_HEADERS
    )
    assert accepted.status_code == 202
    polled = await client.get(f"/api/v1/operations/{accepted.json()['id']}", headers=REQUESTER_HEADERS)
    assert polled.status_code == 429 and polled.headers["retry-after"] == "1"
    assert polled.json()["code"] == "TOO_MANY_REQUESTS"


async def test_pool_status_is_accepted_as_the_api_spells_it(make_client: ClientFactory) -> None:
    pools = [{"id": "5", "owner": "requester", "project_id": "101", "status": "CLOSED"}]
    client = await make_client({"pools": pools})
    assert (await client.get("/api/v1/pools/5", headers=REQUESTER_HEADERS)).json()["status"] == "CLOSED"


def test_the_token_is_an_attribute_and_still_callable() -> None:
    with InProcessEmulator() as emulator:
        assert emulator.token == "emulator-requester-token" == emulator.token()  # noqa: S105  (the default config's)
        assert emulator.token("other-requester") == "emulator-other-token"


PLUGIN_TESTS = """
import pytest
from toloka_client.api.pools import get_pool


def test_one(toloka_emulator, toloka_uploader):
    assert toloka_uploader.upload_tasks([{"input_values": {"image": "https://e.com/1.png"}, "overlap": 1}],
                                        pool_id="1").created == 1
    assert len(toloka_emulator.uploads()) == 1


def test_two_starts_clean(toloka_emulator, toloka_uploader, toloka_client):
    assert toloka_emulator.requests() == []
    assert get_pool.sync("1", client=toloka_client).status == "OPEN"
    assert toloka_uploader.upload_tasks([{"input_values": {"image": "https://e.com/1.png"}, "overlap": 1}],
                                        pool_id="1").created == 1


@pytest.mark.toloka_emulator(config={"pools": [{"id": "7", "owner": "requester", "project_id": "102"}]})
def test_declared_pools(toloka_emulator):
    assert list(toloka_emulator.config.pools) == ["7"]


def test_the_next_test_is_back_on_the_session_config(toloka_emulator, toloka_client):
    assert list(toloka_emulator.config.pools) == ["1", "2", "3", "4"]
    assert get_pool.sync("1", client=toloka_client).status == "OPEN"
"""


@pytest.mark.parametrize("mode", ["inprocess", "process"])
def test_the_pytest_plugin_gives_clean_fixtures(tmp_path: Path, mode: str) -> None:
    (tmp_path / "test_user.py").write_text(textwrap.dedent(PLUGIN_TESTS))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--toloka-emulator={mode}"]
    done = subprocess.run([*command, str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def test_the_plugin_is_inert_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text("def test_uses(toloka_emulator):\n    pass\n")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "fixture 'toloka_emulator' not found" in done.stdout


class SteppedClock(FakeClock):
    """A fake clock whose sleep waits until the test advances it (the worker then sees each step)."""

    def __init__(self) -> None:
        super().__init__()
        self._moved = asyncio.Event()

    def advance(self, seconds: float) -> None:
        super().advance(seconds)
        self._moved.set()

    async def sleep(self, seconds: float) -> None:
        target = self.now + seconds
        while self.now < target:
            self._moved.clear()
            await self._moved.wait()


ORPHANED_TEST = """
import os
import pathlib
import time


def test_waits(toloka_emulator):
    pathlib.Path(os.environ["EMULATOR_FACTS"]).write_text(f"{toloka_emulator.pid} {toloka_emulator.db_path.parent}")
    time.sleep(120)  # real time: the test process is killed while it waits
"""


def test_a_killed_pytest_leaves_no_emulator_and_no_temp_files(tmp_path: Path) -> None:
    (tmp_path / "test_orphan.py").write_text(ORPHANED_TEST)
    facts = tmp_path / "facts.txt"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--toloka-emulator=process"]
    env = {**os.environ, "EMULATOR_FACTS": str(facts)}
    runner = subprocess.Popen([*command, str(tmp_path)], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not facts.exists() and time.monotonic() < deadline and runner.poll() is None:
            time.sleep(0.05)  # real time: another process is starting
        pid_text, workdir = facts.read_text().split(" ", 1)
        assert is_running(int(pid_text)) and Path(workdir).is_dir()
    finally:
        runner.send_signal(signal.SIGKILL)
        runner.wait()
    assert runner.returncode == -signal.SIGKILL  # the interruption happened
    deadline = time.monotonic() + 20
    while (is_running(int(pid_text)) or Path(workdir).exists()) and time.monotonic() < deadline:
        time.sleep(0.05)  # real time: the orphaned server shuts down on its own
    assert not is_running(int(pid_text)), "the emulator outlived the pytest that started it"
    assert not Path(workdir).exists(), "the emulator's temporary directory outlived it"
