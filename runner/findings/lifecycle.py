"""A finding's life: opened by a failing check with a rectification deadline, closed by a later
pass, re-opened if it fails again; a host unreachable run after run gets a finding of its own.

One problem is one finding: a check finding is (host, control), and a check id names one
control in every checklist (``patrol validate`` refuses one id with two meanings). So the
daily, weekly and monthly runs that measure the same control open, update and close the same
finding, which remembers every checklist that measured it (``checklists``).

Pure functions over plain data; the clock is always a parameter. Waivers (``waivers``) pause
a finding, escalation (``escalation``) moves it up the ladder; files are the store's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import service_hours
from ..results import HostResult, Status
from ..service_hours import Calendar
from .escalation import escalate
from .model import ACTIVE, Finding, State, Transition, finding_id
from .policy import Context
from .waivers import active_waiver, apply_waiver, waived


def due_date(opened_at: datetime, deadline: timedelta, tz: str) -> datetime:
    """Whole-day deadlines count calendar days on the site's wall clock (DST-safe, the rule
    of ``runner.clock``); anything else is an exact duration: ``runner.service_hours``'s 24×7
    calendar, the one incident clocks run on too."""
    return service_hours.add(Calendar(zone=tz), opened_at, deadline)


@dataclass(frozen=True)
class Opening:
    """What a failure opens (or re-opens) a finding with."""

    kind: str  # check | unreachable | cadence
    subject: str
    checklist: str
    check: str
    severity: str
    value: Any
    reason: str
    severity_follows: bool = False  # a re-opened finding takes this severity (else keeps its own)
    deadline: timedelta | None = None  # its own deadline (default: the severity's)


@dataclass
class Step:
    """One application of results to the findings: who, when, under which policy, and the
    transitions it made so far."""

    run: str
    now: datetime
    ctx: Context
    out: list[Transition] = field(default_factory=list)

    def tz(self, host: str) -> str:
        return self.ctx.host_tz.get(host, "UTC")


def raise_finding(findings: dict[str, Finding], fid: str, o: Opening, step: Step, tz: str
                  ) -> Finding:
    """Open a new finding, re-open a closed one, or leave an active one as it is."""
    f = findings.get(fid)
    now, run = step.now, step.run
    if f is None:
        due = due_date(now, o.deadline or step.ctx.policy.deadlines[o.severity], tz)
        f = Finding(fid, o.kind, o.subject, o.checklist, o.check, o.severity, State.OPEN, now,
                    due, run, o.value, o.reason,
                    owner=getattr(step.ctx.hosts.get(o.subject), "owner", None))
        f.log(now, "opened", run, due=f.due)
        findings[fid] = f
        step.out.append(Transition(fid, None, State.OPEN.value, now))
    elif f.state is State.CLOSED:
        if o.severity_follows:
            f.severity = o.severity  # the checklist may have raised it since
        f.state = State.OPEN
        f.opened_at, f.opened_run = now, run
        f.due = due_date(now, o.deadline or step.ctx.policy.deadlines[f.severity], tz)
        f.closed_at = f.closed_run = None
        f.value, f.reason = o.value, o.reason
        f.occurrences += 1
        f.log(now, "reopened", run, due=f.due)
        step.out.append(Transition(fid, State.CLOSED.value, State.OPEN.value, now))
    f.seen_by(o.checklist if o.kind == "check" else "")
    return f


def close(f: Finding | None, step: Step) -> None:
    """Close an active finding (a later pass, a host reached again, a cadence met again)."""
    if f is None or f.state not in ACTIVE:
        return
    now = step.now
    step.out.append(Transition(f.id, f.state.value, State.CLOSED.value, now))
    f.state, f.closed_at, f.closed_run = State.CLOSED, now, step.run
    f.waiver = f.waived_since = f.waived_until = None
    f.log(now, "closed", step.run)


def _unreachable(findings: dict[str, Finding], step: Step, checklist: str, host: str,
                 runs: int) -> None:
    """A host unreachable for ``unreachable_after_runs`` runs in a row gets its own finding."""
    if runs < step.ctx.policy.unreachable_after_runs:
        return
    severity = step.ctx.policy.unreachable_severity
    o = Opening("unreachable", host, checklist, "reachable", severity, None,
                f"unreachable for {runs} consecutive runs")
    raise_finding(findings, finding_id("unreachable", host, "", ""), o, step, step.tz(host))


def _judged(findings: dict[str, Finding], step: Step, checklist: str, hr: HostResult,
            check: str) -> None:
    """One check's verdict: a failure opens (and maybe waives), a pass closes."""
    result = hr.checks[check]
    fid = finding_id("check", hr.host, checklist, check)  # one control: (host, check id)
    if result.status in (Status.FAIL, Status.ERROR):
        waiver = active_waiver(step.ctx, hr.host, checklist, check, step.now)
        if waiver is not None:
            hr.checks[check] = waived(result, waiver)
        o = Opening("check", hr.host, checklist, check, hr.severities.get(check, "medium"),
                    result.value, result.reason, severity_follows=True)
        f = raise_finding(findings, fid, o, step, step.tz(hr.host))
        apply_waiver(f, waiver, step.now, step.run, step.out)
    elif result.status is Status.PASS:
        f = findings.get(fid)
        close(f, step)
        if f is not None:
            f.seen_by(checklist)


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
    step = Step(run_id, now, ctx)
    for host in sorted(results):
        hr = results[host]
        if not hr.measured:  # the run stopped before this host answered: nothing is known
            continue
        if not hr.reachable:
            _unreachable(findings, step, checklist, host, unreachable_runs.get(host, 0))
            continue
        close(findings.get(finding_id("unreachable", host, "", "")), step)
        for check in sorted(hr.checks):
            _judged(findings, step, checklist, hr, check)
    step.out.extend(escalate(findings, now, ctx.policy))
    return step.out


def refresh_waivers(findings: dict[str, Finding], now: datetime, ctx: Context) -> list[Transition]:
    """Between runs: lapse waivers that expired, then escalate (``patrol findings escalate``)."""
    out: list[Transition] = []
    for fid in sorted(findings):
        f = findings[fid]
        if f.state is State.WAIVED and f.kind == "check":
            w = active_waiver(ctx, f.subject, f.checklist, f.check, now)
            apply_waiver(f, w, now, None, out)
    out.extend(escalate(findings, now, ctx.policy))
    return out
