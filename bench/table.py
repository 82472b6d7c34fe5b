"""The one result shape every benchmark returns, and the table `make bench` prints."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One measured figure, its baseline from the same run, and the goal it is held to."""

    name: str
    unit: str
    measured: float
    baseline: float
    baseline_name: str
    goal: str
    met: bool

    @property
    def ratio(self) -> float:
        """measured / baseline (0 when the baseline is 0)."""
        return self.measured / self.baseline if self.baseline else 0.0


def render(rows: Sequence[Row], command: str) -> str:
    """A Markdown table of the rows, headed by the command that produced it."""
    lines = [
        f"$ {command}",
        "",
        "| benchmark | measured | baseline | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {row.measured:,.2f} {row.unit} | {row.baseline:,.2f} {row.unit} ({row.baseline_name}) "
            f"| {row.ratio:.2f}x | {row.goal} | {'yes' if row.met else 'NO'} |"
        )
    return "\n".join(lines)
