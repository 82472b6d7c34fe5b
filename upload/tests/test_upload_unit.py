"""The uploader against canned answers (httpx.MockTransport): mapping, retries, idempotency, resume, secrets."""

import asyncio
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
from toloka_client.models.input_values import InputValues
from toloka_client.models.task_create import TaskCreate
from toloka_upload import (
    AsyncUploader,
    AuthenticationError,
    BatchOutcome,
    InvalidInput,
    ItemStatus,
    RetryPolicy,
    Settings,
    UploadResult,
    upload_tasks,
)
from toloka_upload.cli import main
from toloka_upload.kinds import Kind

TOKEN = "unit-test-secret-token"  # noqa: S105 (a fake, to prove it never leaks)
Step = httpx.Response | Exception | BaseException | Callable[[httpx.Request], httpx.Response]


class Crash(BaseException):
    """Stands for the process dying mid-upload."""


class Script:
    """Answers requests in order with canned steps and remembers the requests.

    With `fresh` (the default), an async upload's first look for operations of earlier runs (GETs of operations
    before any POST) is answered 404, as on a pool no earlier run wrote to, and kept apart in `probes`."""

    def __init__(self, *steps: Step, fresh: bool = True) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []
        self.probes: list[httpx.Request] = []
        self._fresh = fresh

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if (
            self._fresh
            and request.method == "GET"
            and request.url.path.startswith("/api/v1/operations/")
            and not any(r.method == "POST" for r in self.requests)
        ):
            self.probes.append(request)
            return answer(404, error("DOES_NOT_EXIST"))
        self.requests.append(request)
        assert self.steps, f"unexpected request {request.method} {request.url}"
        step = self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step(request) if callable(step) else step

    def bodies(self) -> list[Any]:
        """The JSON bodies of the POSTs."""
        return [json.loads(r.content) for r in self.requests if r.method == "POST"]


def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    """A canned JSON answer."""
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)


def operation(op_id: str = "op", status: str = "SUCCESS") -> dict[str, Any]:
    """An operation body."""
    return {"id": op_id, "type": "TASK.BATCH_CREATE", "status": status, "submitted": "2026-01-01T00:00:00"}


def error(code: str, payload: Any = None) -> dict[str, Any]:
    """A Toloka error body."""
    return {"request_id": "r-1", "code": code, "message": code.lower(), "payload": payload}


def created(*indices: int, tagged: bool = True) -> list[dict[str, Any]]:
    """Log steps creating `task-<i>` from items i (whose echoed input carries the tag i, if `tagged`)."""
    return [
        {
            "type": "TASK_CREATE",
            "success": True,
            "input": {"__item_idx": str(i)} if tagged else {},
            "output": {"task_id": f"task-{i}"},
        }
        for i in indices
    ]


def echoed(items: list[dict[str, Any]], *indices: int) -> list[dict[str, Any]]:
    """Log steps creating `task-<i>` from items i, echoing each item as sent (with the pool id filled in)."""
    return [
        {"type": "TASK_CREATE", "success": True, "input": {**items[i], "pool_id": "1"}, "output": {"task_id": f"t-{i}"}}
        for i in indices
    ]


def tasks(count: int) -> list[dict[str, Any]]:
    """Valid-looking task dicts without pool_id."""
    return [{"input_values": {"image": f"https://example.com/{i}.png"}, "overlap": 1} for i in range(count)]


class Sleeps(list[float]):
    """A sleep that records instead of waiting."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.sleep(0)


def upload(
    script: Script,
    items: Iterable[object],
    sleeps: Sleeps | None = None,
    batch_size: int = 5000,
    concurrency: int = 4,
    tag: bool = False,
    items_per_minute: int | None = None,
    **options: Any,
) -> UploadResult:
    """Run one tasks upload through the script."""
    settings = Settings(
        batch_size=batch_size,
        max_concurrency=concurrency,
        items_per_minute=items_per_minute,
        retry=RetryPolicy(max_attempts=4),
        tag_items=tag,
    )
    typed: dict[str, Any] = {"pool_id": "1", "read_input_spec": False, **options}

    async def run() -> UploadResult:
        uploader = AsyncUploader(
            TOKEN,
            base_url="http://api.test",
            settings=settings,
            transport=httpx.MockTransport(script),
            clock=lambda: 0.0,
            sleep=sleeps if sleeps is not None else Sleeps(),
        )
        async with uploader:
            return await uploader.upload_tasks(items, **typed)

    return asyncio.run(run())


def test_sync_batch_maps_created_items_and_validation_errors_to_positions() -> None:
    items = tasks(3)
    script = Script(
        answer(
            201,
            {
                "items": {"0": {"id": "a"}, "2": {"id": "c"}},
                "validation_errors": {"1": {"input_values.image": {"code": "VALUE_REQUIRED", "message": "m"}}},
            },
        )
    )
    result = upload(script, items, async_mode=False, skip_invalid_items=True)
    (request,) = script.requests
    assert request.url.path == "/api/v1/tasks"
    assert request.url.params["async_mode"] == "false"
    assert request.url.params["skip_invalid_items"] == "true"
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert script.bodies()[0] == [{**item, "pool_id": "1"} for item in items]
    assert "pool_id" not in items[0], "the caller's dicts are never changed"
    assert [o.status for o in result] == [ItemStatus.CREATED, ItemStatus.INVALID, ItemStatus.CREATED]
    assert result[0].id == "a" and result[2].id == "c"
    assert result[1].errors == {"input_values.image": {"code": "VALUE_REQUIRED", "message": "m"}}
    assert (result.total, result.created, result.invalid, result.failed) == (3, 2, 1, 0)


def test_async_batch_polls_the_operation_then_maps_the_log_in_request_order() -> None:
    log = [{"type": "POOL_OPEN", "success": True, "input": {}, "output": {}}, *created(0, 1, tagged=False)]
    script = Script(
        answer(202, operation(status="PENDING")),
        answer(200, operation(status="RUNNING")),
        answer(200, operation(status="SUCCESS")),
        answer(200, log),
    )
    sleeps = Sleeps()
    result = upload(script, tasks(2), sleeps=sleeps)
    post = script.requests[0]
    assert post.url.params["async_mode"] == "true"
    operation_id = post.url.params["operation_id"]
    assert [r.url.path for r in script.requests[1:]] == [
        f"/api/v1/operations/{operation_id}",
        f"/api/v1/operations/{operation_id}",
        f"/api/v1/operations/{operation_id}/log",
    ]
    assert all("__item_idx" not in item for item in script.bodies()[0]), "items go as given unless tagging is on"
    assert result.ids == ["task-0", "task-1"]
    assert result.operation_ids == [operation_id]
    assert sleeps[0] < sleeps[1], "polling backs off"


def test_tagged_items_map_back_by_tag_whatever_the_log_order() -> None:
    script = Script(answer(202, operation()), answer(200, created(2, 0, 1)))
    result = upload(script, tasks(3), tag=True)
    assert [item["__item_idx"] for item in script.bodies()[0]] == ["0", "1", "2"]
    assert result.ids == ["task-0", "task-1", "task-2"]


def test_lost_answer_is_resent_with_the_same_operation_id_and_never_creates_twice() -> None:
    script = Script(
        httpx.ReadError("connection reset"),
        answer(500, error("INTERNAL_ERROR")),
        answer(409, error("OPERATION_ALREADY_EXISTS")),
        answer(200, operation()),
        answer(200, echoed(tasks(2), 1, 0)),  # met again: mapped by content, whatever the order
    )
    result = upload(script, tasks(2))
    posts = [r for r in script.requests if r.method == "POST"]
    assert len(posts) == 3
    assert len({r.url.params["operation_id"] for r in posts}) == 1
    assert result.ok and result.ids == ["t-0", "t-1"]


def test_429_waits_for_retry_after() -> None:
    script = Script(
        answer(429, error("TOO_MANY_REQUESTS", {"interval": "MIN"}), {"Retry-After": "7"}),
        answer(201, {"items": {"0": {"id": "a"}}}),
    )
    sleeps = Sleeps()
    result = upload(script, tasks(1), sleeps=sleeps, async_mode=False)
    assert sleeps == [7.0]
    assert result.ok


def test_sync_batch_is_resent_only_when_the_server_provably_did_nothing() -> None:
    script = Script(
        httpx.ConnectError("refused"),
        answer(503, error("REMOTE_SERVICE_UNAVAILABLE")),
        answer(201, {"items": {"0": {"id": "a"}}}),
        answer(500, error("INTERNAL_ERROR")),
        httpx.ReadTimeout("stalled"),
    )
    first = upload(script, tasks(1), async_mode=False)
    assert first.ok
    second = upload(script, tasks(1), async_mode=False)
    third = upload(script, tasks(1), async_mode=False)
    assert len(script.requests) == 5, "a 500 or a lost answer to a synchronous upload is never resent"
    for result in (second, third):
        assert result.unknown == 1 and result[0].status is ItemStatus.UNKNOWN
        assert "may or may not" in (result[0].reason or "")


def test_whole_batch_validation_error_maps_invalid_items_and_fails_the_rest() -> None:
    payload = {"1": {"input_values.image": {"code": "INVALID_URL_SYNTAX", "message": "bad"}}}
    script = Script(answer(400, error("VALIDATION_ERROR", payload)))
    result = upload(script, tasks(3), async_mode=False)
    assert [o.status for o in result] == [ItemStatus.FAILED, ItemStatus.INVALID, ItemStatus.FAILED]
    assert "skip_invalid_items is false" in (result[0].reason or "")
    assert result[1].errors == payload["1"]


def test_failed_async_operation_reports_invalid_items_and_the_reason_for_the_rest() -> None:
    invalid = {"input_values.image": {"code": "VALUE_REQUIRED", "message": "m"}}
    items = tasks(3)
    # Only the invalid item has a step (the valid ones were neither created nor refused): matched by content.
    log = [{"type": "TASK_VALIDATE", "success": False, "input": {**items[1], "pool_id": "1"}, "output": invalid}]
    script = Script(answer(202, operation(status="FAIL")), answer(200, log))
    result = upload(script, items)
    assert result[1].errors == invalid
    assert result[0].status is ItemStatus.FAILED and result[2].status is ItemStatus.FAILED


def test_unreadable_record_fails_its_batch_without_sending_unless_skipping_invalid() -> None:
    items: list[object] = [*tasks(1), InvalidInput("input_values", "line 2: expected an object"), *tasks(1)]
    script = Script()
    result = upload(script, items)
    assert script.requests == []
    assert [o.status for o in result] == [ItemStatus.FAILED, ItemStatus.INVALID, ItemStatus.FAILED]
    assert result[1].errors == {"input_values": {"code": "MALFORMED_RECORD", "message": "line 2: expected an object"}}

    script = Script(answer(201, {"items": {"0": {"id": "a"}, "1": {"id": "c"}}}))
    result = upload(script, items, async_mode=False, skip_invalid_items=True)
    assert len(script.bodies()[0]) == 2
    assert [result[0].id, result[1].status, result[2].id] == ["a", ItemStatus.INVALID, "c"]


def test_generated_models_are_accepted_as_input() -> None:
    model = TaskCreate(
        pool_id="7", input_values=InputValues.from_dict({"image": "https://example.com/x.png"}), overlap=1
    )
    script = Script(answer(201, {"items": {"0": {"id": "a"}}}))
    result = upload(script, [model], async_mode=False)
    assert script.bodies()[0] == [
        {"pool_id": "7", "input_values": {"image": "https://example.com/x.png"}, "overlap": 1}
    ]
    assert result.ok


def test_batches_run_concurrently_and_results_keep_input_order() -> None:
    def sync_answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        return answer(201, {"items": {str(i): {"id": item["input_values"]["image"]} for i, item in enumerate(body)}})

    script = Script(*[sync_answer] * 4)
    seen: list[int] = []
    result = upload(script, tasks(7), batch_size=2, async_mode=False, on_batch=lambda b: seen.append(b.start))
    assert sorted(seen) == [0, 2, 4, 6]
    assert result.ids == [f"https://example.com/{i}.png" for i in range(7)]
    assert [o.index for o in result] == list(range(7))


def test_counts_only_result_keeps_no_items() -> None:
    script = Script(answer(201, {"items": {"0": {"id": "a"}}}))
    result = upload(script, tasks(1), async_mode=False, keep_items=False)
    assert (result.total, result.created) == (1, 1)
    with pytest.raises(LookupError):
        result[0]


def test_authentication_failure_stops_the_upload_and_never_shows_the_token() -> None:
    script = Script(answer(401, error("AUTHENTICATION_ERROR")))
    with pytest.raises(AuthenticationError) as caught:
        upload(script, tasks(1), async_mode=False)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    uploader = AsyncUploader(TOKEN, base_url="http://api.test")
    assert TOKEN not in repr(uploader)


def test_rerun_with_checkpoint_skips_done_batches_and_resumes_started_ones(tmp_path: Path) -> None:
    checkpoint = tmp_path / "upload.checkpoint"
    items = tasks(4)
    first = Script(
        answer(202, operation()),
        answer(200, echoed(items, 0, 1)),
        Crash(),  # dies while sending the second batch
    )
    with pytest.raises(Crash):
        upload(first, items, batch_size=2, concurrency=1, checkpoint=checkpoint)
    done_operation = first.requests[0].url.params["operation_id"]
    lost_operation = first.requests[-1].url.params["operation_id"]
    assert done_operation != lost_operation, "each batch takes the next slot of the sequence"

    # The rerun first follows the operation the crash left open, then reads the slots taken so far (both
    # operations, until the first that does not exist), and has nothing left to send.
    steps = [answer(200, operation(lost_operation)), answer(200, echoed(items, 2, 3))]
    slots = [
        answer(200, operation(done_operation)), answer(200, echoed(items, 0, 1)),
        answer(200, operation(lost_operation)), answer(200, echoed(items, 2, 3)),
        answer(404, error("DOES_NOT_EXIST")),
    ]  # fmt: skip
    second = Script(*steps, *slots, fresh=False)
    result = upload(second, items, batch_size=2, concurrency=1, checkpoint=checkpoint)
    assert [r.method for r in second.requests] == ["GET"] * 7
    assert second.requests[0].url.path == f"/api/v1/operations/{lost_operation}"
    assert second.requests[2].url.path == f"/api/v1/operations/{done_operation}"
    assert result.ok and result.total == 4 and result.earlier == 4
    assert result.ids == ["t-0", "t-1", "t-2", "t-3"]

    third = Script(*slots, fresh=False)
    assert upload(third, items, batch_size=2, concurrency=1, checkpoint=checkpoint).created == 4
    assert third.bodies() == [], "a finished upload rerun sends nothing"


def test_a_batch_never_holds_more_items_than_the_pace_allows_in_a_minute() -> None:
    def crash(outcome: BatchOutcome) -> None:
        raise Crash  # the next batches wait a minute for the pacer: stop once the first one is done

    script = Script(answer(202, operation()), answer(200, created(0, 1, 2, tagged=False)))
    with pytest.raises(Crash):
        upload(script, tasks(7), items_per_minute=3, on_batch=crash)
    assert [len(body) for body in script.bodies()] == [3]


def test_a_daily_limit_fails_the_batch_instead_of_sleeping_for_hours() -> None:
    script = Script(answer(429, error("TOO_MANY_REQUESTS", {"interval": "DAY"}), {"Retry-After": "40000"}))
    sleeps = Sleeps()
    result = upload(script, tasks(2), sleeps=sleeps, async_mode=False)
    assert sleeps == []
    assert result.failed == 2 and "TOO_MANY_REQUESTS" in (result[0].reason or "")


def test_persistent_server_errors_give_up_with_the_last_reason() -> None:
    script = Script(*[answer(500, error("INTERNAL_ERROR"))] * 4)
    sleeps = Sleeps()
    result = upload(script, tasks(1), sleeps=sleeps)
    assert len(script.requests) == 4 and len(sleeps) == 3
    # A 500 may come after the server acted: the item is unknown (a rerun follows the operation), not failed.
    assert result.unknown == 1 and "gave up after 4 attempts; last: HTTP 500" in (result[0].reason or "")


def test_an_unreadable_answer_fails_the_batch_as_unknown_without_stopping_the_upload() -> None:
    script = Script(
        httpx.Response(201, content=b"<html>proxy error</html>"), answer(201, {"items": {"0": {"id": "b"}}})
    )
    result = upload(script, tasks(2), batch_size=1, concurrency=1, async_mode=False)
    assert result[0].status is ItemStatus.UNKNOWN and "could not be read" in (result[0].reason or "")
    assert result[1].id == "b"


async def test_the_blocking_call_also_works_inside_a_running_event_loop() -> None:
    script = Script(answer(201, {"items": {"0": {"id": "a"}}}))
    result = upload_tasks(
        tasks(1), pool_id="1", token=TOKEN, base_url="http://api.test", transport=httpx.MockTransport(script),
        async_mode=False, read_input_spec=False,
    )  # fmt: skip
    assert result.ids == ["a"]


@pytest.mark.parametrize(
    ("failure", "async_mode"),
    [(httpx.UnsupportedProtocol("Request URL is missing a scheme"), True), (httpx.LocalProtocolError("x"), False)],
)
def test_a_request_that_cannot_be_built_is_never_retried(failure: Exception, async_mode: bool) -> None:
    script = Script(failure)
    sleeps = Sleeps()
    result = upload(script, tasks(2), sleeps=sleeps, async_mode=async_mode)
    assert len(script.requests) == 1 and sleeps == []
    assert result.failed == 2 and "could not be sent" in (result[0].reason or "")
    assert type(failure).__name__ in (result[0].reason or "")


@pytest.mark.parametrize("base_url", ["not-a-url", "ftp://api.test", "http://", "https//toloka.dev"])
def test_a_base_url_that_is_not_http_is_refused_up_front(base_url: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        AsyncUploader(TOKEN, base_url=base_url)


@pytest.mark.parametrize(
    ("token", "base_url", "message"),
    [
        (TOKEN, "not-a-url", "base URL must start with http:// or https://"),
        (f"{TOKEN}\n", "http://api.test", "characters an HTTP header cannot carry"),
        (f"{TOKEN[:5]}\r\n{TOKEN[5:]}", "http://api.test", "characters an HTTP header cannot carry"),
        (f"{TOKEN} ", "http://api.test", "characters an HTTP header cannot carry"),
    ],
    ids=["not-a-url", "newline", "crlf-inside", "trailing-space"],
)
def test_command_refuses_a_bad_base_url_or_token_with_usage_status_and_never_shows_the_token(
    token: str,
    base_url: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "tasks.jsonl"
    source.write_text(json.dumps({"pool_id": "1", "input_values": {"image": "https://example.com/1.png"}}))
    monkeypatch.setenv("TOLOKA_TOKEN", token)
    status = main(["tasks", str(source), "--base-url", base_url, "--no-progress"])
    shown = capsys.readouterr()
    assert status == 2
    assert message in shown.err
    assert TOKEN[5:] not in shown.err + shown.out


def test_polling_an_operation_that_never_ends_gives_up_on_the_fake_clock_and_leaves_it_unknown() -> None:
    from toloka_upload import FakeClock, PollPolicy

    clock = FakeClock()
    posted: list[httpx.Request] = []

    def still_running(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posted.append(request)
        elif not posted:
            return answer(404, error("DOES_NOT_EXIST"))  # no earlier run
        return answer(202 if request.method == "POST" else 200, operation("op", "RUNNING"))

    running = httpx.MockTransport(still_running)
    settings = Settings(
        items_per_minute=None, poll=PollPolicy(initial=1.0, factor=2.0, maximum=60.0, give_up_after=600)
    )

    async def run() -> UploadResult:
        async with AsyncUploader(
            TOKEN, base_url="http://api.test", settings=settings, transport=running, clock=clock, sleep=clock.sleep
        ) as uploader:
            return await uploader.upload_tasks(tasks(3), pool_id="1", read_input_spec=False)

    result = asyncio.run(run())
    assert result.unknown == 3 and "still RUNNING after 600 s" in (result[0].reason or "")
    assert clock.slept[:4] == [1.0, 2.0, 4.0, 8.0] and max(clock.slept) == 60.0, "toloka_contract's backoff"
    assert sum(clock.slept) == pytest.approx(600), "the last sleep is cut to end at the poll's give_up_after"


def test_a_sync_batch_partly_found_in_the_pool_settles_what_was_found_and_never_resends_the_rest(
    tmp_path: Path,
) -> None:
    from toloka_upload.items import content_mark

    checkpoint = tmp_path / "ckpt"
    items = [{**item, "pool_id": "1"} for item in tasks(3)]
    first = Script(answer(200, {"items": [], "has_more": False}), httpx.ReadError("lost"))
    result = upload(first, items, async_mode=False, checkpoint=checkpoint)
    assert result.unknown == 3 and "rerun the same command (same --checkpoint)" in (result[0].reason or "")
    marks = [content_mark(Kind.TASKS, item) for item in items]
    assert all(mark is not None for mark in marks)

    # The pool holds items 0 and 2 only (say the server stored item 1 differently): 0 and 2 settle, 1 stays unknown.
    found = [{"id": "t-0", **items[0]}, {"id": "t-2", **items[2]}]
    second = Script(answer(200, {"items": found, "has_more": False}), answer(200, {"items": found[-1:]}))
    rerun = upload(second, items, async_mode=False, checkpoint=checkpoint)
    assert [r.method for r in second.requests] == ["GET", "GET"], "nothing is sent again"
    assert [(r.status, r.id) for r in rerun] == [
        (ItemStatus.CREATED, "t-0"),
        (ItemStatus.UNKNOWN, None),
        (ItemStatus.CREATED, "t-2"),
    ]
    assert "not found" in (rerun[1].reason or "")


def test_the_options_are_written_once_and_everything_else_is_derived_from_them() -> None:
    import inspect

    import attrs
    from toloka_upload import UploadCall, UploadFields, UploadOptions, async_upload
    from toloka_upload.batch import ApiFlags
    from toloka_upload.identity import Target

    fields = attrs.fields_dict(UploadOptions)
    assert UploadFields.__annotations__.keys() == fields.keys(), "the flat keyword arguments are the options' fields"
    connection = [p.name for p in inspect.signature(async_upload).parameters.values() if p.kind is p.KEYWORD_ONLY]
    assert UploadCall.__annotations__.keys() == {*fields, *connection}
    uploader = [p.name for p in inspect.signature(AsyncUploader.__init__).parameters.values()][1:]
    assert set(uploader) == set(connection), "async_upload takes the uploader's connection arguments, no other"
    assert attrs.fields_dict(ApiFlags).keys() <= fields.keys(), "the API's flags are options"
    assert attrs.fields_dict(Target).keys() - fields.keys() == {"base_url", "kind", "salt"}
    options = UploadOptions(pool_id="1", skip_invalid_items=True)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        options.pool_id = "2"  # type: ignore[misc]
    with pytest.raises(TypeError):
        UploadOptions("1")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="skip_invalid"):
        UploadOptions(skip_invalid=True)  # type: ignore[call-arg]

    # One object for an upload, with fields by name over it: items 0 and 2 go, the bad one is held back.
    script = Script(answer(202, operation()), answer(200, echoed(tasks(2), 0, 1)))

    async def run() -> UploadResult:
        async with AsyncUploader(TOKEN, base_url="http://api.test", transport=httpx.MockTransport(script)) as up:
            items: list[object] = [*tasks(1), InvalidInput("", "line 2: bad"), *tasks(2)[1:]]
            return await up.upload_tasks(items, options, read_input_spec=False)

    result = asyncio.run(run())
    assert script.requests[0].url.params["skip_invalid_items"] == "true"
    assert [o.status for o in result] == [ItemStatus.CREATED, ItemStatus.INVALID, ItemStatus.CREATED]


def test_a_rerun_waits_for_an_earlier_runs_operation_still_running_then_sends_only_what_it_did_not_create() -> None:
    items = tasks(3)
    script = Script(
        answer(200, operation("slot-0", "RUNNING")),  # slot 0: left running by a run that was killed
        answer(200, operation("slot-0", "SUCCESS")),
        answer(200, echoed(items, 1)),
        answer(404, error("DOES_NOT_EXIST")),  # slot 1: free
        answer(202, operation()),
        answer(200, echoed(items, 0, 2)),
        fresh=False,
    )
    sleeps = Sleeps()
    result = upload(script, items, sleeps=sleeps)
    paths = [r.url.path for r in script.requests]
    assert paths[:4] == [paths[0], paths[0], f"{paths[0]}/log", paths[3]] and paths[0] != paths[3]
    assert len(sleeps) >= 1, "it polled the running operation until it ended"
    assert script.bodies() == [[{**items[0], "pool_id": "1"}, {**items[2], "pool_id": "1"}]], "only what is missing"
    assert script.requests[4].url.params["operation_id"] == paths[3].rsplit("/", 1)[-1], "the next free slot"
    assert result.ids == ["t-0", "t-1", "t-2"] and [o.earlier for o in result] == [False, True, False]
    assert repr(result) == "UploadResult(total=3, new=2, earlier=1, invalid=0, failed=0, unknown=0)"


def test_a_post_that_may_have_reached_the_server_unanswered_stops_the_next_slots_being_taken() -> None:
    # Batch 0's POST gets no answer, four times: its operation may exist, so a later slot could leave a gap
    # that a rerun's look for earlier operations would stop at. Batch 1 is not sent.
    script = Script(*[httpx.ReadError("lost")] * 4)
    result = upload(script, tasks(2), batch_size=1, concurrency=2)
    assert len(script.bodies()) == 4 and {len(body) for body in script.bodies()} == {1}
    assert len({r.url.params["operation_id"] for r in script.requests}) == 1, "resent under the same id"
    assert result[0].status is ItemStatus.UNKNOWN
    assert result[1].status is ItemStatus.FAILED
    assert "may have reached the server unanswered" in (result[1].reason or "")


def test_a_slot_another_run_took_at_the_same_time_stops_this_run_before_it_could_duplicate_anything() -> None:
    items = tasks(4)
    other = {"input_values": {"image": "https://example.com/other.png"}, "overlap": 1}
    script = Script(
        answer(409, error("OPERATION_ALREADY_EXISTS")),  # the other run took slot 0 first
        answer(200, operation()),
        answer(200, [*echoed(items, 0), *echoed([other], 0)]),  # with item 0 and an item of its own
    )
    result = upload(script, items, batch_size=2, concurrency=1)
    assert len(script.bodies()) == 1, "no later slot is taken: the other run may be sending the same items"
    assert (result[0].status, result[0].id, result[0].earlier) == (ItemStatus.CREATED, "t-0", True)
    for index in (1, 2, 3):
        assert result[index].status is ItemStatus.FAILED
        assert "another run of the same upload sent operation" in (result[index].reason or "")


def test_the_command_line_gives_one_options_object_and_its_advice_reads_the_options() -> None:
    from pathlib import Path

    import attrs
    from toloka_upload import UploadOptions
    from toloka_upload.cli import _failed_next, _guarantee, _interrupted, _options, build_parser

    argv = ["tasks", "in.jsonl", "--pool-id", "7", "--sync", "--skip-invalid", "--allow-defaults", "--open-pool"]
    args = build_parser().parse_args([*argv, "--checkpoint", "c", "--again=n", "--give-up-after", "5"])
    assert _options(args) == UploadOptions(
        pool_id="7", async_mode=False, skip_invalid_items=True, allow_defaults=True, open_pool=True,
        checkpoint=Path("c"), again="n", give_up_after=5.0,
    )  # fmt: skip
    plain = _options(build_parser().parse_args(["tasks", "in.jsonl"]))
    assert plain == UploadOptions(), "no flag: the options' own defaults"
    assert _guarantee(plain) is None and "--again=n" in _interrupted(attrs.evolve(plain, again="n"), None)
    unsafe = attrs.evolve(plain, async_mode=False)
    assert "--checkpoint" in (_guarantee(unsafe) or ""), "a synchronous upload without a checkpoint is warned about"
    assert "would create the items of this run again (the items created so far are in o)" in _interrupted(
        unsafe, Path("o")
    )
    assert _failed_next(unsafe, None).startswith("upload those lines again")
    assert _failed_next(plain, None).startswith("rerun the same command")
    # A checkpoint's refusal names the flags that differ (identity.FLAG_NAMES): each is one the command has.
    import re

    from toloka_upload.identity import FLAG_NAMES

    named = set(re.findall(r"--[a-z-]+", " ".join(FLAG_NAMES.values())))
    assert named and all(f" {flag}" in build_parser().format_help() for flag in named), named
