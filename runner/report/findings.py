"""Findings over the month, replayed from each finding's own history (every event it logged:
opened, reopened, warned, overdue, penalised, waived, waiver-ended, closed), so a finding that
changed after the month is still counted as it stood.

- opened: opened or re-opened in the month; closed: closed in the month;
- still open: active at the end of the month; warned / overdue / penalised: reached that
  step in the month;
- rectification time: from the (re-)opening to the close, for closes in the month, per
  severity: median and 90th percentile (nearest rank);
- a late close: closed after its due date (the last due the history gave it), with how late;
- the oldest open: active at the month's end, oldest (re-)opening first;
- every close in the month as a line a customer can follow: opened, warned, due, closed on
  time or late, who answered for it and the run whose pass proved the fix.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..findings.model import SEVERITIES, Finding
from .period import Month

_STATE_AFTER = {"opened": "open", "reopened": "open", "waiver-ended": "open", "closed": "closed",
                "waived": "waived", "warned": "warned", "overdue": "overdue",
                "penalised": "penalised"}
OLDEST = 10


@dataclass(frozen=True)
class Close:
    finding: str
    subject: str
    severity: str
    opened: datetime
    due: datetime | None
    closed: datetime
    run: str = ""  # the run whose pass proved the fix
    owner: str = ""  # who answered for it
    warned: datetime | None = None  # when it was warned in this episode, if it was

    @property
    def took(self) -> timedelta:
        return self.closed - self.opened

    @property
    def late_by(self) -> timedelta | None:
        return self.closed - self.due if self.due and self.closed > self.due else None


@dataclass(frozen=True)
class OpenFinding:
    finding: str
    subject: str
    severity: str
    state: str
    opened: datetime
    due: datetime | None
    reason: str


@dataclass(frozen=True)
class Rectification:
    severity: str
    closed: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class Event:
    """One step of one finding, kept for the assessment (penalised) and the weekly chart."""

    finding: str
    kind: str
    subject: str
    severity: str
    event: str
    at: datetime
    value: Any = None


@dataclass
class Findings:
    opened: int = 0
    closed: int = 0
    still_open: int = 0
    warned: int = 0
    overdue: int = 0
    penalised: int = 0
    waived: int = 0
    rectification: list[Rectification] = field(default_factory=list)
    late: list[Close] = field(default_factory=list)
    closes: list[Close] = field(default_factory=list)  # every close in the month, by time
    oldest: list[OpenFinding] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)  # the month's, by time
    open_by_severity: dict[str, int] = field(default_factory=dict)


def percentile(values: list[timedelta], q: float) -> timedelta | None:
    """Nearest-rank percentile: the smallest value with at least ``q`` of them at or below."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def build(findings: dict[str, Finding], month: Month) -> Findings:
    out = Findings()
    closes: list[Close] = []
    still: list[OpenFinding] = []
    counts: Counter[str] = Counter()
    for fid in sorted(findings):
        f = findings[fid]
        state = None
        opened_at: datetime | None = None
        due: datetime | None = None
        warned: datetime | None = None
        for h in f.history:
            at = h.get("at")
            if not isinstance(at, datetime) or at >= month.end:
                break
            event = str(h.get("event"))
            if event in ("opened", "reopened"):
                opened_at, warned = at, None
            if event in ("warned", "overdue", "penalised") and warned is None:
                warned = at  # the first warning the ladder gave, whichever step it reached
            if h.get("due") is not None:
                due = h["due"]
            if month.contains(at):
                counts[event] += 1
                out.events.append(Event(fid, f.kind, f.subject, f.severity, event, at, f.value))
                if event == "closed" and opened_at is not None:
                    closes.append(Close(fid, f.subject, f.severity, opened_at, due, at,
                                        str(h.get("run") or ""), str(f.owner or ""), warned))
            state = _STATE_AFTER.get(event, state)
        if state not in (None, "closed") and opened_at is not None:
            still.append(OpenFinding(fid, f.subject, f.severity, str(state), opened_at, due,
                                     f.reason))
    out.opened = counts["opened"] + counts["reopened"]
    out.closed = counts["closed"]
    out.warned, out.overdue = counts["warned"], counts["overdue"]
    out.penalised, out.waived = counts["penalised"], counts["waived"]
    out.still_open = len(still)
    sev = Counter(o.severity for o in still)
    out.open_by_severity = {s: sev.get(s, 0) for s in SEVERITIES}
    for s in SEVERITIES:
        took = [c.took for c in closes if c.severity == s]
        out.rectification.append(Rectification(s, len(took), median(took),
                                                percentile(took, 0.9)))
    out.late = sorted((c for c in closes if c.late_by is not None),
                      key=lambda c: (-(c.late_by or timedelta(0)), c.finding))
    out.oldest = sorted(still, key=lambda o: (o.opened, o.finding))[:OLDEST]
    out.closes = sorted(closes, key=lambda c: (c.closed, c.finding))
    out.events.sort(key=lambda e: (e.at, e.finding, e.event))
    return out
