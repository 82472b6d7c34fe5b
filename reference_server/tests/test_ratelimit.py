"""The rate limiter's windows: reservations, releases, and releases that arrive after their window ended."""

from __future__ import annotations

import pytest
from toloka_contract.clock import FakeClock
from toloka_emulator.errors import ApiError
from toloka_emulator.ratelimit import RateLimiter


def limiter(clock: FakeClock) -> RateLimiter:
    """Five items a minute, a hundred a day."""
    return RateLimiter(per_minute=5, per_day=100, clock=clock)


def rejected_status(rate: RateLimiter, count: int) -> int | None:
    """The status a reservation of `count` items is refused with, or None if it is counted."""
    try:
        rate.reserve("a", count)
    except ApiError as error:
        return error.status
    return None


def test_partial_release_makes_room_for_exactly_that_many() -> None:
    rate = limiter(FakeClock(600.0))
    reservation = rate.reserve("a", 5)
    rate.release(reservation, 2)
    assert rejected_status(rate, 2) is None
    assert rejected_status(rate, 1) == 429


def test_a_release_after_its_window_ended_leaves_the_new_window_alone() -> None:
    clock = FakeClock(600.0)
    rate = limiter(clock)
    old = rate.reserve("a", 5)
    clock.now += 60
    rate.reserve("a", 5)
    rate.release(old)
    assert rejected_status(rate, 1) == 429


def test_more_than_a_whole_window_is_413_and_counts_nothing() -> None:
    rate = limiter(FakeClock(600.0))
    assert rejected_status(rate, 6) == 413
    assert rejected_status(rate, 5) is None


@pytest.mark.parametrize("count", [0, 1, 5])
def test_release_never_goes_below_zero(count: int) -> None:
    rate = limiter(FakeClock(600.0))
    rate.release(rate.reserve("a", count), 10)
    assert rejected_status(rate, 5) is None
    assert rejected_status(rate, 1) == 429
