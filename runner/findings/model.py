"""What a finding is: its states, its file-shaped record, and the transitions runs report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class State(StrEnum):
    OPEN = "open"
    WARNED = "warned"
    OVERDUE = "overdue"
    PENALISED = "penalised"
    WAIVED = "waived"
    CLOSED = "closed"


ACTIVE = (State.OPEN, State.WARNED, State.OVERDUE, State.PENALISED, State.WAIVED)
LADDER = (State.OPEN, State.WARNED, State.OVERDUE, State.PENALISED)
SEVERITIES = ("critical", "high", "medium", "low")  # a check's (and incident's), most urgent first


@dataclass
class Finding:
    id: str
    kind: str  # check | unreachable | cadence | spares | lifecycle
    subject: str  # host name; checklist for cadence findings; site for spares findings
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
    owner: str | None = None  # who answers for it: the host's owner unless assigned
    checklists: list[str] = field(default_factory=list)  # every checklist that measured it

    def seen_by(self, checklist: str) -> None:
        """Remember that ``checklist`` measured this control (sorted, once each)."""
        if checklist and checklist not in self.checklists:
            self.checklists = sorted({*self.checklists, checklist})
    history: list[dict[str, Any]] = field(default_factory=list)

    def log(self, at: datetime, event: str, run: str | None = None, **extra: Any) -> None:
        entry: dict[str, Any] = {"at": at, "event": event}
        if run:
            entry["run"] = run
        entry.update(extra)
        self.history.append(entry)


@dataclass(frozen=True)
class Transition:
    finding: str
    before: str | None
    after: str
    at: datetime


def finding_id(kind: str, subject: str, checklist: str, check: str) -> str:
    """One problem, one id: a check finding is (host, control), whichever checklist measured
    it (``checklist`` is ignored for it; a check id names one control in every checklist)."""
    if kind == "cadence":
        return f"_cadence/{checklist}"
    if kind == "unreachable":
        return f"{subject}/unreachable"
    if kind == "spares":  # subject: a site; check: a part
        return f"_spares/{subject}.{check}"
    if kind == "lifecycle":  # a dot no check id may hold: never one of a checklist's controls
        return f"{subject}/lifecycle.{check}"
    return f"{subject}/{check}"


def legacy_id(f: Finding) -> bool:
    """A check finding still keyed by checklist (``host/daily.ssh``), from before one problem
    was one finding: ``patrol findings migrate`` merges these."""
    return f.kind == "check" and f.id != finding_id("check", f.subject, f.checklist, f.check)


def move(f: Finding, new: State, at: datetime, run: str | None, out: list[Transition]) -> None:
    """Put ``f`` in state ``new``, logging it and reporting the transition (no-op if there)."""
    if f.state is new:
        return
    out.append(Transition(f.id, f.state.value, new.value, at))
    f.log(at, new.value, run)
    f.state = new
