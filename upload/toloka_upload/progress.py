"""The command's progress on stderr: items done, percent, rate and ETA, and what the upload is waiting for.

A few lines instead of tqdm, whose import alone costs more CPU than the line does over a 100,000-item upload
(`toloka-upload` is held to 1.3x the CPU of a bare httpx script, start-up included). Only what is done moves it:
failed and unknown items keep it short of 100 %. On a terminal one line is redrawn in place (at most ten times
a second); anywhere else (a log file, a pipe) a plain line is written every PLAIN_EVERY seconds, never a `\\r`.
Nothing is drawn before the first item is done or a wait begins, so a run refused up front (even after seconds of
reading earlier runs' operations) prints no bar; the closing line gives no ETA, the upload being over.
"""

import logging
import sys
from collections.abc import Callable
from typing import TextIO

from toloka_upload.timing import WAIT_KEY, Clock, Wait

REDRAW = 0.1
PLAIN_EVERY = 10.0
"""Seconds between plain progress lines when stderr is not a terminal."""
TICK = 1.0
"""Seconds between the redraws the command asks for while nothing ends (so a wait counts down, an ETA moves)."""


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


class Progress:
    """`update(n)` as items end, `tick()` every TICK seconds, `write(message)` for a line above it, `close()`."""

    def __init__(
        self,
        total: int | None,
        *,
        clock: Clock,
        disable: bool = False,
        file: TextIO | None = None,
        terminal: bool | None = None,
        pace: int | None = None,
    ) -> None:
        self.total = total
        self._pace = pace
        self.done = 0
        self._disable = disable
        self._file = file if file is not None else sys.stderr
        self._terminal = self._file.isatty() if terminal is None else terminal
        self._now = clock
        self._start = clock()
        self._drawn_at: float | None = None
        self._width = 0
        self._wait_until = float("-inf")
        self._wait_why = ""
        self._over = False

    def line(self, now: float | None = None) -> str:
        """The progress line as it stands."""
        now = self._now() if now is None else now
        elapsed = now - self._start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        wait = self._wait_until - now
        waiting = f", waiting for {self._wait_why}, {wait:.0f} s" if wait > 0 else ""
        if self.total:
            total = max(self.total, self.done)  # counted from bytes up front: an estimate, never shown short
            going = rate and self.done < total and not self._over
            left = f"<{_clock(self._eta(total - self.done, rate, wait))}" if going else ""
            return (
                f"{100 * self.done / total:3.0f}% {self.done:,}/{total:,} items "
                f"[{_clock(elapsed)}{left}, {rate:,.0f} items/s{waiting}]"
            )
        return f"{self.done:,} items [{_clock(elapsed)}, {rate:,.0f} items/s{waiting}]"

    def _eta(self, remaining: int, rate: float, wait: float) -> float:
        """Seconds left: at the rate so far, but never less than the wait under way plus what the pace (items a
        minute) needs for the rest beyond one minute's worth (the rate so far counts the first minute's burst)."""
        eta = remaining / rate
        if wait > 0:
            paced = 60 * max(0, remaining - self._pace) / self._pace if self._pace else 0.0
            eta = max(eta, wait + paced)
        return eta

    def _draw(self, *, force: bool = False) -> None:
        if self._disable:
            return
        now = self._now()
        every = REDRAW if self._terminal else PLAIN_EVERY
        if not force and self._drawn_at is not None and now - self._drawn_at < every:
            return
        self._drawn_at = now
        text = self.line(now)
        if self._terminal:
            self._file.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self._file.write(f"toloka-upload: {text}\n")
        self._file.flush()

    def update(self, count: int) -> None:
        """`count` more items are done."""
        self.done += count
        self._draw(force=self.total is not None and self.done >= self.total and self._terminal)

    def tick(self) -> None:
        """Redraw if it is time (a terminal line at each tick, a plain line every PLAIN_EVERY seconds); nothing before
        the first draw (the first item done, or a wait shown), so a usage error found late still prints alone."""
        if self._drawn_at is None:
            return
        self._draw(force=self._terminal)

    def waiting(self, wait: Wait) -> None:
        """The upload waits `wait.seconds` for `wait.why`: shown until then (a longer wait already shown stays),
        and drawn at once when it begins on a terminal, or in a log when it is PLAIN_EVERY seconds or more."""
        until = self._now() + wait.seconds
        if until > self._wait_until:
            self._wait_until, self._wait_why = until, wait.why
        # A state worth a line of its own: at once on a terminal; in a log, when it is long enough to be missed.
        if self._terminal or wait.seconds >= PLAIN_EVERY:
            self._draw(force=True)

    def write(self, message: str) -> None:
        """A line of its own above the progress line."""
        if self._disable or not self._terminal or self._drawn_at is None:
            print(message, file=self._file)
            return
        self._file.write("\r" + " " * self._width + "\r" + message + "\n")
        self._width = 0
        self._draw(force=True)

    def close(self, total: int | None = None) -> None:
        """Draw the last state (against `total`, the items actually read, when known) and end the line; nothing
        when nothing was ever drawn or done."""
        if total is not None:
            self.total = total
        self._wait_until = float("-inf")  # the upload is over: whatever it was to wait for, it waits no more
        self._over = True  # and has no time left to estimate
        if not self._disable and (self._drawn_at is not None or self.done):
            self._draw(force=True)
            if self._terminal:
                self._file.write("\n")
            self._file.flush()
        self._disable = True


class ProgressLog(logging.Handler):
    """Routes the upload's log to the progress display: waits into its waiting state, and records at or above
    `shown` as lines above it (so a log line never lands in the middle of a redrawn line)."""

    def __init__(self, bar: Progress, shown: int) -> None:
        super().__init__(logging.DEBUG)
        self._bar = bar
        self._shown = shown

    def emit(self, record: logging.LogRecord) -> None:
        wait = getattr(record, WAIT_KEY, None)
        if isinstance(wait, Wait):
            self._bar.waiting(wait)
        if record.levelno >= self._shown:
            self._bar.write(f"toloka-upload: {record.getMessage()}")


def watch(bar: Progress, *, verbose: bool) -> Callable[[], None]:
    """Send the `toloka_upload` log through `bar` (INFO and up with `verbose`, else WARNING and up); returns
    the function that undoes it."""
    logger = logging.getLogger("toloka_upload")
    handler = ProgressLog(bar, logging.INFO if verbose else logging.WARNING)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    def undo() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate

    return undo
