"""Inspections, the 三检 record: per cadence the runs due, done and late; per host the
periods a run reached it; the daily pass rate.

Rules:
- A checklist is due once per period of its cadence: each day (daily), each week whose
  Monday falls in the month (weekly), once (monthly). A period is *done* when a run of the
  checklist finished in it (weekly: in the Monday-to-Sunday week), or, sharded, when every
  shard 1..N of it did.
- A run is *late* when it finished longer after the checklist's previous run than the
  service policy's cadence limit allows (the previous month's runs count as previous runs).
- A host is covered in a period when a run of the checklist in that period reached it; the
  report lists the ``GAPS`` least covered (host, checklist) pairs and counts them all.
- The daily pass rate is passed checks over checks measured (pass, fail, error, waived,
  unreachable) of the inspection runs that finished that day; a day without runs has none.
- Days are the month zone's calendar days. A month in progress is counted *to date*: a
  period that has not ended by the report's moment is due only if it is already done (today's
  run counts once it ran; today is not missed before it is over), and days to come are
  neither due nor missed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .. import shard
from .period import Month, week_start
from .sources import Record, Sources

CADENCES = ("daily", "weekly", "monthly")
_MEASURED = ("pass", "fail", "error", "waived", "unreachable")
GAPS = 50  # the report lists the least covered hosts; a fleet that missed a run lists all


@dataclass(frozen=True)
class CadenceLine:
    cadence: str
    checklists: tuple[str, ...]
    due: int
    done: int
    late: int

    @property
    def missed(self) -> int:
        return self.due - self.done


@dataclass(frozen=True)
class LateRun:
    checklist: str
    run: str
    finished: str  # ISO
    gap_hours: float
    limit_hours: float


@dataclass(frozen=True)
class HostGap:
    host: str
    checklist: str
    covered: int
    due: int


@dataclass(frozen=True)
class DayRate:
    day: date
    passed: int
    measured: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.measured if self.measured else None


@dataclass
class Inspections:
    cadences: list[CadenceLine] = field(default_factory=list)
    late_runs: list[LateRun] = field(default_factory=list)
    hosts_total: int = 0
    hosts_fully_covered: int = 0
    gaps: list[HostGap] = field(default_factory=list)  # the least covered first, GAPS at most
    gaps_total: int = 0  # (host, checklist) pairs below full coverage
    daily: list[DayRate] = field(default_factory=list)
    runs: int = 0
    checks_passed: int = 0
    checks_measured: int = 0

    @property
    def pass_rate(self) -> float | None:
        return self.checks_passed / self.checks_measured if self.checks_measured else None


def period_end(cadence: str, key: date, month: Month) -> datetime:
    """The first instant after the period that starts on ``key`` (in the month's zone)."""
    if cadence == "weekly":
        return month.midnight(key + timedelta(days=7))
    if cadence == "monthly":
        return month.end
    return month.midnight(key + timedelta(days=1))


def period_key(cadence: str, day: date) -> date:
    if cadence == "weekly":
        return week_start(day)
    if cadence == "monthly":
        return day.replace(day=1)
    return day


def periods(cadence: str, month: Month) -> list[date]:
    if cadence == "weekly":
        return month.mondays()
    if cadence == "monthly":
        return [month.first]
    return month.days()


def _counts(rec: Record) -> tuple[int, int]:
    checks = (rec.doc.get("summary") or {}).get("checks") or {}
    measured = sum(int(checks.get(s, 0) or 0) for s in _MEASURED)
    return int(checks.get("pass", 0) or 0), measured


def done_periods(records: list[Record], month: Month, key: Callable[[Record], date]
                 ) -> set[date]:
    """Periods (``key`` of a record) of the month in which the checklist completed: a whole
    run finished in it, or every shard 1..N of a sharded one (``--shard I/N``)."""
    shards: dict[date, list[str | None]] = defaultdict(list)
    for r in records:
        if month.contains(r.finished):
            shards[key(r)].append(r.doc.get("shard"))
    return {period for period, names in shards.items() if shard.complete(names)}


def build(src: Sources, month: Month, expected: dict[str, tuple[str, list[str]]],
          limits: dict[str, timedelta], moment: datetime | None = None) -> Inspections:
    """``expected``: checklist -> (cadence, hosts it must cover), from the estate;
    ``moment``: the report's (default: the month's end, a whole month)."""
    at = min(moment or month.end, month.end)
    runs = [r for r in src.records if r.kind == "inspect" and r.finished <= at]
    this = [r for r in runs if month.contains(r.finished)]

    ended = {c: {p for p in periods(c, month) if period_end(c, p, month) <= at}
             for c in CADENCES}  # once per cadence: a 1,000-host month asks thousands of times
    every = {c: set(periods(c, month)) for c in CADENCES}

    def due_periods(cadence: str, have: set[date]) -> set[date]:
        return ended[cadence] | (have & every[cadence])

    out = Inspections(runs=len(this))
    by_checklist: dict[str, list[Record]] = defaultdict(list)
    for r in runs:
        by_checklist[str(r.doc.get("checklist"))].append(r)
    for cadence in CADENCES:
        names = tuple(sorted(n for n, (c, _) in expected.items() if c == cadence))
        due = done = late = 0
        for name in names:
            have = done_periods(by_checklist[name], month,
                                lambda r, c=cadence: period_key(c, month.day_of(r.finished)))
            want = due_periods(cadence, have)
            due += len(want)
            done += len(have & want)
            previous = None
            for r in sorted(by_checklist[name], key=lambda r: r.finished):
                if previous is not None and month.contains(r.finished):
                    gap = r.finished - previous
                    if gap > limits[cadence]:
                        late += 1
                        out.late_runs.append(LateRun(name, str(r.doc.get("run")),
                                                     r.doc.get("finished", ""),
                                                     round(gap.total_seconds() / 3600, 1),
                                                     limits[cadence].total_seconds() / 3600))
                previous = r.finished
        if names:
            out.cadences.append(CadenceLine(cadence, names, due, done, late))
    hosts: set[str] = set()
    for name, (cadence, members) in sorted(expected.items()):
        covered: dict[str, set[date]] = defaultdict(set)
        for r in by_checklist[name]:
            if not month.contains(r.finished):
                continue
            key = period_key(cadence, month.day_of(r.finished))
            for host in r.reached:
                covered[host].add(key)
        for host in members:
            hosts.add(host)
            want = due_periods(cadence, covered[host])
            n = len(covered[host] & want)
            if n < len(want):
                out.gaps.append(HostGap(host, name, n, len(want)))
    out.hosts_total = len(hosts)
    out.hosts_fully_covered = len(hosts - {g.host for g in out.gaps})
    out.gaps.sort(key=lambda g: (g.covered / g.due if g.due else 1, g.host, g.checklist))
    out.gaps_total = len(out.gaps)
    del out.gaps[GAPS:]
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for r in this:
        p, m = _counts(r)
        per_day[month.day_of(r.finished)][0] += p
        per_day[month.day_of(r.finished)][1] += m
    out.daily = [DayRate(d, *per_day.get(d, [0, 0])) for d in month.days()
                 if month.midnight(d) < at]
    out.checks_passed = sum(d.passed for d in out.daily)
    out.checks_measured = sum(d.measured for d in out.daily)
    return out
