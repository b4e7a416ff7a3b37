"""The month at a glance: a few headline figures, each with the previous month beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    key: str  # a label id the templates translate
    value: float | int | None
    previous: float | int | None
    kind: str = "count"  # count | percent
    better: str = "higher"  # which way is good: higher | lower

    @property
    def change(self) -> float | int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def figures(now: dict[str, Any], before: dict[str, Any]) -> list[Figure]:
    """``now``/``before``: the same headline values for the month and the one before."""
    spec = (("runs_done", "count", "higher"), ("pass_rate", "percent", "higher"),
            ("findings_opened", "count", "lower"), ("findings_closed", "count", "higher"),
            ("still_open", "count", "lower"), ("late_closes", "count", "lower"),
            ("penalty_points", "count", "lower"), ("hosts_upgraded", "count", "higher"))
    return [Figure(k, now.get(k), before.get(k), kind, better) for k, kind, better in spec]
