"""Runs the whole suite against a target: behavioural checks, schemathesis, the generated client, in a fixed order."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from toloka_conformance import client_run, fuzzing, oracle
from toloka_conformance.api import Api, Exchange
from toloka_conformance.checks import REGISTRY, Check, Context, Failed, Skipped
from toloka_conformance.checks.rate_limit import provoking_items
from toloka_conformance.fuzzing import FuzzSettings
from toloka_conformance.redaction import scrub
from toloka_conformance.results import TRANSPORT_ERRORS, Outcome, Requirement, Verdict, error_outcome
from toloka_conformance.target import Target, probe

# Items the generated-client pass creates: two sync tasks (an array of one, one object) and an async one; likewise
# three suites.
CLIENT_ITEMS = 6
# Items the behavioural checks may create beyond their declared ones if the server ignores the sync limit.
SYNC_LIMIT_OVERRUN = 2 * 5001

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """Which parts to run and how hard to fuzz."""

    fuzz: FuzzSettings
    behaviour: bool = True
    schemathesis: bool = True
    client: bool = True


def default_settings(
    *, quick: bool, seed: int = 0, max_examples: int | None = None, validate_formats: bool = True
) -> Settings:
    """The default run (< 60 s on the emulator) or the quick one (< 15 s)."""
    examples = max_examples if max_examples is not None else (3 if quick else 30)
    # The coverage phase alone costs ~4 s (hundreds of boundary cases); quick mode leaves it to the default run.
    phases = tuple(phase for phase in fuzzing.PHASES if not (quick and phase == "coverage"))
    fuzz = FuzzSettings(
        phases=phases,
        max_examples=examples,
        seed=seed,
        stateful_steps=4 if quick else 10,
        item_budget=1000 if quick else 2000,
        validate_formats=validate_formats,
    )
    return Settings(fuzz=fuzz)


def item_plan(target: Target, settings: Settings) -> str:
    """The bounded number of items the run creates and where, printed before anything is sent."""
    checks = sum(check.creates for check in REGISTRY) if settings.behaviour else 0
    fuzz = settings.fuzz.item_budget if settings.schemathesis else 0
    client = CLIENT_ITEMS if settings.client else 0
    provoked = provoking_items(target.rate_limit_items) if settings.behaviour and target.rate_limit_items else 0
    total = checks + fuzz + client + provoked
    parts = [f"{checks} by behavioural checks", f"at most {fuzz} by schemathesis", f"{client} by the client pass"]
    if provoked:
        parts.append(f"{provoked} to provoke a 429 (--rate-limit-items)")
    where = f"pool {target.pool_id}"
    if target.closed_pool_id is not None:
        where += f" (2 of them in closed pool {target.closed_pool_id}, which open_pool=true will open)"
    return (
        f"This run creates at most {total:,} items (tasks, or suites of one task) at {target.base_url} in {where}: "
        f"{', '.join(parts)}. A server that ignores the 5000-item sync limit gets up to {SYNC_LIMIT_OVERRUN:,} more."
    )


def run(target: Target, settings: Settings, progress: Progress = lambda _: None) -> list[Outcome]:
    """Every part of the suite, in order; the outcomes in report order.

    A check whose request gets no answer (timeout, refused or reset connection) is an ERROR of the run; the server
    is then probed again, and when it no longer answers, nothing more is sent: every remaining row is an ERROR
    (`error == HALTED`) saying so. An exception of the suite's own code is an ERROR of that row (or of every row
    of the part it broke), never a FAIL.
    """
    outcomes: list[Outcome] = []
    first = [check for check in REGISTRY if not check.runs_last]
    last = [check for check in REGISTRY if check.runs_last]
    model = _model(target)
    observed = oracle.ObservedApi
    with (
        observed(target.base_url, target.authorization(target.token), model=model) as api,
        observed(target.base_url, None, model=model) as anonymous,
    ):
        other_token = target.other_token
        other = (
            observed(target.base_url, target.authorization(other_token), model=model)
            if other_token is not None
            else None
        )
        context = Context(target, api, other, anonymous, model)
        halt = _Halt(target)
        try:
            parts: list[tuple[str, bool, list[Requirement], Callable[[], list[Outcome]]]] = [
                ("behaviour", settings.behaviour, _rows(first), lambda: _run_checks(first, context, progress, halt)),
                (
                    "schemathesis",
                    settings.schemathesis,
                    fuzzing.requirements(),
                    lambda: _fuzz(target, settings, progress, model),
                ),
                ("client", settings.client, _client_rows(), lambda: _client(target, progress, model)),
                ("behaviour", settings.behaviour, _rows(last), lambda: _run_checks(last, context, progress, halt)),
            ]
            for part, enabled, rows, execute in parts:
                if not enabled:
                    outcomes += _left_out(rows, part)
                elif halt.reason is not None:
                    outcomes += [halt.not_run(row) for row in rows]
                else:
                    produced = _guarded(rows, execute, target)
                    outcomes += halt.after(part, produced)
            outcomes += _model_rows(model, api, halt, target, settings)
        finally:
            if other is not None:
                other.close()
    return outcomes


# The `error` of rows a run did not reach because the server stopped answering.
HALTED = "ServerStoppedAnswering"


@dataclass
class _Halt:
    """Whether the server stopped answering during the run (re-probed after an ERROR or, for schemathesis, a FAIL)."""

    target: Target
    reason: str | None = None

    def stopped(self) -> bool:
        """Probe the server again; True (and `reason` set) when it can no longer be tested."""
        if self.reason is None:
            found = probe(self.target)
            if found is not None:
                self.reason = found.message
        return self.reason is not None

    def not_run(self, requirement: Requirement) -> Outcome:
        """A row the run did not reach."""
        detail = f"not checked: the server stopped answering during the run ({self.reason})"
        return Outcome(requirement, Verdict.ERROR, detail, observed=self.reason, error=HALTED)

    def after(self, part: str, produced: list[Outcome]) -> list[Outcome]:
        """A part's outcomes, the server re-probed when they suggest it went away.

        Schemathesis reports a vanished server as failures: when the server no longer answers after it, its
        failures become errors (`not counted`), since they may be nothing but the server's absence.
        """
        suspicious = any(o.verdict is Verdict.ERROR and o.error in TRANSPORT_ERRORS for o in produced) or (
            part == "schemathesis" and any(o.verdict is Verdict.FAIL for o in produced)
        )
        if not suspicious or not self.stopped() or part != "schemathesis":
            return produced
        prefix = f"not counted: the server stopped answering during schemathesis ({self.reason}); it reported: "
        return [
            replace(o, verdict=Verdict.ERROR, error=HALTED, observed=self.reason, detail=prefix + o.detail)
            if o.verdict is Verdict.FAIL
            else o
            for o in produced
        ]


def _model(target: Target) -> oracle.Model:
    """The run's model of what it sent, knowing each account by its Authorization header (never shown)."""
    accounts = {target.authorization(target.token).reveal(): "main"}
    if target.other_token is not None:
        accounts[target.authorization(target.other_token).reveal()] = "other"
    return oracle.Model(accounts=accounts, secrets=target.secrets(), clock=time.time)


def _model_rows(model: oracle.Model, api: Api, halt: _Halt, target: Target, settings: Settings) -> list[Outcome]:
    """The model's invariants, after it read back what the logs named and nobody read."""
    if not (settings.behaviour or settings.schemathesis or settings.client):
        return _left_out(list(oracle.REQUIREMENTS), "behaviour, schemathesis and client (the model reads all three)")
    if halt.reason is not None:
        return [halt.not_run(row) for row in oracle.REQUIREMENTS]
    model.source = "the model's final read-back"
    return _guarded(list(oracle.REQUIREMENTS), lambda: model.finish(api), target)


def _rows(checks: list[Check]) -> list[Requirement]:
    return [check.requirement for check in checks]


def _client_rows() -> list[Requirement]:
    return [client_run.requirement(name) for name in client_run.OPERATIONS]


def _fuzz(target: Target, settings: Settings, progress: Progress, model: oracle.Model) -> list[Outcome]:
    progress("schemathesis: examples, coverage, fuzzing and stateful phases ...")
    started = time.monotonic()
    fuzz_outcomes, budget = fuzzing.run(target, settings.fuzz, model)
    progress(f"schemathesis: done in {time.monotonic() - started:.1f} s, {budget.used} items generated")
    return [_with_rule(outcome) for outcome in fuzz_outcomes]


def _client(target: Target, progress: Progress, model: oracle.Model) -> list[Outcome]:
    progress("generated client: every operation ...")
    return client_run.run(target, model)


def _with_rule(outcome: Outcome) -> Outcome:
    """A failure always names its rule: the requirement's docs sentence unless the part gave a narrower one."""
    if outcome.verdict is Verdict.FAIL and not outcome.rule:
        return replace(outcome, rule=outcome.requirement.docs)
    return outcome


def _guarded(rows: list[Requirement], execute: Callable[[], list[Outcome]], target: Target) -> list[Outcome]:
    """A part's outcomes; when the part itself raises, an ERROR for each of its rows."""
    try:
        return execute()
    except Exception as exc:  # whatever broke the part is reported on its rows
        return [_scrubbed(error_outcome(row, exc), target) for row in rows]


def _left_out(requirements: list[Requirement], part: str) -> list[Outcome]:
    """A skipped row per requirement of a part the run leaves out: not checked is never passed."""
    return [
        Outcome(requirement, Verdict.SKIP, f"not checked: left out with --skip {part}") for requirement in requirements
    ]


def _run_checks(checks: list[Check], context: Context, progress: Progress, halt: _Halt) -> list[Outcome]:
    outcomes = []
    for check in checks:
        if halt.reason is not None:
            outcomes.append(halt.not_run(check.requirement))
            continue
        context.model.source = check.requirement.id
        outcome = run_check(check, context)
        progress(f"{outcome.verdict.value:5} {check.requirement.id}")
        outcomes.append(outcome)
        if outcome.verdict is Verdict.ERROR and outcome.error in TRANSPORT_ERRORS and halt.stopped():
            progress(f"the server stopped answering: {halt.reason}")
    return outcomes


def run_check(check: Check, context: Context) -> Outcome:
    """One behavioural check: PASS, FAIL (with the facts of `Failed`), SKIP, or ERROR (the run or the suite broke)."""
    started = time.monotonic()
    requirement = check.requirement
    try:
        observed = check.function(context)
        detail = observed or f"checked: {(check.function.__doc__ or '').strip().splitlines()[0]}"
        outcome = Outcome(requirement, Verdict.PASS, detail)
    except Failed as failure:
        outcome = failed_outcome(requirement, failure)
    except Skipped as skip:
        outcome = Outcome(requirement, Verdict.SKIP, str(skip))
    except Exception as exc:  # the suite's own bug or a broken run: an ERROR, never a FAIL
        outcome = error_outcome(requirement, exc)
    return _scrubbed(replace(outcome, seconds=time.monotonic() - started), context.target)


def failed_outcome(requirement: Requirement, failure: Failed) -> Outcome:
    """The FAIL row of a `Failed`: its rule (else the requirement's), expected, observed, and the exchange."""
    exchange: Exchange | None = failure.exchange
    observed = _text(getattr(failure, "observed", None))
    if observed is None and exchange is not None:
        observed = exchange.summary()
    return Outcome(
        requirement,
        Verdict.FAIL,
        failure.message,
        curl=exchange.curl() if exchange is not None else None,
        rule=_text(getattr(failure, "rule", None)) or requirement.docs,
        expected=_text(getattr(failure, "expected", None)),
        observed=observed,
        request=f"{exchange.request.method} {exchange.request.url}" if exchange is not None else None,
    )


# Exceptions that mean a request got no HTTP answer: the run broke, the requirement was not judged.
def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _scrubbed(outcome: Outcome, target: Target) -> Outcome:
    """The outcome with every token scrubbed from every text it shows."""
    secrets = target.secrets()

    def clean(text: str | None) -> str | None:
        return scrub(text, secrets) if text else text

    return replace(
        outcome,
        detail=scrub(outcome.detail, secrets),
        curl=clean(outcome.curl),
        rule=clean(outcome.rule),
        expected=clean(outcome.expected),
        observed=clean(outcome.observed),
        request=clean(outcome.request),
    )
