"""Incidents an inspection opens by itself (via monitoring), linked to the finding behind them:
a host unreachable for the policy's ``unreachable_after_runs`` runs (its ``unreachable``
finding opens then), or any finding of severity critical.

One incident per finding while it is unresolved: the finding re-opening opens no second one.
The finding closing (the host answers again, the check passes) leaves the incident alone;
an engineer resolves it with a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..findings import Finding, Transition
from . import lifecycle
from .model import DONE, Incident
from .policy import level_of, limits
from .store import next_id

OPENING = (None, "closed")  # a transition from these to open is a finding (re)opening


def triggers(f: Finding) -> bool:
    return f.kind == "unreachable" or (f.kind == "check" and f.severity == "critical")


def from_findings(incidents: dict[str, Incident], findings: dict[str, Finding],
                  transitions: Iterable[Transition], estate: Any, run_id: str,
                  now: datetime) -> list[Incident]:
    """Open an incident for each finding that just opened and calls for one; returns them
    (also added to ``incidents``)."""
    linked = {i.finding for i in incidents.values() if i.finding and i.state not in DONE}
    opened: list[Incident] = []
    for t in transitions:
        f = findings.get(t.finding)
        if t.after != "open" or t.before not in OPENING or f is None or not triggers(f):
            continue
        host = estate.hosts.get(f.subject)
        if host is None or f.id in linked:
            continue
        level = level_of([host], f.severity)
        iid = next_id(incidents, now.year)
        inc = lifecycle.new(
            iid, hosts=[host.name], site=host.site, summary=f"{host.name}: {f.reason}",
            severity=f.severity, level=level, reported_by=f"patrol inspect {run_id}",
            via="monitoring", owner=getattr(f, "owner", None) or host.owner,
            limits=limits(estate, level), at=now, written=now, finding=f.id)
        incidents[iid] = inc
        linked.add(f.id)
        opened.append(inc)
    return opened
