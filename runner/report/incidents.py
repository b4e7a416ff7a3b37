"""Incidents and support response over the month: incidents opened in it by severity, and each
clock (remote response, on site) met in time or breached, with the breaches listed.

Each clock's state is a fact computed at the report's moment from the incident's steps and
the site's service calendar (``runner.incidents.policy.standings``, the code ``patrol
incidents`` lists with): *breached* when it ran out before it was met (whether or not an
escalation run noticed: escalation records notifications owed, not the truth of a breach),
*met* when met in time, *paused* while waiting (on the customer, or under a waiver), else
*running*. Without incidents to read (``incidents`` is None) the section says they are not
tracked instead of showing zeros that would read as a perfect month.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..findings.model import SEVERITIES
from .period import Month

CLOCKS = ("response", "on_site")


@dataclass(frozen=True)
class ClockLine:
    clock: str
    met: int
    breached: int
    running: int
    paused: int = 0


@dataclass(frozen=True)
class Breach:
    incident: str
    clock: str
    severity: str
    site: str
    owner: str
    opened: datetime
    breached: datetime
    summary: str


@dataclass(frozen=True)
class Line:
    """One incident as the customer follows it: each step, when and by whom."""

    incident: str
    severity: str
    site: str
    summary: str
    opened: datetime
    reported_by: str
    via: str
    responded: datetime | None
    responded_by: str
    on_site: datetime | None
    on_site_by: str
    resolved: datetime | None
    resolved_by: str
    resolution: str
    finding: str


@dataclass
class Incidents:
    tracked: bool = False
    opened: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    clocks: list[ClockLine] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)  # each incident opened in the month


def build(incidents: list[Any] | None, month: Month, cals: dict[str, Any] | None = None,
          moment: datetime | None = None) -> Incidents:
    """``incidents``: the archive's incidents, or None when they are not tracked; ``cals``:
    site -> service calendar; ``moment``: the report's (default: the month's end)."""
    from ..incidents.policy import standings

    if incidents is None:
        return Incidents(tracked=False)
    at = min(moment or month.end, month.end)
    this = sorted((i for i in incidents if month.contains(i.opened_at) and i.opened_at <= at),
                  key=lambda i: (i.opened_at, i.id))
    sev = Counter(str(i.severity) for i in this)
    out = Incidents(tracked=True, opened=len(this),
                    by_severity={s: sev.get(s, 0) for s in SEVERITIES})
    past = {inc.id: _as_of(inc, at) for inc in this}
    now = {iid: standings(inc, cals or {}, at) for iid, inc in past.items()}
    for inc in this:
        p = past[inc.id]
        r, o = p.clocks["response"], p.clocks["on_site"]
        out.lines.append(Line(inc.id, str(inc.severity), str(inc.site), str(inc.summary),
                              inc.opened_at, str(inc.reported_by), str(inc.via), r.met_at,
                              str(r.met_by or ""), o.met_at, str(o.met_by or ""),
                              p.resolved_at, str(p.resolved_by or "") if p.resolved_at else "",
                              str(p.resolution or "") if p.resolved_at else "",
                              str(inc.finding or "")))
    for name in CLOCKS:
        met = breached = running = paused = 0
        for inc in this:
            s = now[inc.id].get(name)
            if s is None:
                continue
            if s.breached:
                breached += 1
                out.breaches.append(Breach(inc.id, name, str(inc.severity), str(inc.site),
                                           str(inc.owner), inc.opened_at, s.due or at,
                                           str(inc.summary)))
            elif s.met_at is not None or s.stopped_at is not None:
                met += 1
            elif s.paused:
                paused += 1
            else:
                running += 1
        out.clocks.append(ClockLine(name, met, breached, running, paused))
    out.breaches.sort(key=lambda b: (b.breached, b.incident, b.clock))
    return out


def _as_of(inc: Any, at: datetime) -> Any:
    """The incident as its steps stood at ``at``: a step stated later has not happened yet
    (a report of a past month is not changed by what came after it)."""
    import copy

    later = [h for h in inc.history if _when(h) > at]
    if not later:
        return inc
    past = copy.deepcopy(inc)
    for c in past.clocks.values():
        if c.met_at is not None and c.met_at > at:
            c.met_at = c.met_by = None
    if past.resolved_at is not None and past.resolved_at > at:
        past.resolved_at = None
    past.pauses = [p for p in past.pauses if p.start <= at]
    for p in past.pauses:
        if p.end is not None and p.end > at:
            p.end = None
    return past


def _when(h: dict[str, Any]) -> datetime:
    from ..clock import parse_iso

    v = h["at"]
    return v if isinstance(v, datetime) else parse_iso(str(v))
