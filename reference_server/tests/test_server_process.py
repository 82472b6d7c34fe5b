"""The emulator as a real uvicorn process: durability across kill -9, concurrent clients, clean stop, CLI."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import tomllib
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from toloka_contract.operations import wait_for_operation
from toloka_emulator.cli import listen
from toloka_emulator.testing import RunningEmulator, running_emulator, sample_task

NO_LIMITS = {"limits": {"items_per_minute": 10**9, "items_per_day": 10**12}}


def all_task_ids(emulator: RunningEmulator) -> list[str]:
    """Every task id of the requester, in id order."""
    response = httpx.get(f"{emulator.base_url}/api/v1/tasks", params={"limit": "100000"}, headers=emulator.headers())
    assert response.status_code == 200
    assert response.json()["has_more"] is False
    return [item["id"] for item in response.json()["items"]]


def wait_operation(emulator: RunningEmulator, operation_id: str) -> Any:
    """Poll an operation until it ends (a generous bound guards against hangs)."""
    with httpx.Client(base_url=emulator.base_url, headers=emulator.headers()) as client:
        return wait_for_operation(
            lambda: client.get(f"/api/v1/operations/{operation_id}").json(), interval=0.01, max_interval=0.1
        )


def test_nothing_acknowledged_is_lost_after_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    acknowledged: list[str] = []
    with running_emulator(db_path=db, config_overrides=NO_LIMITS) as emulator:
        with httpx.Client(base_url=emulator.base_url, headers=emulator.headers()) as client:
            for _ in range(5):
                response = client.post("/api/v1/tasks", json=[sample_task()] * 200)
                assert response.status_code == 201
                acknowledged += [item["id"] for item in response.json()["items"].values()]
            operation_id = str(uuid.uuid4())
            accepted = client.post(
                "/api/v1/tasks",
                json=[sample_task()] * 20000,
                params={"async_mode": "true", "operation_id": operation_id},
            )
            assert accepted.status_code == 202
        emulator.kill()
    with running_emulator(db_path=db, config_overrides=NO_LIMITS) as emulator:
        operation = wait_operation(emulator, operation_id)
        assert operation["status"] == "SUCCESS"
        ids = all_task_ids(emulator)
        assert set(acknowledged) <= set(ids)
        assert len(ids) == len(set(ids)) == len(acknowledged) + 20000
        log = httpx.get(f"{emulator.base_url}/api/v1/operations/{operation_id}/log", headers=emulator.headers())
        assert {entry["output"]["task_id"] for entry in log.json()} == set(ids) - set(acknowledged)


def test_pending_operations_finish_after_restart(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    with running_emulator(db_path=db, config_overrides={"worker": {"enabled": False}}) as emulator:
        response = httpx.post(
            f"{emulator.base_url}/api/v1/task-suites",
            json=[{"pool_id": "1", "tasks": [{"input_values": {"image": "https://e.com/1.png"}}], "overlap": 1}] * 3,
            params={"async_mode": "true"},
            headers=emulator.headers(),
        )
        assert response.status_code == 202
        operation_id = response.json()["id"]
        pending = httpx.get(f"{emulator.base_url}/api/v1/operations/{operation_id}", headers=emulator.headers())
        assert pending.json()["status"] == "PENDING"
        emulator.kill()
    with running_emulator(db_path=db) as emulator:
        operation = wait_operation(emulator, operation_id)
        assert operation["status"] == "SUCCESS"
        assert operation["details"]["success_count"] == 3


def test_concurrent_clients_neither_lose_nor_duplicate(tmp_path: Path) -> None:
    clients, batches, size = 8, 10, 50
    with running_emulator(config_overrides=NO_LIMITS) as emulator:

        def upload(worker: int) -> list[str]:
            ids: list[str] = []
            with httpx.Client(base_url=emulator.base_url, headers=emulator.headers()) as client:
                for batch in range(batches):
                    tasks = [
                        sample_task(input_values={"image": f"https://e.com/{worker}/{batch}/{i}.png"})
                        for i in range(size)
                    ]
                    if batch % 2:
                        response = client.post("/api/v1/tasks", json=tasks, params={"async_mode": "true"})
                        assert response.status_code == 202
                        operation = wait_operation(emulator, response.json()["id"])
                        log = client.get(f"/api/v1/operations/{operation['id']}/log").json()
                        ids += [entry["output"]["task_id"] for entry in log]
                    else:
                        response = client.post("/api/v1/tasks", json=tasks)
                        assert response.status_code == 201
                        ids += [item["id"] for item in response.json()["items"].values()]
            return ids

        with ThreadPoolExecutor(clients) as pool:
            acknowledged = [i for ids in pool.map(upload, range(clients)) for i in ids]
        stored = all_task_ids(emulator)
        assert len(acknowledged) == len(set(acknowledged)) == clients * batches * size
        assert sorted(acknowledged) == stored


def test_sigterm_stops_cleanly_and_the_log_has_no_token() -> None:
    with running_emulator() as emulator:
        httpx.get(f"{emulator.base_url}/api/v1/tasks", headers=emulator.headers())
        httpx.get(f"{emulator.base_url}/api/v1/tasks", headers={"Authorization": "OAuth secret-wrong-token"})
        emulator.stop()
        log = emulator.log()
    assert "toloka-emulator stopped cleanly" in log
    assert "GET /api/v1/tasks 200" in log
    assert "GET /api/v1/tasks 401" in log
    assert emulator.token() not in log
    assert "secret-wrong-token" not in log


def test_config_command_prints_the_effective_config(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "toloka_emulator", "config", "--operation-delay", "2"]
    printed = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    config = tomllib.loads(printed)
    assert config["accounts"][0]["tokens"] == ["emulator-requester-token"]
    assert {pool["id"] for pool in config["pools"]} == {"1", "2", "3", "4"}
    assert config["limits"]["tasks_per_minute"] == 200000
    assert config["worker"]["operation_delay_s"] == 2.0
    # What it prints (TOML, or JSON with --json) is what --config reads.
    for name, text in (("c.toml", printed), ("c.json", json.dumps(config))):
        (tmp_path / name).write_text(text)
        command = [sys.executable, "-m", "toloka_emulator", "config", "--json", "--config", str(tmp_path / name)]
        again = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        assert json.loads(again) == config
    broken = tmp_path / "broken.toml"
    broken.write_text('[[accounts]]\nname = "x"\ntokens = "secret-token-value"\n')
    failed = subprocess.run(
        [sys.executable, "-m", "toloka_emulator", "config", "--config", str(broken)], capture_output=True, text=True
    )
    assert failed.returncode == 2
    assert "secret-token-value" not in failed.stderr


def test_port_zero_writes_the_port_and_a_taken_port_is_one_line(tmp_path: Path) -> None:
    with running_emulator() as emulator:
        port = int(emulator.base_url.rsplit(":", 1)[1])
        assert f"listening on http://127.0.0.1:{port}" in emulator.log()
        assert httpx.get(f"{emulator.base_url}/api/v1/pools/1", headers=emulator.headers()).status_code == 200
        taken = subprocess.run(
            [sys.executable, "-m", "toloka_emulator", "serve", "--port", str(port), "--db", str(tmp_path / "x.db")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert taken.returncode == 1
    assert taken.stderr.strip().splitlines()[-1].startswith(f"toloka-emulator: cannot listen on 127.0.0.1:{port}: ")
    assert "Traceback" not in taken.stderr


def test_an_unusable_database_is_one_line(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_text("not a database\n")
    for db in (tmp_path / "missing-dir" / "x.db", garbage):
        result = subprocess.run(
            [sys.executable, "-m", "toloka_emulator", "serve", "--port", "0", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1
        assert result.stderr.strip().splitlines()[-1].startswith(f"toloka-emulator: cannot use the database {db}: ")
        assert "Traceback" not in result.stderr


def test_sigint_stops_cleanly_with_exit_0() -> None:
    with running_emulator() as emulator:
        assert httpx.get(f"{emulator.base_url}/api/v1/pools/1", headers=emulator.headers()).status_code == 200
        emulator.process.send_signal(signal.SIGINT)
        assert emulator.process.wait(30) == 0
        log = emulator.log()
    assert "toloka-emulator stopped cleanly" in log
    assert "Traceback" not in log and "KeyboardInterrupt" not in log


def test_kept_alive_connections_are_answered_without_nagle_delay() -> None:
    """The listening socket is TCP (so asyncio sets TCP_NODELAY): no ~40 ms Nagle/delayed-ACK stall per answer."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sock = listen("127.0.0.1", port)
    with sock:
        assert sock.proto == socket.IPPROTO_TCP
