"""The monthly assessment (月考核): penalty points from the service policy's ``penalties``.

- each finding that reached ``penalised`` in the month: the points of its severity, charged to
  its host's site and owner (a spare-part finding: its site, no owner);
- each cadence breach opened in the month: ``cadence_breach`` points per (site, owner) of the
  hosts in breach — a breached clock for those hosts (and so for a penalised cadence finding);
- each incident clock breached (``response_breach``, ``on_site_breach``): charged to the
  incident's site and owner.
Totals per site and per owner, sorted by points then name.

The score is the service policy's ``assessment.full_score`` less every point (never below 0),
graded by its bands (the first, highest first, whose ``min`` the score reaches). A cadence
breach whose finding is then penalised is charged once (the breach; ``cadence_charged:
once``, the default) or twice (``twice``: the breach and the penalised finding); the report
says which. The year view (年总评) is each month's assessment of the year so far, summed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .findings import Event

NO_OWNER = ""


@dataclass(frozen=True)
class Item:
    finding: str
    reason: str  # "penalised" | "cadence_breach" | "response_breach" | "on_site_breach"
    severity: str
    site: str
    owner: str
    at: datetime
    points: int


@dataclass
class Assessment:
    items: list[Item] = field(default_factory=list)
    by_site: list[tuple[str, int]] = field(default_factory=list)
    by_owner: list[tuple[str, int]] = field(default_factory=list)
    full_score: int = 100
    bands: list[tuple[str, int]] = field(default_factory=list)  # (grade, min), highest first
    cadence_charged: str = "once"

    @property
    def total(self) -> int:
        return sum(i.points for i in self.items)

    @property
    def score(self) -> int:
        return max(self.full_score - self.total, 0)

    @property
    def grade(self) -> str:
        return grade_of(self.score, self.bands)


def grade_of(score: int, bands: Sequence[tuple[str, int]]) -> str:
    for name, least in sorted(bands, key=lambda b: -b[1]):
        if score >= least:
            return name
    return ""


@dataclass(frozen=True)
class MonthScore:
    month: str  # YYYY-MM
    points: int
    score: int
    grade: str


@dataclass
class Year:
    """年总评: the months of the year so far, each as its own report scores it."""

    year: int
    months: list[MonthScore] = field(default_factory=list)
    full_score: int = 100

    @property
    def points(self) -> int:
        return sum(m.points for m in self.months)

    @property
    def average(self) -> float | None:
        return sum(m.score for m in self.months) / len(self.months) if self.months else None


def _where(kind: str, subject: str, hosts: dict[str, Any]) -> tuple[str, str]:
    if kind == "spares":
        return subject, NO_OWNER
    h = hosts.get(subject)
    return (str(h.site), str(h.owner)) if h is not None else ("", NO_OWNER)


def _groups(e: Event, hosts: dict[str, Any]) -> list[tuple[str, str]]:
    """Where a finding's points go: a cadence finding's hosts in breach by (site, owner)."""
    if e.kind != "cadence":
        return [_where(e.kind, e.subject, hosts)]
    late = e.value if isinstance(e.value, list) else []
    return sorted({_where("check", str(h), hosts) for h in late}) or [("", NO_OWNER)]


def build(events: list[Event], hosts: dict[str, Any], penalties: Any,
          incident_breaches: Sequence[Any] = (), scoring: Any = None) -> Assessment:
    """``scoring``: the service policy's ``assessment`` (full score, grade bands, how a
    cadence breach is charged); None: 100, no bands, charged once."""
    out = Assessment()
    if scoring is not None:
        out.full_score = int(scoring.full_score)
        out.bands = [(str(b.grade), int(b.min)) for b in scoring.grades]
        out.cadence_charged = str(scoring.cadence_charged)
    for b in incident_breaches:
        reason = f"{b.clock}_breach"
        out.items.append(Item(b.incident, reason, b.severity, b.site, b.owner, b.breached,
                              int(getattr(penalties, reason, 0))))
    points = {str(getattr(k, "value", k)): int(v) for k, v in penalties.penalised.items()}
    for e in events:
        if e.event == "penalised":
            if e.kind == "cadence" and out.cadence_charged == "once":
                continue  # the breach itself was charged
            for site, owner in _groups(e, hosts):
                out.items.append(Item(e.finding, "penalised", e.severity, site, owner, e.at,
                                      points.get(e.severity, 0)))
        elif e.kind == "cadence" and e.event in ("opened", "reopened"):
            for site, owner in _groups(e, hosts):
                out.items.append(Item(e.finding, "cadence_breach", e.severity, site, owner,
                                      e.at, int(penalties.cadence_breach)))
    out.items.sort(key=lambda i: (i.at, i.finding, i.reason, i.site, i.owner))
    site_t: Counter[str] = Counter()
    owner_t: Counter[str] = Counter()
    for i in out.items:
        site_t[i.site] += i.points
        owner_t[i.owner] += i.points
    out.by_site = sorted(site_t.items(), key=lambda kv: (-kv[1], kv[0]))
    out.by_owner = sorted(owner_t.items(), key=lambda kv: (-kv[1], kv[0]))
    return out
