"""What a person running `toloka-upload` sees: a server that cannot be reached named at once, progress with a
total for every format and a visible wait, invalid lines in words with the next command, and the pace."""

import asyncio
import contextlib
import http.server
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from toloka_emulator.testing import RunningEmulator, free_port, running_emulator
from toloka_upload import RetryPolicy, Settings, Timing
from toloka_upload.cli import EXIT_FAILED, EXIT_INVALID, EXIT_UNREACHABLE, EXIT_USAGE, _count_records, main
from toloka_upload.credentials import TOKEN_ENV
from toloka_upload.kinds import Kind
from toloka_upload.pacer import Pacer
from toloka_upload.progress import PLAIN_EVERY, Progress, watch
from toloka_upload.retrying import send_with_retry
from toloka_upload.settings import DOCUMENTED_ITEMS_PER_MINUTE, DOCUMENTED_REQUESTS_PER_SECOND
from toloka_upload.timing import FakeClock, Wait

TOKEN = "ux-test-secret-token"  # noqa: S105 (a fake, to prove it is never printed)
UNLIMITED = {"limits": {"items_per_minute": 10**9, "items_per_day": 10**10}}


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    """One emulator for the module: each test uploads images of its own, and compares the pool before and after."""
    with running_emulator(config_overrides=UNLIMITED) as running:
        yield running


def run(argv: list[str], token: str = TOKEN) -> tuple[int, str]:
    """The command in this process (the console script's code path): exit status and stderr."""
    stderr = io.StringIO()
    saved = os.environ.get(TOKEN_ENV)
    os.environ[TOKEN_ENV] = token
    try:
        with contextlib.redirect_stderr(stderr):
            status = main(argv)
    finally:
        if saved is None:
            del os.environ[TOKEN_ENV]
        else:
            os.environ[TOKEN_ENV] = saved
    return status, stderr.getvalue()


def pool_images(emulator: RunningEmulator, pool_id: str) -> list[str]:
    """The image of every task in the pool, read back through the list endpoint."""
    response = httpx.get(
        f"{emulator.base_url}/api/v1/tasks",
        params={"pool_id": pool_id, "limit": 100_000},
        headers={"Authorization": f"OAuth {emulator.token()}"},
    )
    assert response.status_code == 200, response.text
    page = orjson.loads(response.content)
    assert not page["has_more"]
    return [str(task["input_values"]["image"]) for task in page["items"]]


# Item 3: a server that cannot be reached at all is named at once, in one line, and nothing is sent.
@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "no-such-host.invalid"])
def test_a_server_that_cannot_be_reached_is_named_at_once(tmp_path: Path, host: str) -> None:
    base_url = "http://" + host.format(port=free_port())
    source = tmp_path / "tasks.jsonl"
    source.write_text('{"input_values": {"image": "https://example.com/a.png"}, "overlap": 1}\n')
    output = tmp_path / "out.jsonl"
    status, stderr = run(["tasks", str(source), "--pool-id", "1", "--base-url", base_url, "--output", str(output)])
    assert status == EXIT_UNREACHABLE
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"toloka-upload: cannot reach {base_url}: "), stderr
    assert "nothing was sent" in lines[0] and "retrying" not in stderr and TOKEN not in stderr
    assert not output.exists()


# Item 4: progress with a total, percent, rate and ETA for every format; plain lines off a terminal; no bar
# before a usage error.
def tsv(rows: list[str]) -> str:
    return "INPUT:image\n" + "".join(f"{row}\n" for row in rows)


@pytest.mark.parametrize("fmt", ["tsv", "csv", "jsonl"])
def test_progress_has_a_total_for_every_format_in_plain_lines(
    emulator: RunningEmulator, tmp_path: Path, fmt: str
) -> None:
    images = [f"https://example.com/progress-{fmt}-{i}.png" for i in range(30)]
    source = tmp_path / f"tasks.{fmt}"
    if fmt == "jsonl":
        source.write_bytes(b"\n".join(orjson.dumps({"input_values": {"image": url}}) for url in images) + b"\n\n")
    else:
        source.write_text(tsv(images))
    pool = "1"
    before = pool_images(emulator, pool)
    argv = ["tasks", str(source), "--pool-id", pool, "--allow-defaults", "--base-url", emulator.base_url]
    status, stderr = run([*argv, "--batch-size", "10"], emulator.token())
    assert status == 0, stderr
    assert "\r" not in stderr, "stderr is not a terminal: plain lines"
    progress = [line for line in stderr.splitlines() if line.startswith("toloka-upload: ") and "items [" in line]
    assert progress, stderr
    assert progress[0].startswith("toloka-upload:  33% 10/30 items ["), progress
    assert progress[-1].startswith("toloka-upload: 100% 30/30 items ["), progress
    assert "items/s]" in progress[-1]
    after = pool_images(emulator, pool)
    assert sorted(after) == sorted(before + images), "each line once"


@pytest.mark.parametrize(
    ("content", "table", "records"),
    [
        (b'{"a": 1}\n\n{"a": 2}\n{"a": 3}', False, 3),  # a blank line skipped, no newline at the end
        (b"\n\n{}\n", False, 1),
        (b"INPUT:image\r\nx\r\ny\r\n", True, 2),  # the header is not a row
        (b"", True, 0),
    ],
)
def test_the_total_is_counted_from_the_files_bytes(tmp_path: Path, content: bytes, table: bool, records: int) -> None:
    source = tmp_path / "input"
    source.write_bytes(content)
    assert _count_records(str(source), table) == records
    assert _count_records("-", table) is None, "stdin has no total"


def test_no_progress_line_before_a_usage_error(tmp_path: Path, emulator: RunningEmulator) -> None:
    source = tmp_path / "tasks.tsv"
    source.write_text(tsv(["https://example.com/a.png", "https://example.com/b.png"]))
    status, stderr = run(["tasks", str(source), "--allow-defaults", "--base-url", emulator.base_url], emulator.token())
    assert status == EXIT_USAGE
    assert stderr.startswith("toloka-upload: the items have no pool_id"), stderr
    assert "items [" not in stderr and "\r" not in stderr


def test_progress_counts_down_a_wait_and_gives_an_eta_on_the_fake_clock() -> None:
    clock = FakeClock(start=0.0)
    out = io.StringIO()
    bar = Progress(1000, clock=clock, file=out, terminal=False)
    for _ in range(30):  # seconds of reading earlier runs' operations before a usage error is found
        bar.tick()
        clock.now += 1
    bar.close()
    assert out.getvalue() == "", "nothing done, nothing drawn: a run refused up front, however late, prints no bar"

    bar = Progress(1000, clock=clock, file=out, terminal=False)
    clock.now += 10
    bar.update(250)
    assert out.getvalue() == "toloka-upload:  25% 250/1,000 items [00:10<00:30, 25 items/s]\n"
    bar.waiting(Wait(2, "a retry (HTTP 503)"))
    assert out.getvalue().count("\n") == 1, "a short wait waits for the next plain line"
    bar.waiting(Wait(12.4, "the rate limit"))
    assert out.getvalue().splitlines()[-1].endswith("items/s, waiting for the rate limit, 12 s]"), "a long one not"
    clock.now += 1
    bar.tick()
    assert out.getvalue().count("\n") == 2, "plain lines come every PLAIN_EVERY seconds, not every tick"
    clock.now += PLAIN_EVERY
    bar.tick()
    assert out.getvalue().splitlines()[-1].endswith("items/s, waiting for the rate limit, 1 s]")
    bar.waiting(Wait(30, "the rate limit"))
    bar.close(total=1000)
    last = out.getvalue().splitlines()[-1]
    assert "waiting" not in last and "<" not in last, "the upload is over: it waits no more, and has no ETA"

    terminal = io.StringIO()
    bar = Progress(None, clock=clock, file=terminal, terminal=True)
    bar.update(5)
    bar.waiting(Wait(3, "a retry (HTTP 503)"))
    assert terminal.getvalue().endswith("waiting for a retry (HTTP 503), 3 s]"), "a wait is drawn as it begins"
    clock.now += 1
    bar.tick()
    assert terminal.getvalue().endswith("waiting for a retry (HTTP 503), 2 s]")


def test_the_eta_counts_the_wait_and_the_pace_not_only_the_burst() -> None:
    clock = FakeClock(start=0.0)
    out = io.StringIO()
    bar = Progress(2000, clock=clock, file=out, terminal=False, pace=600)
    clock.now += 1
    bar.update(400)
    assert "[00:01<00:04, 400 items/s]" in out.getvalue(), "no wait: the rate so far"
    bar.waiting(Wait(59, "the rate limit"))
    # 59 s, then a minute's worth (600) at once, then the other 1,000 at 600 a minute: 100 s.
    assert bar.line().endswith("[00:01<02:39, 400 items/s, waiting for the rate limit, 59 s]"), bar.line()


def test_a_paced_command_says_it_waits_for_the_rate_limit(emulator: RunningEmulator, tmp_path: Path) -> None:
    images = [f"https://example.com/paced-{i}.png" for i in range(20)]
    source = tmp_path / "tasks.tsv"
    source.write_text(tsv(images))
    before = pool_images(emulator, "1")
    argv = ["tasks", str(source), "--pool-id", "1", "--allow-defaults", "--base-url", emulator.base_url]
    # The second batch waits a minute for the pace; the deadline ends that wait before it starts (no real minute).
    paced = ["--items-per-minute", "10", "--batch-size", "10", "--give-up-after", "3"]
    status, stderr = run([*argv, *paced], emulator.token())
    assert status == EXIT_FAILED, stderr
    lines = stderr.splitlines()
    waiting = [line for line in lines if "waiting for the rate limit, 60 s]" in line]
    assert waiting and waiting[0].startswith("toloka-upload: "), stderr
    assert "waiting" not in [line for line in lines if "items [" in line][-1], "the last line waits no more"
    assert "10 items on lines 12..21 (items 10..19): failed: not created: the deadline (--give-up-after)" in stderr
    created = sorted(set(pool_images(emulator, "1")) - set(before))
    assert created == sorted(images[:10]), "the first batch once, the second not at all"


async def test_the_pacers_wait_reaches_the_progress_line() -> None:
    clock = FakeClock(start=0.0)
    out = io.StringIO()
    bar = Progress(20, clock=clock, file=out, terminal=True)
    undo = watch(bar, verbose=False)
    try:
        pacer = Pacer(10, Timing(clock, clock.sleep))
        await pacer.acquire(10)
        bar.update(10)
        waiting = asyncio.ensure_future(pacer.acquire(10))
        await asyncio.sleep(0)
        assert "waiting for the rate limit, 60 s]" in out.getvalue()
        await waiting
        assert clock.slept == [60.0]
    finally:
        undo()


async def test_a_backoff_wait_reaches_the_progress_line_and_stays_logged() -> None:
    clock = FakeClock(start=0.0)
    out = io.StringIO()
    bar = Progress(10, clock=clock, file=out, terminal=True)
    undo = watch(bar, verbose=True)
    attempts: list[float] = []

    async def send() -> httpx.Response:
        attempts.append(clock.now)
        if len(attempts) == 1:
            raise httpx.ConnectError("refused")
        assert "waiting for a retry (could not connect (ConnectError))" in out.getvalue()
        return httpx.Response(200)

    try:
        policy = RetryPolicy(backoff_base=8.0)
        response = await send_with_retry(
            send, policy, replay_safe=True, timing=Timing(clock, clock.sleep), what="GET pool 1"
        )
    finally:
        undo()
    assert response.status_code == 200 and len(attempts) == 2 and attempts[1] == clock.slept[0]
    assert "toloka-upload: GET pool 1: could not connect (ConnectError); retrying in" in out.getvalue(), "-v logs it"


# Item 5: invalid lines without --skip-invalid: each named in words, the valid ones held back said in terms of
# the flag, no reason cut off unannounced, and the next command.
def test_invalid_lines_are_named_in_words_with_the_next_command(emulator: RunningEmulator, tmp_path: Path) -> None:
    images = [f"https://example.com/invalid-{i}.png" for i in range(60)]
    lines = [orjson.dumps({"input_values": {"image": url}, "overlap": 1}).decode() for url in images]
    bad = {5, 12, 13, 31} | set(range(40, 58))  # 22 bad lines in batches 0, 1, 3, 4 and 5 of ten
    for index in bad:
        lines[index] = lines[index].replace("https://", "not a url ")
    lines[20] = '{"input_values": '  # batch 2: a malformed record
    source = tmp_path / "tasks.jsonl"
    source.write_text("\n".join(lines) + "\n")
    output = tmp_path / "out.jsonl"
    pool = "1"
    before = pool_images(emulator, pool)
    argv = ["tasks", str(source), "--pool-id", pool, "--base-url", emulator.base_url, "--batch-size", "10"]
    status, stderr = run([*argv, "--no-progress", "--output", str(output)], emulator.token())
    assert status == EXIT_FAILED, stderr
    assert "line 6 (item 5): invalid: input_values.image: " in stderr
    assert "line 21 (item 20): invalid: not valid JSON at column" in stderr, "a malformed record in words, no path"
    assert '{"' not in stderr, "errors in words, not raw JSON"
    assert "skip_invalid_items" not in stderr and "--skip-invalid was not given" in stderr
    assert "23 of 60 input lines are invalid" in stderr
    # 23 invalid lines and 5 groups of valid ones held back (batch 4 is all invalid): 28 problems, 20 shown.
    assert f"the first 20 problems are above and 8 more are not shown: all are in {output}." in stderr
    advice = "Next: fix the invalid lines and rerun the same command, or rerun the same command with --skip-invalid"
    assert advice in stderr
    assert "the reasons are above" not in stderr
    records = [orjson.loads(line) for line in output.read_bytes().splitlines()]
    assert len(records) == 60, "a record for every input line"
    assert pool_images(emulator, pool) == before, "every batch held an invalid line: nothing was created"

    # Without --output, the reasons not shown say how to get them all.
    status, stderr = run([*argv, "--no-progress"], emulator.token())
    assert "rerun with --output FILE to get them all" in stderr
    assert advice in stderr

    # The advice holds: the same command with --skip-invalid creates each valid line once, twice run.
    for _ in range(2):
        status, stderr = run([*argv, "--no-progress", "--skip-invalid"], emulator.token())
        assert status == EXIT_INVALID, stderr
    after = pool_images(emulator, pool)
    assert len(after) - len(before) == 60 - 23, "each valid line created once"
    assert len(set(after) - set(before)) == 60 - 23


# Item 7: the default pace per kind from the documented quotas, at most 300 requests a second, and a 429 holds
# every batch back once instead of one 429 per batch in flight.
def test_the_default_pace_is_the_documented_quota_per_kind() -> None:
    settings = Settings()
    assert settings.pace(Kind.TASKS) == DOCUMENTED_ITEMS_PER_MINUTE[Kind.TASKS] == 200_000
    assert settings.pace(Kind.TASK_SUITES) == DOCUMENTED_ITEMS_PER_MINUTE[Kind.TASK_SUITES] == 100_000
    assert Settings(items_per_minute=5000).pace(Kind.TASK_SUITES) == 5000
    assert Settings(items_per_minute=None).pace(Kind.TASKS) is None
    with pytest.raises(ValueError, match="positive"):
        Settings(items_per_minute={Kind.TASKS: 0})


def test_the_pacer_keeps_any_second_under_the_request_quota() -> None:
    now = [0.0]
    pacer = Pacer(10**9, Timing(clock=lambda: now[0]))
    sent_at = []
    for _ in range(3 * DOCUMENTED_REQUESTS_PER_SECOND + 5):
        while (delay := pacer.delay_for(1)) > 0:
            now[0] += delay
        sent_at.append(now[0])
    for start in sent_at:
        assert sum(start <= at < start + 1.0 for at in sent_at) <= DOCUMENTED_REQUESTS_PER_SECOND
    assert sent_at[-1] == pytest.approx(3.0), "as fast as the quota allows"


async def test_a_429_holds_every_batch_for_the_wait_the_server_asked() -> None:
    clock = FakeClock(start=0.0)
    answers = [
        httpx.Response(429, json={"code": "TOO_MANY_REQUESTS", "message": "slow", "payload": {"interval": "MIN"}}),
        httpx.Response(201, json={"items": {}}),
    ]
    pacer = Pacer(1000, Timing(clock, clock.sleep))
    heard: list[float] = []

    async def send() -> httpx.Response:
        return answers.pop(0)

    def on_rate_limited(seconds: float) -> None:
        heard.append(seconds)
        pacer.hold(seconds)
        assert pacer.delay_for(1) == 60.0, "no batch goes while the server asks to wait"

    response = await send_with_retry(
        send, RetryPolicy(), replay_safe=True, timing=Timing(clock, clock.sleep), on_rate_limited=on_rate_limited
    )
    assert response.status_code == 201 and heard == [60.0] and clock.slept == [60.0]
    assert pacer.delay_for(1) == 0.0, "the hold ends when the wait does"


# Found replaying issue 17 by hand (t17): what a person meets with files that are not what they should be.
def test_an_output_file_that_is_the_input_or_the_checkpoint_is_refused_before_it_is_emptied(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.tsv"
    text = tsv(["https://example.com/same-file-0.png", "https://example.com/same-file-1.png"])
    source.write_text(text)
    before = pool_images(emulator, "1")
    argv = ["tasks", str(source), "--pool-id", "1", "--allow-defaults", "--base-url", emulator.base_url]
    for extra, named in [
        (["--output", str(tmp_path / "." / "tasks.tsv")], "--output"),
        (["--output", str(tmp_path / "c.ckpt"), "--checkpoint", str(tmp_path / "c.ckpt")], "--output"),
        (["--checkpoint", str(source)], "--checkpoint"),
    ]:
        status, stderr = run([*argv, *extra], emulator.token())
        assert status == EXIT_USAGE, stderr
        assert stderr.startswith(f"toloka-upload: {named} ") and "would destroy it" in stderr, stderr
        assert len(stderr.splitlines()) == 1, stderr
        assert source.read_text() == text, "the input is untouched"
        assert not (tmp_path / "c.ckpt").exists()
    assert pool_images(emulator, "1") == before, "nothing was sent"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jsonl", b"", "empty.jsonl holds no items (an empty file, or a header only): nothing was sent"),
        ("header.tsv", b"INPUT:image\n", "header.tsv holds no items (an empty file, or a header only)"),
        ("garbage.tsv", bytes(range(128, 256)) * 8, "line 1: the header is not UTF-8 text: save the file as UTF-8"),
        ("utf16.tsv", "INPUT:image\nhttps://example.com/x.png\n".encode("utf-16"), "line 1: the header is not UTF-8"),
        ("adir", None, "adir: Is a directory"),
        ("missing.jsonl", None, "missing.jsonl: No such file or directory"),
    ],
)
def test_a_bad_input_file_is_one_line_with_exit_2_and_no_traceback(
    emulator: RunningEmulator, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    elif name == "adir":
        source.mkdir()
    before = pool_images(emulator, "1")
    argv = ["tasks", str(source), "--pool-id", "1", "--allow-defaults", "--base-url", emulator.base_url]
    status, stderr = run(argv, emulator.token())
    assert status == EXIT_USAGE, stderr
    assert len(stderr.splitlines()) == 1 and message in stderr, stderr
    assert "Errno" not in stderr and "Traceback" not in stderr
    assert pool_images(emulator, "1") == before


def test_a_row_that_is_not_utf8_is_invalid_at_its_line_and_the_others_are_created(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.tsv"
    good = ["https://example.com/latin1-0.png", "https://example.com/latin1-2.png"]
    source.write_bytes(f"INPUT:image\n{good[0]}\nhttps://example.com/caf\xe9.png\n{good[1]}\n".encode("latin-1"))
    before = pool_images(emulator, "1")
    argv = ["tasks", str(source), "--pool-id", "1", "--allow-defaults", "--skip-invalid"]
    status, stderr = run([*argv, "--base-url", emulator.base_url], emulator.token())
    assert status == EXIT_INVALID, stderr
    assert "line 3 (item 1): invalid: " in stderr and "not UTF-8 text" in stderr, stderr
    assert "created 2, invalid 1, failed 0 (of 3 items)" in stderr
    assert sorted(pool_images(emulator, "1")) == sorted(before + good)


@pytest.mark.parametrize("flag", ["--timeout", "--give-up-after"])
@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_duration_that_is_not_above_zero_is_bad_usage(tmp_path: Path, flag: str, value: str) -> None:
    source = tmp_path / "tasks.jsonl"
    source.write_text('{"input_values": {"image": "https://example.com/a.png"}, "overlap": 1}\n')
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), pytest.raises(SystemExit) as exited:
        main(["tasks", str(source), "--pool-id", "1", "--base-url", f"http://127.0.0.1:{free_port()}", flag, value])
    assert exited.value.code == EXIT_USAGE
    assert f"argument {flag}: expected a number of seconds" in stderr.getvalue()
    assert "cannot reach" not in stderr.getvalue(), "refused as usage, not as a server that is down"


def test_https_on_a_plain_http_port_is_named_at_once(emulator: RunningEmulator, tmp_path: Path) -> None:
    base_url = emulator.base_url.replace("http://", "https://")
    source = tmp_path / "tasks.jsonl"
    source.write_text('{"input_values": {"image": "https://example.com/a.png"}, "overlap": 1}\n')
    status, stderr = run(["tasks", str(source), "--pool-id", "1", "--base-url", base_url], emulator.token())
    assert status == EXIT_UNREACHABLE, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"toloka-upload: cannot reach {base_url}: the TLS handshake"), stderr
    assert "retrying" not in stderr and "gave up" not in stderr


def test_a_retry_from_summary_counts_every_input_line(emulator: RunningEmulator, tmp_path: Path) -> None:
    images = [f"https://example.com/retry-summary-{i}.png" for i in range(5)]
    source = tmp_path / "tasks.tsv"
    source.write_text(tsv([*images[:2], "not a url", *images[3:]]))
    output, again = tmp_path / "out.jsonl", tmp_path / "again.jsonl"
    before = pool_images(emulator, "1")
    argv = ["tasks", str(source), "--pool-id", "1", "--allow-defaults", "--skip-invalid", "--base-url"]
    status, stderr = run([*argv, emulator.base_url, "--output", str(output)], emulator.token())
    assert status == EXIT_INVALID and "created 4, invalid 1, failed 0 (of 5 items)" in stderr, stderr
    source.write_text(tsv(images))  # the bad row fixed in place
    status, stderr = run(
        [*argv, emulator.base_url, "--retry-from", str(output), "--output", str(again)], emulator.token()
    )
    assert status == 0, stderr
    assert "created 5 (4 of them by an earlier run), invalid 0, failed 0 (of 5 items)" in stderr, stderr
    assert len(again.read_text().splitlines()) == 5
    assert sorted(pool_images(emulator, "1")) == sorted(before + images), "each line once"


@pytest.mark.parametrize("checkpoint", [True, False], ids=["sync-checkpoint", "sync-bare"])
def test_the_next_command_after_invalid_sync_lines_is_accepted_and_ends_exact(
    emulator: RunningEmulator, tmp_path: Path, checkpoint: bool
) -> None:
    tag = "ckpt" if checkpoint else "bare"
    images = [f"https://example.com/next-sync-{tag}-{i}.png" for i in range(6)]
    source, output, again = tmp_path / "tasks.tsv", tmp_path / "out.jsonl", tmp_path / "again.jsonl"
    source.write_text(tsv(["not a url", *images[1:]]))  # the first batch is held back, the second created
    ckpt = ["--checkpoint", str(tmp_path / "c.ckpt")] if checkpoint else []
    common = ["tasks", str(source), "--pool-id", "1", "--allow-defaults", "--sync", "--batch-size", "3"]
    common += ["--base-url", emulator.base_url]
    before = pool_images(emulator, "1")
    status, stderr = run([*common, *ckpt, "--output", str(output)], emulator.token())
    assert status == EXIT_FAILED and "created 3, invalid 1, failed 2 (of 6 items)" in stderr, stderr
    if checkpoint:
        assert "Next: fix the invalid lines and rerun the same command, or rerun with --retry-from" in stderr
        assert f"--skip-invalid in place of --checkpoint {tmp_path / 'c.ckpt'} to create" in stderr, stderr
        # The second way, as printed: the valid lines now, then the fixed line after.
        argv = [*common, "--retry-from", str(output), "--skip-invalid", "--output", str(again)]
        status, stderr = run(argv, emulator.token())
        assert status == EXIT_INVALID, stderr
        assert sorted(pool_images(emulator, "1")) == sorted(before + images[1:])
        # Its own next command, as printed (the checkpoint knows nothing of what this run created).
        assert f"Next: fix them, then rerun with --retry-from {again} to send only those lines." in stderr, stderr
        source.write_text(tsv(images))
        status, stderr = run([*common, "--retry-from", str(again), "--output", str(output)], emulator.token())
    else:
        assert f"Next: fix the invalid lines, then rerun with --retry-from {output} (not the same command" in stderr
        source.write_text(tsv(images))
        status, stderr = run([*common, "--retry-from", str(output), "--output", str(again)], emulator.token())
    assert status == 0, stderr
    assert sorted(pool_images(emulator, "1")) == sorted(before + images), "each line once"


class _Forbidding(http.server.BaseHTTPRequestHandler):
    """A server that is up and refuses everything with a Toloka-style 403."""

    def _refuse(self) -> None:
        body = b'{"code": "ACCESS_DENIED", "message": "Access denied"}'
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _refuse

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the command's stderr."""


def test_a_warning_from_reading_the_pool_reads_like_the_commands_other_lines(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Forbidding)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        source = tmp_path / "tasks.jsonl"
        source.write_text('{"input_values": {"image": "https://example.com/a.png"}, "overlap": 1}\n')
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        status, stderr = run(["tasks", str(source), "--pool-id", "1", "--base-url", base_url, "--sync"])
    finally:
        server.shutdown()
        server.server_close()
    assert status == EXIT_FAILED, stderr
    warning = [line for line in stderr.splitlines() if "could not read pool 1" in line]
    assert warning == ["toloka-upload: could not read pool 1 (HTTP 403): input values are checked by the server only"]
    assert TOKEN not in stderr


def test_no_token_names_the_variable_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "tasks.jsonl"
    source.write_text('{"input_values": {"image": "https://example.com/a.png"}, "overlap": 1}\n')
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        status = main(["tasks", str(source), "--pool-id", "1", "--base-url", f"http://127.0.0.1:{free_port()}"])
    assert status == EXIT_USAGE
    assert stderr.getvalue() == f"toloka-upload: no token: set {TOKEN_ENV} (the account's OAuth token or API key)\n"
