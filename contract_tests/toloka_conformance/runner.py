"""Runs the whole suite against a target: behavioural checks, schemathesis, the generated client, in a fixed order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from toloka_conformance import client_run, fuzzing, oracle
from toloka_conformance.api import Api, Exchange
from toloka_conformance.checks import REGISTRY, Check, Context, Failed, Skipped
from toloka_conformance.checks.rate_limit import provoking_items
from toloka_conformance.checks.support import SUITES, TASKS, Window, created_after, in_window, newest_id
from toloka_conformance.fuzzing import FuzzSettings
from toloka_conformance.interrupt import Interrupted, Interruption
from toloka_conformance.ledger import BudgetSpent, Ledger
from toloka_conformance.redaction import scrub
from toloka_conformance.results import TRANSPORT_ERRORS, Outcome, Requirement, Verdict, error_outcome
from toloka_conformance.schedule import Turns, schedule
from toloka_conformance.target import Target, probe
from toloka_conformance.waiting import Clock, Sleep

# Items the generated-client pass creates: two sync tasks (an array of one, one object) and an async one; likewise
# three suites.
CLIENT_ITEMS = 6
# Items the behavioural checks may create beyond their declared ones if the server ignores the sync limit.
SYNC_LIMIT_OVERRUN = 2 * 5001

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """Which parts and rows to run, how hard to fuzz, and how many items the run may create.

    `only` / `exclude`: requirement ids, or prefixes ending in `.` (`operations.`); rows left out this way are not
    reported at all (a chosen gate), unlike a part left out with `behaviour=False` etc. (reported as skipped).
    `max_items`: the cap on everything the run creates (None: the parts' own bounds).
    """

    fuzz: FuzzSettings
    behaviour: bool = True
    schemathesis: bool = True
    client: bool = True
    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_items: int | None = None

    def selects(self, requirement_id: str) -> bool:
        """Whether the row is chosen by `only` (all when empty) and not left out by `exclude`."""
        chosen = not self.only or any(matches(pattern, requirement_id) for pattern in self.only)
        return chosen and not any(matches(pattern, requirement_id) for pattern in self.exclude)


def matches(pattern: str, requirement_id: str) -> bool:
    """`pattern` names the row, or is a prefix of its id ending in `.` (`operations.` for every operations row)."""
    return requirement_id == pattern or (pattern.endswith(".") and requirement_id.startswith(pattern))


def all_requirements() -> list[Requirement]:
    """Every row the suite knows, in report order (for validating a selection, or a run cut short early)."""
    first = [check.requirement for check in REGISTRY if not check.runs_last]
    last = [check.requirement for check in REGISTRY if check.runs_last]
    return [*first, *fuzzing.requirements(), *_client_rows(), *last, *oracle.REQUIREMENTS]


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


@dataclass(frozen=True)
class Plan:
    """What the run will do within its item cap: the checks that fit, the parts' items, and what was left out."""

    checks: tuple[Check, ...]
    fuzz_items: int
    client: bool
    provoked: int
    left_out: dict[str, str] = field(default_factory=dict)  # requirement id -> why it is not run (the cap)
    text: str = ""


def plan(target: Target, settings: Settings) -> Plan:
    """Fit the selected rows into `settings.max_items`: behavioural checks first (registry order: the most
    informative rows, and the cheapest), then the generated client, then the rate-limit provocation, and what is left
    to schemathesis (within its own bound). A row that does not fit is left out, saying why."""
    left = settings.max_items
    left_out: dict[str, str] = {}

    def fits(need: int, rows: Iterable[Requirement], what: str) -> bool:
        nonlocal left
        if left is None or need <= left:
            left = None if left is None else left - need
            return True
        for row in rows:
            left_out[row.id] = f"not run: {what} needs {need} item(s), --max-items {settings.max_items} leaves {left}"
        return False

    chosen = [check for check in REGISTRY if settings.selects(check.requirement.id)] if settings.behaviour else []
    checks = tuple(c for c in chosen if fits(c.creates, [c.requirement], f"this check creates {c.creates} and"))
    client_rows = [row for row in _client_rows() if settings.selects(row.id)]
    client = bool(settings.client and client_rows and fits(CLIENT_ITEMS, client_rows, "the client pass"))
    limited = [c for c in checks if c.runs_last]
    provoked = provoking_items(target.rate_limit_items) if limited and target.rate_limit_items else 0
    if provoked and not fits(provoked, [c.requirement for c in limited], "provoking a 429"):
        checks = tuple(c for c in checks if not c.runs_last)
        provoked = 0
    fuzz_rows = [row for row in fuzzing.requirements() if settings.selects(row.id)]
    fuzz = 0
    if settings.schemathesis and fuzz_rows:
        fuzz = settings.fuzz.item_budget if left is None else min(settings.fuzz.item_budget, left)
    made = sum(c.creates for c in checks)
    parts = [f"{made} by {len(checks)} behavioural checks", f"at most {fuzz} by schemathesis"]
    parts.append(f"{CLIENT_ITEMS if client else 0} by the client pass")
    if provoked:
        parts.append(f"{provoked} to provoke a 429 (--rate-limit-items)")
    where = f"pool {target.pool_id}"
    if target.closed_pool_id is not None and schedule(list(checks)).closed_lane:
        where += f" (2 of them in closed pool {target.closed_pool_id}, which open_pool=true opens; closed again after)"
    cap = f" (--max-items {settings.max_items})" if settings.max_items is not None else ""
    text = (
        f"This run creates at most {made + fuzz + (CLIENT_ITEMS if client else 0) + provoked:,} items "
        f"(tasks, or suites of one task){cap} at {target.base_url} in {where}: {', '.join(parts)}."
    )
    if settings.max_items is None:
        text += f" A server that ignores the 5000-item sync limit gets up to {SYNC_LIMIT_OVERRUN:,} more."
    else:
        text += " No request is sent that could take it past the cap."
    if left_out:
        text += f" Left out to stay within it: {len(left_out)} row(s) ({', '.join(sorted(left_out))})."
    return Plan(checks, fuzz, client, provoked, left_out, text)


def item_plan(target: Target, settings: Settings) -> str:
    """The bounded number of items the run creates and where, printed before anything is sent."""
    return plan(target, settings).text


def run(
    target: Target,
    settings: Settings,
    progress: Progress = lambda _: None,
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    interruption: Interruption | None = None,
    ledger: Ledger | None = None,
) -> list[Outcome]:
    """Every selected part of the suite, in order; the outcomes in report order.

    A check whose request gets no answer (timeout, refused or reset connection) is an ERROR of the run; the server
    is then probed again, and when it no longer answers, nothing more is sent: every remaining row is an ERROR
    (`error == HALTED`) saying so. An exception of the suite's own code is an ERROR of that row (or of every row
    of the part it broke), never a FAIL. A SIGINT or SIGTERM (`Interrupted`, raised by `interrupt.interruptible`)
    ends the run: the rows decided so far are kept, every other row is an ERROR saying it was not judged.
    `ledger` counts and lists what the run creates (its cap is `settings.max_items`).
    """
    ledger = ledger if ledger is not None else Ledger(settings.max_items)
    the_plan = plan(target, settings)
    outcomes: list[Outcome] = []
    first = [check for check in the_plan.checks if not check.runs_last]
    last = [check for check in the_plan.checks if check.runs_last]
    rows = [row for row in all_requirements() if settings.selects(row.id)]
    fuzz_settings = replace(settings.fuzz, item_budget=the_plan.fuzz_items)
    client_rows = [row for row in _client_rows() if settings.selects(row.id)]
    # The generated client only reads back what it created: it runs beside the behavioural checks that do the same
    # (its waits overlap theirs), taking the closed pool in turn with the checks that use it.
    client_beside = bool(settings.behaviour and first and settings.client and the_plan.client and client_rows)
    closed_pool = Turns(schedule(first).turn_order(client=client_beside), interruption)
    model = _model(target)
    observed = oracle.ObservedApi
    with (
        observed(target.base_url, target.authorization(target.token), model=model, ledger=ledger) as api,
        observed(target.base_url, None, model=model, ledger=ledger) as anonymous,
    ):
        other_token = target.other_token
        other = (
            observed(target.base_url, target.authorization(other_token), model=model, ledger=ledger)
            if other_token
            else None
        )
        context = Context(target, api, other, anonymous, model, clock=clock, sleep=sleep)
        context.waits.interruption = interruption
        halt = _Halt(target)

        def beside() -> list[Outcome]:
            produced = _guarded(
                client_rows, lambda: _client(target, progress, context, ledger, closed_pool, model), target
            )
            return [outcome for outcome in produced if settings.selects(outcome.requirement.id)]

        try:
            parts: list[tuple[str, bool, list[Requirement], Callable[[], list[Outcome]]]] = [
                (
                    "behaviour",
                    settings.behaviour,
                    [c.requirement for c in REGISTRY if not c.runs_last and settings.selects(c.requirement.id)],
                    lambda: _run_checks(
                        first,
                        context,
                        progress,
                        halt,
                        ledger,
                        outcomes,
                        interruption,
                        beside=beside if client_beside else None,
                        closed_pool=closed_pool,
                    ),
                ),
                (
                    "schemathesis",
                    settings.schemathesis,
                    [row for row in fuzzing.requirements() if settings.selects(row.id)],
                    lambda: _fuzz(target, fuzz_settings, progress, context, ledger, model),
                ),
                (
                    "client",
                    settings.client,
                    client_rows,
                    lambda: _client(target, progress, context, ledger, closed_pool, model),
                ),
                (
                    "behaviour",
                    settings.behaviour,
                    [c.requirement for c in REGISTRY if c.runs_last and settings.selects(c.requirement.id)],
                    lambda: _run_checks(last, context, progress, halt, ledger, outcomes, interruption),
                ),
            ]
            for part, enabled, part_rows, execute in parts:
                if not part_rows or (part == "client" and enabled and (client_beside or not the_plan.client)):
                    continue  # nothing chosen, run beside the checks, or left out by --max-items (the plan's rows)
                if not enabled:
                    outcomes += _left_out(part_rows, part)
                elif halt.reason is not None:
                    outcomes += [halt.not_run(row) for row in part_rows]
                elif part == "behaviour":  # its rows are appended to `outcomes` as they are decided
                    produced = _guarded(part_rows, execute, target)
                    if produced is not outcomes:  # the part itself raised: an ERROR for each row it did not decide
                        decided = {outcome.requirement.id for outcome in outcomes}
                        outcomes += [o for o in produced if o.requirement.id not in decided]
                else:
                    produced = _guarded(part_rows, execute, target)
                    if interruption is not None:  # schemathesis stops on the signal itself and returns
                        interruption.check()
                    outcomes += halt.after(part, [o for o in produced if settings.selects(o.requirement.id)])
            model_rows = _model_rows(model, api, halt, target, settings)
            outcomes += [o for o in model_rows if settings.selects(o.requirement.id)]
        except Interrupted as stop:
            progress(f"interrupted by {stop.name}: writing what was decided")
            outcomes += _cut_short(rows, outcomes, stop.name)
        finally:
            if other is not None:
                other.close()
    if context.waits.stuck is not None:
        progress(f"operations did not end: {context.waits.stuck} (--operation-timeout {target.operation_timeout:g})")
    by_id = {outcome.requirement.id: outcome for outcome in outcomes}
    for row_id, why in the_plan.left_out.items():
        by_id.setdefault(row_id, Outcome(_row(rows, row_id), Verdict.SKIP, why))
    return [by_id[row.id] for row in rows if row.id in by_id]


def _row(rows: list[Requirement], row_id: str) -> Requirement:
    return next(row for row in rows if row.id == row_id)


def _cut_short(rows: list[Requirement], outcomes: list[Outcome], signal_name: str) -> list[Outcome]:
    """An ERROR for each row not decided when the run was interrupted (the run row says which phases did not run)."""
    decided = {outcome.requirement.id for outcome in outcomes}
    cut = []
    for row in rows:
        if row.id in decided:
            continue
        detail = f"not judged: the run was interrupted by {signal_name} before this row was decided"
        if row.id == fuzzing.RUN_REQUIREMENT.id:
            detail = f"cut short by {signal_name}: schemathesis did not run every phase; its rows are not judged"
        cut.append(Outcome(row, Verdict.ERROR, detail, error=INTERRUPTED))
    return cut


# The `error` of rows a run did not decide because it was interrupted (SIGINT, SIGTERM).
INTERRUPTED = "Interrupted"


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
    # Wall time, not the run's clock: the model compares request windows with the server's timestamps.
    return oracle.Model(accounts=accounts, secrets=target.secrets(), clock=time.time)


def _model_rows(model: oracle.Model, api: Api, halt: _Halt, target: Target, settings: Settings) -> list[Outcome]:
    """The model's invariants, after it read back what the logs named and nobody read."""
    if not (settings.behaviour or settings.schemathesis or settings.client):
        return _left_out(list(oracle.REQUIREMENTS), "behaviour, schemathesis and client (the model reads all three)")
    if halt.reason is not None:
        return [halt.not_run(row) for row in oracle.REQUIREMENTS]
    model.source = "the model's final read-back"
    return _guarded(list(oracle.REQUIREMENTS), lambda: model.finish(api), target)


def _client_rows() -> list[Requirement]:
    return [client_run.requirement(name) for name in client_run.OPERATIONS]


def _fuzz(
    target: Target, settings: FuzzSettings, progress: Progress, context: Context, ledger: Ledger, model: oracle.Model
) -> list[Outcome]:
    progress("schemathesis: examples, coverage, fuzzing and stateful phases ...")
    started = context.clock()
    with ledger.row("schemathesis"):
        fuzz_outcomes, budget = fuzzing.run(target, settings, model, waits=context.waits, ledger=ledger)
    progress(f"schemathesis: done in {context.clock() - started:.1f} s, {budget.used} items generated")
    return [_with_rule(outcome) for outcome in fuzz_outcomes]


def _client(
    target: Target,
    progress: Progress,
    context: Context,
    ledger: Ledger,
    closed_pool: Turns,
    model: oracle.Model,
) -> list[Outcome]:
    progress("generated client: every operation ...")
    with ledger.row("client"):
        return client_run.run(
            target,
            model,
            ledger=ledger,
            waits=context.waits,
            closed_pool_turn=closed_pool.turn("client"),
        )


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


# Checks that run at once at most (their waits for operations overlap; see schedule.py for which may).
CONCURRENT_CHECKS = 16


def _run_checks(
    checks: list[Check],
    context: Context,
    progress: Progress,
    halt: _Halt,
    ledger: Ledger,
    outcomes: list[Outcome],
    interruption: Interruption | None = None,
    *,
    beside: Callable[[], list[Outcome]] | None = None,
    closed_pool: Turns | None = None,
) -> list[Outcome]:
    """Run the checks, appending each outcome to `outcomes` as it is decided (kept when interrupted).

    The checks that may run together do so (`schedule`), with the closed pool's checks in a lane of their own and
    `beside` (the generated client's pass), these two taking turns with that pool (`closed_pool`); then, once all
    of them have created what they create, the ones that must run alone, one by one (the client's turn with the
    closed pool overlapping them): the waits for operations overlap instead of queueing.
    """
    order = schedule(checks)
    turns = closed_pool if closed_pool is not None else Turns(order.turn_order(client=False))
    context.lend_closed_pool = turns.lend
    lock = threading.Lock()

    def decide(check: Check) -> Outcome:
        if interruption is not None:  # a signal swallowed by a library still stops the run here
            interruption.check()
        if halt.reason is not None:
            return halt.not_run(check.requirement)
        context.model.source = check.requirement.id  # per thread: the row that sends what follows
        with ledger.row(check.requirement.id):
            return run_check(check, context)

    def report(check: Check, outcome: Outcome) -> None:
        with lock:
            progress(f"{outcome.verdict.value:5} {check.requirement.id}")
            outcomes.append(outcome)
        if outcome.verdict is Verdict.ERROR and outcome.error in TRANSPORT_ERRORS and halt.stopped():
            progress(f"the server stopped answering: {halt.reason}")

    def one(check: Check) -> None:
        report(check, decide(check))

    def windowed(window: Window, check: Check) -> Outcome:
        with in_window(window):
            return decide(check)

    def shared(group: tuple[Check, ...]) -> None:
        """The window's checks at once, the target pool read before and after all of them; when the pool did not
        gain exactly what they claimed (or one of them did not pass), each again alone: the blame stays exact."""
        if len(group) < 2 or halt.reason is not None:
            for check in group:
                one(check)
            return
        window = Window()
        why: str | None = None
        context.model.source = "the shared window"
        try:
            start = {path: newest_id(context, path) for path in (TASKS, SUITES)}
        except Exception as exc:  # the pool unreadable: each check alone meets it and says so
            why = f"the pool could not be read before: {exc}"
        if why is None:
            decided = [future.result() for future in [workers.submit(windowed, window, c) for c in group]]
            if any(outcome.verdict is not Verdict.PASS for outcome in decided):
                why = "not every one of them passed"
            else:
                try:
                    created = {
                        path: [str(item.get("id")) for item in created_after(context, path, start[path])]
                        for path in (TASKS, SUITES)
                    }
                except Exception as exc:
                    why = f"the pool could not be read after: {exc}"
                else:
                    why = window.holds(created)
            if why is None:
                for check, outcome in zip(group, decided, strict=True):
                    report(check, outcome)
                return
        names = ", ".join(check.requirement.id for check in group)
        progress(f"the shared window of {names} did not hold ({why}): each runs again alone")
        for check in group:
            one(check)

    def lane(group: tuple[Check, ...]) -> None:
        for check in group:
            with turns.turn(check.requirement.id):
                one(check)

    def alongside() -> None:
        try:
            if beside is not None:
                produced = beside()
                with lock:
                    outcomes.extend(produced)
        finally:  # done, or broken before its turn: the lone checks after it in the order may go
            turns.release("client")

    workers = ThreadPoolExecutor(CONCURRENT_CHECKS, thread_name_prefix="check")
    try:
        sides = [workers.submit(lane, order.closed_lane), workers.submit(alongside)]
        for future in [workers.submit(one, check) for check in order.together]:
            future.result()
        # Nothing else may create anything (in any pool: a server may ignore the pool filter) while a lone check
        # reads the pool: the client has created all it creates once it takes its turn with the closed pool (an
        # open and a close, which the lone checks that use that pool wait for), and so has the lane once it ends,
        # or once its last check lends the client the open pool (it only closes the pool after).
        turns.wait_entered("client")
        last_in_lane = order.closed_lane[-1].requirement.id if order.closed_lane else None
        if last_in_lane is None or turns.lender("client") != last_in_lane:
            sides[0].result()
        shared(order.window)
        for check in order.alone:
            if check not in order.window:
                with turns.turn(check.requirement.id):
                    one(check)
        sides[0].result()
        sides[1].result()
    except BaseException:
        # Interrupted (or the part broke): checks not started are dropped, running ones stop at their next wait.
        workers.shutdown(wait=True, cancel_futures=True)
        raise
    workers.shutdown(wait=True)
    return outcomes


def run_check(check: Check, context: Context) -> Outcome:
    """One behavioural check: PASS, FAIL (with the facts of `Failed`), SKIP, or ERROR (the run or the suite broke)."""
    started = context.clock()
    requirement = check.requirement
    try:
        observed = check.function(context)
        detail = observed or f"checked: {(check.function.__doc__ or '').strip().splitlines()[0]}"
        outcome = Outcome(requirement, Verdict.PASS, detail)
    except Failed as failure:
        outcome = failed_outcome(requirement, failure)
    except (Skipped, BudgetSpent) as skip:
        outcome = Outcome(requirement, Verdict.SKIP, str(skip))
    except Exception as exc:  # the suite's own bug or a broken run: an ERROR, never a FAIL
        outcome = error_outcome(requirement, exc)
    return _scrubbed(replace(outcome, seconds=context.clock() - started), context.target)


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
