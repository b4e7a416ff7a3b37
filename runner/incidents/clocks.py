"""A clock's standing at any instant: due time, time left or breached by, share used.

A clock runs from the incident's opening until it is met (respond, arrive) or the incident
is resolved (an unmet clock stops there: if it ran out before, it stays breached). Pauses
(waiting on the customer) are gaps in its running; the calendar (``runner.service_hours``)
decides which of the remaining time counts. Pure: the calendar and ``now`` are arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import service_hours
from ..service_hours import Calendar, Interval
from .model import Clock, Incident


@dataclass(frozen=True)
class Standing:
    name: str
    limit: timedelta
    due: datetime | None  # None while paused with time left
    met_at: datetime | None
    stopped_at: datetime | None  # met, or the incident resolved
    breached: bool
    left: timedelta | None  # due - now while it runs; None once stopped or paused
    over: timedelta | None  # how far past due (breached only)

    @property
    def paused(self) -> bool:
        return self.due is None and self.stopped_at is None


def running(inc: Incident, until: datetime | None) -> list[Interval]:
    """The clock's running intervals from the opening, minus the pauses begun before
    ``until`` (its stop); the last is open-ended unless a pause is still on."""
    out: list[Interval] = []
    start = inc.opened_at
    for p in sorted(inc.pauses, key=lambda p: p.start):
        if until is not None and p.start >= until:
            break
        if p.start > start:
            out.append((start, p.start))
        if p.end is None:
            return out or [(inc.opened_at, inc.opened_at)]
        start = max(p.end, start)
    out.append((start, None))
    return out


def standing(inc: Incident, name: str, cal: Calendar, now: datetime) -> Standing:
    """Where clock ``name`` stands at ``now``."""
    clock: Clock = inc.clocks[name]
    stopped = clock.met_at or inc.resolved_at
    intervals = running(inc, stopped)
    due = service_hours.due(cal, intervals, clock.limit)
    at = stopped or now
    breached = due is not None and (at > due if stopped else now >= due)
    left = due - now if (stopped is None and due is not None and not breached) else None
    over = at - due if breached and due is not None else None
    return Standing(name, clock.limit, due, clock.met_at, stopped, breached, left, over)


def share_used(inc: Incident, name: str, cal: Calendar, now: datetime) -> float:
    """The share of clock ``name``'s limit used by ``now`` (escalation compares it with
    ``warn_at``); counted on the calendar, pauses excluded."""
    clock = inc.clocks[name]
    stopped = clock.met_at or inc.resolved_at
    at = min(stopped, now) if stopped else now
    used = service_hours.used(cal, running(inc, stopped), at)
    return used / service_hours.budget(cal, clock.limit)
