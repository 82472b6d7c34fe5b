"""Runs the whole suite against a target: behavioural checks, schemathesis, the generated client, in a fixed order."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from toloka_conformance import client_run, fuzzing
from toloka_conformance.api import Api
from toloka_conformance.checks import REGISTRY, Check, Context, Failed, Skipped
from toloka_conformance.checks.rate_limit import provoking_items
from toloka_conformance.fuzzing import FuzzSettings
from toloka_conformance.redaction import scrub
from toloka_conformance.results import Outcome, Requirement, Verdict
from toloka_conformance.target import Target

# Items the generated-client pass creates: one sync and one async task, one sync and one async suite.
CLIENT_ITEMS = 4
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
    """Every part of the suite, in order; the outcomes in report order."""
    outcomes: list[Outcome] = []
    first = [check for check in REGISTRY if not check.runs_last]
    last = [check for check in REGISTRY if check.runs_last]
    with Api(target.base_url, target.authorization(target.token)) as api, Api(target.base_url, None) as anonymous:
        other_token = target.other_token
        other = Api(target.base_url, target.authorization(other_token)) if other_token is not None else None
        context = Context(target, api, other, anonymous)
        try:
            if settings.behaviour:
                outcomes += _run_checks(first, context, progress)
            else:
                outcomes += _left_out([check.requirement for check in first], "behaviour")
            if settings.schemathesis:
                progress("schemathesis: examples, coverage, fuzzing and stateful phases ...")
                started = time.monotonic()
                fuzz_outcomes, budget = fuzzing.run(target, settings.fuzz)
                progress(f"schemathesis: done in {time.monotonic() - started:.1f} s, {budget.used} items generated")
                outcomes += fuzz_outcomes
            else:
                outcomes += _left_out(fuzzing.requirements(), "schemathesis")
            if settings.client:
                progress("generated client: every operation ...")
                outcomes += client_run.run(target)
            else:
                outcomes += _left_out([client_run.requirement(name) for name in client_run.OPERATIONS], "client")
            if settings.behaviour:
                outcomes += _run_checks(last, context, progress)
            else:
                outcomes += _left_out([check.requirement for check in last], "behaviour")
        finally:
            if other is not None:
                other.close()
    return outcomes


def _left_out(requirements: list[Requirement], part: str) -> list[Outcome]:
    """A skipped row per requirement of a part the run leaves out: not checked is never passed."""
    return [
        Outcome(requirement, Verdict.SKIP, f"not checked: left out with --skip {part}") for requirement in requirements
    ]


def _run_checks(checks: list[Check], context: Context, progress: Progress) -> list[Outcome]:
    outcomes = []
    for check in checks:
        outcome = run_check(check, context)
        progress(f"{outcome.verdict.value:4} {check.requirement.id}")
        outcomes.append(outcome)
    return outcomes


def run_check(check: Check, context: Context) -> Outcome:
    """One behavioural check; a crash on an unexpected answer is that check's failure, not the suite's."""
    started = time.monotonic()
    secrets = context.target.secrets()
    verdict, command = Verdict.PASS, None
    try:
        observed = check.function(context)
        detail = observed or f"checked: {(check.function.__doc__ or '').strip().splitlines()[0]}"
    except Failed as failure:
        verdict, detail = Verdict.FAIL, failure.message
        command = failure.exchange.curl() if failure.exchange is not None else None
    except Skipped as skip:
        verdict, detail = Verdict.SKIP, str(skip)
    except httpx.HTTPError as exc:
        verdict, detail = Verdict.FAIL, f"the server did not answer properly: {type(exc).__name__}: {exc}"
    except Exception as exc:  # an answer the check could not even interpret is a failure of that requirement
        verdict, detail = Verdict.FAIL, f"unexpected answer shape: {type(exc).__name__}: {exc}"
    return Outcome(
        check.requirement,
        verdict,
        scrub(detail, secrets),
        scrub(command, secrets) if command else None,
        time.monotonic() - started,
    )
