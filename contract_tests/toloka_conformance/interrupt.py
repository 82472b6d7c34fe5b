"""SIGINT and SIGTERM end a run honestly: the rows decided so far are kept, the rest say they did not run."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType


class Interrupted(KeyboardInterrupt):
    """The run got SIGINT or SIGTERM: raised in the main thread, caught by the runner and the CLI.

    A KeyboardInterrupt, so that schemathesis stops its workers and finishes its event stream as for Ctrl-C.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def name(self) -> str:
        """`SIGINT` or `SIGTERM`."""
        return signal.Signals(self.signum).name

    @property
    def exit_status(self) -> int:
        """The shell's status for a process ended by this signal: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


@dataclass
class Interruption:
    """The signal a run got (None: none yet); worker threads look here, the main thread gets `Interrupted`."""

    signum: int | None = None
    deferred: bool = False  # after `defer()`: a signal is noted, not raised (the report is being written)

    def defer(self) -> None:
        """From now on a signal is only noted: what remains (writing the report) must not be cut short."""
        self.deferred = True

    @property
    def name(self) -> str | None:
        """`SIGINT` / `SIGTERM`, or None."""
        return signal.Signals(self.signum).name if self.signum is not None else None

    def check(self) -> None:
        """Raise Interrupted when a signal came (for loops that must stop between steps)."""
        if self.signum is not None:
            raise Interrupted(self.signum)


SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def interruptible() -> Iterator[Interruption]:
    """Inside the block, the first SIGINT or SIGTERM raises `Interrupted` in the main thread; later ones are only
    noted (the report is being written). Outside the main thread, signals are left alone."""
    state = Interruption()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        if state.signum is None:
            state.signum = signum
            if not state.deferred:
                raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in SIGNALS}
    try:
        yield state
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
