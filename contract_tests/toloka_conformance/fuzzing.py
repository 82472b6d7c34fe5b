"""Schemathesis over every operation of openapi.yaml: examples, coverage, fuzzing and stateful phases, all checks."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import schemathesis
from schemathesis import Config as SchemathesisConfig
from schemathesis import Response

from toloka_conformance.checks.support import valid_values
from toloka_conformance.constraints import Constraints, ItemBudget
from toloka_conformance.ledger import Ledger
from toloka_conformance.oracle import Model
from toloka_conformance.redaction import REDACTED, scrub
from toloka_conformance.results import Outcome, Requirement, Verdict
from toloka_conformance.schemathesis_internals import (
    ScenarioRecorder,
    Status,
    events,
    from_schema,
    start_workflows_at_uploads,
)
from toloka_conformance.spec import load_spec
from toloka_conformance.target import Target
from toloka_conformance.waiting import Waits

PHASES = ("examples", "coverage", "fuzzing", "stateful")

# What each schemathesis check holds the server to, in the contract's words.
CHECK_DOCS: dict[str, str] = {
    "not_a_server_error": "[issue 4 / openapi.yaml] Bad input is answered, never crashed on: no input yields a 5xx.",
    "status_code_conformance": "Every answer's status code is one the operation documents in openapi.yaml.",
    "content_type_conformance": "Every answer's Content-Type is one documented for its status (application/json).",
    "response_schema_conformance": "Every JSON answer validates against the documented schema of its status.",
    "response_headers_conformance": "Documented headers are well-formed (a Retry-After, when sent, is an integer).",
    "positive_data_acceptance": (
        "A request valid by the contract (inside the chosen pool: its valid input_values, the project's valid "
        "output_values in solutions) is accepted."
    ),
    "negative_data_rejection": (
        "A request that breaks the contract is rejected with a 4xx (per item with skip_invalid_items=true, the "
        "invalid item then absent from the pool)."
    ),
    "ensure_resource_availability": "A resource a create call reported is readable right after (via the links).",
    "missing_required_header": "A request without a required header is rejected.",
    "ignored_auth": "[TolokaToken] A missing or unknown token answers 401: authentication is never ignored.",
    "unsupported_method": "An undocumented method on a documented path answers 405.",
    "allow_header_conformance": "A 405 answer lists the allowed methods in Allow.",
}
# No DELETE in this API; one identity per schemathesis run (the isolation checks use two). max_response_time
# is off without a limit.
_NOT_APPLICABLE = ("use_after_free", "object_level_authorization")
# 413 (body or item count over the limit) is a rejection too.
_REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]


@dataclass(frozen=True)
class FuzzSettings:
    """How hard to fuzz: examples per operation, seed, stateful steps, the item budget, format validation."""

    max_examples: int = 25
    seed: int = 0
    stateful_steps: int = 10
    item_budget: int = 600
    validate_formats: bool = True
    phases: tuple[str, ...] = PHASES


@dataclass
class _Tally:
    """What one schemathesis check did over the run."""

    passed: int = 0
    failures: dict[str, tuple[str, str]] = field(default_factory=dict)  # unique key -> (message, curl)


@dataclass
class _Events:
    """Everything the run's event stream told: per-check tallies, errors, scenarios, time per phase."""

    target: Target
    tallies: dict[str, _Tally] = field(default_factory=lambda: {name: _Tally() for name in CHECK_DOCS})
    errors: list[str] = field(default_factory=list)
    scenarios: int = 0
    phase_seconds: dict[str, float] = field(default_factory=dict)
    interrupted: bool = False
    _phase_started: float = 0.0

    def take(self, event: events.EngineEvent) -> None:
        """Fold one engine event into the summary."""
        if isinstance(event, events.PhaseStarted):
            self._phase_started = time.monotonic()
        elif isinstance(event, events.PhaseFinished) and event.phase.is_enabled:
            self.phase_seconds[event.phase.name.value] = time.monotonic() - self._phase_started
        elif isinstance(event, events.ScenarioFinished):
            self.scenarios += 1
            _collect(event.recorder, self.tallies, self.target)
            if event.status is Status.ERROR:
                self.errors.append(f"{event.recorder.label}: scenario error in {event.phase.value}")
        elif isinstance(event, events.NonFatalError):
            self.errors.append(scrub(f"{event.label}: {event.info.title}: {event.info.message}", self.target.secrets()))
        elif isinstance(event, events.Interrupted):
            self.interrupted = True
        elif isinstance(event, events.FatalError):
            self.errors.append(scrub(f"fatal: {event.exception}", self.target.secrets()))

    def timing(self) -> str:
        """`phase s, ...` for the phases that ran."""
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.phase_seconds.items() if seconds >= 0.05)


def _config(target: Target, settings: FuzzSettings) -> SchemathesisConfig:
    generation: dict[str, Any] = {
        "mode": "all",
        "max-examples": settings.max_examples,
        "deterministic": True,
        "database": "none",
        "no-shrink": False,
    }
    phases: dict[str, Any] = {name: {"enabled": name in settings.phases} for name in PHASES}
    phases["stateful"]["max-steps"] = max(settings.stateful_steps, 2)
    phases["stateful"]["link-calibration"] = False
    phases["stateful"]["inference"] = {"algorithms": []}
    return SchemathesisConfig.from_dict(
        {
            "base-url": target.base_url,
            "headers": {"Authorization": target.authorization(target.token).reveal()},
            "seed": settings.seed,
            "workers": 1,
            "request-timeout": 30,
            "suppress-health-check": ["all"],
            "generation": generation,
            "phases": phases,
            "checks": {
                "response_schema_conformance": {"validate-formats": settings.validate_formats},
                "negative_data_rejection": {"expected-statuses": _REJECTIONS},
                **{name: {"enabled": False} for name in _NOT_APPLICABLE},
            },
        }
    )


def run(
    target: Target,
    settings: FuzzSettings,
    model: Model | None = None,
    *,
    waits: Waits | None = None,
    ledger: Ledger | None = None,
) -> tuple[list[Outcome], ItemBudget]:
    """Run schemathesis against the target; one outcome per check, plus one for the run itself.

    With a `model`, every answer schemathesis gets is also checked against it (an `after_call` hook). `waits`: the
    run's clock and operation waits; `ledger`: where the objects its uploads create are listed.
    """
    started = time.monotonic()
    schema = schemathesis.openapi.from_dict(copy.deepcopy(load_spec()), config=_config(target, settings))
    budget = ItemBudget(settings.item_budget)
    Constraints(target, budget, settings.seed, answer=_answer(target), waits=waits, ledger=ledger).install(schema)
    if model is not None:
        schema.hooks.register_hook_with_name(_feeding(model), "after_call")
    start_workflows_at_uploads(schema)
    summary = _Events(target)
    for event in from_schema(schema).execute():
        summary.take(event)
    return _outcomes(summary, time.monotonic() - started, budget), budget


def _feeding(model: Model) -> Any:
    """An `after_call` hook handing each exchange to the model (its window: the response time before now)."""

    def after_call(context: Any, case: Any, response: Response) -> None:
        request = response.request
        finished = model.clock()
        body = request.body
        model.observe_raw(
            method=str(request.method),
            url=str(request.url),
            headers={str(k): str(v) for k, v in request.headers.items()},
            content=body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else None,
            status=response.status_code,
            answer=response.content,
            started=finished - response.elapsed,
            finished=finished,
            source="schemathesis",
        )

    return after_call


def _answer(target: Target) -> dict[str, Any] | None:
    """A valid output_values for the pool's project: --output-values, else built from the project's output spec."""
    if target.output_values is not None:
        return dict(target.output_values)
    headers = {"Authorization": target.authorization(target.token).reveal()}
    try:
        with httpx.Client(base_url=target.base_url, headers=headers, timeout=10) as client:
            pool = client.get(f"/api/v1/pools/{target.pool_id}").json()
            project = client.get(f"/api/v1/projects/{pool['project_id']}").json()
        spec = project["task_spec"].get("output_spec") or {}
    except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no valid answer known: the hooks then send no solutions in positive cases
    return valid_values(spec) if isinstance(spec, dict) else None


def _collect(recorder: ScenarioRecorder, tallies: dict[str, _Tally], target: Target) -> None:
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            tally = tallies.setdefault(node.name, _Tally())
            if node.status is Status.SUCCESS:
                tally.passed += 1
            elif node.status is Status.FAILURE and node.failure_info is not None:
                failure = node.failure_info.failure
                key = f"{failure.operation}|{failure.title}"
                response = recorder.find_response(case_id=failure.case_id or case_id)
                answer = f" The server answered {_short(response)}." if response is not None else ""
                message = f"{failure.operation}: {failure.title}. {failure.message}".strip() + answer
                redacted = f"{target.scheme(target.token)} {REDACTED}"
                sample = node.failure_info.code_sample.replace("[Filtered]", redacted)
                known = tally.failures.get(key)
                if known is None or len(sample) < len(known[1]):  # keep the smallest reproduction of each failure
                    tally.failures[key] = (scrub(message, target.secrets()), scrub(sample, target.secrets()))


def _short(response: Response) -> str:
    """`status: body`, the body cut to a few hundred characters."""
    text = (response.content or b"").decode("utf-8", errors="replace")
    return f"{response.status_code}: {text[:300]}{'...' if len(text) > 300 else ''}"


RUN_REQUIREMENT = Requirement(
    "schemathesis.run", "schemathesis", "schemathesis ran every phase without errors", "The suite itself ran."
)


def _requirement(name: str) -> Requirement:
    return Requirement(f"schemathesis.{name}", "schemathesis", name, CHECK_DOCS.get(name, name))


def requirements() -> list[Requirement]:
    """The rows this part reports, in report order (for a run that leaves it out)."""
    return [*(_requirement(name) for name in CHECK_DOCS), RUN_REQUIREMENT]


def _outcomes(summary: _Events, seconds: float, budget: ItemBudget | None = None) -> list[Outcome]:
    outcomes = []
    for name, tally in summary.tallies.items():
        requirement = _requirement(name)
        if tally.failures:
            messages = [message for message, _ in tally.failures.values()]
            # The reproduction shown is the one of the first failure listed, so the message and the curl agree.
            first_curl = next(iter(tally.failures.values()))[1]
            detail = f"{len(messages)} distinct failure(s), the first reproduced below: " + " | ".join(messages[:5])
            outcomes.append(
                Outcome(
                    requirement,
                    Verdict.FAIL,
                    detail,
                    first_curl,
                    rule=requirement.docs,
                    expected=f"every generated request's answer passes schemathesis' {name} check",
                    observed=detail,
                )
            )
        elif tally.passed:
            outcomes.append(Outcome(requirement, Verdict.PASS, f"{tally.passed} responses checked"))
        else:
            outcomes.append(Outcome(requirement, Verdict.SKIP, "no response exercised this check"))
    run_requirement = RUN_REQUIREMENT
    timing = f"{summary.scenarios} scenarios; {summary.timing()}"
    dropped = budget.dropped_summary() if budget is not None else ""
    if dropped:
        timing += f"; {dropped}"
    if summary.interrupted:  # never "ran every phase" when it did not
        detail = f"cut short by an interruption: not every phase ran ({timing})"
        outcomes.append(Outcome(run_requirement, Verdict.ERROR, detail, seconds=seconds, error="Interrupted"))
    elif summary.errors:
        detail = " | ".join(summary.errors[:5]) + f" ({timing})"
        outcomes.append(Outcome(run_requirement, Verdict.FAIL, detail, seconds=seconds))
    else:
        outcomes.append(Outcome(run_requirement, Verdict.PASS, timing, seconds=seconds))
    return outcomes
