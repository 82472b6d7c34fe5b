"""The generated client (`toloka_client`) performs every operation against the server and parses every answer."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import httpx
from toloka_client import AuthenticatedClient
from toloka_client.api.operations import get_operation, get_operation_log
from toloka_client.api.pools import close_pool, get_pool, open_pool
from toloka_client.api.projects import get_project
from toloka_client.api.task_suites import create_task_suites, get_task_suite, list_task_suites
from toloka_client.api.tasks import create_tasks, get_task, list_tasks
from toloka_client.models import (
    Error,
    Operation,
    OperationLogItem,
    Pool,
    Project,
    Task,
    TaskBatchCreateResult,
    TaskCreate,
    TaskList,
    TaskSuite,
    TaskSuiteBatchCreateResult,
    TaskSuiteCreate,
    TaskSuiteList,
)
from toloka_client.types import Response
from toloka_contract.operations import OperationTimeoutError, wait_for_operation

from toloka_conformance import curl
from toloka_conformance.ledger import BudgetSpent, Ledger
from toloka_conformance.oracle import Model
from toloka_conformance.redaction import scrub
from toloka_conformance.results import Outcome, Requirement, Verdict, error_outcome
from toloka_conformance.target import Target
from toloka_conformance.waiting import FIRST_POLL, MAX_POLL, Waits

DOCS = "[issue 3] The generated client performs every operation against a live server and parses every answer."
OPERATIONS = (
    "create_tasks",
    "create_task_suites",
    "get_operation",
    "get_operation_log",
    "get_task",
    "get_task_suite",
    "list_tasks",
    "list_task_suites",
    "get_pool",
    "open_pool",
    "close_pool",
    "get_project",
)
# What a call may answer: (status, parsed type), one or several alternatives (None: no body).
Expect = tuple[int, type | None]
_MISSING_ID = "conformance-missing-id"


class _Mismatch(Exception):
    """A call answered, but not with the documented status and parsed type: what was expected and observed."""

    def __init__(self, observed: str, expected: str) -> None:
        super().__init__(f"{observed}; expected {expected}")
        self.observed = observed
        self.expected = expected


@dataclass
class _Session:
    """The client, the last request it sent (for curl), and the failures per operation."""

    target: Target
    model: Model | None = None
    last_request: list[httpx.Request] = field(default_factory=list)
    problems: dict[str, Outcome] = field(default_factory=dict)  # the first failure or error per operation
    calls: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    ledger: Ledger | None = None
    waits: Waits | None = None
    closed_pool_turn: AbstractContextManager[None] | None = None
    client: AuthenticatedClient = field(init=False)

    def __post_init__(self) -> None:
        started: dict[int, float] = {}
        reserved: dict[int, int] = {}

        def remember(request: httpx.Request) -> None:
            self.last_request[:] = [request]
            if self.model is not None:
                started[id(request)] = self.model.clock()
            if self.ledger is not None:  # BudgetSpent here: the request is not sent
                reserved[id(request)] = self.ledger.reserve(request.method, request.url.path, request.content)

        def record(response: httpx.Response) -> None:
            """Count what the answer created (the ledger), and hand the exchange to the run's model (every answer is
            checked against what was sent)."""
            request = response.request
            if self.ledger is not None and id(request) in reserved:
                response.read()
                self.ledger.observe(
                    request.method,
                    request.url.path,
                    reserved.pop(id(request)),
                    response.status_code,
                    request.content,
                    response.content,
                )
            if self.model is None:
                return
            response.read()
            self.model.observe_raw(
                method=request.method,
                url=str(request.url),
                headers=dict(request.headers),
                content=request.content,
                status=response.status_code,
                answer=response.content,
                started=started.pop(id(request), self.model.clock()),
                finished=self.model.clock(),
                source="client",
            )

        self.client = AuthenticatedClient(
            base_url=self.target.base_url,
            # The whole header value as the "token" with no prefix: the scheme is chosen in one place, the Target.
            token=self.target.authorization(self.target.token).reveal(),
            prefix="",
            raise_on_unexpected_status=True,
            timeout=httpx.Timeout(30.0),
            httpx_args={"event_hooks": {"request": [remember], "response": [record]}},
        )

    def call(self, operation: str, expected: Expect | list[Expect], send: Callable[[], Response[Any]]) -> Any:
        """Send with the generated client; record a failure unless status and parsed type are as documented."""
        self.calls[operation] = self.calls.get(operation, 0) + 1
        started = time.monotonic()
        try:
            return self._checked(operation, expected, send)
        finally:
            self.seconds[operation] = self.seconds.get(operation, 0.0) + time.monotonic() - started

    def _checked(self, operation: str, expected: Expect | list[Expect], send: Callable[[], Response[Any]]) -> Any:
        alternatives = dict(expected if isinstance(expected, list) else [expected])
        wanted = " or ".join(f"HTTP {status} parsed into {_kind_name(kind)}" for status, kind in alternatives.items())
        try:
            response = send()
            if response.status_code not in alternatives:
                raise _Mismatch(f"HTTP {response.status_code}: {response.content[:300]!r}", wanted)
            kind = alternatives[response.status_code]
            parsed = response.parsed
            if kind is list:
                if not isinstance(parsed, list) or not all(isinstance(e, OperationLogItem) for e in parsed):
                    raise _Mismatch(f"parsed into {type(parsed).__name__}", wanted)
            elif kind is None and response.content:
                raise _Mismatch(f"HTTP {response.status_code} with a body: {response.content[:300]!r}", wanted)
            elif kind is not None and not isinstance(parsed, kind):
                raise _Mismatch(f"parsed into {type(parsed).__name__}", wanted)
            return parsed
        except BudgetSpent:  # not sent: the runner skips the part, saying so
            raise
        except httpx.TransportError as exc:  # no answer: an error of the run, not a finding
            self._note(operation, error_outcome(requirement(operation), exc))
        except _Mismatch as mismatch:
            self._fail(operation, mismatch.observed, mismatch.expected)
        except Exception as exc:  # any parse error is the finding: the client could not read the answer
            self._fail(operation, f"the client raised {type(exc).__name__}: {exc}", wanted)
        return None

    def _fail(self, operation: str, observed: str, expected: str) -> None:
        request = self.last_request[0] if self.last_request else None
        detail = f"observed: {observed}; expected: {expected}"
        self._note(
            operation,
            Outcome(
                requirement(operation),
                Verdict.FAIL,
                detail,
                curl=curl.of_request(request) if request is not None else None,
                rule=DOCS,
                expected=expected,
                observed=observed,
                request=f"{request.method} {request.url}" if request is not None else None,
            ),
        )

    def _note(self, operation: str, outcome: Outcome) -> None:
        secrets = self.target.secrets()
        if operation not in self.problems:
            self.problems[operation] = replace(
                outcome,
                detail=scrub(outcome.detail, secrets),
                observed=scrub(outcome.observed, secrets) if outcome.observed else None,
                curl=scrub(outcome.curl, secrets) if outcome.curl else None,
            )


def _kind_name(kind: type | None) -> str:
    if kind is None:
        return "nothing"
    return "list[OperationLogItem]" if kind is list else kind.__name__


def _task(target: Target, **extra: Any) -> TaskCreate:
    return TaskCreate.from_dict(
        {"pool_id": target.pool_id, "input_values": dict(target.input_values), "overlap": 1, **extra}
    )


def _wait_pool(session: _Session, answer: object) -> None:
    if isinstance(answer, Operation):
        _wait(session, answer.id)


def _pools(session: _Session) -> None:
    """Read the pool and its project; open and close again the closed pool (if given); 404s for a missing id."""
    client, t = session.client, session.target
    pool = session.call("get_pool", (200, Pool), lambda: get_pool.sync_detailed(t.pool_id, client=client))
    session.call("get_pool", (404, Error), lambda: get_pool.sync_detailed(_MISSING_ID, client=client))
    if isinstance(pool, Pool):
        project_id = pool.project_id
        session.call("get_project", (200, Project), lambda: get_project.sync_detailed(project_id, client=client))
    session.call("get_project", (404, Error), lambda: get_project.sync_detailed(_MISSING_ID, client=client))
    closed = t.closed_pool_id
    if closed is not None:  # left closed, as it was given, even when the run is interrupted in between
        changed: list[Expect] = [(202, Operation), (204, None)]
        with session.closed_pool_turn or contextlib.nullcontext(), _closing(session, closed, changed):
            opened = session.call("open_pool", changed, lambda: open_pool.sync_detailed(closed, client=client))
            _wait_pool(session, opened)
    session.call("open_pool", (404, Error), lambda: open_pool.sync_detailed(_MISSING_ID, client=client))
    session.call("close_pool", (404, Error), lambda: close_pool.sync_detailed(_MISSING_ID, client=client))


@contextlib.contextmanager
def _closing(session: _Session, closed: str, changed: list[Expect]) -> Iterator[None]:
    """Close the pool after the block, whatever happened in it."""
    try:
        yield
    finally:
        answer = session.call("close_pool", changed, lambda: close_pool.sync_detailed(closed, client=session.client))
        _wait_pool(session, answer)


def _suite(target: Target) -> TaskSuiteCreate:
    body = {"pool_id": target.pool_id, "overlap": 1, "tasks": [{"input_values": dict(target.input_values)}]}
    return TaskSuiteCreate.from_dict(body)


class _NotAnOperation(Exception):
    """get_operation did not answer an Operation; the failure is already recorded."""


def _wait(session: _Session, operation_id: str) -> None:
    """Poll the operation with the generated client until it ends (toloka_contract's loop), at most the timeout."""

    def fetch() -> Operation:
        answer = session.call(
            "get_operation", (200, Operation), lambda: get_operation.sync_detailed(operation_id, client=session.client)
        )
        if not isinstance(answer, Operation):
            raise _NotAnOperation
        return answer

    # A timeout is not this part's finding: the behavioural checks judge how long operations take.
    with contextlib.suppress(_NotAnOperation, OperationTimeoutError):
        waits = session.waits or Waits(session.target.operation_timeout)
        wait_for_operation(
            fetch,
            interval=FIRST_POLL,
            max_interval=MAX_POLL,
            timeout=0.0 if waits.stuck else session.target.operation_timeout,
            clock=waits.clock,
            sleep=waits.pause,
        )


def run(
    target: Target,
    model: Model | None = None,
    *,
    ledger: Ledger | None = None,
    waits: Waits | None = None,
    closed_pool_turn: AbstractContextManager[None] | None = None,
) -> list[Outcome]:
    """Call every operation with the generated client (documented successes and errors); one outcome each.

    With a `model`, every answer is also checked against it. `closed_pool_turn` is entered while the closed pool is
    open (its other users take turns with it); nothing is created once it is entered (the checks that read the
    pool as a whole start then).
    """
    session = _Session(target, model, ledger=ledger, waits=waits, closed_pool_turn=closed_pool_turn)
    client, t = session.client, target
    with client:
        created = session.call(
            "create_tasks",
            (201, TaskBatchCreateResult),
            lambda: create_tasks.sync_detailed(client=client, body=[_task(t)]),
        )
        session.call("create_tasks", (201, Task), lambda: create_tasks.sync_detailed(client=client, body=_task(t)))
        invalid = _task(t)
        invalid.input_values = type(invalid.input_values).from_dict(dict(t.invalid_input_values))
        session.call("create_tasks", (400, Error), lambda: create_tasks.sync_detailed(client=client, body=[invalid]))
        op = session.call(
            "create_tasks",
            (202, Operation),
            lambda: create_tasks.sync_detailed(
                client=client, body=[_task(t, __item_idx="0")], async_mode=True, operation_id=uuid.uuid4()
            ),
        )
        suites = session.call(
            "create_task_suites",
            (201, TaskSuiteBatchCreateResult),
            lambda: create_task_suites.sync_detailed(client=client, body=[_suite(t)]),
        )
        session.call(
            "create_task_suites",
            (201, TaskSuite),
            lambda: create_task_suites.sync_detailed(client=client, body=_suite(t)),
        )
        suite_op = session.call(
            "create_task_suites",
            (202, Operation),
            lambda: create_task_suites.sync_detailed(client=client, body=[_suite(t)], async_mode=True),
        )
        for operation in (op, suite_op):
            if isinstance(operation, Operation):
                _wait(session, operation.id)
                session.call(
                    "get_operation_log",
                    (200, list),
                    partial(get_operation_log.sync_detailed, operation.id, client=client),
                )
        session.call("get_operation", (404, Error), lambda: get_operation.sync_detailed(_MISSING_ID, client=client))
        session.call(
            "get_operation_log", (404, Error), lambda: get_operation_log.sync_detailed(_MISSING_ID, client=client)
        )
        task_id = _first_id(created)
        if task_id is not None:
            session.call("get_task", (200, Task), lambda: get_task.sync_detailed(task_id, client=client))
        session.call("get_task", (404, Error), lambda: get_task.sync_detailed(_MISSING_ID, client=client))
        suite_id = _first_id(suites)
        if suite_id is not None:
            session.call(
                "get_task_suite", (200, TaskSuite), lambda: get_task_suite.sync_detailed(suite_id, client=client)
            )
        session.call("get_task_suite", (404, Error), lambda: get_task_suite.sync_detailed(_MISSING_ID, client=client))
        session.call(
            "list_tasks", (200, TaskList), lambda: list_tasks.sync_detailed(client=client, pool_id=t.pool_id, limit=5)
        )
        session.call(
            "list_task_suites",
            (200, TaskSuiteList),
            lambda: list_task_suites.sync_detailed(client=client, pool_id=t.pool_id, limit=5),
        )
        _pools(session)
    return [_outcome(session, name) for name in OPERATIONS]


def _first_id(result: object) -> str | None:
    if isinstance(result, TaskBatchCreateResult | TaskSuiteBatchCreateResult):
        first = result.items.additional_properties.get("0")
        return first.id if first is not None else None
    return None


def requirement(name: str) -> Requirement:
    """The report row for one operation performed by the generated client."""
    return Requirement(f"client.{name}", "client", f"toloka_client performs {name} and parses the answers", DOCS)


def _outcome(session: _Session, name: str) -> Outcome:
    row = requirement(name)
    if name in session.problems:
        return replace(session.problems[name], seconds=session.seconds.get(name, 0.0))
    if not session.calls.get(name):
        return Outcome(row, Verdict.SKIP, "not reached: an earlier call failed")
    return Outcome(row, Verdict.PASS, f"{session.calls[name]} call(s) parsed", seconds=session.seconds[name])
