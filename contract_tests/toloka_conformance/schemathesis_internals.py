"""The one module that uses schemathesis internals: what the pinned schemathesis has no public API for.

Everything else imports schemathesis' public names (`schemathesis.Case`, `Config`, `Response`, `HookContext`,
`BaseSchema`, `schemathesis.openapi`, the hooks). schemathesis 4 documents its CLI and pytest plugin as the ways
to run it, and has no public API for what the suite and the client checks need besides:
- running every phase from Python and reading the outcome of each check as it happens (the engine, its events
  and its per-scenario recorder): the CLI's output is text, and the pytest plugin runs no stateful phase of
  links in one pass with the hooks of one run;
- telling an "accepted negative data" failure apart from the others in a `filter_failure` hook (the failure
  classes live in `schemathesis.core.failures`);
- editing the dependency graph the stateful phase starts its workflows from (`dependency_graph`);
- a hypothesis strategy for a plain JSON Schema (the client checks' data): schemathesis' own builder, since
  hypothesis-jsonschema 0.23 fails with current hypothesis (see ../shared/tooling-notes.md);
- ending an operation's scenario (or the stateful suite) early without an interruption, once the item budget is
  spent: `BudgetExpired`, the exception its own time limit ends them with (a filter that only says no makes
  hypothesis draw again, hundreds of times per operation and phase).
schemathesis is pinned (uv.lock) and a version that moves any of these fails the suite's own tests, not a run.
"""

from __future__ import annotations

from schemathesis import BaseSchema
from schemathesis.core.failures import AcceptedNegativeData, Failure
from schemathesis.engine import Status, events, from_schema
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.engine.run.unit._case import BudgetExpired
from schemathesis.generation.jsonschema.builder import build as strategy_from_json_schema

__all__ = [
    "AcceptedNegativeData",
    "BudgetExpired",
    "Failure",
    "ScenarioRecorder",
    "Status",
    "events",
    "from_schema",
    "start_workflows_at_uploads",
    "strategy_from_json_schema",
]


def start_workflows_at_uploads(schema: BaseSchema) -> None:
    """Drop inputs no operation of the API produces (the pool a task goes to) from schemathesis' dependency graph.

    Pools are configuration, not created through this API; left in, they mark the uploads as unlikely to
    succeed, and the stateful phase then starts every workflow from a list instead of from an upload, so
    the links create -> operation -> log -> item are never followed.
    """
    graph = schema.analysis.dependency_graph  # type: ignore[attr-defined]
    produced = {output.resource.name for node in graph.operations.values() for output in node.outputs}
    for node in graph.operations.values():
        node.inputs = [slot for slot in node.inputs if slot.resource_field is None or slot.resource.name in produced]
