"""The shape of a behavioural check: a named function with one reason to fail, and what it may use."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from toloka_conformance.api import Api, Exchange
from toloka_conformance.oracle import Model
from toloka_conformance.results import Requirement
from toloka_conformance.target import Target
from toloka_conformance.waiting import Clock, Sleep, Waits


class Failed(Exception):
    """The server broke a rule: what was expected, what was observed, and the exchange that reproduces it.

    `rule` is the sentence of the docs or the contract the answer broke, `expected` what it requires here,
    `observed` what the server did; `message` is derived from the three (the reports show it as the detail).
    """

    def __init__(self, observed: str, *, expected: str, rule: str, exchange: Exchange | None = None) -> None:
        self.observed = observed
        self.expected = expected
        self.rule = rule
        self.exchange = exchange
        self.message = f"observed: {observed}; expected: {expected}. Rule: {rule}"
        super().__init__(self.message)

    def about(self, subject: str) -> Failed:
        """The same failure, its observation prefixed with what it concerns (one of several cases a check tries)."""
        return Failed(f"{subject}: {self.observed}", expected=self.expected, rule=self.rule, exchange=self.exchange)


class Skipped(Exception):
    """A prerequisite is missing (a flag not given, an earlier step impossible); never counted as a pass."""


@dataclass
class Context:
    """What a check may use: the target, a client per account, one without a token, the run's model and its one
    clock.

    `clock` and `sleep` are the run's (a test passes fake ones); every wait for an operation goes through `waits`.
    """

    target: Target
    api: Api
    other: Api | None
    anonymous: Api
    model: Model = field(default_factory=lambda: Model(accounts={}))
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    waits: Waits = field(init=False)
    # Called by a check that holds the closed pool open (its requirement id): the pool's next user, if it may use
    # an open pool, takes its turn now; returns when it is done (the runner's `Turns.lend`; alone: nothing).
    lend_closed_pool: Callable[[str], None] = field(default=lambda _: None)

    def __post_init__(self) -> None:
        self.waits = Waits(self.target.operation_timeout, clock=self.clock, sleep=self.sleep)

    def other_account(self) -> Api:
        """The second account's client, or skip when no second token was given."""
        if self.other is None:
            raise Skipped("needs a second account's token (--other-token-env)")
        return self.other


# A check returns what it observed when it passed (None: the report shows what it checks instead).
CheckFunction = Callable[[Context], str | None]


@dataclass(frozen=True)
class Check:
    """A requirement and the function that tests it; `creates` bounds the items it may make in the pool: every item
    it has sent at any one time, invalid ones too (`--max-items` counts what a server could create; a refused
    item is given back once answered). tests/test_check_costs.py holds each check to it.
    `window`: a lone check that may share one window with the others so marked (see `support.Window`)."""

    requirement: Requirement
    function: CheckFunction
    creates: int = 0
    runs_last: bool = False
    window: bool = False


REGISTRY: list[Check] = []


def check(
    requirement_id: str, title: str, docs: str, *, creates: int = 0, runs_last: bool = False, window: bool = False
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under a requirement; `docs` is the sentence of the docs or contract it tests.

    `runs_last` puts a check after schemathesis (the rate-limit check fills the window for everything after it).
    `window`: a check that reads the target pool and waits for operations, and counts the pool only through
    `expect_nothing_created`, `count_created` and `claim_created`: it runs with the others so marked, their waits
    overlapping, the pool counted once for all of them (`support.Window`).
    """

    def register(function: CheckFunction) -> CheckFunction:
        requirement = Requirement(requirement_id, "behaviour", title, docs)
        REGISTRY.append(Check(requirement, function, creates, runs_last, window))
        return function

    return register
