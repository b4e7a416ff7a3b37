"""Events: what a run's moves mean to a person, as plain data with a key that names the event
once and for all (a rerun, a push retry or another clone makes the same key, so the outbox
owes it once).

A finding's transition is ``finding.<state>`` (a cadence, spares or lifecycle finding that
opens is ``cadence.breached``, ``spares.short``, ``lifecycle.end_of_life``); an incident
clock's alarm is ``incident.<clock>.<warned|breached>``; an incident step is
``incident.opened`` / ``incident.resolved``; a waiver within ``waiver_notice`` of its expiry
is ``waiver.expiring``; a monthly report committed is ``report.ready`` (once per month and
site); a break found in the archive is ``archive.broken`` (once per set of broken commits).
Time is always an argument.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..clock import iso

SPECIAL_OPENING = {"cadence": "cadence.breached", "spares": "spares.short",
                   "lifecycle": "lifecycle.end_of_life"}
FINDING_STATES = ("warned", "overdue", "penalised", "closed")


@dataclass(frozen=True)
class Event:
    """One thing to tell: ``facts`` are plain strings (estate text kept as written; each
    channel escapes it when the message is made)."""

    key: str
    event: str
    at: datetime
    site: str | None
    severity: str | None
    criticality: str | None
    owner: str | None
    facts: dict[str, Any] = field(default_factory=dict)


def _host(estate: Any, name: str | None) -> Any:
    return estate.hosts.get(name) if name else None


def _crit(host: Any) -> str | None:
    value = getattr(host, "criticality", None)
    return None if value is None else str(getattr(value, "value", value))


def finding_event(t: Any, f: Any, estate: Any) -> Event | None:
    """The event of one finding transition, or None (a waiver starting or lapsing)."""
    if t.after == "open" and t.before in (None, "closed"):
        name = SPECIAL_OPENING.get(f.kind, "finding.opened")
    elif t.after in FINDING_STATES and t.before != "waived":
        name = f"finding.{t.after}"
    else:
        return None
    host = _host(estate, f.subject) if f.kind not in ("cadence", "spares") else None
    site = host.site if host is not None else (f.subject if f.kind == "spares" else None)
    owner = f.owner or getattr(host, "owner", None)
    facts = {"finding": f.id, "host": host.name if host else None, "checklist": f.checklist,
             "check": f.check, "reason": f.reason, "state": t.after,
             "since": iso(f.opened_at), "due": iso(f.due) if f.due else None}
    return Event(f"{name}:{f.id}:{iso(t.at)}", name, t.at, site, f.severity, _crit(host),
                 owner, {k: v for k, v in facts.items() if v is not None})


def from_transitions(transitions: Iterable[Any], findings: dict[str, Any], estate: Any
                     ) -> list[Event]:
    out = []
    for t in transitions:
        f = findings.get(t.finding)
        if f is not None and (e := finding_event(t, f, estate)) is not None:
            out.append(e)
    return out


def _incident_facts(inc: Any) -> dict[str, Any]:
    return {"incident": inc.id, "hosts": ", ".join(inc.hosts), "summary": inc.summary,
            "since": iso(inc.opened_at), "state": inc.state.value}


def incident_event(inc: Any, name: str, at: datetime, key: str,
                   due: datetime | None = None, **extra: Any) -> Event:
    facts = _incident_facts(inc)
    if due is not None:
        facts["due"] = iso(due)
    facts.update({k: v for k, v in extra.items() if v is not None})
    return Event(key, name, at, inc.site, inc.severity, inc.level, inc.owner, facts)


def incident_opened(inc: Any, dues: dict[str, datetime | None]) -> Event:
    due = dues.get("response")
    return incident_event(inc, "incident.opened", inc.opened_at,
                          f"incident.opened:{inc.id}", due)


def incident_step(inc: Any, dues: dict[str, datetime | None]) -> Event | None:
    """An incident step that people are told of: opened, resolved (the clocks' own alarms
    come from escalation)."""
    step = inc.history[-1]["event"] if inc.history else None
    if step == "opened":
        return incident_opened(inc, dues)
    if step == "resolved" and inc.resolved_at is not None:
        return incident_event(inc, "incident.resolved", inc.resolved_at,
                              f"incident.resolved:{inc.id}:{iso(inc.resolved_at)}",
                              resolution=inc.resolution, resolved_by=inc.resolved_by)
    return None


def from_alarms(alarms: Iterable[Any], incidents: dict[str, Any]) -> list[Event]:
    """Each clock alarm (warned once, breached once per incident clock)."""
    out = []
    for a in alarms:
        inc = incidents[a.incident]
        name = f"incident.{a.clock}.{a.level}"
        out.append(incident_event(inc, name, a.at, f"{name}:{a.incident}", a.due,
                                  clock=a.clock))
    return out


def expiring_waivers(estate: Any, now: datetime, notice: timedelta | None) -> list[Event]:
    """Waivers that expire within ``notice`` of ``now`` and have not expired yet."""
    if notice is None:
        return []
    out = []
    today = now.date()
    for w in estate.waivers:
        if not today <= w.expires <= (now + notice).date():
            continue
        host = _host(estate, w.host)
        who = w.host or str(w.hosts)
        wid = w.id or f"{who}.{w.check}"
        out.append(Event(f"waiver.expiring:{wid}:{w.expires.isoformat()}", "waiver.expiring",
                         now, host.site if host else None, None, _crit(host),
                         getattr(host, "owner", None),
                         {"waiver": wid, "host": who, "check": w.check, "reason": w.reason,
                          "approved_by": w.approved_by, "due": w.expires.isoformat()}))
    return out


def report_ready(month: str, files: Iterable[str], sites: Iterable[str], at: datetime
                 ) -> list[Event]:
    """The monthly report is committed: one event per site (each site's people are told in
    its language), keyed by month and site, so a report committed again for the same month
    tells nobody twice."""
    listed = ", ".join(sorted(files))
    return [Event(f"report.ready:{month}:{site}", "report.ready", at, site, None, None, None,
                  {"month": month, "report": listed}) for site in sorted(sites)]


def archive_broken(breaks: list[Any], sites: Iterable[str], at: datetime) -> list[Event]:
    """The archive does not verify: one event per site (the archive is every site's), keyed
    by the broken commits and paths, so the same break found again (by the next run's tip
    check, by ``patrol audit verify`` in CI, by another clone) tells nobody twice, and a new
    break tells again."""
    found = sorted({(b.commit, b.path) for b in breaks})
    digest = hashlib.sha256("\n".join(f"{c}:{p}" for c, p in found).encode()).hexdigest()
    first = breaks[0]
    facts = {"reason": f"{first.commit[:12]} {first.path}: {first.message}",
             "breaks": str(len(breaks)),
             "commits": ", ".join(sorted({c[:12] for c, _ in found}))}
    return [Event(f"archive.broken:{digest[:16]}:{site}", "archive.broken", at, site, None,
                  None, None, facts) for site in sorted(sites)]
