"""Escalation of incident clocks: warned at the policy's ``warn_at`` share of a clock, breached
at 100 %. Each is noted once on the clock (when it was noticed) and reported, so the
escalation run's record lists it; a met or stopped clock no longer escalates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..service_hours import Calendar
from .clocks import share_used
from .model import CLOCKS, DONE, Incident
from .policy import standings


@dataclass(frozen=True)
class Alarm:
    incident: str
    clock: str
    level: str  # warned | breached
    due: datetime | None
    at: datetime


def escalate(incidents: dict[str, Incident], cals: dict[str, Calendar], now: datetime,
             warn_at: float) -> list[Alarm]:
    """Note every clock that reached ``warn_at`` or ran out since the last escalation."""
    out: list[Alarm] = []
    for iid in sorted(incidents):
        inc = incidents[iid]
        if inc.state in DONE:
            continue
        now_ = standings(inc, cals, now)
        for name in CLOCKS:
            clock, s = inc.clocks[name], now_[name]
            if s.stopped_at is not None:
                continue
            if s.breached and clock.breached_at is None:
                clock.breached_at = now
                clock.warned_at = clock.warned_at or now
                out.append(Alarm(iid, name, "breached", s.due, now))
            elif (not s.breached and clock.warned_at is None
                  and share_used(inc, name, cals.get(inc.site) or Calendar(), now) >= warn_at):
                clock.warned_at = now
                out.append(Alarm(iid, name, "warned", s.due, now))
    return out
