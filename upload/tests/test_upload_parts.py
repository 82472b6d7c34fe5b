"""The small parts: timestamps, tokens, the pacer, the checkpoint file, the input readers."""

import io
from datetime import datetime
from pathlib import Path

import attrs
import orjson
import pytest
import toloka_contract.timestamps
from toloka_contract.auth import Secret, authorization_header
from toloka_upload import CheckpointMismatchError, InvalidInput, Token, parse_timestamp
from toloka_upload.checkpoint import Checkpoint
from toloka_upload.credentials import MissingTokenError, resolve_token
from toloka_upload.identity import Target
from toloka_upload.items import PreparedBatch
from toloka_upload.kinds import Kind
from toloka_upload.pacer import Pacer
from toloka_upload.readers import SourceLines, read_jsonl, read_table, text_digest
from toloka_upload.report import output_records
from toloka_upload.results import BatchOutcome
from toloka_upload.timing import FakeClock, Timing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-09-29T18:04:00", datetime(2016, 9, 29, 18, 4, 0)),
        ("2023-03-28T11:06:09.827", datetime(2023, 3, 28, 11, 6, 9, 827000)),
        ("2022-07-07T12:31:54.862000", datetime(2022, 7, 7, 12, 31, 54, 862000)),
        ("2022-07-07T12:31:54.86201", datetime(2022, 7, 7, 12, 31, 54, 862010)),
    ],
)
def test_timestamps_parse_to_naive_utc(text: str, expected: datetime) -> None:
    assert parse_timestamp is toloka_contract.timestamps.parse_timestamp, "one copy of the rule"
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["2016-09-29T18:04:00Z", "2016-09-29T18:04:00+00:00", "2016-09-29", "x", ""])
def test_timestamps_with_zones_or_garbage_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a Toloka timestamp"):
        parse_timestamp(text)


def test_token_is_redacted_and_picks_its_header_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "y0-secret-value"  # noqa: S105 (a fake)
    token = Token(secret)
    assert Token is Secret, "toloka_contract.auth's secret type"
    assert secret not in repr(token) and secret not in str(token) and secret not in f"{[token]}"
    assert authorization_header(resolve_token(token)) == f"OAuth {secret}"
    assert authorization_header(resolve_token("a" * 23 + ".b.c")).startswith("ApiKey ")
    with pytest.raises(ValueError, match="cannot carry") as refused:
        resolve_token("two words")
    assert "two words" not in str(refused.value)
    monkeypatch.setenv("TOLOKA_TOKEN", secret)
    assert resolve_token(None).reveal() == secret
    monkeypatch.delenv("TOLOKA_TOKEN")
    with pytest.raises(MissingTokenError):
        resolve_token(None)


def paced_sends(limit: int, batches: list[int]) -> list[float]:
    """When a pacer on a fake clock lets each batch go, in order."""
    now = [0.0]
    pacer = Pacer(items_per_minute=limit, timing=Timing(clock=lambda: now[0]))
    sent_at = []
    for size in batches:
        while (delay := pacer.delay_for(size)) > 0:
            now[0] += delay
        sent_at.append(now[0])
    return sent_at


@pytest.mark.parametrize("size", [1000, 3000, 7000, 10_000])
def test_pacer_keeps_any_minute_under_the_limit_and_never_stalls(size: int) -> None:
    sizes = [size] * 30 + [1, 999]
    sent_at = paced_sends(10_000, sizes)
    for start in sent_at:
        in_window = sum(count for at, count in zip(sent_at, sizes, strict=True) if start <= at < start + 60)
        assert in_window <= 10_000
    # As fast as the limit allows: a whole minute's worth goes at once, then a minute's worth a minute.
    assert sent_at[29] == 60 * (29 // (10_000 // size))


def test_pacer_lets_a_batch_as_large_as_the_limit_go_once_a_minute() -> None:
    assert paced_sends(5000, [5000, 5000, 5000]) == [0.0, 60.0, 120.0]
    assert paced_sends(5000, [100, 9000, 100]) == [0.0, 60.0, 120.0], "more than the limit waits for an empty window"


def test_checkpoint_survives_a_torn_last_line_and_refuses_another_target_saying_what_differs(tmp_path: Path) -> None:
    path = tmp_path / "c"
    target = Target("http://h", "tasks", "1", True, False, False, False)
    first = Checkpoint(path, target, wall_clock=FakeClock(start=1234.5))
    batch = PreparedBatch(0, 0, 2, b"[]", [0, 1], {}, ["d0", "d1"])
    key = first.record_start(batch, "op-0")
    first.record_done(
        BatchOutcome(0, 0, ["a", None], errors={1: {"f": {"code": "C", "message": "m"}}}), ["d0", "d1"], key
    )
    first.record_start(PreparedBatch(1, 2, 2, b"[]", [0, 1], {}, ["d2", "d3"]), "op-1")
    first.close()
    with path.open("ab") as handle:
        handle.write(b'{"event":"done","bat')  # the process died mid-write

    again = Checkpoint(path, target)
    assert again.created == {0: ("d0", "a")}, "only created positions count as done"
    assert [(p.start, p.operation_id, p.sent, p.at) for p in again.pending] == [(2, "op-1", [0, 1], 1234.5)]
    again.close()
    with pytest.raises(CheckpointMismatchError, match=r"the pool \(--pool-id\): '1' then, '2' now.*Nothing was sent"):
        Checkpoint(path, attrs.evolve(target, pool_id="2"))


def test_jsonl_reader_names_the_line_and_field_of_bad_records() -> None:
    lines = [b'{"input_values": {"image": "x"}}\n', b"\n", b"{oops\n", b'{"input_values": []}\n', b"[1]\n"]
    numbered = list(read_jsonl(lines, Kind.TASKS, digests=True))
    assert [line for line, _, _ in numbered] == [1, 3, 4, 5], "blank lines are skipped but still counted"
    assert numbered[0][2] == text_digest(lines[0].rstrip()), "the digest of the line's text, without its break"
    assert len({digest for _, _, digest in numbered}) == 4
    assert all(digest == "" for _, _, digest in read_jsonl(lines, Kind.TASKS)), "no digests unless asked for"
    records = [record for _, record, _ in numbered]
    assert records[0] == {"input_values": {"image": "x"}}
    assert isinstance(records[1], InvalidInput) and records[1].message.startswith("line 3: not valid JSON")
    assert records[2] == {"input_values": []}, "the item checker judges the shape, as for library input"
    assert isinstance(records[3], InvalidInput) and "line 5" in records[3].message


def test_tsv_reader_builds_tasks_from_input_golden_and_hint_columns() -> None:
    text = io.StringIO(
        "INPUT:image\tINPUT:priority\tGOLDEN:label\tHINT:text\toverlap\n"
        'https://e.com/1.png\t5\tcat\t"look\ncloser"\t2\n'
        "\n"
        "https://e.com/2.png\t\t\t\t\n"
        "https://e.com/3.png\t1\n"
        "https://e.com/4.png\t\t\t\tmany\n"
    )
    numbered = list(read_table(text, Kind.TASKS, "\t", decode_cells=True, digests=True))
    assert [line for line, _, _ in numbered] == [2, 5, 6, 7], "a row starts after the line breaks of the row before"
    assert len({digest for _, _, digest in numbered}) == 4
    records = [record for _, record, _ in numbered]
    assert records[0] == {
        "input_values": {"image": "https://e.com/1.png", "priority": 5},
        "known_solutions": [{"output_values": {"label": "cat"}, "correctness_weight": 1}],
        "message_on_unknown_solution": "look\ncloser",
        "overlap": 2,
    }
    assert records[1] == {"input_values": {"image": "https://e.com/2.png"}}
    assert records[2] == InvalidInput("", "line 6: expected 5 columns, got 2")
    assert records[3] == InvalidInput("overlap", "line 7: overlap: expected an integer, got 'many'")
    with pytest.raises(ValueError, match="columns must be"):
        list(read_table(io.StringIO("image\n"), Kind.TASKS, ","))


def test_source_lines_hand_out_each_positions_line_once() -> None:
    source = SourceLines()
    assert list(source.records(iter([(2, "a", "da"), (5, "b", "db"), (6, "c", "dc")]))) == ["a", "b", "c"]
    assert source.take(1, 2) == [(5, 1, "db"), (6, 2, "dc")]
    assert source.take(0, 1) == [(2, 0, "da")]
    with pytest.raises(KeyError):
        source.take(0, 1)
    only = SourceLines(only={1, 2})
    assert list(only.records(iter([(2, "a", "da"), (5, "b", "db"), (6, "c", "dc")]))) == ["b", "c"]
    assert only.take(0, 2) == [(5, 1, "db"), (6, 2, "dc")], "positions map back to the input's indices"


def test_output_records_say_the_same_on_the_fast_path_and_the_general_one() -> None:
    sources = [(1, 0, "d0"), (3, 1, "d1")]
    plain = [orjson.loads(line) for line in output_records(BatchOutcome(0, 0, ["a", "b"]), sources).splitlines()]
    assert plain == [
        {"index": 0, "line": 1, "status": "created", "id": "a", "digest": "d0"},
        {"index": 1, "line": 3, "status": "created", "id": "b", "digest": "d1"},
    ]
    quoted = BatchOutcome(0, 0, ['a"b', None], failures={1: "not created: why"}, earlier={0})
    general = [orjson.loads(line) for line in output_records(quoted, sources).splitlines()]
    assert general == [
        {"index": 0, "line": 1, "status": "created", "id": 'a"b', "earlier": True, "digest": "d0"},
        {"index": 1, "line": 3, "status": "failed", "reason": "not created: why", "digest": "d1"},
    ]
