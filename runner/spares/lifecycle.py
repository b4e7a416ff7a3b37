"""Equipment lifecycle: warranties and vendor end of life, and replacements compared with what
they replace.

The rules, on a given day (``today``, a parameter):

- A host is **out of warranty** when its ``warranty_end`` is before today, and **past end of
  life** when its ``end_of_life`` is before today: the date itself is still covered.
- A date is **within the horizon** when it falls from today to today + horizon, inclusive.
- The **retire-before list** holds every host whose end of life is before today + horizon
  (those already past it first, as they sort earlier), ordered by that date, then by
  criticality (critical first), then by name.
- A replacement is **weaker** when the model it replaces declares more cores, memory or disk
  than the new model does; a dimension either model does not declare is not compared, and
  a replacement with no dimension to compare cannot be judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

COMPARED = ("cores", "memory_gb", "disk_gb")
CRITICALITY = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class Event:
    """A warranty end or an end of life of one host."""

    day: date
    host: str
    what: str  # "warranty" | "end_of_life"
    past: bool
    criticality: str
    site: str
    model: str


@dataclass(frozen=True)
class Retirement:
    day: date
    host: str
    criticality: str
    site: str
    model: str
    past: bool
    replaced_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """A host's replacement of another host or model, capacity by capacity."""

    host: str
    model: str
    replaces_host: str | None
    replaces_model: str | None
    weaker: tuple[tuple[str, int, int], ...] = ()  # (dimension, old, new)
    comparable: bool = True


@dataclass
class Lifecycle:
    today: date
    horizon: timedelta
    events: list[Event] = field(default_factory=list)  # within the horizon or past, by date
    retire: list[Retirement] = field(default_factory=list)
    replacements: list[Comparison] = field(default_factory=list)

    @property
    def past(self) -> list[Event]:
        return [e for e in self.events if e.past]


def _value(x: Any) -> str:
    return str(getattr(x, "value", x))


def rank(criticality: str) -> int:
    return CRITICALITY.index(criticality) if criticality in CRITICALITY else len(CRITICALITY)


def replaced_model(estate: Any, host: Any) -> str | None:
    """The model a host's ``replaces`` names, directly or through the host it names."""
    r = host.hardware.replaces
    if r is None:
        return None
    if r.model is not None:
        return str(r.model)
    old = estate.hosts.get(r.host) if r.host else None
    return old.hardware.model if old is not None else None


def compare(old: Any, new: Any) -> tuple[tuple[tuple[str, int, int], ...], bool]:
    """(the dimensions where ``new`` is weaker, whether any dimension could be compared)."""
    a, b = getattr(old, "capacity", None), getattr(new, "capacity", None)
    if a is None or b is None:
        return (), False
    weaker, compared = [], False
    for dim in COMPARED:
        x, y = getattr(a, dim), getattr(b, dim)
        if x is None or y is None:
            continue
        compared = True
        if y < x:
            weaker.append((dim, x, y))
    return tuple(weaker), compared


def comparison(estate: Any, host: Any) -> Comparison | None:
    r = host.hardware.replaces
    if r is None:
        return None
    old_id = replaced_model(estate, host)
    old, new = estate.models.get(old_id), estate.models.get(host.hardware.model)
    weaker, comparable = compare(old, new) if old is not None and new is not None else ((), False)
    return Comparison(host.name, host.hardware.model, r.host, old_id, weaker, comparable)


def lifecycle(estate: Any, today: date, horizon: timedelta) -> Lifecycle:
    out = Lifecycle(today, horizon)
    until = today + horizon
    replaced_by: dict[str, list[str]] = {}
    for host in estate.hosts.values():
        hw = host.hardware
        crit, site = _value(host.criticality), host.site
        for what, day in (("warranty", hw.warranty_end), ("end_of_life", hw.end_of_life)):
            if day <= until:
                out.events.append(Event(day, host.name, what, day < today, crit, site, hw.model))
        if hw.replaces is not None:
            if hw.replaces.host:
                replaced_by.setdefault(hw.replaces.host, []).append(host.name)
            c = comparison(estate, host)
            if c is not None:
                out.replacements.append(c)
    for host in estate.hosts.values():
        hw = host.hardware
        if hw.end_of_life <= until:
            out.retire.append(Retirement(hw.end_of_life, host.name, _value(host.criticality),
                                         host.site, hw.model, hw.end_of_life < today,
                                         tuple(sorted(replaced_by.get(host.name, ())))))
    out.events.sort(key=lambda e: (e.day, rank(e.criticality), e.host, e.what))
    out.retire.sort(key=lambda r: (r.day, rank(r.criticality), r.host))
    out.replacements.sort(key=lambda c: c.host)
    return out
