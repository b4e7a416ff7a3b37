"""What an incident is: who reported what on which hosts, its state, its two clocks and pauses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ..clock import parse_iso


class State(StrEnum):
    OPEN = "open"
    RESPONDED = "responded"
    ON_SITE = "on-site"
    WAITING = "waiting"  # on the customer: both clocks pause
    RESOLVED = "resolved"
    CLOSED = "closed"


DONE = (State.RESOLVED, State.CLOSED)
CLOCKS = ("response", "on_site")
VIA = ("phone", "email", "monitoring", "inspection")
LEVELS = ("low", "medium", "high", "critical")  # criticality and severity, least first


@dataclass
class Clock:
    """One promise: met within ``limit`` of service time from the opening, pauses excluded."""

    limit: timedelta
    met_at: datetime | None = None
    met_by: str | None = None
    warned_at: datetime | None = None  # when escalation noticed warn_at percent used
    breached_at: datetime | None = None  # when escalation noticed it ran out


@dataclass
class Pause:
    start: datetime
    end: datetime | None
    reason: str


@dataclass
class Incident:
    id: str
    hosts: list[str]
    site: str
    summary: str
    severity: str
    level: str  # the higher of the hosts' criticality and the severity: what the clocks use
    reported_by: str
    via: str
    owner: str
    opened_at: datetime
    state: State
    clocks: dict[str, Clock]
    pauses: list[Pause] = field(default_factory=list)
    finding: str | None = None  # the finding an inspection opened it for
    resumes_to: State | None = None  # the state a `resume` returns to
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None
    # each step as logged; read from a file, its times stay ISO text until asked for (a
    # listing of thousands never needs them)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last_at(self) -> datetime:
        """The stated time of the latest step: a later step may not claim an earlier one."""
        times = [h["at"] if isinstance(h["at"], datetime) else parse_iso(h["at"])
                 for h in self.history]
        return max([self.opened_at, *times])


def higher(a: str, b: str) -> str:
    return a if LEVELS.index(a) >= LEVELS.index(b) else b
