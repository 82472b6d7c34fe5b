"""Which behavioural checks may run at the same time, so that their waits for operations overlap.

A check that reads the target pool for what a request created (`newest_id`, `created_after`: the "nothing
created" rows, the list walks) must not see another check's items land meanwhile: it runs alone, after the others.
Checks that open and close the closed pool share that pool: they run one after another, in a lane of their own,
beside the others; the checks that run alone come after the lane, and after the generated client's pass has
created all it creates, since nothing may be created anywhere while one reads the pool (a server may ignore the
pool filter); the client's own turn with the closed pool (an open and a close, nothing created) then overlaps
them, and the lone checks that use the closed pool come last, after that turn. Every other check only reads back
what it created itself, by id: those run together.
The kind of a check is read from the helpers its function (and the module functions it calls) uses.

Against operations that take a latency L each, a run costs about 2 L more than against operations that end at
once (measured 2.2 L with 5 s operations, `python -m bench conformance_real`; 6.6 L before), because:
- the together phase waits about 1 L: a check that makes several uploads sends them all before it waits
  (`links.async_chain`, `operations.counts_add_up`, ...);
- the closed pool's path is 2 L, not 4: `pools.open_pool` waits for its upload (1 L), then lends the open pool to
  the client (`Turns.lend`), whose close (1 L) is the one that closes it; its open answers 204 without a wait;
- the lone checks start once the client holds the pool (the lane's last check created all it creates before it
  lent it), beside that close; those that wait for operations (`Check.window`) share one window (1 L instead of
  one each, see `support.Window`): the pool is counted once for all of them, and when it did not gain exactly
  what they claim, each runs again alone, so the blame stays with the row that causes it.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from toloka_conformance.checks import Check
from toloka_conformance.interrupt import Interruption

# Helpers that read the target pool as a whole (a concurrent upload would show in what they read).
READS_POOL = frozenset({"newest_id", "created_after", "expect_nothing_created", "list_items"})
# Helpers that open or close the closed pool (`--closed-pool-id`).
USES_CLOSED_POOL = frozenset({"closed_pool", "restoring_closed"})


@dataclass(frozen=True)
class Schedule:
    """`together`: run concurrently; `closed_lane`: one by one beside them; `alone`: after both, one by one (those
    that use the closed pool last, `closed_alone`), except `window`: the lone checks that share one window, run
    together first (`support.Window`)."""

    together: tuple[Check, ...]
    closed_lane: tuple[Check, ...]
    alone: tuple[Check, ...]
    closed_alone: tuple[Check, ...] = ()
    window: tuple[Check, ...] = ()

    def turn_order(self, *, client: bool) -> list[str]:
        """Who takes the closed pool in turn: the lane, the generated client (when it runs beside), then the lone
        checks that use it."""
        lane = [check.requirement.id for check in self.closed_lane]
        return [*lane, *(["client"] if client else []), *(check.requirement.id for check in self.closed_alone)]


def schedule(checks: list[Check]) -> Schedule:
    """Sort the checks into the three groups, each in registry order."""
    together: list[Check] = []
    closed: list[Check] = []
    alone: list[Check] = []
    closed_alone: list[Check] = []
    for check in checks:
        used = helpers(check)
        if used & READS_POOL or check.runs_last:
            (closed_alone if used & USES_CLOSED_POOL else alone).append(check)
        elif used & USES_CLOSED_POOL:
            closed.append(check)
        else:
            together.append(check)
    window = tuple(check for check in alone if check.window and not check.runs_last)
    return Schedule(tuple(together), tuple(closed), (*alone, *closed_alone), tuple(closed_alone), window)


def helpers(check: Check) -> set[str]:
    """The global names the check's function uses, and those of the check-package functions it calls, transitively."""
    seen: set[types.FunctionType] = set()
    found: set[str] = set()
    pending = [check.function] if isinstance(check.function, types.FunctionType) else []
    while pending:
        function = pending.pop()
        codes = [function.__code__]
        while codes:
            code = codes.pop()
            codes += [const for const in code.co_consts if isinstance(const, types.CodeType)]
            for name in code.co_names:
                found.add(name)
                value = function.__globals__.get(name)
                if (
                    isinstance(value, types.FunctionType)
                    and value not in seen
                    and value.__module__.startswith("toloka_conformance.checks")
                ):
                    seen.add(value)
                    pending.append(value)
    return found


class Turns:
    """The closed pool's users take it one at a time, in a fixed order (the lane's checks in registry order, then
    the generated client): a server that leaves the pool open fails the same row in every run.

    `turn(name)` waits until every user before `name` is done; `interruption` ends the wait on a signal.
    """

    def __init__(
        self, order: list[str], interruption: Interruption | None = None, guests: tuple[str, ...] = ("client",)
    ) -> None:
        self._order = order
        self._done: set[str] = set()
        self._entered: set[str] = set()
        self._changed = threading.Condition()
        self._interruption = interruption
        self._guests = frozenset(guests)
        self._lent: dict[str, str] = {}  # guest -> the user that let it in while holding the pool open

    @contextmanager
    def turn(self, name: str) -> Iterator[None]:
        """The block runs when it is `name`'s turn (at once for a name not in the order), or when the user before
        it lends it the open pool (`lend`)."""
        before = set(self._order[: self._order.index(name)]) if name in self._order else set()
        self._wait(lambda: before <= self._done or (name in self._lent and before - {self._lent[name]} <= self._done))
        with self._changed:
            self._entered.add(name)
            self._changed.notify_all()
        try:
            yield
        finally:
            self.release(name)

    def release(self, name: str) -> None:
        """`name` is done with the pool (or will not take its turn): the users after it may go."""
        with self._changed:
            self._done.add(name)
            self._changed.notify_all()

    def lend(self, holder: str) -> None:
        """`holder`, in its turn, holds the pool open: the next user in the order, when it is a guest (the generated
        client, whose turn is an open and a close: an open pool takes both, the open answering 204), takes its turn
        now, inside the holder's, instead of reopening the pool after it; returns once the guest is done (at once
        when the next user is no guest, or already done). Two operation latencies fewer on the pool's path."""
        index = self._order.index(holder) if holder in self._order else len(self._order)
        guest = self._order[index + 1] if index + 1 < len(self._order) else None
        if guest is None or guest not in self._guests:
            return
        with self._changed:
            if guest in self._done or guest in self._entered:
                return
            self._lent[guest] = holder
            self._changed.notify_all()
        self._wait(lambda: guest in self._done)

    def lender(self, name: str) -> str | None:
        """The user that let `name` in while holding the pool open (None: `name` waited for its own turn)."""
        with self._changed:
            return self._lent.get(name)

    def wait_entered(self, name: str) -> None:
        """Wait until `name` has taken its turn or is done (at once for a name not in the order)."""
        if name in self._order:
            self._wait(lambda: name in self._entered or name in self._done)

    def _wait(self, ready: Callable[[], bool]) -> None:
        with self._changed:
            while not self._changed.wait_for(ready, timeout=0.2):
                if self._interruption is not None:
                    self._interruption.check()
