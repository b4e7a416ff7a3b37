"""Escalation: an active finding climbs open -> warned -> overdue -> penalised as its
rectification deadline approaches and passes; it never steps down while it stays open."""

from __future__ import annotations

from datetime import datetime

from .model import LADDER, Finding, State, Transition, move
from .policy import Policy


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


def escalate(findings: dict[str, Finding], now: datetime, policy: Policy) -> list[Transition]:
    """Move active findings up the ladder; a finding never steps down while it stays open."""
    out: list[Transition] = []
    for fid in sorted(findings):
        f = findings[fid]
        if f.state not in LADDER:
            continue
        target = escalation(f, now, policy)
        if LADDER.index(target) > LADDER.index(f.state):
            move(f, target, now, None, out)
    return out
