"""The command's progress line on stderr: items done, percent, rate and ETA, redrawn at most ten times a second.

A few lines instead of tqdm, whose import alone costs more CPU than the line does over a 100,000-item upload
(`toloka-upload` is held to 1.3x the CPU of a bare httpx script, start-up included). Only what is done moves it:
failed and unknown items keep it short of 100 %.
"""

import sys
import time
from typing import TextIO

REDRAW = 0.1


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


class Progress:
    """`update(n)` as items end, `write(message)` for a line above it, `close()` at the end."""

    def __init__(self, total: int | None, *, disable: bool = False, file: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self._disable = disable
        self._file = file if file is not None else sys.stderr
        self._start = time.monotonic()
        self._drawn_at = float("-inf")
        self._width = 0
        if not disable:
            self._draw(force=True)

    def line(self, now: float | None = None) -> str:
        """The progress line as it stands."""
        elapsed = (time.monotonic() if now is None else now) - self._start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if self.total:
            left = f"<{_clock((self.total - self.done) / rate)}" if rate and self.done < self.total else ""
            return (
                f"{100 * self.done / self.total:3.0f}% {self.done:,}/{self.total:,} items "
                f"[{_clock(elapsed)}{left}, {rate:,.0f} items/s]"
            )
        return f"{self.done:,} items [{_clock(elapsed)}, {rate:,.0f} items/s]"

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn_at < REDRAW:
            return
        self._drawn_at = now
        text = self.line(now)
        self._file.write("\r" + text.ljust(self._width))
        self._file.flush()
        self._width = len(text)

    def update(self, count: int) -> None:
        """`count` more items are done."""
        self.done += count
        if not self._disable:
            self._draw(force=self.total is not None and self.done >= self.total)

    def write(self, message: str) -> None:
        """A line of its own above the progress line."""
        if self._disable:
            print(message, file=self._file)
            return
        self._file.write("\r" + " " * self._width + "\r" + message + "\n")
        self._width = 0
        self._draw(force=True)

    def close(self) -> None:
        """Draw the last state and end the line."""
        if not self._disable:
            self._draw(force=True)
            self._file.write("\n")
            self._file.flush()
            self._disable = True
