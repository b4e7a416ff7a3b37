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
    NOT_MEASURED = "not-measured"  # the run stopped (signal, deadline) before the host answered


@dataclass(frozen=True)
class Result:
    """A verdict with the measured value kept, so the record shows why, not only what."""

    status: Status
    value: Any
    reason: str


@dataclass
class HostResult:
    """One host's verdicts in one run; ``reachable`` False means no check was measured.

    ``measured`` False: the run stopped before the host answered. Such a host is neither
    reachable nor unreachable: its record entry says so, its status file, its findings and
    its ``unreachable_runs`` counter stay as they were.

    ``check_seconds`` (check id -> seconds its measurement took on the host) and
    ``host_seconds`` (the host's whole measuring call) are for JUnit's ``time`` only: they
    jitter from run to run, so neither the record nor the status files carry them, and they
    never make two results differ.
    """

    host: str
    reachable: bool
    checks: dict[str, Result] = field(default_factory=dict)
    message: str = ""
    severities: dict[str, str] = field(default_factory=dict)
    measured: bool = True
    check_seconds: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    host_seconds: float | None = field(default=None, compare=False, repr=False)

    @property
    def passed(self) -> bool:
        return self.reachable and self.measured and all(
            r.status in (Status.PASS, Status.WAIVED) for r in self.checks.values()
        )


def not_measured(host: str, reason: str, severities: dict[str, str]) -> HostResult:
    """A host the run never heard from: every check it has is not measured, for ``reason``."""
    checks = {cid: Result(Status.NOT_MEASURED, None, reason) for cid in sorted(severities)}
    return HostResult(host, False, checks, reason, dict(severities), measured=False)


def summarise(results: dict[str, HostResult]) -> dict[str, object]:
    """Counts for the record, the commit line and the exit code."""
    counts: Counter[str] = Counter()
    for hr in results.values():
        if not hr.reachable and hr.measured:
            counts[Status.UNREACHABLE.value] += len(hr.checks) or 1
            continue
        counts.update(r.status.value for r in hr.checks.values())
    summary: dict[str, object] = {
        "hosts": len(results),
        "hosts_passing": sum(1 for hr in results.values() if hr.passed),
        "hosts_unreachable": sum(1 for hr in results.values()
                                 if not hr.reachable and hr.measured),
        "checks": {s.value: counts.get(s.value, 0) for s in Status
                   if s is not Status.NOT_MEASURED or counts.get(s.value)},
    }
    if missing := sum(1 for hr in results.values() if not hr.measured):
        summary["hosts_not_measured"] = missing
    return summary
