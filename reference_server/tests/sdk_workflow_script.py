"""The official SDK's upload workflow, run by toloka-kit's own interpreter (compat/toloka-kit/.venv) over real HTTP.

Usage: `python sdk_workflow_script.py BASE_URL CONFIG_TOML` with the tokens in the environment: `SDK_OAUTH_TOKEN`
(used by `TolokaClient`, which sends it as `OAuth`) and `SDK_APIKEY_TOKEN` (used by `AsyncTolokaClient`; shaped so
that toloka-kit sends it as `ApiKey`); `SDK_EXCHANGES_FILE`, if set, receives every HTTP exchange (see
`Exchanges`). The emulator must run CONFIG_TOML; its pools and projects are the expectations.

Every SDK call is one step, run unmodified with both clients (the workflow is written once; a sync client's results
are used as they are, an async client's are awaited). Each step prints a `{"begin": name}` line, then a result line
`{"step": name, "ok": bool, "seconds": float, "detail": str}`, where a failure's detail names the exception and the
HTTP exchanges of the step (method, path, status, bodies; never headers). A step whose prerequisite failed is
reported as failed without running. `STEPS` and `CLIENTS` are plain literals: the pytest side
(test_official_sdk.py, which starts a real emulator process) reads them with `ast` and requires every step to pass.

"Return what was sent": every field the SDK serialised for an object (input_values, known_solutions, pool_id...) must
come back equal on the SDK object the call returns, and overlap / infinite_overlap must be the sent ones or, with
allow_defaults and no overlap, the pool's default. The event hooks added to the SDK's httpx sessions only observe.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import sys
import time
import tomllib
import traceback
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

CLIENTS = ("TolokaClient", "AsyncTolokaClient")
STEPS = (
    "get_pool",
    "get_pool[closed pool]",
    "get_pool[another account's pool is DOES_NOT_EXIST]",
    "get_project",
    "create_task",
    "create_task[async_mode=False, allow_defaults]",
    "create_task[infinite_overlap]",
    "create_task[async_mode=False, infinite_overlap]",
    "create_task[open_pool]",
    "get_pool[opened by create_task[open_pool]]",
    "close_pool[after create_task[open_pool]]",
    "create_task[async_mode=False, allow_defaults, open_pool]",
    "get_pool[opened by create_task[async_mode=False, allow_defaults, open_pool]]",
    "close_pool[after create_task[async_mode=False, allow_defaults, open_pool]]",
    "create_tasks[async_mode=True, allow_defaults, infinite_overlap]",
    "create_tasks[async_mode=False, allow_defaults, infinite_overlap]",
    "create_tasks[async_mode=True, skip_invalid_items]",
    "create_tasks[async_mode=False, skip_invalid_items]",
    "create_tasks[async_mode=True, open_pool]",
    "get_pool[opened by create_tasks[async_mode=True, open_pool]]",
    "close_pool[after create_tasks[async_mode=True, open_pool]]",
    "create_tasks[async_mode=False, open_pool]",
    "get_pool[opened by create_tasks[async_mode=False, open_pool]]",
    "close_pool[after create_tasks[async_mode=False, open_pool]]",
    "create_tasks_async",
    "wait_operation",
    "get_operation_log",
    "get_task",
    "get_tasks",
    "find_tasks[id filters]",
    "find_tasks[sort=['id', '-created'], limit]",
    "find_tasks[sort=['-created', '-id'], limit]",
    "create_task_suite",
    "create_task_suite[async_mode=False, infinite_overlap]",
    "create_task_suite[async_mode=False, allow_defaults]",
    "create_task_suite[allow_defaults, open_pool]",
    "get_pool[opened by create_task_suite[allow_defaults, open_pool]]",
    "close_pool[after create_task_suite[allow_defaults, open_pool]]",
    "create_task_suite[async_mode=False, open_pool]",
    "get_pool[opened by create_task_suite[async_mode=False, open_pool]]",
    "close_pool[after create_task_suite[async_mode=False, open_pool]]",
    "create_task_suites[async_mode=True, allow_defaults, infinite_overlap]",
    "create_task_suites[async_mode=False, allow_defaults, infinite_overlap]",
    "create_task_suites[async_mode=True, skip_invalid_items]",
    "create_task_suites[async_mode=False, skip_invalid_items]",
    "create_task_suites[async_mode=True, open_pool]",
    "get_pool[opened by create_task_suites[async_mode=True, open_pool]]",
    "close_pool[after create_task_suites[async_mode=True, open_pool]]",
    "create_task_suites[async_mode=False, open_pool]",
    "get_pool[opened by create_task_suites[async_mode=False, open_pool]]",
    "close_pool[after create_task_suites[async_mode=False, open_pool]]",
    "get_task_suite",
    "get_task_suites",
    "find_task_suites[id filters, sort, limit]",
    "open_pool",
    "open_pool[already open]",
    "close_pool",
    "close_pool[already closed]",
)
OPEN_POOL, CLOSED_POOL, FOREIGN_POOL = "1", "2", "4"
IMAGE = "https://example.com/sdk/{}.png"
BODY_CHARS = 600

toloka: Any = None  # toloka.client, imported in main() so that this file's literals can be read without toloka-kit


def emit(record: dict[str, Any]) -> None:
    """One JSON line on stdout, flushed (the pytest side reads what was printed even if the run is killed)."""
    sys.stdout.write(json.dumps(record, default=str) + "\n")
    sys.stdout.flush()


class Exchanges:
    """The HTTP exchanges of the current step, seen through httpx event hooks (observation only).

    With `record_to` (env `SDK_EXCHANGES_FILE`), every exchange is also appended there whole as a JSON line
    `{method, path, status, sent, answer}` (the path with its query; never a header), for the pytest side to check
    against openapi.yaml.
    """

    def __init__(self, record_to: str | None = None) -> None:
        self.items: list[dict[str, Any]] = []
        self._record_to = record_to
        self._pending: dict[str, Any] = {}

    def clear(self) -> None:
        self.items = []

    def _request(self, request: Any) -> None:
        self._pending = {
            "method": request.method,
            "path": request.url.raw_path.decode(),
            "sent": request.content.decode(errors="replace"),
        }
        self.items.append(
            {
                "request": f"{request.method} {request.url.raw_path.decode()}",
                "scheme": request.headers.get("authorization", "").partition(" ")[0],
                "sent": request.content.decode(errors="replace")[:BODY_CHARS],
            }
        )

    def _response(self, response: Any, body: bytes) -> None:
        if self._record_to is not None and self._pending:
            record = {**self._pending, "status": response.status_code, "answer": body.decode(errors="replace")}
            with open(self._record_to, "a", encoding="utf-8") as file:
                file.write(json.dumps(record) + "\n")
            self._pending = {}
        if self.items:
            self.items[-1]["status"] = response.status_code
            self.items[-1]["answer"] = body.decode(errors="replace")[:BODY_CHARS]

    def sync_hooks(self) -> dict[str, list[Callable[[Any], None]]]:
        def on_response(response: Any) -> None:
            self._response(response, response.read())

        return {"request": [self._request], "response": [on_response]}

    def async_hooks(self) -> dict[str, list[Callable[[Any], Awaitable[None]]]]:
        async def on_request(request: Any) -> None:
            self._request(request)

        async def on_response(response: Any) -> None:
            self._response(response, await response.aread())

        return {"request": [on_request], "response": [on_response]}

    def describe(self) -> str:
        return "\n".join(
            f"  {item['request']} -> {item.get('status', 'no answer')}\n    sent: {item['sent'] or '(no body)'}\n"
            f"    answer: {item.get('answer', '')}"
            for item in self.items[-4:]
        )


async def call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call an SDK method of either client: a sync client's result as is, an async client's awaited."""
    result = method(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


async def collect(items: Any) -> list[Any]:
    """All items of a generator (sync client) or an async generator (async client)."""
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


def differences(sent: Any, got: Any, path: str = "") -> list[str]:
    """Where `got` lacks or changes what `sent` carries (extra keys in `got` are fine: read-only fields)."""
    where = path or "(the object)"
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [f"{where}: sent an object, got {got!r}"]
        found: list[str] = []
        for key, value in sent.items():
            if key not in got:
                found.append(f"{path}{key}: sent {value!r}, absent from the answer")
            else:
                found += differences(value, got[key], f"{path}{key}.")
        return found
    if isinstance(sent, list):
        if not isinstance(got, list) or len(got) != len(sent):
            return [f"{where}: sent {sent!r}, got {got!r}"]
        return [line for index, item in enumerate(sent) for line in differences(item, got[index], f"{path}{index}.")]
    same = type(sent) is type(got) and sent == got if isinstance(sent, bool) or isinstance(got, bool) else sent == got
    return [] if same else [f"{where}: sent {sent!r}, got {got!r}"]


def sent_fields(obj: Any) -> dict[str, Any]:
    """What the SDK serialises for `obj` (call before the SDK adds `__item_idx`), without the overlap pair."""
    data = dict(toloka.unstructure(obj))
    data.pop("overlap", None)
    data.pop("infinite_overlap", None)
    data.pop("__item_idx", None)
    return data


def check_echo(sent: Any, got: Any, overlap: int | None) -> None:
    """`got` (an SDK object read back) carries what `sent` carried; overlap is `overlap` (None: infinite)."""
    if not getattr(got, "id", None):
        raise AssertionError(f"the answer has no id: {got!r}")
    problems = differences(sent_fields(sent), toloka.unstructure(got))
    if (got.overlap, got.infinite_overlap) != (overlap, overlap is None):
        problems.append(
            f"overlap/infinite_overlap: expected {overlap!r}/{overlap is None}, got {got.overlap!r}/"
            f"{got.infinite_overlap!r}"
        )
    if problems:
        raise AssertionError("; ".join(problems))


def expected_overlap(obj: Any, default: int) -> int | None:
    """The overlap an object sent with allow_defaults reads back with."""
    if obj.infinite_overlap:
        return None
    return obj.overlap if obj.overlap is not None else default


def check_same(created: Any, fetched: Any) -> None:
    """A read gives the object the create answer gave, field for field."""
    problems = differences(toloka.unstructure(created), toloka.unstructure(fetched))
    if problems:
        raise AssertionError("read back differs from the create answer: " + "; ".join(problems))


def check_batch(
    result: Any, sent: list[Any], default: int, valid: list[int], invalid: dict[int, dict[str, str]] | None = None
) -> None:
    """A create_tasks / create_task_suites result: `valid` indexes created as sent, `invalid` ones refused so."""
    if sorted(result.items) != sorted(str(index) for index in valid):
        raise AssertionError(f"created indexes {sorted(result.items)}, expected {[str(i) for i in valid]}")
    for index in valid:
        try:
            check_echo(sent[index], result.items[str(index)], expected_overlap(sent[index], default))
        except AssertionError as exc:
            raise AssertionError(f"item {index}: {exc}") from None
    errors = result.validation_errors or {}
    expected_errors = {str(index): fields for index, fields in (invalid or {}).items()}
    got_errors = {index: {key: error.code for key, error in fields.items()} for index, fields in errors.items()}
    if got_errors != expected_errors:
        raise AssertionError(f"validation_errors {got_errors}, expected {expected_errors}")


def check_pool(pool: Any, pool_id: str, status: str) -> None:
    """The SDK's Pool is the pool asked for, in `status` (OPEN, CLOSED)."""
    got = getattr(pool.status, "value", pool.status)
    if (pool.id, got) != (pool_id, status):
        raise AssertionError(f"pool {pool.id!r} status {got!r}, expected pool {pool_id!r} status {status}")


class Workflow:
    """The whole upload workflow for one client; steps share what earlier steps created."""

    def __init__(self, label: str, client: Any, exchanges: Exchanges, config: dict[str, Any], scheme: str) -> None:
        self.label = label
        self.client = client
        self.exchanges = exchanges
        self.config = config
        self.scheme = scheme
        self.passed: set[str] = set()
        self.pools = {str(pool["id"]): pool for pool in config["pools"]}
        self.state: dict[str, Any] = {}

    def answer(self, value: str) -> dict[str, str]:
        """A valid output_values for the open pool's project: its one output field (a string) set to `value`."""
        project_id = str(self.pools[OPEN_POOL]["project_id"])
        project = next(p for p in self.config["projects"] if str(p["id"]) == project_id)
        (name,) = project["output_spec"]
        return {name: value}

    def default(self, kind: str, pool_id: str = OPEN_POOL) -> int:
        value: int = self.pools[pool_id][f"default_overlap_for_new_{kind}"]
        return value

    async def step(self, name: str, action: Callable[[], Awaitable[Any]], needs: tuple[str, ...] = ()) -> Any:
        """Run one step and report it; None when it failed or could not run."""
        if name not in STEPS:
            raise KeyError(f"{name!r} is not in STEPS")
        full = f"{self.label}.{name}"
        emit({"begin": full})
        missing = [need for need in needs if need not in self.passed]
        if missing:
            detail = "not run: it needs " + ", ".join(f"{self.label}.{need}" for need in missing) + ", which failed"
            emit({"step": full, "ok": False, "seconds": 0.0, "detail": detail})
            return None
        self.exchanges.clear()
        started = time.perf_counter()
        try:
            value = await action()
        except Exception as exc:
            detail = describe_exception(exc)
            if self.exchanges.items:
                detail += "\nHTTP exchanges of the step (last 4):\n" + self.exchanges.describe()
            emit({"step": full, "ok": False, "seconds": round(time.perf_counter() - started, 3), "detail": detail})
            return None
        schemes = {item["scheme"] for item in self.exchanges.items}
        seconds = round(time.perf_counter() - started, 3)
        if schemes - {self.scheme}:
            detail = f"the SDK sent Authorization schemes {sorted(schemes)}, expected {self.scheme}"
            emit({"step": full, "ok": False, "seconds": seconds, "detail": detail})
            return None
        emit({"step": full, "ok": True, "seconds": seconds, "detail": f"{len(self.exchanges.items)} requests"})
        self.passed.add(name)
        return value

    # The objects the workflow sends.
    def task(self, pool_id: str = OPEN_POOL, n: int = 0, **fields: Any) -> Any:
        return toloka.Task(pool_id=pool_id, input_values={"image": IMAGE.format(n)}, **fields)

    def control_task(self, n: int) -> Any:
        return toloka.Task(
            pool_id=OPEN_POOL,
            input_values={"image": IMAGE.format(n), "caption": f"control {n}", "category": "cat", "priority": 7},
            known_solutions=[toloka.Task.KnownSolution(output_values=self.answer("cat"), correctness_weight=1)],
            message_on_unknown_solution="Look at the ears.",
            overlap=2,
        )

    def suite(self, pool_id: str = OPEN_POOL, n: int = 0, size: int = 2, **fields: Any) -> Any:
        tasks = [toloka.task.BaseTask(input_values={"image": IMAGE.format(f"{n}-{i}")}) for i in range(size)]
        return toloka.TaskSuite(pool_id=pool_id, tasks=tasks, **fields)

    async def opened_then_closed(self, create_name: str) -> None:
        """After `create_name` put an item into the closed pool with open_pool: the pool reads OPEN, then closing it
        takes it back to CLOSED (so the next step, and the next run, finds it closed)."""
        c = self.client

        async def opened() -> None:
            check_pool(await call(c.get_pool, CLOSED_POOL), CLOSED_POOL, "OPEN")

        async def close() -> None:
            check_pool(await call(c.close_pool, CLOSED_POOL), CLOSED_POOL, "CLOSED")

        await self.step(f"get_pool[opened by {create_name}]", opened, needs=(create_name,))
        await self.step(f"close_pool[after {create_name}]", close, needs=(create_name,))

    async def run(self) -> None:
        await self.pools_and_project()
        await self.single_tasks()
        await self.task_batches("tasks", self.client.create_tasks, self.task)
        await self.operation_calls()
        await self.task_reads()
        await self.single_suites()
        await self.task_batches("task_suites", self.client.create_task_suites, self.suite)
        await self.suite_reads()
        await self.pool_actions()

    async def pools_and_project(self) -> None:
        c = self.client

        async def get_pool() -> None:
            pool = await call(c.get_pool, OPEN_POOL)
            check_pool(pool, OPEN_POOL, "OPEN")
            expected = {"tasks": self.default("tasks"), "task_suites": self.default("task_suites")}
            got = {
                "tasks": pool.defaults.default_overlap_for_new_tasks,
                "task_suites": pool.defaults.default_overlap_for_new_task_suites,
            }
            if got != expected or not pool.project_id:
                raise AssertionError(f"defaults {got} (expected {expected}), project_id {pool.project_id!r}")
            self.state["project_id"] = pool.project_id

        async def get_closed_pool() -> None:
            check_pool(await call(c.get_pool, CLOSED_POOL), CLOSED_POOL, "CLOSED")

        async def get_foreign_pool() -> None:
            try:
                pool = await call(c.get_pool, FOREIGN_POOL)
            except toloka.exceptions.DoesNotExistApiError as exc:
                if exc.status_code != 404:
                    raise AssertionError(f"DOES_NOT_EXIST with status {exc.status_code}, expected 404") from None
                return
            raise AssertionError(f"another account's pool was readable: {pool!r}")

        async def get_project() -> None:
            project = await call(c.get_project, self.state["project_id"])
            if project.id != self.state["project_id"]:
                raise AssertionError(f"project id {project.id!r}, expected {self.state['project_id']!r}")
            expected = self.expected_input_spec(self.state["project_id"])
            got = {name: toloka.unstructure(spec) for name, spec in project.task_spec.input_spec.items()}
            problems = [] if set(got) == set(expected) else [f"input fields {sorted(got)}, expected {sorted(expected)}"]
            for name, spec in expected.items():
                problems += differences(spec, got.get(name, {}), f"input_spec.{name}.")
            if problems:
                raise AssertionError("; ".join(problems))

        await self.step("get_pool", get_pool)
        await self.step("get_pool[closed pool]", get_closed_pool)
        await self.step("get_pool[another account's pool is DOES_NOT_EXIST]", get_foreign_pool)
        await self.step("get_project", get_project, needs=("get_pool",))

    def expected_input_spec(self, project_id: str) -> dict[str, Any]:
        """The input spec the config gives the project (or, in a config without projects, pool 1)."""
        spec: dict[str, Any] | None = None
        for project in self.config.get("projects", []):
            if str(project["id"]) == str(project_id):
                spec = project.get("input_spec") or project.get("task_spec", {}).get("input_spec")
        if spec is None:
            spec = self.pools[OPEN_POOL]["input_spec"]
        return {name: {"required": True, **field} for name, field in spec.items()}

    async def single_tasks(self) -> None:
        c = self.client

        async def create(obj: Any, overlap: int | None, key: str, **parameters: Any) -> None:
            created = await call(c.create_task, obj, **parameters)
            check_echo(obj, created, overlap)
            self.state[key] = created

        control = self.control_task(0)
        await self.step("create_task", lambda: create(control, 2, "task"))
        plain = self.task(n=1)
        await self.step(
            "create_task[async_mode=False, allow_defaults]",
            lambda: create(plain, self.default("tasks"), "task_sync", async_mode=False, allow_defaults=True),
        )
        infinite = self.task(n=2, infinite_overlap=True)
        await self.step("create_task[infinite_overlap]", lambda: create(infinite, None, "task_infinite"))
        infinite_sync = self.task(n=3, infinite_overlap=True)
        await self.step(
            "create_task[async_mode=False, infinite_overlap]",
            lambda: create(infinite_sync, None, "task_infinite_sync", async_mode=False),
        )
        closed_default = self.default("tasks", CLOSED_POOL)
        into_closed = self.task(pool_id=CLOSED_POOL, n=4, overlap=1)
        await self.step("create_task[open_pool]", lambda: create(into_closed, 1, "task_open", open_pool=True))
        await self.opened_then_closed("create_task[open_pool]")
        name = "create_task[async_mode=False, allow_defaults, open_pool]"
        into_closed_sync = self.task(pool_id=CLOSED_POOL, n=5)
        await self.step(
            name,
            lambda: create(
                into_closed_sync,
                closed_default,
                "task_open_sync",
                async_mode=False,
                allow_defaults=True,
                open_pool=True,
            ),
        )
        await self.opened_then_closed(name)

    async def task_batches(self, kind: str, create: Callable[..., Any], make: Callable[..., Any]) -> None:
        """create_tasks or create_task_suites in both modes: allow_defaults, skip_invalid_items, open_pool."""
        default = self.default(kind)
        base = 100 if kind == "tasks" else 200
        closed_default = self.default(kind, CLOSED_POOL)
        for async_mode in (True, False):
            mode = f"async_mode={async_mode}"
            sent = [make(n=base + i) for i in range(3)] + [make(n=base + 3, infinite_overlap=True), make(n=base + 4)]
            sent[4].overlap = 1

            async def defaults(sent: list[Any] = sent, async_mode: bool = async_mode) -> None:
                result = await call(create, sent, allow_defaults=True, async_mode=async_mode)
                check_batch(result, sent, default, valid=list(range(len(sent))))
                self.state[f"{kind}_batch_{async_mode}"] = [result.items[str(i)] for i in range(len(sent))]

            await self.step(f"create_{kind}[{mode}, allow_defaults, infinite_overlap]", defaults)

            if kind == "tasks":
                broken = toloka.Task(pool_id=OPEN_POOL, input_values={"caption": "no image"})
                refused = {"input_values.image": "VALUE_REQUIRED"}
            else:
                broken = toloka.TaskSuite(
                    pool_id=OPEN_POOL, tasks=[toloka.task.BaseTask(input_values={"caption": "no image"})]
                )
                refused = {"tasks.0.input_values.image": "VALUE_REQUIRED"}
            mixed = [make(n=base + 10), broken, make(n=base + 11, overlap=1)]

            async def skip(mixed: list[Any] = mixed, async_mode: bool = async_mode, refused: Any = refused) -> None:
                result = await call(create, mixed, allow_defaults=True, skip_invalid_items=True, async_mode=async_mode)
                check_batch(result, mixed, default, valid=[0, 2], invalid={1: refused})

            await self.step(f"create_{kind}[{mode}, skip_invalid_items]", skip)

            # One item in the closed pool, one in the open pool: open_pool opens the closed one.
            to_open = [make(pool_id=CLOSED_POOL, n=base + 20), make(n=base + 21, overlap=1)]
            create_name = f"create_{kind}[{mode}, open_pool]"

            async def open_pool(to_open: list[Any] = to_open, async_mode: bool = async_mode) -> None:
                result = await call(create, to_open, allow_defaults=True, open_pool=True, async_mode=async_mode)
                if sorted(result.items) != ["0", "1"]:
                    raise AssertionError(f"created indexes {sorted(result.items)}, expected ['0', '1']")
                check_echo(to_open[0], result.items["0"], closed_default)
                check_echo(to_open[1], result.items["1"], 1)
                if result.validation_errors:
                    raise AssertionError(f"validation_errors {result.validation_errors}")

            await self.step(create_name, open_pool)
            await self.opened_then_closed(create_name)

    async def operation_calls(self) -> None:
        c = self.client
        sent = [self.task(n=300 + i) for i in range(3)] + [self.task(n=303, infinite_overlap=True)]

        async def create_async() -> None:
            operation = await call(c.create_tasks_async, sent, allow_defaults=True)
            if not operation.id or str(getattr(operation.status, "value", operation.status)) == "FAIL":
                raise AssertionError(f"operation {operation!r}")
            if not isinstance(operation, toloka.operations.TasksCreateOperation):
                raise AssertionError(f"the SDK read a {type(operation).__name__}, expected TasksCreateOperation")
            self.state["operation"] = operation

        async def wait() -> None:
            operation = await call(c.wait_operation, self.state["operation"])
            status = getattr(operation.status, "value", operation.status)
            if operation.id != self.state["operation"].id or status != "SUCCESS" or not operation.is_completed():
                raise AssertionError(f"wait_operation gave {operation!r}, expected the same operation in SUCCESS")

        async def log() -> None:
            # create_tasks_async sends the tasks as they are (no `__item_idx`: only the SDK's sync-via-async path
            # adds one), and the log's order is not promised: an entry is matched to its task by what the task
            # sent, here its image, distinct for every task of the request.
            items = await call(c.get_operation_log, self.state["operation"].id)
            by_image = {sent_task.input_values["image"]: sent_task for sent_task in sent}
            seen: set[str] = set()
            for item in items:
                image = (item.input.get("input_values") or {}).get("image")
                if not isinstance(image, str) or image not in by_image or image in seen:
                    raise AssertionError(f"a log entry for no task sent, or for one twice: {item!r}")
                seen.add(image)
                if not item.success or not item.output.get("task_id") or item.type != "TASK_CREATE":
                    raise AssertionError(f"log entry of {image}: {item!r}")
                if differences(sent_fields(by_image[image]), item.input):
                    raise AssertionError(f"log entry input {item.input!r} is not what was sent")
                task = await call(c.get_task, item.output["task_id"])
                check_echo(by_image[image], task, expected_overlap(by_image[image], self.default("tasks")))
            if seen != set(by_image):
                raise AssertionError(f"log entries for {sorted(seen)}, expected one for each of {sorted(by_image)}")

        await self.step("create_tasks_async", create_async)
        await self.step("wait_operation", wait, needs=("create_tasks_async",))
        await self.step("get_operation_log", log, needs=("wait_operation",))

    async def task_reads(self) -> None:
        c = self.client
        batch_step = "create_tasks[async_mode=False, allow_defaults, infinite_overlap]"

        async def get_task() -> None:
            check_same(self.state["task"], await call(c.get_task, self.state["task"].id))

        async def get_tasks() -> None:
            batch = self.state["tasks_batch_False"]
            found = await collect(c.get_tasks(pool_id=OPEN_POOL, id_gte=batch[0].id, id_lte=batch[-1].id, batch_size=2))
            if [task.id for task in found] != [task.id for task in batch]:
                raise AssertionError(f"ids {[t.id for t in found]}, expected {[t.id for t in batch]}")
            for created, fetched in zip(batch, found, strict=True):
                check_same(created, fetched)

        async def by_ids() -> None:
            batch = self.state["tasks_batch_False"]
            result = await call(c.find_tasks, pool_id=OPEN_POOL, id_gt=batch[0].id, id_lte=batch[-1].id)
            check_found(result, [task.id for task in batch[1:]], has_more=False)

        async def sorted_up() -> None:
            batch = self.state["tasks_batch_False"]
            result = await call(c.find_tasks, pool_id=OPEN_POOL, id_gte=batch[0].id, sort=["id", "-created"], limit=2)
            check_found(result, [task.id for task in batch[:2]], has_more=True)

        async def sorted_down() -> None:
            batch = self.state["tasks_batch_False"]
            result = await call(
                c.find_tasks,
                pool_id=OPEN_POOL,
                id_gte=batch[0].id,
                id_lte=batch[-1].id,
                sort=["-created", "-id"],
                limit=3,
            )
            check_found(result, [task.id for task in batch[::-1][:3]], has_more=True)

        await self.step("get_task", get_task, needs=("create_task",))
        await self.step("get_tasks", get_tasks, needs=(batch_step,))
        await self.step("find_tasks[id filters]", by_ids, needs=(batch_step,))
        await self.step("find_tasks[sort=['id', '-created'], limit]", sorted_up, needs=(batch_step,))
        await self.step("find_tasks[sort=['-created', '-id'], limit]", sorted_down, needs=(batch_step,))

    async def single_suites(self) -> None:
        c = self.client

        async def create(obj: Any, overlap: int | None, key: str, **parameters: Any) -> None:
            created = await call(c.create_task_suite, obj, **parameters)
            check_echo(obj, created, overlap)
            self.state[key] = created

        suite = toloka.TaskSuite(
            pool_id=OPEN_POOL,
            tasks=[
                toloka.task.BaseTask(
                    input_values={"image": IMAGE.format("suite-0"), "caption": "control"},
                    known_solutions=[toloka.task.BaseTask.KnownSolution(output_values=self.answer("dog"))],
                    message_on_unknown_solution="Count the legs.",
                ),
                toloka.task.BaseTask(input_values={"image": IMAGE.format("suite-1"), "priority": 3}),
            ],
            overlap=1,
            issuing_order_override=1.5,
            mixed=False,
        )
        await self.step("create_task_suite", lambda: create(suite, 1, "suite"))
        infinite = self.suite(n=1, infinite_overlap=True)
        await self.step(
            "create_task_suite[async_mode=False, infinite_overlap]",
            lambda: create(infinite, None, "suite_infinite", async_mode=False),
        )
        defaulted = self.suite(n=2)
        await self.step(
            "create_task_suite[async_mode=False, allow_defaults]",
            lambda: create(defaulted, self.default("task_suites"), "suite_sync", async_mode=False, allow_defaults=True),
        )
        closed_default = self.default("task_suites", CLOSED_POOL)
        name = "create_task_suite[allow_defaults, open_pool]"
        into_closed = self.suite(pool_id=CLOSED_POOL, n=3)
        await self.step(
            name, lambda: create(into_closed, closed_default, "suite_open", allow_defaults=True, open_pool=True)
        )
        await self.opened_then_closed(name)
        name_sync = "create_task_suite[async_mode=False, open_pool]"
        into_closed_sync = self.suite(pool_id=CLOSED_POOL, n=4, overlap=2)
        await self.step(
            name_sync, lambda: create(into_closed_sync, 2, "suite_open_sync", async_mode=False, open_pool=True)
        )
        await self.opened_then_closed(name_sync)

    async def suite_reads(self) -> None:
        c = self.client
        batch_step = "create_task_suites[async_mode=False, allow_defaults, infinite_overlap]"

        async def get_suite() -> None:
            check_same(self.state["suite"], await call(c.get_task_suite, self.state["suite"].id))

        async def get_suites() -> None:
            batch = self.state["task_suites_batch_False"]
            found = await collect(
                c.get_task_suites(pool_id=OPEN_POOL, id_gte=batch[0].id, id_lte=batch[-1].id, batch_size=2)
            )
            if [suite.id for suite in found] != [suite.id for suite in batch]:
                raise AssertionError(f"ids {[s.id for s in found]}, expected {[s.id for s in batch]}")
            for created, fetched in zip(batch, found, strict=True):
                check_same(created, fetched)

        async def find() -> None:
            batch = self.state["task_suites_batch_False"]
            result = await call(
                c.find_task_suites, pool_id=OPEN_POOL, id_gt=batch[0].id, sort=["-id", "created"], limit=100
            )
            later = [suite.id for suite in batch[1:]]
            check_found(result, later[::-1], has_more=False, prefix_only=True)
            for created in batch[1:]:
                check_same(created, next(suite for suite in result.items if suite.id == created.id))

        await self.step("get_task_suite", get_suite, needs=("create_task_suite",))
        await self.step("get_task_suites", get_suites, needs=(batch_step,))
        await self.step("find_task_suites[id filters, sort, limit]", find, needs=(batch_step,))

    async def pool_actions(self) -> None:
        c = self.client

        async def act(method: Callable[..., Any], pool_id: str, status: str) -> None:
            check_pool(await call(method, pool_id), pool_id, status)

        await self.step("open_pool", lambda: act(c.open_pool, CLOSED_POOL, "OPEN"))
        await self.step("open_pool[already open]", lambda: act(c.open_pool, OPEN_POOL, "OPEN"))
        await self.step("close_pool", lambda: act(c.close_pool, CLOSED_POOL, "CLOSED"))
        await self.step("close_pool[already closed]", lambda: act(c.close_pool, CLOSED_POOL, "CLOSED"))


def check_found(result: Any, ids: list[str], has_more: bool, prefix_only: bool = False) -> None:
    """A find_* answer lists exactly `ids` in that order (or, with prefix_only, ends with them... see below)."""
    got = [item.id for item in result.items]
    if prefix_only:
        # Items created later by this run (other batches) sort before these under `-id`: keep only ours.
        got = [item_id for item_id in got if item_id in ids]
    if got != ids or bool(result.has_more) != has_more:
        raise AssertionError(f"ids {got} has_more={result.has_more}, expected {ids} has_more={has_more}")


def describe_exception(exc: BaseException) -> str:
    """The exception's type and message (an ApiError's status, code, message and payload), and where it arose."""
    if isinstance(exc, toloka.exceptions.ApiError):
        text = (
            f"{type(exc).__name__}: HTTP {exc.status_code} {exc.code}: {exc.message}"
            f" payload={json.dumps(exc.payload, default=str)[:BODY_CHARS]}"
        )
    else:
        text = f"{type(exc).__name__}: {exc}"
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    return (
        text
        + "\n  at "
        + " <- ".join(f"{frame.name} ({frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" for frame in frames[::-1])
    )


async def run_all(base_url: str, config: dict[str, Any]) -> None:
    from toloka.async_client import AsyncTolokaClient  # type: ignore[import-not-found]

    exchanges = Exchanges(os.environ.get("SDK_EXCHANGES_FILE"))
    sync_client = toloka.TolokaClient(os.environ["SDK_OAUTH_TOKEN"], url=base_url, retries=0, timeout=30)
    sync_client._session.event_hooks = exchanges.sync_hooks()
    await Workflow(CLIENTS[0], sync_client, exchanges, config, "OAuth").run()

    async_client = AsyncTolokaClient(os.environ["SDK_APIKEY_TOKEN"], url=base_url, retries=0, timeout=30)
    async_client._session.event_hooks = exchanges.async_hooks()
    await Workflow(CLIENTS[1], async_client, exchanges, config, "ApiKey").run()


def main(base_url: str, config_path: str) -> int:
    global toloka
    warnings.filterwarnings("ignore")
    import toloka.client as toloka_client  # type: ignore[import-not-found]

    toloka = toloka_client
    with open(config_path, "rb") as file:
        config = tomllib.load(file)
    asyncio.run(run_all(base_url, config))
    emit({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
