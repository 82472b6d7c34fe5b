"""The uploader and the command against the real emulator (uvicorn subprocess, SQLite) over loopback."""

import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from toloka_client.api.task_suites import list_task_suites
from toloka_client.api.tasks import list_tasks
from toloka_client.client import AuthenticatedClient
from toloka_emulator.testing import RunningEmulator, running_emulator
from toloka_upload import BatchOutcome, ItemStatus, PollPolicy, Settings, UploadResult, upload_task_suites, upload_tasks

UNLIMITED = {"limits": {"items_per_minute": 10**9, "items_per_day": 10**10}}
FAST = Settings(items_per_minute=None, poll=PollPolicy(initial=0.02, maximum=0.2))


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    """A fresh emulator with the rate limits raised out of the way."""
    with running_emulator(config_overrides=UNLIMITED) as running:
        yield running


def tasks(count: int, tag: str = "") -> list[dict[str, Any]]:
    """Valid tasks for pool 1, each with a distinct image URL."""
    return [{"input_values": {"image": f"https://example.com/{tag}{i}.png"}, "overlap": 1} for i in range(count)]


def stored(emulator: RunningEmulator, kind_module: Any = list_tasks, pool_id: str = "1") -> list[dict[str, Any]]:
    """Everything the server holds in a pool, read back page by page through the list endpoint."""
    client = AuthenticatedClient(base_url=emulator.base_url, token=emulator.token(), prefix="OAuth")
    items: list[dict[str, Any]] = []
    last: str | None = None
    with client as http:
        while True:
            query = {"pool_id": pool_id, "limit": 100_000, **({"id_gt": last} if last else {})}
            response = http.get_httpx_client().request(**kind_module.request_kwargs(**query))
            assert response.status_code == 200, response.text
            page = orjson.loads(response.content)
            items.extend(page["items"])
            if not page["has_more"]:
                return items
            last = page["items"][-1]["id"]


def upload(emulator: RunningEmulator, items: list[dict[str, Any]], **options: Any) -> UploadResult:
    """A tasks upload to pool 1 of the emulator."""
    return upload_tasks(
        items, pool_id="1", token=emulator.token(), base_url=emulator.base_url, settings=FAST, **options
    )


@pytest.mark.parametrize("async_mode", [True, False])
def test_small_upload_creates_each_item_once_and_maps_ids(emulator: RunningEmulator, async_mode: bool) -> None:
    items = tasks(25)
    result = upload(emulator, items, async_mode=async_mode)
    assert (result.total, result.created) == (25, 25)
    on_server = {task["id"]: task["input_values"]["image"] for task in stored(emulator)}
    assert len(on_server) == 25
    for position, item in enumerate(items):
        assert on_server[result[position].id or ""] == item["input_values"]["image"]


def test_task_suites_upload(emulator: RunningEmulator) -> None:
    suites = [{"tasks": [{"input_values": {"image": f"https://example.com/s{i}.png"}}], "overlap": 1} for i in range(7)]
    result = upload_task_suites(suites, pool_id="1", token=emulator.token(), base_url=emulator.base_url, settings=FAST)
    assert result.created == 7
    assert sorted(s["id"] for s in stored(emulator, list_task_suites)) == sorted(i or "" for i in result.ids)


@pytest.mark.parametrize("async_mode", [True, False])
def test_validation_errors_come_back_at_their_positions(emulator: RunningEmulator, async_mode: bool) -> None:
    items = tasks(40)
    items[3]["input_values"]["image"] = "not a url"
    items[17]["input_values"] = {}
    items[38]["input_values"]["priority"] = 11
    result = upload(emulator, items, async_mode=async_mode, skip_invalid_items=True)
    assert (result.created, result.invalid, result.failed) == (37, 3, 0)
    assert result[3].errors is not None and result[3].errors["input_values.image"]["code"] == "INVALID_URL_SYNTAX"
    assert result[17].errors is not None and result[17].errors["input_values.image"]["code"] == "VALUE_REQUIRED"
    assert (
        result[38].errors is not None and result[38].errors["input_values.priority"]["code"] == "VALUE_GREATER_THAN_MAX"
    )
    images = sorted(task["input_values"]["image"] for task in stored(emulator))
    expected = sorted(item["input_values"]["image"] for i, item in enumerate(items) if i not in (3, 17, 38))
    assert images == expected


@pytest.mark.parametrize("async_mode", [True, False])
def test_without_skip_invalid_a_bad_item_keeps_its_batch_from_being_created(
    emulator: RunningEmulator, async_mode: bool
) -> None:
    items = tasks(10)
    items[4]["input_values"]["image"] = "not a url"
    result = upload(emulator, items, async_mode=async_mode)
    assert result[4].status is ItemStatus.INVALID
    assert result.failed == 9 and result.created == 0
    assert stored(emulator) == []


def test_hundred_thousand_tasks_all_exist_exactly_once(emulator: RunningEmulator) -> None:
    items = tasks(100_000)
    result = upload(emulator, items, keep_items=True)
    assert (result.total, result.created, result.invalid, result.failed) == (100_000, 100_000, 0, 0)
    on_server = stored(emulator)
    assert len(on_server) == 100_000
    assert {task["id"] for task in on_server} == set(result.ids)
    by_id = {task["id"]: task["input_values"]["image"] for task in on_server}
    assert all(by_id[result[i].id or ""] == items[i]["input_values"]["image"] for i in range(0, 100_000, 997))


def test_command_killed_midway_then_rerun_with_checkpoint_creates_nothing_twice(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.jsonl"
    source.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in tasks(6000)))
    checkpoint = tmp_path / "upload.checkpoint"
    command = [
        sys.executable, "-m", "toloka_upload.cli", "tasks", str(source),
        "--base-url", emulator.base_url, "--pool-id", "1", "--checkpoint", str(checkpoint),
        "--batch-size", "500", "--concurrency", "2", "--no-progress",
    ]  # fmt: skip
    # Three batches a minute: the first run is surely still going when it is killed; the rerun is unpaced.
    paced, unpaced = ["--items-per-minute", "1500"], ["--items-per-minute", "0"]
    env = {**os.environ, "TOLOKA_TOKEN": emulator.token()}
    first = subprocess.Popen([*command, *paced], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while checkpoint_done(checkpoint) < 2 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # real time: a real upload process, to be killed by a real signal
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate()  # reaps it and closes its stderr pipe (an open pipe is a ResourceWarning: an error here)
    assert first.returncode == -signal.SIGKILL, "the upload should still have been running"
    assert len(stored(emulator)) < 6000

    output = tmp_path / "results.jsonl"
    second = subprocess.run([*command, *unpaced, "--output", str(output)], env=env, capture_output=True, timeout=120)
    assert second.returncode == 0, second.stderr.decode()
    images = collections.Counter(task["input_values"]["image"] for task in stored(emulator))
    assert len(images) == 6000 and set(images.values()) == {1}
    lines = [orjson.loads(line) for line in output.read_bytes().splitlines()]
    assert sorted(line["index"] for line in lines) == list(range(6000))
    assert all(line["status"] == "created" for line in lines)


class Crash(BaseException):
    """Stands for the process being interrupted mid-upload."""


def crash(outcome: BatchOutcome) -> None:
    """An on_batch that interrupts the upload as soon as the first batch ends."""
    raise Crash


def test_sync_rerun_sends_the_batches_an_interrupted_run_left_waiting_for_the_pacer(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "upload.checkpoint"
    items = tasks(40)
    # A minute's pace of 10 items: the first batch goes at once, the next ones wait for the pacer (for a minute),
    # and the interruption at the end of the first batch catches them waiting, never sent.
    paced = attrs.evolve(FAST, batch_size=10, max_concurrency=3, items_per_minute=10)
    options: dict[str, Any] = {"pool_id": "1", "token": emulator.token(), "base_url": emulator.base_url}
    with pytest.raises(Crash):
        upload_tasks(items, async_mode=False, checkpoint=checkpoint, settings=paced, on_batch=crash, **options)
    assert len(stored(emulator)) == 10

    result = upload_tasks(
        items, async_mode=False, checkpoint=checkpoint, settings=attrs.evolve(paced, items_per_minute=None), **options
    )
    assert (result.created, result.failed) == (40, 0), next(result.problems(), None)
    images = collections.Counter(task["input_values"]["image"] for task in stored(emulator))
    assert images == collections.Counter(item["input_values"]["image"] for item in items)


def checkpoint_done(path: Path) -> int:
    """Batches a checkpoint file records as done."""
    try:
        return path.read_bytes().count(b'"event":"done"')
    except FileNotFoundError:
        return 0


def run_command(emulator: RunningEmulator, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    """toloka-upload against the emulator, token in TOLOKA_TOKEN."""
    env = {**os.environ, "TOLOKA_TOKEN": token or emulator.token()}
    command = [sys.executable, "-m", "toloka_upload.cli", *args, "--base-url", emulator.base_url, "--no-progress"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_command_reports_bad_lines_by_line_and_field_and_exits_by_outcome(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.tsv"
    source.write_text(
        "INPUT:image\tINPUT:category\toverlap\n"
        "https://example.com/a.png\tcat\t1\n"
        "https://example.com/b.png\tcow\t1\n"
        "https://example.com/c.png\tdog\tmany\n"
        "https://example.com/d.png\t\t2\n"
    )
    output = tmp_path / "out.jsonl"
    done = run_command(emulator, "tasks", str(source), "--pool-id", "1", "--skip-invalid", "--output", str(output))
    assert done.returncode == 3, done.stderr
    assert "line 4 (item 2): invalid: overlap: expected an integer, got 'many'\n" in done.stderr
    assert "created 2, invalid 2, failed 0" in done.stderr
    lines = {line["index"]: line for line in map(orjson.loads, output.read_text().splitlines())}
    assert [lines[i]["status"] for i in range(4)] == ["created", "invalid", "invalid", "created"]
    assert "input_values.category" in lines[1]["errors"]
    assert sorted(t["input_values"]["image"] for t in stored(emulator)) == [
        "https://example.com/a.png",
        "https://example.com/d.png",
    ]


def test_command_types_cells_by_the_input_spec_and_names_the_input_line_of_bad_ones(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    # Written when cells were all text (the server refused `5` for the integer field, with a --json-cells hint).
    # Cells are now typed by the pool's project input spec, as Toloka's own TSV upload does: `5` is the integer 5,
    # and a cell that does not spell an integer is refused client-side, by its line, with no hint.
    source = tmp_path / "tasks.tsv"
    source.write_text(
        "INPUT:image\tINPUT:caption\tINPUT:priority\n"
        'https://example.com/a.png\t"two\nlines"\t\n'
        "\n"
        "https://example.com/b.png\tplain\t5\n"
        "https://example.com/c.png\t\tmany\n"
    )
    output = tmp_path / "out.jsonl"
    done = run_command(
        emulator, "tasks", str(source), "--pool-id", "1", "--skip-invalid", "--allow-defaults", "--output", str(output)
    )
    assert done.returncode == 3, done.stderr
    assert "line 6 (item 2): invalid:" in done.stderr and "INTEGER_EXPECTED" in done.stderr
    assert "--json-cells" not in done.stderr, "cells were typed by the input spec: no hint"
    records = [orjson.loads(line) for line in output.read_text().splitlines()]
    assert [(r["index"], r["line"], r["status"]) for r in records] == [
        (0, 2, "created"),
        (1, 5, "created"),
        (2, 6, "invalid"),
    ]
    assert records[2]["errors"]["input_values.priority"]["code"] == "INTEGER_EXPECTED"
    on_server = {task["input_values"]["image"]: task["input_values"] for task in stored(emulator)}
    assert on_server["https://example.com/b.png"]["priority"] == 5
    assert on_server["https://example.com/a.png"]["caption"] == "two\nlines"


def test_command_suites_from_stdin_and_a_wrong_token_that_is_never_printed(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    suite = orjson.dumps({"pool_id": "1", "overlap": 1, "tasks": [{"input_values": {"image": "https://e.com/1.png"}}]})
    env = {**os.environ, "TOLOKA_TOKEN": emulator.token()}
    command = [sys.executable, "-m", "toloka_upload.cli", "task-suites", "-", "--base-url", emulator.base_url]
    done = subprocess.run(command, env=env, input=suite + b"\n" + suite, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert len(stored(emulator, list_task_suites)) == 2

    source = tmp_path / "suites.jsonl"
    source.write_bytes(suite)
    wrong = "wrong-token-that-must-not-leak"
    refused = run_command(emulator, "task-suites", str(source), token=wrong)
    assert refused.returncode == 1
    assert "AUTHENTICATION_ERROR" in refused.stderr and "the token was refused; check $TOLOKA_TOKEN" in refused.stderr
    assert wrong not in refused.stderr + refused.stdout
