"""The work plan (工作计划表) for a month: what is scheduled and what falls due.

- scheduled inspections by date: daily checklists every day, weekly ones each Monday, monthly
  ones on the 1st — the days the CI templates run them;
- upgrade windows: for each plan in ``policies/upgrades/``, the dates its window opens in the
  month (on the window's days; a window without days opens every day);
- waivers expiring in the month; warranties and ends of life falling in it;
- reorders: every commitment short at a site today, with the quantity to order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..spares.coverage import coverage
from ..spares.hardware import demand
from .period import Month

WEEKLY_WEEKDAY = 0  # Monday: .github/workflows/inspect.yml's "30 6 * * 1"
MONTHLY_DAY = 1  # "45 6 1 * *"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Scheduled:
    day: date
    checklists: tuple[str, ...]
    hosts: int


@dataclass(frozen=True)
class Window:
    plan: str
    name: str
    targets: int
    start: str
    end: str
    timezone: str
    dates: tuple[date, ...]


@dataclass(frozen=True)
class Due:
    day: date
    what: str  # waiver | warranty | end_of_life
    subject: str
    detail: str


@dataclass(frozen=True)
class Reorder:
    site: str
    part: str
    quantity: int


@dataclass
class WorkPlan:
    month: Month
    inspections: list[Scheduled] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    due: list[Due] = field(default_factory=list)
    reorders: list[Reorder] = field(default_factory=list)


def due_on(cadence: str, day: date) -> bool:
    if cadence == "weekly":
        return day.weekday() == WEEKLY_WEEKDAY
    if cadence == "monthly":
        return day.day == MONTHLY_DAY
    return True


def build(estate: Any, month: Month, findings: dict[str, Any] | None = None) -> WorkPlan:
    out = WorkPlan(month)
    sizes = {n: (str(getattr(c.cadence, "value", c.cadence)), {h.name for h in
                                                                estate.select(c.hosts)})
             for n, c in estate.checklists.items()}
    for day in month.days():
        names = tuple(sorted(n for n, (cad, _) in sizes.items() if due_on(cad, day)))
        if names:
            hosts = set().union(*(sizes[n][1] for n in names))
            out.inspections.append(Scheduled(day, names, len(hosts)))
    for stem in sorted(estate.upgrades):
        plan = estate.upgrades[stem]
        w = plan.window
        allowed = {str(getattr(d, "value", d)) for d in w.days} if w.days else None
        dates = tuple(d for d in month.days()
                      if allowed is None or _WEEKDAYS[d.weekday()] in allowed)
        out.windows.append(Window(stem, plan.name, len(estate.select(plan.targets)),
                                  w.start.strftime("%H:%M"), w.end.strftime("%H:%M"),
                                  str(w.timezone), dates))
    for wv in estate.waivers:
        if month.contains(wv.expires):
            out.due.append(Due(wv.expires, "waiver", wv.host or str(wv.hosts),
                               f"{wv.check} ({wv.approved_by})"))
    for h in estate.hosts.values():
        for what, day in (("warranty", h.hardware.warranty_end),
                          ("end_of_life", h.hardware.end_of_life)):
            if month.contains(day):
                out.due.append(Due(day, what, h.name, f"{h.site} {h.hardware.model}"))
    out.due.sort(key=lambda d: (d.day, d.what, d.subject))
    wanted = demand(findings or {}, estate)  # failed parts waiting for a spare are reordered too
    out.reorders = [Reorder(x.site, x.part, x.shortfall)
                    for x in coverage(estate, demand=wanted).short]
    return out
