"""What the service policy and the estate say about an incident: its level, its clocks'
limits (``response_times``), its site's calendar (``service_hours``) and its owner."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..errors import PatrolError
from ..service_hours import Calendar, calendar_of
from .clocks import Standing, standing
from .model import CLOCKS, LEVELS, Incident, higher


def calendars(estate: Any) -> dict[str, Calendar]:
    """Site id -> the calendar its clocks run on."""
    return {sid: calendar_of(estate.service, site) for sid, site in estate.sites.items()}


def hosts_of(estate: Any, names: list[str]) -> list[Any]:
    """The named hosts, on one site; an unknown name is refused."""
    if not names:
        raise PatrolError("--host is required: name the host(s) the incident is about")
    unknown = sorted(n for n in names if n not in estate.hosts)
    if unknown:
        raise PatrolError(f"unknown host {unknown[0]!r}: not in the inventory")
    hosts = [estate.hosts[n] for n in sorted(set(names))]
    sites = sorted({h.site for h in hosts})
    if len(sites) > 1:
        raise PatrolError(f"hosts on {len(sites)} sites ({', '.join(sites)}): open one incident "
                          "per site, each has its own engineers and service hours")
    return hosts


def level_of(hosts: list[Any], severity: str | None) -> str:
    """The highest criticality among the hosts, or the severity when that is higher."""
    level = "low"
    for h in hosts:
        level = higher(level, str(getattr(h.criticality, "value", h.criticality)))
    if severity is not None:
        if severity not in LEVELS:
            raise PatrolError(f"--severity {severity!r}: expected one of "
                              f"{', '.join(reversed(LEVELS))}")
        level = higher(level, severity)
    return level


def limits(estate: Any, level: str) -> dict[str, timedelta]:
    rt = getattr(estate.service.response_times, level)
    return {"response": rt.response, "on_site": rt.on_site}


def standings(inc: Incident, cals: dict[str, Calendar], now: datetime) -> dict[str, Standing]:
    """Both clocks at ``now`` on the incident's site calendar (24×7 UTC for an unknown site)."""
    cal = cals.get(inc.site) or Calendar()
    return {c: standing(inc, c, cal, now) for c in CLOCKS}


def dues(inc: Incident, cals: dict[str, Calendar], now: datetime) -> dict[str, datetime | None]:
    return {c: s.due for c, s in standings(inc, cals, now).items()}
