"""The spec's links lead, on this server, from an async upload to its operation, its log and the created item."""

from __future__ import annotations

from typing import Any

from toloka_conformance.api import Exchange
from toloka_conformance.checks.base import Context, Failed, check
from toloka_conformance.checks.support import (
    SUITES,
    TASKS,
    expect_status,
    json_object,
    poll_until_ended,
    start_async,
    suite,
    task,
)
from toloka_conformance.oracle import differences
from toloka_conformance.spec import load_spec, operations, resolve

LINKS = (
    "[openapi.yaml links] OperationAccepted: GetOperation, GetOperationLog ($response.body#/id); get_operation_log: "
    "GetTaskOfFirstLogEntry ($response.body#/0/output/task_id), GetTaskSuiteOfFirstLogEntry "
    "($response.body#/0/output/task_suite_id)."
)
_BODY = "$response.body#"


def _link(operation_id: str, status: int, name: str) -> dict[str, Any]:
    """The link `name` of `operation_id`'s `status` response, as the spec declares it."""
    spec = load_spec()
    found = next(op for op in operations(spec) if op.operation_id == operation_id)
    response = resolve(spec, spec["paths"][found.path][found.method]["responses"][str(status)])
    return dict(resolve(spec, response["links"][name]))


def _evaluate(expression: str, exchange: Exchange, name: str) -> str:
    """A `$response.body#/pointer` link expression on this answer; fail when it finds no string."""
    if not expression.startswith(_BODY):
        raise ValueError(f"link {name}: only {_BODY}/... expressions are supported, not {expression!r}")
    node: Any = exchange.json()
    for part in expression[len(_BODY) + 1 :].split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            node = None
            break
    if not isinstance(node, str) or not node:
        raise Failed(
            f"the spec's link {name} ({expression}) finds no id in {exchange.summary()}",
            expected="a string id where the link points",
            rule=LINKS,
            exchange=exchange,
        )
    return node


def follow(ctx: Context, exchange: Exchange, operation_id: str, status: int, name: str) -> Exchange:
    """Send the request the link describes, its parameters evaluated on `exchange`'s answer; expect a 200."""
    link = _link(operation_id, status, name)
    target = next(op for op in operations(load_spec()) if op.operation_id == link["operationId"])
    path = target.path
    for parameter, expression in link.get("parameters", {}).items():
        path = path.replace(f"{{{parameter}}}", _evaluate(expression, exchange, name))
    followed = ctx.api.get(path)
    expect_status(followed, 200, f"following the link {name}: {LINKS}")
    return followed


def _item_of(ctx: Context, log: Exchange, item_link: str) -> Exchange:
    """Follow the item link; when the log's first entry is another step (its order is not promised, other steps
    may appear), the same link evaluated on the first entry that names a created item."""
    entries = log.json() if isinstance(log.json(), list) else []
    key = "task_id" if item_link == "GetTaskOfFirstLogEntry" else "task_suite_id"
    named = [i for i, e in enumerate(entries) if isinstance(e, dict) and isinstance(_output(e).get(key), str)]
    first = named[0] if named else 0
    if first == 0:
        return follow(ctx, log, "get_operation_log", 200, item_link)
    path = (TASKS if key == "task_id" else SUITES) + f"/{entries[first]['output'][key]}"
    followed = ctx.api.get(path)
    expect_status(followed, 200, f"following the link {item_link} from entry {first}: {LINKS}")
    return followed


def _output(entry: dict[str, Any]) -> dict[str, Any]:
    output = entry.get("output")
    return output if isinstance(output, dict) else {}


def _start(ctx: Context, path: str, item: dict[str, Any], create: str) -> tuple[str, Exchange]:
    """The chain's async upload sent, its GetOperation link followed at once: (operation id, the 202)."""
    operation_id, accepted = start_async(ctx, path, [item])
    follow(ctx, accepted, create, 202, "GetOperation")
    return operation_id, accepted


def _chain(ctx: Context, item: dict[str, Any], started: tuple[str, Exchange], create: str, item_link: str) -> str:
    operation_id, accepted = started
    _, ended = poll_until_ended(ctx, operation_id, accepted)
    log = follow(ctx, ended, "get_operation", 200, "GetOperationLog")
    created = json_object(_item_of(ctx, log, item_link), LINKS)
    key = "input_values" if "input_values" in item else "tasks"
    wrong = differences({key: item[key]}, created)
    if wrong:
        raise Failed(
            f"the item the log links to is not the one uploaded: {'; '.join(wrong)}",
            expected=f"the uploaded item's {key}",
            rule=LINKS,
            exchange=log,
        )
    return f"{create} 202 -> GetOperation -> GetOperationLog -> {item_link}: {created.get('id')}"


@check("links.async_chain", "The spec's links lead from an async upload to the created item", LINKS, creates=2)
def async_chain(ctx: Context) -> str:
    """For a task and a suite: async upload -> operation -> log -> created item, each step through a spec link.

    Both uploads are sent before either operation is waited for: their waits overlap (one operation latency)."""
    one_task, one_suite = task(ctx), suite(ctx)
    tasks_started = _start(ctx, TASKS, one_task, "create_tasks")
    suites_started = _start(ctx, SUITES, one_suite, "create_task_suites")
    tasks = _chain(ctx, one_task, tasks_started, "create_tasks", "GetTaskOfFirstLogEntry")
    suites = _chain(ctx, one_suite, suites_started, "create_task_suites", "GetTaskSuiteOfFirstLogEntry")
    return f"{tasks}; {suites}"
