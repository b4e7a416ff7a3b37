"""The contract's terms the month was judged against, and every change to them in the month.

- In force: the service policy as loaded for the report (rectification deadlines per
  severity, the escalation ladder, response and on-site times per criticality, cadence
  limits, service hours per site, penalty points, the contract's zone).
- Changes: each mainline commit in the month that changed ``policies/service.yaml`` or
  ``policies/spares.yaml`` (the spare-part commitments), with its commit, author and date, and
  each value it changed as ``key: before -> after`` (YAML keys, as written in the file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .period import Month

FILES = ("policies/service.yaml", "policies/spares.yaml")
SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class Change:
    at: datetime
    commit: str
    author: str
    file: str
    key: str
    before: str
    after: str


@dataclass
class Terms:
    zone: str
    rectification: list[tuple[str, timedelta]] = field(default_factory=list)
    warn_at: int = 0
    overdue_at: int = 0
    penalty_grace: timedelta = timedelta(0)
    response: list[tuple[str, timedelta, timedelta]] = field(default_factory=list)
    cadence: list[tuple[str, timedelta]] = field(default_factory=list)
    service_hours: list[tuple[str, str, int]] = field(default_factory=list)  # site, hours,
    # holidays
    penalised: list[tuple[str, int]] = field(default_factory=list)
    cadence_breach: int = 0
    response_breach: int = 0
    on_site_breach: int = 0
    changes: list[Change] = field(default_factory=list)


def _hours(site: str, h: Any) -> tuple[str, str, int]:
    """(site, its hours as the estate writes them, how many holidays its calendar has)."""
    if isinstance(h, str) or h is None:
        return site, str(h or "24x7"), 0
    days = ",".join(str(getattr(d, "value", d)) for d in getattr(h, "days", []) or [])
    return (site, f"{days} {str(h.start)[:5]}-{str(h.end)[:5]}",
            len(getattr(h, "holidays", []) or []))


def in_force(service: Any, sites: list[str], zone: str) -> Terms:
    r, e, c, p = service.rectification, service.escalation, service.cadence, service.penalties
    rt = service.response_times
    penalised = {str(getattr(k, "value", k)): int(v) for k, v in p.penalised.items()}
    return Terms(
        zone=zone,
        rectification=[(s, getattr(r, s)) for s in SEVERITIES],
        warn_at=int(e.warn_at), overdue_at=int(e.overdue_at), penalty_grace=e.penalty_grace,
        response=[(s, getattr(rt, s).response, getattr(rt, s).on_site) for s in SEVERITIES],
        cadence=[(k, getattr(c, k)) for k in ("daily", "weekly", "monthly")],
        service_hours=[_hours(s, service.service_hours.get(s, "24x7")) for s in sites],
        penalised=[(s, penalised.get(s, 0)) for s in SEVERITIES],
        cadence_breach=int(p.cadence_breach), response_breach=int(p.response_breach),
        on_site_breach=int(p.on_site_breach))


def changes(root: Path, month: Month) -> list[Change]:
    """Every value the month's mainline commits changed in the contract's files."""
    from .. import archive
    from ..archive import history
    from ..archive.policy_log import flatten

    out: list[Change] = []
    for rel in FILES:
        before: dict[str, str] | None = None
        authors = {c.sha: c.author for c in history.walk(root, directory=rel)}
        for sha, at, data in history.mainline_versions(root, rel):
            try:
                doc = archive.load_yaml(data) if data else {}
            except Exception:  # a version that does not parse: named as a whole
                doc = {"(unreadable)": sha[:12]}
            now = flatten(doc or {})
            if before is not None and month.start <= at < month.end:
                for key in sorted(set(before) | set(now)):
                    if before.get(key) != now.get(key):
                        out.append(Change(at, sha, authors.get(sha, ""), rel, key,
                                          before.get(key, "–"), now.get(key, "–")))
            before = now
    return sorted(out, key=lambda c: (c.at, c.file, c.key))
