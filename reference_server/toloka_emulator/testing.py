"""Helpers for tests and benchmarks: a real emulator in a uvicorn subprocess on a free loopback port."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from toloka_contract.operations import OperationTimeoutError, async_wait_for_operation

from toloka_emulator.access import EmulatorAccess
from toloka_emulator.config import EmulatorConfig, load_config
from toloka_emulator.config_writer import write_config
from toloka_emulator.recording import RecordedRequest

if TYPE_CHECKING:
    import httpx

STARTUP_TIMEOUT = 30.0
JSON = "application/json"
# The type of the tests' `make_client` fixture: config overrides in, an in-process httpx client out.
ClientFactory = Callable[..., Awaitable["httpx.AsyncClient"]]
# Headers and sample objects for the packaged default config.
REQUESTER_HEADERS = {"Authorization": "OAuth emulator-requester-token"}
OTHER_HEADERS = {"Authorization": "OAuth emulator-other-token"}
SAMPLE_IMAGE = "https://example.com/1.png"


def sample_task(pool_id: str = "1", **fields: Any) -> dict[str, Any]:
    """A valid task create object for the default config's pool 1 (keyword fields override)."""
    return {"pool_id": pool_id, "input_values": {"image": SAMPLE_IMAGE}, "overlap": 1, **fields}


def sample_suite(pool_id: str = "1", **fields: Any) -> dict[str, Any]:
    """A valid task-suite create object for the default config's pool 1 (keyword fields override)."""
    return {"pool_id": pool_id, "tasks": [{"input_values": {"image": SAMPLE_IMAGE}}], "overlap": 1, **fields}


class _Response(Protocol):
    status_code: int
    text: str

    def json(self) -> Any: ...


class _AsyncClient(Protocol):
    async def get(self, url: str, *, headers: dict[str, str]) -> Any: ...


async def wait_operation(
    client: _AsyncClient, operation_id: str, headers: dict[str, str] = REQUESTER_HEADERS, timeout: float = 60.0
) -> Any:
    """Poll `GET /api/v1/operations/{id}` with an httpx.AsyncClient until it ends; return the operation.

    AssertionError when a read is not 200 or the operation has not ended within `timeout` seconds.
    """

    async def fetch() -> Any:
        response: _Response = await client.get(f"/api/v1/operations/{operation_id}", headers=headers)
        if response.status_code != 200:
            raise AssertionError(f"GET operation answered {response.status_code}: {response.text}")
        return response.json()

    try:
        return await async_wait_for_operation(fetch, interval=0.005, backoff=1.5, max_interval=0.05, timeout=timeout)
    except OperationTimeoutError:
        raise AssertionError(f"operation {operation_id} did not end within {timeout} s") from None


class EmulatorStartError(RuntimeError):
    """The emulator process exited or did not answer in time; the message carries its log tail."""


@dataclass
class RunningEmulator(EmulatorAccess):
    """A live emulator process: where it answers, which config it runs, and how to stop it.

    `base_url` and `token` are attributes (`token("other-requester")` still gives another account's token).
    `reset()` and `requests()` need a server started with `testing=True`.
    """

    base_url: str
    process: subprocess.Popen[bytes] = field(repr=False)
    config: EmulatorConfig = field(repr=False)
    config_path: Path
    db_path: Path
    log_path: Path
    started_config: EmulatorConfig = field(init=False, repr=False)  # what a reset without overrides goes back to

    def __post_init__(self) -> None:
        self.started_config = self.config

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid

    def reset(self, overrides: Mapping[str, Any] | None = None) -> None:
        """A clean state (`POST /_emulator/reset`): no items, operations, pool changes or recorded requests."""
        body = json.dumps(dict(overrides or {})).encode()
        request = urllib.request.Request(  # noqa: S310  (loopback)
            f"{self.base_url}/_emulator/reset", data=body, method="POST", headers={"Content-Type": JSON}
        )
        try:
            with urllib.request.urlopen(request, timeout=30):  # noqa: S310
                pass
        except urllib.error.HTTPError as error:
            raise ValueError(f"the emulator refused the reset: {error.read().decode(errors='replace')}") from None
        self.config = load_config(self.config_path, overrides) if overrides else self.started_config

    def requests(self) -> list[RecordedRequest]:
        """Every API request since the last reset (`GET /_emulator/requests`), oldest first."""
        with urllib.request.urlopen(f"{self.base_url}/_emulator/requests", timeout=30) as answer:  # noqa: S310
            return [RecordedRequest.from_dict(record) for record in json.loads(answer.read())]

    def kill(self) -> None:
        """SIGKILL the server (no cleanup: for durability tests) and reap it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM the server, wait for a clean exit (SIGKILL after `timeout`), return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log(self) -> str:
        """What the server wrote to stderr/stdout so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_emulator(
    config_path: Path | None = None,
    db_path: Path | None = None,
    config_overrides: Mapping[str, Any] | None = None,
    *,
    testing: bool = False,
) -> Iterator[RunningEmulator]:
    """Run `python -m toloka_emulator serve` on a free loopback port until the block ends.

    `config_path`: a config file (the packaged default if None); `config_overrides` are merged into it
    (see `write_config`). `db_path`: the SQLite file (a fresh temporary one if None); pass the same path
    twice to restart on the same data. `testing`: serve `--testing` (reset and recorded requests). The server is
    stopped (SIGTERM) when the block ends, unless killed; if this process dies first (even by SIGKILL), the server
    stops too and removes the temporary directory (`serve --parent-pid --remove-when-orphaned`).
    """
    with tempfile.TemporaryDirectory(prefix="toloka-emulator-", ignore_cleanup_errors=True) as tmp:
        workdir = Path(tmp)
        if config_overrides:
            config_path = write_config(workdir / "config.toml", dict(config_overrides), config_path)
        config_path = Path(config_path) if config_path is not None else workdir / "default.toml"
        if not config_path.exists():
            write_config(config_path)
        database = Path(db_path) if db_path is not None else workdir / "emulator.db"
        extra = ["--parent-pid", str(os.getpid()), "--remove-when-orphaned", str(workdir)]
        emulator = _start(config_path, database, workdir / "server.log", [*extra, "--testing"] if testing else extra)
        try:
            yield emulator
        finally:
            emulator.stop()


def _start(config_path: Path, db_path: Path, log_path: Path, extra: Sequence[str] = ()) -> RunningEmulator:
    """Start the server on a port it picks itself (`--port 0 --port-file`) and wait until it answers.

    The server binds before it tells its port, so no other process can take the port in between, and the
    address polled for readiness is this process's own.
    """
    config = load_config(config_path)
    port_file = log_path.with_name(f"{log_path.stem}.port")
    port_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "toloka_emulator", "serve", "--host", "127.0.0.1", "--port", "0"]
    command += ["--port-file", str(port_file), "--db", str(db_path), "--config", str(config_path)]
    command += ["--log-level", "info", *extra]
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=_child_env())
    port = _wait_port(process, port_file)
    emulator = RunningEmulator(f"http://127.0.0.1:{port}", process, config, config_path, db_path, log_path)
    if port is None or not wait_until_serving(emulator.process, emulator.base_url):
        emulator.kill()
        raise EmulatorStartError(f"the emulator did not start; its log:\n{emulator.log()[-4000:]}")
    return emulator


def _wait_port(process: subprocess.Popen[bytes], port_file: Path) -> int | None:
    """The port the server wrote once listening; None if it exited or did not write it in time."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return int(port_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            time.sleep(0.02)  # real time: another process is starting
    return None


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def wait_until_serving(process: subprocess.Popen[bytes], base_url: str, timeout: float = STARTUP_TIMEOUT) -> bool:
    """Poll a server just started at `base_url` until it answers (True) or its process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(base_url + "/openapi.yaml", timeout=2):  # noqa: S310  (loopback)
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.05)  # real time: another process is starting
    return False


def is_running(pid: int) -> bool:
    """Whether a process runs: a zombie (exited, its reaper never coming, as under a container's pid 1) does not.

    Linux only (/proc); for tests that a server ended.
    """
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
