"""The model of what the run has done, and every answer checked against it.

The suite's own requests (behavioural rows, schemathesis' calls through its `after_call` hook, the generated
client through an httpx event hook) all pass through one `Model`. It records what was sent (items, flags,
operation ids, the kind and the endpoint, each request's time window, the account) and what the server
acknowledged (created ids, operations, log entries), and checks every answer against it with the invariants
below, derived from the contract alone. A violation is a FAIL of the invariant's own row (`model.*`), with
the exchange that showed it, whichever row or phase sent the request.

Where the contract leaves room the model leaves it too: read-only fields a read adds are ignored, sets compare
as sets, an optional value sent false/null/empty may come back absent, `created` and `started`/`finished` may
be absent, the log's order is free, timestamps carry 0 to 6 fractional digits (compared at the coarser
precision), ids are any strings that sort in creation order.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from toloka_contract.timestamps import parse_timestamp

from toloka_conformance import curl
from toloka_conformance.api import Api, Exchange
from toloka_conformance.ledger import Ledger
from toloka_conformance.redaction import Secret, scrub
from toloka_conformance.results import Outcome, Requirement, Verdict

_API = "/api/v1"
KINDS = {f"{_API}/tasks": "tasks", f"{_API}/task-suites": "suites"}
_OPERATION_TYPE = {"tasks": "TASK.BATCH_CREATE", "suites": "TASK_SUITE.BATCH_CREATE"}
_CREATE_STEP = {"tasks": "TASK_CREATE", "suites": "TASK_SUITE_CREATE"}
_VALIDATE_STEP = {"tasks": "TASK_VALIDATE", "suites": "TASK_SUITE_VALIDATE"}
_LOGGED_ID = {"tasks": "task_id", "suites": "task_suite_id"}
_DEFAULT_KEY = {"tasks": "default_overlap_for_new_tasks", "suites": "default_overlap_for_new_task_suites"}
_FLAGS = ("skip_invalid_items", "allow_defaults", "open_pool")
ENDED = ("SUCCESS", "FAIL")
# Logged-as-created items nobody read during the run: at most this many are read back when the run ends.
FINAL_READS = 20

ITEMS = Requirement(
    "model.items",
    "model",
    "An item, wherever it is read, equals what was sent",
    "[openapi.yaml TaskCreate/Task, TaskSuiteCreate/TaskSuite, TaskBatchCreateResult; toloka-api-notes Objects] "
    "A created item (201, GET by id, a list page, an id named by a log) carries every writable field with the value "
    "sent (sets as sets; read-only `id`, `created`, `remaining_overlap`, `origin_task_id`, `automerged` may be "
    "added); with allow_defaults=true an item sent without overlap takes the pool's default for its kind; "
    "`remaining_overlap` <= a finite `overlap`; `created` is the same instant on every read and an async item's "
    "is not before its operation's `submitted`; a 201 batch answer keys created items and validation errors by "
    "disjoint 0-based positions of the request (all of them with skip_invalid_items=true, none in error with "
    "false).",
)
OPERATIONS = Requirement(
    "model.operations",
    "model",
    "An operation, wherever it is read, agrees with the upload that made it",
    "[openapi.yaml Operation, OperationParameters, OperationDetails; toloka-api-notes Objects] A batch upload's "
    "operation has `type` TASK.BATCH_CREATE (tasks) / TASK_SUITE.BATCH_CREATE (suites); `parameters` carry the "
    "flags sent (absent keys allowed); once ended, `total_count` is the number of items sent (tasks or suites, "
    "the kind's unit), `success_count + failed_count` and `valid_count + not_valid_count` equal it, nothing is "
    "created beyond the valid ones, and with skip_invalid_items=false and an invalid item nothing is created and "
    "the status is FAIL; `submitted <= started <= finished`; every read shows the same `type` and `submitted`; an "
    "ended operation never reads PENDING or RUNNING again, nor changes its status.",
)
LOGS = Requirement(
    "model.logs",
    "model",
    "A log agrees with its operation and with the items sent",
    "[openapi.yaml get_operation_log, OperationLogItem; toloka-api-notes Corrections: entries in any order, matched "
    "by input.__item_idx] Every TASK_*/TASK_SUITE_* entry is of the upload's kind; its `input` is an item that "
    "was sent, as sent; each item is logged as created at most once, each created id once; a created entry names "
    "its id (`task_id` / `task_suite_id`), which reads back as that item; once the operation ended, the created "
    "entries number `success_count`.",
)
LISTS = Requirement(
    "model.lists",
    "model",
    "A list holds only the caller's items, each once, filtered and ordered as asked",
    "[openapi.yaml list_tasks / list_task_suites: pool_id, id_gt/id_gte/id_lt/id_lte, sort, limit; toloka-api-notes "
    "Corrections: sort takes several keys] A page holds at most `limit` items, each id once, only of the pool asked "
    "for and within the id bounds asked for (ids compare as strings, in creation order), ordered by every sort key "
    "in turn, and never an item another account created.",
)
OPERATION_IDS = Requirement(
    "model.operation_ids",
    "model",
    "An operation id names one operation",
    "[openapi.yaml Operation.id, OperationIdQuery; toloka-api-notes: reusing an operation_id is "
    "OPERATION_ALREADY_EXISTS] Operation ids are global: an upload that reuses an id (from another account, body or "
    "endpoint) never gets a new operation under it (no 202 of another operation, none for another account), and "
    "a fresh operation never takes an id already in use.",
)
REQUIREMENTS = (ITEMS, OPERATIONS, LOGS, LISTS, OPERATION_IDS)

# Writable fields compared on reads, per kind; anything else the create object carries (unknown keys such as
# `__item_idx`, which only the log echoes) is not stored.
_TASK_FIELDS = (
    "pool_id",
    "input_values",
    "known_solutions",
    "message_on_unknown_solution",
    "baseline_solutions",
    "overlap",
    "infinite_overlap",
    "reserved_for",
    "unavailable_for",
    "traits_all_of",
    "traits_any_of",
    "traits_none_of_any",
)
_SUITE_FIELDS = (
    *(name for name in _TASK_FIELDS if name not in ("input_values", "known_solutions", "baseline_solutions")),
    "tasks",
    "issuing_order_override",
    "mixed",
    "longitude",
    "latitude",
)
_SUITE_TASK_FIELDS = ("input_values", "known_solutions", "message_on_unknown_solution")
_SOLUTION_FIELDS = ("output_values", "correctness_weight", "confidence_weight")
SETS = frozenset({"reserved_for", "unavailable_for", "traits_all_of", "traits_any_of", "traits_none_of_any"})
# Free-form values: compared whole (a key the server adds there is a change of the data, not a read-only field).
WHOLE = frozenset({"input_values", "output_values"})


def differences(sent: Any, stored: Any, where: str = "") -> list[str]:
    """Where `stored` does not carry what was `sent` (objects: sent keys only; lists: element by element)."""
    if isinstance(sent, dict):
        if not isinstance(stored, dict):
            return [f"{where or 'the item'}: sent an object, stored {stored!r}"]
        found = []
        for key, value in sent.items():
            path = f"{where}.{key}" if where else str(key)
            if key not in stored:
                if value is False:  # an optional boolean's documented default
                    continue
                found.append(f"{path}: sent {value!r}, stored <missing>")
            elif key in SETS and isinstance(value, list) and isinstance(stored[key], list):
                if sorted(map(repr, set(map(_hashable, value)))) != sorted(map(repr, set(map(_hashable, stored[key])))):
                    found.append(f"{path}: sent the set {value!r}, stored {stored[key]!r}")
            elif key in WHOLE:
                if stored[key] != value:
                    found.append(f"{path}: sent {value!r}, stored {stored[key]!r}")
            else:
                found += differences(value, stored[key], path)
        return found
    if isinstance(sent, list):
        if not isinstance(stored, list) or len(stored) != len(sent):
            return [f"{where}: sent {sent!r}, stored {stored!r}"]
        return [
            problem
            for index, pair in enumerate(zip(sent, stored, strict=False))
            for problem in differences(*pair, f"{where}.{index}")
        ]
    if sent != stored or (type(sent) is bool and type(stored) is not bool):
        return [f"{where}: sent {sent!r}, stored {stored!r}"]
    return []


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else repr(value)


def writable(kind: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a create object a read must carry back: writable fields only, none sent empty or null.

    An overlap next to `infinite_overlap: true` is left out (the contract does not say which wins).
    """
    names = _TASK_FIELDS if kind == "tasks" else _SUITE_FIELDS
    kept: dict[str, Any] = {}
    for name in names:
        value = item.get(name)
        if value is None or value == [] or (value == {} and name not in WHOLE):
            continue
        if name in ("known_solutions", "baseline_solutions") and isinstance(value, list):
            value = [_only(solution, _SOLUTION_FIELDS) for solution in value]
        elif name == "tasks" and isinstance(value, list):
            value = [_only(inner, _SUITE_TASK_FIELDS) for inner in value]
        kept[name] = value
    if kept.get("infinite_overlap") is True:
        kept.pop("overlap", None)
    return kept


def _only(value: Any, names: tuple[str, ...]) -> Any:
    if not isinstance(value, dict):
        return value
    return {k: writable_inner(k, v) for k, v in value.items() if k in names and v is not None and v != []}


def writable_inner(name: str, value: Any) -> Any:
    """A nested writable value: a suite task's solutions keep their writable fields only."""
    if name == "known_solutions" and isinstance(value, list):
        return [_only(solution, _SOLUTION_FIELDS) for solution in value]
    return value


# ---- what was seen


@dataclass(frozen=True)
class Seen:
    """One request the suite sent and the answer it got, as the model keeps it (no token: an account label)."""

    method: str
    path: str
    query: dict[str, str]
    sent: Any  # the request body as JSON, None when absent or not JSON
    status: int
    body: Any  # the response body as JSON, None when not JSON
    started: float  # the suite's clock around the request (time.time())
    finished: float
    account: str  # "main", "other", "none" or "unknown"
    source: str  # the row or part that sent it
    reproduce: str  # the request as curl, token redacted

    @property
    def line(self) -> str:
        """`METHOD path?query -> status` for failure messages."""
        query = "&".join(f"{k}={v}" for k, v in self.query.items())
        return f"{self.method} {self.path}{'?' + query if query else ''} -> {self.status}"


def _json(content: bytes | str | None) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass
class _Upload:
    """An accepted upload: what was sent, with which flags, by whom, when."""

    kind: str
    items: list[Any]
    flags: dict[str, bool]
    account: str
    started: float
    finished: float
    operation_id: str | None = None


@dataclass
class _Item:
    """A created item the model knows: what was sent for it, and what reads have shown."""

    kind: str
    sent: dict[str, Any]
    upload: _Upload
    created: str | None = None
    read: bool = False


@dataclass
class _Operation:
    """An operation the model knows (an upload's, or a pool action's), and what reads have shown."""

    upload: _Upload | None
    type: str | None = None
    submitted: str | None = None
    started: str | None = None
    finished: str | None = None
    ended: str | None = None  # the status it ended with
    details: dict[str, Any] | None = None
    logged: dict[int, str] = field(default_factory=dict)  # item index -> the id its log entry names


@dataclass
class _Violation:
    observed: str
    expected: str
    seen: Seen


@dataclass
class _Tally:
    checked: int = 0
    violations: list[_Violation] = field(default_factory=list)


class Model:
    """What the run has sent and the server acknowledged; `observe` checks each answer, `outcomes` reports."""

    def __init__(
        self,
        *,
        accounts: Mapping[str, str],
        secrets: Iterable[Secret | None] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock  # the run's clock: each request's time window
        self._accounts = dict(accounts)  # Authorization header value -> account label
        self._secrets = tuple(secrets)
        # Checks run in threads at once (runner.schedule): each thread names its own row, one answer is folded in
        # at a time.
        self._thread = threading.local()
        self._lock = threading.Lock()
        self._items: dict[str, _Item] = {}
        self._operations: dict[str, _Operation] = {}
        self._defaults: dict[str, dict[str, Any]] = {}
        self._tallies = {requirement.id: _Tally() for requirement in REQUIREMENTS}

    # ---- feeding

    @property
    def source(self) -> str:
        """The row or part sending from this thread."""
        return str(getattr(self._thread, "source", "behaviour"))

    @source.setter
    def source(self, value: str) -> None:
        self._thread.source = value

    def account_of(self, authorization: str | None) -> str:
        """The label of the account an Authorization header value names."""
        if not authorization:
            return "none"
        return self._accounts.get(authorization, "unknown")

    def observe_exchange(self, exchange: Exchange, started: float, finished: float) -> None:
        """One exchange of the suite's own client."""
        self.observe(self._seen(exchange, started, finished))

    def _seen(self, exchange: Exchange, started: float, finished: float) -> Seen:
        request = exchange.request
        try:
            content = request.content
        except httpx.RequestNotRead:
            content = b""
        return Seen(
            request.method,
            request.url.path,
            dict(parse_qsl(request.url.query.decode(), keep_blank_values=True)),
            _json(content),
            exchange.status,
            exchange.json(),
            started,
            finished,
            self.account_of(request.headers.get("authorization")),
            self.source,
            exchange.curl(),
        )

    def observe_raw(
        self,
        *,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        status: int,
        answer: bytes,
        started: float,
        finished: float,
        source: str,
    ) -> None:
        """One exchange another part sent (schemathesis, the generated client)."""
        parts = urlsplit(url)
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        self.observe(
            Seen(
                method.upper(),
                parts.path,
                dict(parse_qsl(parts.query, keep_blank_values=True)),
                _json(content),
                status,
                _json(answer),
                started,
                finished,
                self.account_of(authorization),
                source,
                curl.render(method, url, headers, content),
            )
        )

    def observe(self, seen: Seen) -> None:
        """Check one answer against the model, then fold it in."""
        try:
            with self._lock:
                self._dispatch(seen)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            # An answer too malformed to model is the schema checks' finding; the model never breaks the run.
            del exc

    def _dispatch(self, seen: Seen) -> None:
        parts = seen.path.rstrip("/").split("/")
        base = "/".join(parts[:4])
        if seen.method == "POST" and seen.path.rstrip("/") in KINDS:
            self._upload(seen, KINDS[seen.path.rstrip("/")])
        elif seen.method == "GET" and seen.path.rstrip("/") in KINDS and seen.status == 200:
            self._list(seen, KINDS[seen.path.rstrip("/")])
        elif seen.method == "GET" and base in KINDS and len(parts) == 5 and seen.status == 200:
            self._read_item(seen, KINDS[base], parts[4], seen.body, "GET by id")
        elif base == f"{_API}/operations" and len(parts) >= 5 and seen.method == "GET" and seen.status == 200:
            if len(parts) == 5:
                self._read_operation(seen, parts[4].lower(), seen.body)
            elif len(parts) == 6 and parts[5] == "log":
                self._read_log(seen, parts[4].lower())
        elif base == f"{_API}/pools" and len(parts) == 5 and seen.method == "GET" and seen.status == 200:
            defaults = seen.body.get("defaults") if isinstance(seen.body, dict) else None
            if isinstance(defaults, dict):
                self._defaults[parts[4]] = defaults
        elif base == f"{_API}/pools" and len(parts) == 6 and seen.method == "POST" and seen.status == 202:
            self._pool_action(seen)

    # ---- reporting

    def _violate(self, requirement: Requirement, seen: Seen, observed: str, expected: str) -> None:
        self._tallies[requirement.id].violations.append(_Violation(observed, expected, seen))

    def _checked(self, requirement: Requirement) -> None:
        self._tallies[requirement.id].checked += 1

    def finish(self, api: Api | None) -> list[Outcome]:
        """Read back (as the main account) logged-as-created items nobody read, each must be readable; the rows."""
        if api is None:
            return self.outcomes()
        unread = [(item_id, item) for item_id, item in self._items.items() if not item.read]
        for item_id, item in [pair for pair in unread if pair[1].upload.account == "main"][:FINAL_READS]:
            path = f"{_API}/{'tasks' if item.kind == 'tasks' else 'task-suites'}/{item_id}"
            started = self.clock()
            exchange = api.get(path)
            seen = self._seen(exchange, started, self.clock())
            if not isinstance(api, ObservedApi):
                self.observe(seen)
            if exchange.status == 404:
                self._violate(
                    LOGS, seen, f"{item.kind} {item_id}, logged as created, answers 404", "it reads back as created"
                )
        return self.outcomes()

    def outcomes(self) -> list[Outcome]:
        """One row per invariant: FAIL with the first violation, PASS with how many answers it checked, or SKIP."""
        rows = []
        for requirement in REQUIREMENTS:
            tally = self._tallies[requirement.id]
            if tally.violations:
                first = tally.violations[0]
                more = f" ({len(tally.violations)} violations in all)" if len(tally.violations) > 1 else ""
                observed = f"{first.observed}, in {first.seen.line} sent by {first.seen.source}{more}"
                detail = f"observed: {observed}; expected: {first.expected}. Rule: {requirement.docs}"
                rows.append(
                    Outcome(
                        requirement,
                        Verdict.FAIL,
                        self._clean(detail),
                        curl=self._clean(first.seen.reproduce),
                        rule=requirement.docs,
                        expected=first.expected,
                        observed=self._clean(observed),
                        request=first.seen.line,
                    )
                )
            elif tally.checked:
                rows.append(Outcome(requirement, Verdict.PASS, f"{tally.checked} answers checked against the model"))
            else:
                rows.append(Outcome(requirement, Verdict.SKIP, "no answer of the run exercised this invariant"))
        return rows

    def _clean(self, text: str) -> str:
        return scrub(text, self._secrets)

    # ---- uploads

    def _upload(self, seen: Seen, kind: str) -> None:
        if seen.status not in (201, 202) or seen.sent is None:
            return
        single = isinstance(seen.sent, dict)
        items = [seen.sent] if single else seen.sent
        if not isinstance(items, list):
            return
        flags = {name: seen.query.get(name, "false").lower() == "true" for name in _FLAGS}
        upload = _Upload(kind, items, flags, seen.account, seen.started, seen.finished)
        if seen.status == 202:
            self._accepted(seen, upload)
        elif single:
            if isinstance(seen.body, dict) and isinstance(seen.body.get("id"), str):
                self._created(seen, upload, 0, seen.body, "the 201 object")
        else:
            self._batch(seen, upload)

    def _batch(self, seen: Seen, upload: _Upload) -> None:
        body = seen.body if isinstance(seen.body, dict) else {}
        created = _object(body.get("items"))
        invalid = _object(body.get("validation_errors"))
        self._checked(ITEMS)
        positions = {str(index) for index in range(len(upload.items))}
        stray = sorted((set(created) | set(invalid)) - positions)
        both = sorted(set(created) & set(invalid))
        missing = sorted(positions - set(created) - set(invalid), key=int)
        problem = None
        if stray:
            problem = f"keys {stray} name no position of the {len(upload.items)} items sent"
        elif both:
            problem = f"positions {both} are both created and invalid"
        elif upload.flags["skip_invalid_items"] and missing:
            problem = f"positions {missing} are neither created nor invalid (skip_invalid_items=true)"
        elif not upload.flags["skip_invalid_items"] and invalid:
            problem = f"a 201 with validation_errors {sorted(invalid)} though skip_invalid_items=false"
        if problem:
            self._violate(ITEMS, seen, problem, "created and invalid positions disjoint, covering the request")
        # A suite merged with an identical one (`automerged: true`) may carry that one's id.
        ids = [item.get("id") for item in created.values() if isinstance(item, dict) and not _merged(item)]
        if len(set(map(str, ids))) != len(ids):
            self._violate(ITEMS, seen, f"one id given to several items: {ids}", "a distinct id per created item")
        for key, item in created.items():
            if key in positions and isinstance(item, dict) and isinstance(item.get("id"), str):
                self._created(seen, upload, int(key), item, f"items[{key!r}] of the 201 answer")

    def _created(self, seen: Seen, upload: _Upload, index: int, stored: dict[str, Any], where: str) -> None:
        sent = upload.items[index]
        if not isinstance(sent, dict):
            return
        item_id = str(stored["id"])
        known = self._items.get(item_id)
        if known is not None and known.upload is not upload:
            if not _merged(stored):
                self._violate(ITEMS, seen, f"{where} has id {item_id}, already an item created earlier", "a new id")
            return
        self._items[item_id] = _Item(upload.kind, sent, upload)
        self._compare(seen, item_id, stored, where)

    def _compare(self, seen: Seen, item_id: str, stored: Any, where: str) -> None:
        """A read of a known item: what was sent, the defaults, the counters, `created` as read before."""
        item = self._items[item_id]
        item.read = True
        self._checked(ITEMS)
        if not isinstance(stored, dict):
            self._violate(ITEMS, seen, f"{where} is {stored!r}", "the item as an object")
            return
        kind = item.kind
        wrong = differences(writable(kind, item.sent), stored)
        wrong += self._defaulted(item, stored)
        wrong += _counters(stored)
        if wrong:
            self._violate(ITEMS, seen, f"{where} ({kind} {item_id}) differs: {'; '.join(wrong)}", "what was sent")
            return
        created = stored.get("created")
        if isinstance(created, str):
            if item.created is None:
                item.created = created
                self._after_submitted(seen, item, created, where)
            elif not _same_instant(item.created, created):
                self._violate(
                    ITEMS,
                    seen,
                    f"{where} ({kind} {item_id}) has created {created}, an earlier read {item.created}",
                    "the same `created` on every read",
                )

    def _defaulted(self, item: _Item, stored: dict[str, Any]) -> list[str]:
        """With allow_defaults=true, an item sent without overlap has the pool's default for its kind."""
        sent = item.sent
        if not item.upload.flags["allow_defaults"] or "overlap" in sent or sent.get("infinite_overlap") is True:
            return []
        default = self._defaults.get(str(sent.get("pool_id")), {}).get(_DEFAULT_KEY[item.kind])
        if not isinstance(default, int) or stored.get("overlap") == default:
            return []
        return [
            f"overlap: sent none with allow_defaults=true, stored {stored.get('overlap')!r}, pool default {default}"
        ]

    def _after_submitted(self, seen: Seen, item: _Item, created: str, where: str) -> None:
        operation = self._operations.get(item.upload.operation_id or "")
        if operation is None or operation.submitted is None:
            return
        if _before(created, operation.submitted):
            self._violate(
                ITEMS,
                seen,
                f"{where} was created {created}, before its operation was submitted ({operation.submitted})",
                "an async item created after its operation's `submitted`",
            )

    # ---- operations

    def _accepted(self, seen: Seen, upload: _Upload) -> None:
        body = seen.body if isinstance(seen.body, dict) else {}
        operation_id = body.get("id")
        if not isinstance(operation_id, str):
            return
        key = operation_id.lower()
        upload.operation_id = key
        known = self._operations.get(key)
        self._checked(OPERATION_IDS)
        if known is not None:
            same = (
                known.upload is not None
                and known.upload.account == upload.account
                and known.upload.kind == upload.kind
                and known.type == body.get("type")
                and (known.submitted is None or _same_instant(known.submitted, body.get("submitted")))
            )
            if not same:
                who = known.upload.account if known.upload else "a pool action"
                self._violate(
                    OPERATION_IDS,
                    seen,
                    f"202 with operation {operation_id}, which already names an operation of {who} "
                    f"({known.type}, submitted {known.submitted}); this upload: {upload.kind} by {upload.account}",
                    "no new operation under an id in use (OPERATION_ALREADY_EXISTS)",
                )
            return
        self._operations[key] = _Operation(upload)
        self._read_operation(seen, key, body)

    def _pool_action(self, seen: Seen) -> None:
        body = seen.body if isinstance(seen.body, dict) else {}
        operation_id = body.get("id")
        if isinstance(operation_id, str) and operation_id.lower() not in self._operations:
            self._operations[operation_id.lower()] = _Operation(None, type=body.get("type"))

    def _read_operation(self, seen: Seen, key: str, body: Any) -> None:
        operation = self._operations.get(key)
        if operation is None or not isinstance(body, dict):
            return
        self._checked(OPERATIONS)
        problems = self._operation_problems(operation, body)
        if problems:
            self._violate(OPERATIONS, seen, f"operation {key}: {'; '.join(problems)}", "the operation of its upload")
        status = body.get("status")
        operation.type = operation.type or body.get("type")
        for name in ("submitted", "started", "finished"):
            if isinstance(body.get(name), str) and getattr(operation, name) is None:
                setattr(operation, name, body[name])
        if status in ENDED and operation.ended is None:
            operation.ended = str(status)
            operation.details = body.get("details") if isinstance(body.get("details"), dict) else None

    def _operation_problems(self, operation: _Operation, body: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        upload = operation.upload
        status = body.get("status")
        kind_type = _OPERATION_TYPE.get(upload.kind) if upload is not None else operation.type
        if kind_type is not None and body.get("type") != kind_type:
            problems.append(f"type {body.get('type')!r} for {upload.kind if upload else 'this'} upload")
        if operation.type is not None and body.get("type") != operation.type:
            problems.append(f"type {body.get('type')!r}, an earlier read said {operation.type!r}")
        if operation.submitted is not None and not _same_instant(operation.submitted, body.get("submitted")):
            problems.append(f"submitted {body.get('submitted')!r}, an earlier read said {operation.submitted!r}")
        if operation.ended is not None and status != operation.ended:
            problems.append(f"status {status!r} after it read {operation.ended}")
        moments = [body.get(name) for name in ("submitted", "started", "finished")]
        present = [moment for moment in moments if isinstance(moment, str)]
        if any(_before(later, earlier) for earlier, later in itertools.pairwise(present)):
            problems.append(f"submitted/started/finished out of order: {moments}")
        if upload is None:
            return problems
        parameters = body.get("parameters")
        if isinstance(parameters, dict):
            for name in _FLAGS:
                value = parameters.get(name)
                if isinstance(value, bool) and value != upload.flags[name]:
                    problems.append(f"parameters.{name} is {value}, the upload sent {upload.flags[name]}")
        details = body.get("details")
        if status in ENDED and isinstance(details, dict):
            problems += _count_problems(details, status, upload)
        return problems

    # ---- logs

    def _read_log(self, seen: Seen, key: str) -> None:
        operation = self._operations.get(key)
        if operation is None or operation.upload is None or not isinstance(seen.body, list):
            return
        upload = operation.upload
        kind = upload.kind
        self._checked(LOGS)
        steps = {_CREATE_STEP[kind], _VALIDATE_STEP[kind]}
        foreign = {_CREATE_STEP[other] for other in KINDS.values() if other != kind}
        foreign |= {_VALIDATE_STEP[other] for other in KINDS.values() if other != kind}
        problems: list[str] = []
        created: dict[int, str] = {}
        unmatched = list(range(len(upload.items)))
        for number, entry in enumerate(seen.body):
            if not isinstance(entry, dict):
                continue
            step = entry.get("type")
            if step in foreign:
                problems.append(f"entry {number} is a {step} step in a {kind} upload's log")
                continue
            if step not in steps or not isinstance(entry.get("input"), dict):
                continue
            index = _entry_index(entry["input"], upload.items, unmatched)
            if index is None:
                problems.append(f"entry {number}'s input is no item that was sent: {_short(entry['input'])}")
                continue
            if index in unmatched:
                unmatched.remove(index)
            wrong = differences(upload.items[index], entry["input"])
            if wrong:
                problems.append(f"entry {number}'s input differs from item {index} as sent: {'; '.join(wrong)}")
            if step == _CREATE_STEP[kind] and entry.get("success") is True:
                output = _object(entry.get("output"))
                named = output.get(_LOGGED_ID[kind])
                if not isinstance(named, str):
                    problems.append(f"created entry {number} names no {_LOGGED_ID[kind]}: {output!r}")
                elif index in created:
                    problems.append(f"item {index} is logged as created twice ({created[index]}, {named})")
                elif named in created.values():
                    problems.append(f"id {named} is logged as created for two items")
                else:
                    created[index] = named
        details = operation.details
        success = details.get("success_count") if isinstance(details, dict) else None
        if operation.ended is not None and isinstance(success, int) and len(created) != success:
            problems.append(f"{len(created)} created entries, the operation counts success_count {success}")
        if problems:
            self._violate(LOGS, seen, f"log of {key}: {'; '.join(problems)}", "entries agreeing with the items sent")
        for index, item_id in created.items():
            self._logged(seen, upload, index, item_id)

    def _logged(self, seen: Seen, upload: _Upload, index: int, item_id: str) -> None:
        known = self._items.get(item_id)
        sent = upload.items[index]
        if known is None:
            if isinstance(sent, dict):
                self._items[item_id] = _Item(upload.kind, sent, upload)
        elif known.upload is not upload or known.sent is not sent:
            self._violate(LOGS, seen, f"the log names {item_id} for item {index}, another item's id", "its own id")

    # ---- reads

    def _read_item(self, seen: Seen, kind: str, item_id: str, stored: Any, where: str) -> None:
        item = self._items.get(item_id)
        if item is not None and item.kind == kind:
            self._compare(seen, item_id, stored, where)

    def _list(self, seen: Seen, kind: str) -> None:
        body = seen.body
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list):
            return
        self._checked(LISTS)
        listed = [item for item in items if isinstance(item, dict)]
        problems = _list_problems(seen.query, listed)
        for item in listed:
            item_id = str(item.get("id"))
            known = self._items.get(item_id)
            if known is not None and {seen.account, known.upload.account} == {"main", "other"}:
                problems.append(f"{item_id}, created by account {known.upload.account}, in {seen.account}'s list")
        if problems:
            self._violate(LISTS, seen, "; ".join(problems), "only the caller's items, filtered and ordered as asked")
        for item in listed:
            if str(item.get("id")) in self._items:
                self._read_item(seen, kind, str(item.get("id")), item, "a list item")


def _merged(item: dict[str, Any]) -> bool:
    """A suite the server merged with an identical one (TaskSuite.automerged): it may carry that one's id."""
    return item.get("automerged") is True


def _object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 200 else text[:200] + "..."


def _entry_index(logged: dict[str, Any], items: list[Any], unmatched: list[int]) -> int | None:
    """The position of the sent item a log entry answers for: by `__item_idx` when sent, else by equality."""
    marker = logged.get("__item_idx")
    if marker is not None:
        for index, item in enumerate(items):
            if isinstance(item, dict) and str(item.get("__item_idx")) == str(marker):
                return index
        return None
    for index in unmatched + [i for i in range(len(items)) if i not in unmatched]:
        if isinstance(items[index], dict) and not differences(items[index], logged):
            return index
    return None


def _count_problems(details: dict[str, Any], status: Any, upload: _Upload) -> list[str]:
    """An ended upload operation's counts against the items sent, each other and the flags."""
    total, valid, not_valid, success, failed = (
        value if isinstance(value := details.get(f"{name}_count"), int) and not isinstance(value, bool) else None
        for name in ("total", "valid", "not_valid", "success", "failed")
    )
    problems = []
    if total is not None and total != len(upload.items):
        problems.append(f"total_count {total}, but {len(upload.items)} {upload.kind} were sent")
    if None not in (total, success, failed) and success + failed != total:  # type: ignore[operator]
        problems.append(f"success_count {success} + failed_count {failed} != total_count {total}")
    if None not in (total, valid, not_valid) and valid + not_valid != total:  # type: ignore[operator]
        problems.append(f"valid_count {valid} + not_valid_count {not_valid} != total_count {total}")
    if valid is not None and success is not None and success > valid:
        problems.append(f"success_count {success} > valid_count {valid}: an invalid item created")
    if not upload.flags["skip_invalid_items"] and not_valid:
        if success:
            problems.append(f"{success} created with skip_invalid_items=false and {not_valid} invalid")
        if status != "FAIL":
            problems.append(f"status {status} with skip_invalid_items=false and {not_valid} invalid")
    return problems


def _counters(stored: dict[str, Any]) -> list[str]:
    """Server-computed counters consistent with the item's own fields."""
    remaining, overlap = stored.get("remaining_overlap"), stored.get("overlap")
    if (
        isinstance(remaining, int)
        and isinstance(overlap, int)
        and stored.get("infinite_overlap") is not True
        and remaining > overlap
    ):
        return [f"remaining_overlap {remaining} > overlap {overlap}"]
    return []


_SORT_KEYS = ("id", "created")
_BOUNDS: dict[str, Callable[[str, str], bool]] = {
    "id_gt": lambda item, bound: item > bound,
    "id_gte": lambda item, bound: item >= bound,
    "id_lt": lambda item, bound: item < bound,
    "id_lte": lambda item, bound: item <= bound,
}


def _list_problems(query: dict[str, str], items: list[dict[str, Any]]) -> list[str]:
    problems = []
    ids = [str(item.get("id")) for item in items]
    repeated = sorted({item_id for item_id in ids if ids.count(item_id) > 1})
    if repeated:
        problems.append(f"ids listed twice: {repeated}")
    limit = query.get("limit", "")
    if limit.isdigit() and len(items) > int(limit) > 0:
        problems.append(f"{len(items)} items for limit={limit}")
    pool_id = query.get("pool_id")
    if pool_id:
        others = sorted({str(item.get("pool_id")) for item in items} - {pool_id})
        if others:
            problems.append(f"items of pool(s) {others} in a list of pool {pool_id}")
    for name, holds in _BOUNDS.items():
        bound = query.get(name)
        if bound:
            outside = [item_id for item_id in ids if not holds(item_id, bound)]
            if outside:
                problems.append(f"ids {outside[:3]} outside {name}={bound}")
    keys = [key.strip() for key in query.get("sort", "").split(",") if key.strip()]
    if keys and all(key.lstrip("-") in _SORT_KEYS for key in keys):
        for before, after in itertools.pairwise(items):
            if _out_of_order(keys, before, after):
                problems.append(f"{after.get('id')} listed after {before.get('id')} against sort={query['sort']}")
                break
    return problems


def _out_of_order(keys: list[str], first: dict[str, Any], second: dict[str, Any]) -> bool:
    """True when `second` must come before `first` by the sort keys (a key a read lacks ends the comparison)."""
    for key in keys:
        name = key.lstrip("-")
        a, b = first.get(name), second.get(name)
        if not isinstance(a, str) or not isinstance(b, str):
            return False
        if name == "created":
            if a == b and _digits(a) >= 3:  # a real tie (shown to the millisecond): the next key decides
                continue
            if _same_instant(a, b):  # equal only at a coarse precision: the true order is unknown
                return False
            try:
                left: Any = parse_timestamp(a)
                right: Any = parse_timestamp(b)
            except ValueError:
                return False
        else:
            left, right = a, b
        if left == right:
            continue
        return bool(left > right) if not key.startswith("-") else bool(left < right)
    return False


def _digits(moment: str) -> int:
    return len(moment.partition(".")[2])


def _instant(moment: str, digits: int) -> datetime:
    parsed = parse_timestamp(moment)
    return parsed.replace(microsecond=parsed.microsecond - parsed.microsecond % 10 ** (6 - digits))


def _same_instant(a: Any, b: Any) -> bool:
    """Two timestamps name the same instant at the coarser of their precisions (absent or unreadable: no claim)."""
    if not isinstance(a, str) or not isinstance(b, str):
        return True
    try:
        digits = min(_digits(a), _digits(b))
        return _instant(a, digits) == _instant(b, digits)
    except ValueError:
        return True


def _before(a: Any, b: Any) -> bool:
    """`a` is strictly earlier than `b` at the coarser precision (unreadable: no claim)."""
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    try:
        digits = min(_digits(a), _digits(b))
        return _instant(a, digits) < _instant(b, digits)
    except ValueError:
        return False


class ObservedApi(Api):
    """The suite's client, every exchange fed to the model with its time window."""

    def __init__(
        self, base_url: str, authorization: Secret | None, *, model: Model, ledger: Ledger | None = None
    ) -> None:
        super().__init__(base_url, authorization, ledger=ledger)
        self.model = model

    def send(self, method: str, path: str, **kwargs: Any) -> Exchange:
        """Send as `Api.send` does; the model sees the exchange."""
        started = self.model.clock()
        exchange = super().send(method, path, **kwargs)
        self.model.observe_exchange(exchange, started, self.model.clock())
        return exchange
