"""Spare parts and equipment: coverage per site and its shortfalls (from the estate as
committed), the month's stock movements (from their records), and warranties and ends of life
within 180 days of the month's end; the hardware failures BMCs reported in the month
(``hardware.py``), whose waiting parts count among the shortfalls."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..spares.coverage import coverage
from ..spares.hardware import demand
from ..spares.lifecycle import lifecycle
from .hardware import HardwareFailure, failures
from .period import Month
from .sources import Record

HORIZON = timedelta(days=180)


@dataclass(frozen=True)
class SiteCoverage:
    site: str
    commitments: int
    met: int
    shortfall: int


@dataclass(frozen=True)
class Shortfall:
    site: str
    part: str
    required: int
    reachable: int
    shortfall: int


@dataclass(frozen=True)
class MovementLine:
    run: str
    at: str
    action: str
    part: str
    depot: str
    host: str
    change: int
    after: int
    reason: str


@dataclass(frozen=True)
class Equipment:
    day: Any  # date
    host: str
    what: str  # warranty | end_of_life
    past: bool
    site: str
    model: str


@dataclass
class Spares:
    sites: list[SiteCoverage] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    movements: list[MovementLine] = field(default_factory=list)
    equipment: list[Equipment] = field(default_factory=list)
    hardware: list[HardwareFailure] = field(default_factory=list)  # BMC failures in the month


def build(estate: Any, records: list[Record], month: Month,
          findings: dict[str, Any] | None = None) -> Spares:
    out = Spares()
    cov = coverage(estate, demand=demand(findings or {}, estate))  # failed parts want spares
    per_site: dict[str, list[Any]] = defaultdict(list)
    for line in cov.lines:
        per_site[line.site].append(line)
    for site in sorted(per_site):
        lines = per_site[site]
        out.sites.append(SiteCoverage(site, len(lines), sum(not x.short for x in lines),
                                      sum(x.shortfall for x in lines)))
    out.shortfalls = [Shortfall(x.site, x.part, x.required, x.reachable, x.shortfall)
                      for x in cov.short]
    for r in records:
        m = r.doc.get("movement") or {}
        out.movements.append(MovementLine(
            str(r.doc.get("run")), str(r.doc.get("finished")), str(m.get("action", "")),
            str(m.get("part", "")), str(m.get("depot", "")), str(m.get("host") or ""),
            int(m.get("change", 0) or 0), int((m.get("quantity") or {}).get("after", 0) or 0),
            str(m.get("reason", ""))))
    used = [{"at": r.finished, **(r.doc.get("movement") or {})} for r in records
            if (r.doc.get("movement") or {}).get("action") == "use"]
    out.hardware = failures(findings or {}, used, month)
    life = lifecycle(estate, month.last, HORIZON)
    out.equipment = [Equipment(e.day, e.host, e.what, e.past, e.site, e.model)
                     for e in life.events]
    return out
