"""Findings: a failed check opened with a rectification deadline, escalated as time passes,
waived while an approved exception holds, closed by a later pass, re-opened if it fails again.

Pure functions over plain data; the clock is always a parameter. Files are written by
``findings_store`` and committed by the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from .results import HostResult, Result, Status


class State(StrEnum):
    OPEN = "open"
    WARNED = "warned"
    OVERDUE = "overdue"
    PENALISED = "penalised"
    WAIVED = "waived"
    CLOSED = "closed"


ACTIVE = (State.OPEN, State.WARNED, State.OVERDUE, State.PENALISED, State.WAIVED)
_LADDER = (State.OPEN, State.WARNED, State.OVERDUE, State.PENALISED)


@dataclass(frozen=True)
class Policy:
    """The parts of the service policy findings need, as plain values."""

    deadlines: dict[str, timedelta]  # severity -> rectification deadline
    warn_at: float = 0.75  # fraction of the deadline
    overdue_at: float = 1.0
    penalty_grace: timedelta = timedelta(days=2)
    unreachable_after_runs: int = 3
    unreachable_severity: str = "high"
    cadence_limits: dict[str, timedelta] = field(
        default_factory=lambda: {
            "daily": timedelta(hours=26),
            "weekly": timedelta(days=8),
            "monthly": timedelta(days=32),
        }
    )
    cadence_severity: str = "high"


@dataclass(frozen=True)
class WaiverRule:
    """An accepted exception: ``matches(host)`` and ``check`` (``checklist/check`` or ``check``)."""

    hosts: Any  # a selector with .matches(host_obj) or a set of host names
    check: str
    reason: str
    approved_by: str
    expires: datetime  # the first instant it no longer holds

    def covers(self, host: Any, checklist: str, check: str) -> bool:
        if self.check not in (f"{checklist}/{check}", check):
            return False
        if isinstance(self.hosts, (set, frozenset, list, tuple)):
            return getattr(host, "name", host) in self.hosts
        if isinstance(host, str):  # a host no longer in the estate matches no selector
            return False
        return bool(self.hosts.matches(host))

    def holds(self, now: datetime) -> bool:
        return now < self.expires


def waiver_end(expires_on: Any, tz: str = "UTC") -> datetime:
    """A waiver dated D holds through the whole of day D in the site's zone."""
    start = datetime(expires_on.year, expires_on.month, expires_on.day, tzinfo=ZoneInfo(tz))
    return (start + timedelta(days=1)).astimezone(UTC)


@dataclass
class Finding:
    id: str
    kind: str  # check | unreachable | cadence
    subject: str  # host name, or checklist for cadence findings
    checklist: str
    check: str
    severity: str
    state: State
    opened_at: datetime
    due: datetime
    opened_run: str
    value: Any = None
    reason: str = ""
    closed_at: datetime | None = None
    closed_run: str | None = None
    waiver: str | None = None
    waived_since: datetime | None = None
    waived_until: datetime | None = None  # the waiver's expiry: the clock resumes there
    occurrences: int = 1
    history: list[dict[str, Any]] = field(default_factory=list)

    def log(self, at: datetime, event: str, run: str | None = None, **extra: Any) -> None:
        entry: dict[str, Any] = {"at": at, "event": event}
        if run:
            entry["run"] = run
        entry.update(extra)
        self.history.append(entry)


def finding_id(kind: str, subject: str, checklist: str, check: str) -> str:
    if kind == "cadence":
        return f"_cadence/{checklist}"
    if kind == "unreachable":
        return f"{subject}/unreachable"
    return f"{subject}/{checklist}.{check}"


def due_date(opened_at: datetime, deadline: timedelta, tz: str) -> datetime:
    """Whole-day deadlines count calendar days on the site's wall clock (DST-safe);
    anything else is an exact duration."""
    if deadline % timedelta(days=1) == timedelta(0):
        local = opened_at.astimezone(ZoneInfo(tz))
        naive = local.replace(tzinfo=None) + deadline
        return _localize(naive, ZoneInfo(tz)).astimezone(UTC)
    return (opened_at + deadline).astimezone(UTC)


def _localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """Attach ``zone``; a wall time skipped by DST moves forward past the gap."""
    aware = naive.replace(tzinfo=zone, fold=0)
    roundtrip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if roundtrip != naive:  # in a spring-forward gap
        aware = (aware.astimezone(UTC)).astimezone(zone)
    return aware


def escalation(finding: Finding, now: datetime, policy: Policy) -> State:
    """The state the clock says an active, unwaived finding is in at ``now``."""
    span = finding.due - finding.opened_at
    elapsed = now - finding.opened_at
    if now >= finding.due + policy.penalty_grace:
        return State.PENALISED
    if elapsed >= span * policy.overdue_at:
        return State.OVERDUE
    if elapsed >= span * policy.warn_at:
        return State.WARNED
    return State.OPEN


@dataclass(frozen=True)
class Transition:
    finding: str
    before: str | None
    after: str
    at: datetime


def _move(f: Finding, new: State, at: datetime, run: str | None, out: list[Transition]) -> None:
    if f.state is new:
        return
    out.append(Transition(f.id, f.state.value, new.value, at))
    f.log(at, new.value, run)
    f.state = new


def escalate(findings: dict[str, Finding], now: datetime, policy: Policy) -> list[Transition]:
    """Move active findings up the ladder; a finding never steps down while it stays open."""
    out: list[Transition] = []
    for fid in sorted(findings):
        f = findings[fid]
        if f.state not in _LADDER:
            continue
        target = escalation(f, now, policy)
        if _LADDER.index(target) > _LADDER.index(f.state):
            _move(f, target, now, None, out)
    return out


@dataclass(frozen=True)
class Context:
    """What applying a run needs besides results: the policy, waivers, site zones."""

    policy: Policy
    waivers: list[WaiverRule]
    hosts: dict[str, Any]  # name -> host object (for selector matching)
    host_tz: dict[str, str]  # name -> site timezone


def _active_waiver(ctx: Context, host: str, checklist: str, check: str, now: datetime
                   ) -> WaiverRule | None:
    hobj = ctx.hosts.get(host, host)
    for w in ctx.waivers:
        if w.holds(now) and w.covers(hobj, checklist, check):
            return w
    return None


def waived(result: Result, waiver: WaiverRule) -> Result:
    """A failing result as an accepted exception: still measured, labelled why."""
    return Result(Status.WAIVED, result.value, f"{result.reason} (waived: {waiver.reason})")


def as_shown(hr: HostResult, checklist: str, now: datetime, ctx: Context) -> HostResult:
    """A copy of a host's results with waived failures labelled, for live progress."""
    checks = dict(hr.checks)
    for check, result in hr.checks.items():
        if result.status in (Status.FAIL, Status.ERROR):
            w = _active_waiver(ctx, hr.host, checklist, check, now)
            if w is not None:
                checks[check] = waived(result, w)
    return HostResult(hr.host, hr.reachable, checks, hr.message, dict(hr.severities),
                      hr.measured)


def _open(fid: str, kind: str, subject: str, checklist: str, check: str, severity: str,
          now: datetime, run: str, tz: str, ctx: Context, value: Any, reason: str) -> Finding:
    deadline = ctx.policy.deadlines[severity]
    f = Finding(fid, kind, subject, checklist, check, severity, State.OPEN, now,
                due_date(now, deadline, tz), run, value, reason)
    f.log(now, "opened", run, due=f.due)
    return f


def _reopen(f: Finding, now: datetime, run: str, tz: str, ctx: Context, value: Any,
            reason: str, severity: str | None = None) -> None:
    f.severity = severity or f.severity  # the checklist may have raised it since
    f.state = State.OPEN
    f.opened_at, f.opened_run = now, run
    f.due = due_date(now, ctx.policy.deadlines[f.severity], tz)
    f.closed_at = f.closed_run = None
    f.value, f.reason = value, reason
    f.occurrences += 1
    f.log(now, "reopened", run, due=f.due)


def _close(f: Finding, now: datetime, run: str, out: list[Transition]) -> None:
    out.append(Transition(f.id, f.state.value, State.CLOSED.value, now))
    f.state, f.closed_at, f.closed_run = State.CLOSED, now, run
    f.waiver = f.waived_since = f.waived_until = None
    f.log(now, "closed", run)


def _apply_waiver(f: Finding, w: WaiverRule | None, now: datetime, run: str,
                  out: list[Transition]) -> None:
    """A waiver pauses the clock; when it lapses the deadline moves by the paused time."""
    if w is not None and f.state is not State.WAIVED:
        out.append(Transition(f.id, f.state.value, State.WAIVED.value, now))
        f.state, f.waiver, f.waived_since = State.WAIVED, w.reason, now
        f.waived_until = w.expires
        f.log(now, "waived", run, approved_by=w.approved_by, until=w.expires)
    elif w is not None:
        f.waived_until = max(f.waived_until or w.expires, w.expires)  # a renewal extends it
    elif f.state is State.WAIVED:
        # the clock resumes when the waiver ran out, not when a run happened to notice
        end = min(now, f.waived_until) if f.waived_until else now
        paused = max(end - (f.waived_since or end), timedelta(0))
        f.due = f.due + paused
        f.opened_at = f.opened_at + paused
        out.append(Transition(f.id, State.WAIVED.value, State.OPEN.value, now))
        f.state, f.waiver, f.waived_since, f.waived_until = State.OPEN, None, None, None
        f.log(now, "waiver-ended", run, due=f.due)


def apply_run(
    findings: dict[str, Finding],
    *,
    run_id: str,
    checklist: str,
    results: dict[str, HostResult],
    unreachable_runs: dict[str, int],
    now: datetime,
    ctx: Context,
) -> list[Transition]:
    """Open, close, re-open and waive findings from one run's results; then escalate.

    ``unreachable`` neither opens nor closes a check finding; a host unreachable for
    ``policy.unreachable_after_runs`` consecutive runs gets a finding of its own.
    Waived results are re-labelled WAIVED in ``results`` so records show them.
    """
    out: list[Transition] = []
    for host in sorted(results):
        hr = results[host]
        if not hr.measured:  # the run stopped before this host answered: nothing is known
            continue
        tz = ctx.host_tz.get(host, "UTC")
        ufid = finding_id("unreachable", host, "", "")
        if not hr.reachable:
            if unreachable_runs.get(host, 0) >= ctx.policy.unreachable_after_runs:
                f = findings.get(ufid)
                reason = f"unreachable for {unreachable_runs[host]} consecutive runs"
                if f is None:
                    findings[ufid] = _open(ufid, "unreachable", host, checklist, "reachable",
                                           ctx.policy.unreachable_severity, now, run_id, tz, ctx,
                                           None, reason)
                    out.append(Transition(ufid, None, State.OPEN.value, now))
                elif f.state is State.CLOSED:
                    _reopen(f, now, run_id, tz, ctx, None, reason)
                    out.append(Transition(ufid, State.CLOSED.value, State.OPEN.value, now))
            continue
        if ufid in findings and findings[ufid].state in ACTIVE:
            _close(findings[ufid], now, run_id, out)
        for check in sorted(hr.checks):
            result = hr.checks[check]
            fid = finding_id("check", host, checklist, check)
            f = findings.get(fid)
            waiver = _active_waiver(ctx, host, checklist, check, now)
            if result.status in (Status.FAIL, Status.ERROR):
                if waiver is not None:
                    hr.checks[check] = waived(result, waiver)
                severity = hr.severities.get(check, "medium")
                if f is None:
                    f = _open(fid, "check", host, checklist, check, severity, now, run_id, tz, ctx,
                              result.value, result.reason)
                    findings[fid] = f
                    out.append(Transition(fid, None, State.OPEN.value, now))
                elif f.state is State.CLOSED:
                    _reopen(f, now, run_id, tz, ctx, result.value, result.reason, severity)
                    out.append(Transition(fid, State.CLOSED.value, State.OPEN.value, now))
                _apply_waiver(f, waiver, now, run_id, out)
            elif result.status is Status.PASS and f is not None and f.state in ACTIVE:
                _close(f, now, run_id, out)
    out.extend(escalate(findings, now, ctx.policy))
    return out


def refresh_waivers(findings: dict[str, Finding], now: datetime, ctx: Context) -> list[Transition]:
    """Between runs: lapse waivers that expired, then escalate (``patrol findings escalate``)."""
    out: list[Transition] = []
    for fid in sorted(findings):
        f = findings[fid]
        if f.state is State.WAIVED and f.kind == "check":
            w = _active_waiver(ctx, f.subject, f.checklist, f.check, now)
            _apply_waiver(f, w, now, None, out)  # type: ignore[arg-type]
    out.extend(escalate(findings, now, ctx.policy))
    return out


# -- cadence compliance ----------------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    checklist: str
    cadence: str
    limit: timedelta
    hosts: dict[str, datetime | None]  # host -> last completed run (None: never)


def cadence_breaches(
    expected: dict[str, tuple[str, list[str]]],
    last_runs: dict[tuple[str, str], datetime],
    now: datetime,
    policy: Policy,
) -> list[Breach]:
    """``expected``: checklist -> (cadence, hosts it covers). A host breaches when its last
    completed run of that checklist is older than the cadence limit (exactly at the limit
    is still in time)."""
    out: list[Breach] = []
    for name in sorted(expected):
        cadence, hosts = expected[name]
        limit = policy.cadence_limits[cadence]
        late: dict[str, datetime | None] = {}
        for host in sorted(hosts):
            last = last_runs.get((name, host))
            if last is None or now - last > limit:
                late[host] = last
        if late:
            out.append(Breach(name, cadence, limit, late))
    return out


def apply_breaches(findings: dict[str, Finding], breaches: list[Breach], checklists: list[str],
                   now: datetime, policy: Policy) -> list[Transition]:
    """One finding per checklist in breach; closed once every host is back in time."""
    out: list[Transition] = []
    by_name = {b.checklist: b for b in breaches}
    ctx = Context(policy, [], {}, {})
    for name in sorted(checklists):
        fid = finding_id("cadence", "", name, "")
        f = findings.get(fid)
        b = by_name.get(name)
        if b is not None:
            reason = (f"{len(b.hosts)} host(s) without a completed {b.cadence} run within "
                      f"{b.limit}: {', '.join(sorted(b.hosts))}")
            if f is None:
                findings[fid] = _open(fid, "cadence", name, name, "cadence",
                                      policy.cadence_severity, now, "compliance", "UTC", ctx,
                                      sorted(b.hosts), reason)
                out.append(Transition(fid, None, State.OPEN.value, now))
            elif f.state is State.CLOSED:
                _reopen(f, now, "compliance", "UTC", ctx, sorted(b.hosts), reason)
                out.append(Transition(fid, State.CLOSED.value, State.OPEN.value, now))
        elif f is not None and f.state in ACTIVE:
            _close(f, now, "compliance", out)
    out.extend(escalate(findings, now, policy))
    return out
