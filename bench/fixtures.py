"""The pytest fixtures' per-test cost: a reset of the in-process and of the process emulator (what every test
pays), beside a bare `create_app()` (an in-process app per test) and a new emulator process per test."""

import statistics
import time
from collections.abc import Callable

from toloka_emulator import create_app
from toloka_emulator.inprocess import InProcessEmulator
from toloka_emulator.testing import running_emulator
from toloka_upload import upload_tasks

from bench.table import Row

RESET_GOAL_MS = 50.0
TASKS = [{"input_values": {"image": f"https://example.com/{i}.png"}, "overlap": 1} for i in range(100)]


def _median_ms(action: Callable[[], object], repeat: int, prepare: Callable[[], object] = lambda: None) -> float:
    """The median wall time of `action` in milliseconds, `prepare` run (untimed) before each."""
    times = []
    for _ in range(repeat):
        prepare()
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(quick: bool) -> list[Row]:
    """Per-test costs; fewer repetitions with `quick`."""
    repeat = 10 if quick else 50
    bare = _median_ms(create_app, repeat)
    # Each reset follows a "test" that created 100 tasks (not timed).
    with InProcessEmulator() as emulator:
        in_process = _median_ms(
            emulator.reset, repeat, lambda: upload_tasks(TASKS, pool_id="1", **emulator.upload_options())
        )
    with running_emulator(testing=True) as server:
        over_http = _median_ms(
            server.reset, repeat, lambda: upload_tasks(TASKS, pool_id="1", **server.upload_options())
        )

    def new_process() -> None:
        with running_emulator():
            pass

    per_process = _median_ms(new_process, 3)
    rows = []
    for name, measured in (
        ("fixture reset, in-process emulator (per test)", in_process),
        ("fixture reset, emulator process over HTTP (per test)", over_http),
    ):
        rows.append(
            Row(
                name=name,
                unit="ms",
                measured=measured,
                baseline=bare,
                baseline_name="a bare create_app()",
                goal=f"<= {RESET_GOAL_MS:.0f} ms",
                met=measured <= RESET_GOAL_MS,
            )
        )
    rows.append(
        Row(
            name="a new emulator process per test (running_emulator start + stop)",
            unit="ms",
            measured=per_process,
            baseline=bare,
            baseline_name="a bare create_app()",
            goal="whole-process figure, for comparison",
            met=True,
        )
    )
    return rows
