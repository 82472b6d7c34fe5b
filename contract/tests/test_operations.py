"""The names pinned to the spec, and both polling loops on a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

import pytest
from toloka_contract import operations as ops
from toloka_contract.operations import (
    ENDED_STATUSES,
    OperationTimeoutError,
    async_wait_for_operation,
    operation_status,
    wait_for_operation,
)
from toloka_contract.spec import load_spec

SCHEMAS = load_spec()["components"]["schemas"]


def test_statuses_are_the_specs() -> None:
    assert list(ops.STATUSES) == SCHEMAS["OperationStatus"]["enum"]
    assert {"SUCCESS", "FAIL"} == ENDED_STATUSES
    assert set(ops.STATUSES) > ENDED_STATUSES


def test_types_and_steps_are_named_in_the_spec() -> None:
    operation_type = SCHEMAS["Operation"]["properties"]["type"]
    assert set(operation_type["examples"]) <= set(ops.OPERATION_TYPES)
    spec_text = str(load_spec())
    for name in (*ops.OPERATION_TYPES, *ops.LOG_STEP_TYPES):
        assert name in spec_text, name
    step_doc = SCHEMAS["OperationLogItem"]["properties"]["type"]["description"]
    for step in ops.LOG_STEP_TYPES:
        assert f"`{step}`" in step_doc


class FakeClock:
    """time.monotonic and time.sleep in one: sleeping advances the clock, and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def answers(*statuses: str) -> Iterator[dict[str, str]]:
    for status in statuses:
        yield {"id": "op", "status": status}
    while True:
        yield {"id": "op", "status": statuses[-1]}


def test_returns_the_first_ended_operation_with_growing_sleeps() -> None:
    clock, fetched = FakeClock(), answers("PENDING", "RUNNING", "RUNNING", "RUNNING", "SUCCESS")
    result = wait_for_operation(
        lambda: next(fetched), interval=1.0, backoff=2.0, max_interval=3.0, clock=clock, sleep=clock.sleep
    )
    assert result == {"id": "op", "status": "SUCCESS"}
    assert clock.sleeps == [1.0, 2.0, 3.0, 3.0]


def test_an_ended_initial_operation_needs_no_fetch() -> None:
    def fetch() -> dict[str, str]:
        raise AssertionError("fetched")

    clock = FakeClock()
    failed = {"status": "FAIL"}
    assert wait_for_operation(fetch, initial=failed, clock=clock, sleep=clock.sleep) is failed
    assert clock.sleeps == []


def test_an_initial_operation_still_running_sleeps_before_the_first_fetch() -> None:
    clock, calls = FakeClock(), []

    def fetch() -> dict[str, str]:
        calls.append(clock.now)
        return {"status": "SUCCESS"}

    wait_for_operation(fetch, initial={"status": "PENDING"}, interval=0.5, clock=clock, sleep=clock.sleep)
    assert calls == [1000.5]


def test_the_timeout_cuts_the_last_sleep_fetches_once_more_then_raises() -> None:
    clock, fetched = FakeClock(), answers("RUNNING")
    with pytest.raises(OperationTimeoutError) as raised:
        wait_for_operation(
            lambda: next(fetched),
            interval=4.0,
            backoff=1.0,
            max_interval=4.0,
            timeout=10.0,
            clock=clock,
            sleep=clock.sleep,
        )
    assert clock.sleeps == [4.0, 4.0, 2.0]
    assert raised.value.status == "RUNNING"
    assert raised.value.waited == 10.0
    assert raised.value.last == {"id": "op", "status": "RUNNING"}
    assert isinstance(raised.value, TimeoutError)
    assert "RUNNING" in str(raised.value)


def test_an_operation_ending_at_the_deadline_is_returned() -> None:
    clock, fetched = FakeClock(), answers("RUNNING", "RUNNING", "SUCCESS")
    result = wait_for_operation(
        lambda: next(fetched), interval=5.0, backoff=1.0, max_interval=5.0, timeout=10.0, clock=clock, sleep=clock.sleep
    )
    assert result["status"] == "SUCCESS"
    assert clock.now == 1010.0


def test_no_timeout_waits_as_long_as_it_takes() -> None:
    clock, fetched = FakeClock(), answers(*["RUNNING"] * 1000, "SUCCESS")
    wait_for_operation(lambda: next(fetched), timeout=None, clock=clock, sleep=clock.sleep)
    assert len(clock.sleeps) == 1000
    assert max(clock.sleeps) == ops.DEFAULT_MAX_INTERVAL


def test_fetch_errors_propagate() -> None:
    def fetch() -> dict[str, str]:
        raise ConnectionError("down")

    clock = FakeClock()
    with pytest.raises(ConnectionError):
        wait_for_operation(fetch, initial={"status": "RUNNING"}, clock=clock, sleep=clock.sleep)


class Status(StrEnum):
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"


@dataclass
class Model:
    """Like the generated client's Operation: `status` an enum."""

    status: Status


def test_models_with_an_enum_status_and_a_custom_status_of() -> None:
    assert operation_status(Model(Status.SUCCESS)) == "SUCCESS"
    assert operation_status({"status": "FAIL"}) == "FAIL"
    assert operation_status({}) == "None"
    clock, results = FakeClock(), iter([Model(Status.RUNNING), Model(Status.SUCCESS)])
    assert wait_for_operation(lambda: next(results), clock=clock, sleep=clock.sleep).status is Status.SUCCESS
    # (body, exchange) pairs, as a caller that keeps the request showing the answer would fetch
    pairs = iter([({"status": "RUNNING"}, 1), ({"status": "SUCCESS"}, 2)])
    _body, exchange = wait_for_operation(
        lambda: next(pairs), status_of=lambda pair: str(pair[0]["status"]), clock=clock, sleep=clock.sleep
    )
    assert exchange == 2


@pytest.mark.parametrize(
    "kwargs",
    [{"interval": 0}, {"backoff": 0.5}, {"interval": 2.0, "max_interval": 1.0}, {"timeout": -1.0}],
)
def test_bad_schedules_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        wait_for_operation(lambda: {"status": "SUCCESS"}, **kwargs)  # type: ignore[arg-type]


def test_parameters_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        wait_for_operation(lambda: {"status": "SUCCESS"}, None)  # type: ignore[call-arg]


async def test_async_polls_the_same_way() -> None:
    clock, fetched = FakeClock(), answers("PENDING", "RUNNING", "FAIL")

    async def fetch() -> dict[str, str]:
        await asyncio.sleep(0)
        return next(fetched)

    result = await async_wait_for_operation(
        fetch, interval=1.0, backoff=2.0, max_interval=10.0, clock=clock, sleep=clock.async_sleep
    )
    assert result["status"] == "FAIL"
    assert clock.sleeps == [1.0, 2.0]


async def test_async_timeout() -> None:
    clock, fetched = FakeClock(), answers("RUNNING")

    async def fetch() -> dict[str, str]:
        return next(fetched)

    with pytest.raises(OperationTimeoutError):
        await async_wait_for_operation(fetch, timeout=1.0, clock=clock, sleep=clock.async_sleep)
    assert sum(clock.sleeps) == pytest.approx(1.0)


async def test_async_default_sleep_is_asyncio_sleep() -> None:
    fetched = answers("RUNNING", "SUCCESS")

    async def fetch() -> dict[str, str]:
        return next(fetched)

    assert (await async_wait_for_operation(fetch, interval=0.001))["status"] == "SUCCESS"
