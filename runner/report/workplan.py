"""The work plan (工作计划表) for a month: what is scheduled and what falls due.

- scheduled inspections by date: daily checklists every day, weekly ones each Monday, monthly
  ones on the 1st — the days the CI templates run them;
- upgrade windows: for each plan in ``policies/upgrades/``, the dates its window opens in the
  month (on the window's days; a window without days opens every day);
- upgrade windows only for plans not yet done (a plan is done when every target declares the
  plan's package versions, as a completed upgrade leaves the inventory);
- waivers expiring in the month; warranties and ends of life falling in it; open findings
  whose rectification deadline falls in it (with who answers for each); the service
  calendar's holidays per site; each site's joint inspections with the purchaser (its
  ``joint_inspections`` in ``inventory/sites.yaml``: a day of every month, who joins);
- who: each day's inspections name the resident engineers of the sites inspected; an
  upgrade window the owners of its targets;
- reorders: every commitment short at a site today, with the quantity to order, the channel
  that supplies it and the depot it goes to (the site's own, else the fastest reaching it).
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
    who: str = ""  # the resident engineers of the sites inspected


@dataclass(frozen=True)
class Window:
    plan: str
    name: str
    targets: int
    start: str
    end: str
    timezone: str
    dates: tuple[date, ...]
    who: str = ""  # the owners of its targets


@dataclass(frozen=True)
class Due:
    day: date
    what: str  # waiver | warranty | end_of_life | finding | holiday | joint
    subject: str
    detail: str
    who: str = ""


@dataclass(frozen=True)
class Reorder:
    site: str
    part: str
    quantity: int
    depot: str = ""  # where the parts go: the site's own depot, else the fastest reaching it
    channel: str = "depot"  # who supplies them: the commitment's channel


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
            out.inspections.append(Scheduled(day, names, len(hosts), _engineers(estate, hosts)))
    for stem in sorted(estate.upgrades):
        plan = estate.upgrades[stem]
        targets = estate.select(plan.targets)
        if targets and all(all(h.software.get(p) == v for p, v in plan.packages.items())
                           for h in targets):
            continue  # done: every target declares the plan's versions
        w = plan.window
        allowed = {str(getattr(d, "value", d)) for d in w.days} if w.days else None
        dates = tuple(d for d in month.days()
                      if allowed is None or _WEEKDAYS[d.weekday()] in allowed)
        out.windows.append(Window(stem, plan.name, len(targets),
                                  w.start.strftime("%H:%M"), w.end.strftime("%H:%M"),
                                  str(w.timezone), dates,
                                  ", ".join(sorted({str(h.owner) for h in targets}))))
    for wv in estate.waivers:
        if month.contains(wv.expires):
            out.due.append(Due(wv.expires, "waiver", wv.host or str(wv.hosts),
                               f"{wv.check} ({wv.approved_by})"))
    for h in estate.hosts.values():
        for what, day in (("warranty", h.hardware.warranty_end),
                          ("end_of_life", h.hardware.end_of_life)):
            if month.contains(day):
                out.due.append(Due(day, what, h.name, f"{h.site} {h.hardware.model}"))
    for f in (findings or {}).values():
        state = str(getattr(f.state, "value", f.state))
        if state not in ("closed", "waived") and month.contains(month.day_of(f.due)):
            host = estate.hosts.get(f.subject)
            out.due.append(Due(month.day_of(f.due), "finding", f.subject, f"{f.id}: {f.reason}",
                               str(f.owner or getattr(host, "owner", "") or "")))
    out.due += _joint(estate, month)
    for site_id, hours in sorted((getattr(estate.service, "service_hours", None) or {}).items()):
        for day in getattr(hours, "holidays", []) or []:
            if month.contains(day):
                out.due.append(Due(day, "holiday", site_id, "", _engineers_of(estate, site_id)))
    out.due.sort(key=lambda d: (d.day, d.what, d.subject))
    wanted = demand(findings or {}, estate)  # failed parts waiting for a spare are reordered too
    out.reorders = [Reorder(x.site, x.part, x.shortfall, _depot_for(estate, x.site), x.channel)
                    for x in coverage(estate, demand=wanted).short]
    return out


def _depot_for(estate: Any, site: str) -> str:
    """The depot a reorder for ``site`` is delivered to: the one on the site, else the one
    that reaches it fastest (by id on a tie); "" when none reaches it."""
    from ..spares.coverage import reach

    reaching = sorted((t, d.id) for d in estate.depots.values()
                      if (t := reach(d, site)) is not None)
    return reaching[0][1] if reaching else ""


def _joint(estate: Any, month: Month) -> list[Due]:
    """Each site's joint inspections with the purchaser in the month, with who comes."""
    out = []
    for site_id in sorted(estate.sites):
        site = estate.sites[site_id]
        for j in getattr(site, "joint_inspections", []) or []:
            day = month.first.replace(day=int(j.day))
            who = "; ".join(x for x in (_engineers_of(estate, site_id), str(j.purchaser)) if x)
            out.append(Due(day, "joint", site_id, str(j.note or ""), who))
    return out


def _engineers_of(estate: Any, site_id: str) -> str:
    site = estate.sites.get(site_id)
    return ", ".join(str(c.name) for c in getattr(site, "resident_engineers", []) or [])


def _engineers(estate: Any, hosts: set[str]) -> str:
    """The resident engineers of the sites these hosts are on."""
    sites = sorted({estate.hosts[h].site for h in hosts if h in estate.hosts})
    return "; ".join(e for e in (_engineers_of(estate, s) for s in sites) if e)
