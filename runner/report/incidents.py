"""Incidents and support response over the month: incidents opened in it by severity, and each
clock (remote response, on site) met in time or breached, with the breaches listed.

A clock counts as breached when the incident's escalation recorded its breach
(``breached_at``), met when it was met without one; a clock neither met nor breached yet is
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


@dataclass
class Incidents:
    tracked: bool = False
    opened: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    clocks: list[ClockLine] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)


def build(incidents: list[Any] | None, month: Month) -> Incidents:
    """``incidents``: the archive's incidents (objects with ``opened_at``, ``severity``,
    ``clocks``: name -> ``met_at`` / ``breached_at``), or None when they are not tracked."""
    if incidents is None:
        return Incidents(tracked=False)
    this = sorted((i for i in incidents if month.contains(i.opened_at)),
                  key=lambda i: (i.opened_at, i.id))
    sev = Counter(str(i.severity) for i in this)
    out = Incidents(tracked=True, opened=len(this),
                    by_severity={s: sev.get(s, 0) for s in SEVERITIES})
    for name in CLOCKS:
        met = breached = running = 0
        for inc in this:
            clock = inc.clocks.get(name)
            if clock is None:
                continue
            if clock.breached_at is not None:
                breached += 1
                out.breaches.append(Breach(inc.id, name, str(inc.severity), str(inc.site),
                                           str(inc.owner), inc.opened_at, clock.breached_at,
                                           str(inc.summary)))
            elif clock.met_at is not None:
                met += 1
            else:
                running += 1
        out.clocks.append(ClockLine(name, met, breached, running))
    out.breaches.sort(key=lambda b: (b.breached, b.incident, b.clock))
    return out
