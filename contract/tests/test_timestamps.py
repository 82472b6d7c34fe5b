"""The timestamp rule: the spec's pattern and a real date; parse pads the fraction; format writes 3 digits."""

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from toloka_contract.spec import load_spec
from toloka_contract.timestamps import TIMESTAMP_PATTERN, format_timestamp, is_timestamp, parse_timestamp


def test_the_pattern_is_the_specs() -> None:
    timestamp = load_spec()["components"]["schemas"]["Timestamp"]
    assert timestamp["pattern"] == TIMESTAMP_PATTERN
    assert timestamp["format"] == "date-time-local"


@pytest.mark.parametrize(
    "value", ["2016-09-29T18:04:00", "2023-03-28T11:06:09.827", "2023-03-28T11:06:09.82712", "2024-02-29T23:59:59.9"]
)
def test_real_timestamps_are_timestamps(value: str) -> None:
    assert is_timestamp(value)


@pytest.mark.parametrize(
    "value",
    [
        "2543-89-92T25:01:54",  # matches the pattern, names no date
        "2023-02-29T00:00:00",  # not a leap year
        "2023-03-28T11:06:09Z",  # a zone designator
        "2023-03-28T11:06:09+00:00",
        "2023-03-28 11:06:09",
        "2023-03-28T11:06:09.1234567",  # 7 digits
        "2023-03-28T11:06:09.",
        "2023-03-28",
        "",
        "2023-03-28T11:06:09\n",
    ],
)
def test_other_strings_are_not(value: str) -> None:
    assert not is_timestamp(value)
    with pytest.raises(ValueError):
        parse_timestamp(value)


@pytest.mark.parametrize("value", [None, 0, 1.5, b"2016-09-29T18:04:00", ["2016-09-29T18:04:00"]])
def test_non_strings_are_not_timestamps(value: object) -> None:
    assert not is_timestamp(value)


def test_every_string_is_timestamp_accepts_matches_the_pattern() -> None:
    for value in ("2016-09-29T18:04:00", "2023-03-28T11:06:09.827", "2543-89-92T25:01:54"):
        assert re.search(TIMESTAMP_PATTERN, value)


def test_parse_pads_the_fraction_on_the_right_and_is_naive() -> None:
    assert parse_timestamp("2023-03-28T11:06:09.827") == datetime(2023, 3, 28, 11, 6, 9, 827000)
    assert parse_timestamp("2023-03-28T11:06:09.82712") == datetime(2023, 3, 28, 11, 6, 9, 827120)
    assert parse_timestamp("2016-09-29T18:04:00").tzinfo is None


def test_format_writes_exactly_three_digits_truncating() -> None:
    assert format_timestamp(datetime(2023, 3, 28, 11, 6, 9)) == "2023-03-28T11:06:09.000"
    assert format_timestamp(datetime(2023, 3, 28, 11, 6, 9, 827999)) == "2023-03-28T11:06:09.827"
    assert format_timestamp(datetime(1, 1, 1)) == "0001-01-01T00:00:00.000"


def test_format_converts_aware_datetimes_to_utc() -> None:
    moscow = timezone(timedelta(hours=3))
    assert format_timestamp(datetime(2023, 3, 28, 14, 6, 9, tzinfo=moscow)) == "2023-03-28T11:06:09.000"
    assert format_timestamp(datetime(2023, 3, 28, 11, 6, 9, tzinfo=UTC)) == "2023-03-28T11:06:09.000"


def test_format_then_parse_round_trips_to_the_millisecond() -> None:
    moment = datetime(2024, 2, 29, 23, 59, 59, 123456)
    text = format_timestamp(moment)
    assert is_timestamp(text)
    assert parse_timestamp(text) == moment.replace(microsecond=123000)
