"""Plain data passed from the judge step to findings, records and reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    UNREACHABLE = "unreachable"
    WAIVED = "waived"


@dataclass(frozen=True)
class Result:
    """A verdict with the measured value kept, so the record shows why, not only what."""

    status: Status
    value: Any
    reason: str


@dataclass
class HostResult:
    """One host's verdicts in one run; ``reachable`` False means no check was measured."""

    host: str
    reachable: bool
    checks: dict[str, Result] = field(default_factory=dict)
    message: str = ""
    severities: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.reachable and all(
            r.status in (Status.PASS, Status.WAIVED) for r in self.checks.values()
        )


def summarise(results: dict[str, HostResult]) -> dict[str, object]:
    """Counts for the record, the commit line and the exit code."""
    counts: Counter[str] = Counter()
    for hr in results.values():
        if not hr.reachable:
            counts[Status.UNREACHABLE.value] += len(hr.checks) or 1
            continue
        counts.update(r.status.value for r in hr.checks.values())
    return {
        "hosts": len(results),
        "hosts_passing": sum(1 for hr in results.values() if hr.passed),
        "hosts_unreachable": sum(1 for hr in results.values() if not hr.reachable),
        "checks": {s.value: counts.get(s.value, 0) for s in Status},
    }
