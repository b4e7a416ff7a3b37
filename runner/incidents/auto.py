"""Incidents an inspection opens by itself (via monitoring), linked to the finding behind them:
a host unreachable for the policy's ``unreachable_after_runs`` runs (its ``unreachable``
finding opens then), any finding of severity critical, or a finding whose judged value says
``critical: true`` (a hardware failure that needs an engineer on site).

One incident per finding while it is unresolved: the finding re-opening opens no second one.
A finding that becomes critical while it is open (one power supply failed: a warning; then the
second: no redundancy left) opens its incident on the run that reads it critical
(``from_worsened``): the finding takes that run's value and reason and logs ``worsened``, so
the next critical reading is not news and an incident an engineer resolved is not reopened.
The finding closing (the host answers again, the check passes) leaves the incident alone;
an engineer resolves it with a note.

Waivers and incidents agree: a finding waived when it opens opens no incident (an accepted
exception owes no response) until the waiver ends, when it opens one like a new finding; an
incident whose finding is then waived pauses, with the waiver as its reason, and resumes when
the waiver ends (``follow_waivers``), so its clocks never run for an exception the customer
accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ..errors import PatrolError
from ..findings import Finding, Transition, finding_id
from ..findings.model import ACTIVE
from ..findings.model import State as FindingState
from . import lifecycle
from .model import DONE, Incident, State
from .policy import level_of, limits
from .store import next_id

# a transition from these to open is a finding (re)opening, or its waiver ending: the
# problem now calls for the response it was excused from
OPENING = (None, "closed", "waived")


def judged_critical(value: Any) -> bool:
    """The judge said this failure is critical (hardware_health: redundancy lost, a degraded
    array's drive, uncorrectable memory)."""
    return isinstance(value, dict) and value.get("critical") is True


def triggers(f: Finding) -> bool:
    """Unreachable, a critical check, or a check whose judge said its failure is critical."""
    return f.kind == "unreachable" or (f.kind == "check" and (
        f.severity == "critical" or judged_critical(f.value)))


def from_findings(incidents: dict[str, Incident], findings: dict[str, Finding],
                  transitions: Iterable[Transition], estate: Any, run_id: str,
                  now: datetime, reported_by: str | None = None) -> list[Incident]:
    """Open an incident for each finding that just opened and calls for one; returns them
    (also added to ``incidents``). ``reported_by``: the inspection ``run_id`` by default."""
    linked = {i.finding for i in incidents.values() if i.finding and i.state not in DONE}
    opened: list[Incident] = []
    for t in transitions:
        f = findings.get(t.finding)
        if t.after != "open" or t.before not in OPENING or f is None or not triggers(f):
            continue
        host = estate.hosts.get(f.subject)
        if host is None or f.id in linked or f.state is FindingState.WAIVED:
            continue
        opened.append(_open(incidents, f, host, estate, reported_by or f"patrol inspect {run_id}",
                            now))
        linked.add(f.id)
    return opened


def _open(incidents: dict[str, Incident], f: Finding, host: Any, estate: Any,
          reported_by: str, now: datetime) -> Incident:
    level = level_of([host], f.severity)
    iid = next_id(incidents, now.year)
    inc = lifecycle.new(
        iid, hosts=[host.name], site=host.site, summary=f"{host.name}: {f.reason}",
        severity=f.severity, level=level, reported_by=reported_by, via="monitoring",
        owner=getattr(f, "owner", None) or host.owner, limits=limits(estate, level), at=now,
        written=now, finding=f.id)
    incidents[iid] = inc
    return inc


def from_worsened(incidents: dict[str, Incident], findings: dict[str, Finding],
                  results: Mapping[str, Any], estate: Any, run_id: str,
                  now: datetime) -> list[Incident]:
    """Open an incident for each active, unwaived check finding that this run's ``results``
    (host -> HostResult) judge critical while the finding still holds a reading that was not;
    the finding takes the critical value and reason (logged ``worsened``). A finding opened
    by this run already holds this run's value: ``from_findings`` answers for it."""
    linked = {i.finding for i in incidents.values() if i.finding and i.state not in DONE}
    opened: list[Incident] = []
    for name in sorted(results):
        hr = results[name]
        for check in sorted(getattr(hr, "checks", {}) or {}):
            result = hr.checks[check]
            f = findings.get(finding_id("check", name, "", check))
            if (f is None or f.kind != "check" or f.state not in ACTIVE
                    or f.state is FindingState.WAIVED or not judged_critical(result.value)
                    or judged_critical(f.value)):
                continue
            f.value, f.reason = result.value, result.reason
            f.log(now, "worsened", run_id)
            host = estate.hosts.get(name)
            if host is None or f.id in linked:
                continue
            opened.append(_open(incidents, f, host, estate, f"patrol inspect {run_id}", now))
            linked.add(f.id)
    return opened


WAIVER_PAUSE = "waiver: "  # a pause a waiver began starts its reason with this


def follow_waivers(incidents: dict[str, Incident], findings: dict[str, Finding],
                   transitions: Iterable[Transition], now: datetime) -> list[tuple[Incident, str]]:
    """Pause each unresolved incident whose finding was just waived (the waiver is the
    reason) and resume it when the waiver ends; returns (incident, "paused" | "resumed")."""
    by_finding = {i.finding: i for i in incidents.values() if i.finding and i.state not in DONE}
    out: list[tuple[Incident, str]] = []
    for t in transitions:
        inc, f = by_finding.get(t.finding), findings.get(t.finding)
        if inc is None or f is None:
            continue
        at = max(now, inc.last_at)
        try:
            if t.after == FindingState.WAIVED.value and inc.state is not State.WAITING:
                reason = f"{WAIVER_PAUSE}{f.waiver or 'accepted exception'}"
                lifecycle.wait(inc, reason, at, now)
                out.append((inc, "paused"))
            elif (t.before == FindingState.WAIVED.value and inc.state is State.WAITING
                  and inc.pauses and inc.pauses[-1].reason.startswith(WAIVER_PAUSE)):
                lifecycle.resume(inc, at, now)
                out.append((inc, "resumed"))
        except PatrolError:  # a step the incident refuses (resolved meanwhile): leave it
            continue
    return out


def resolve_replaced(incidents: dict[str, Incident], findings: dict[str, Finding],
                     transitions: Iterable[Transition],
                     used: dict[str, list[dict[str, Any]]], run_id: str,
                     now: datetime) -> list[Incident]:
    """Resolve each unresolved incident whose finding just closed on a clean reading when a
    part was used on its host (``patrol spares use ... --host``) since the incident opened:
    the part replaced and the next clean reading end it. ``used``: host -> movements, each
    ``{"at": datetime, "part", "depot", "run"}``. Returns the incidents resolved."""
    by_finding = {i.finding: i for i in incidents.values() if i.finding and i.state not in DONE}
    out: list[Incident] = []
    for t in transitions:
        inc, f = by_finding.get(t.finding), findings.get(t.finding)
        if inc is None or f is None or t.after != FindingState.CLOSED.value:
            continue
        parts = [u for u in used.get(f.subject, []) if u["at"] >= inc.opened_at]
        if not parts:
            continue
        what = ", ".join(f"{u['part']} from {u['depot']} ({u['run']})" for u in parts)
        try:
            lifecycle.resolve(inc, f"part replaced: {what}; clean reading in {run_id}",
                              f"patrol inspect {run_id}", max(now, inc.last_at), now)
        except PatrolError:  # a state the incident refuses to resolve from: leave it
            continue
        out.append(inc)
    return out
