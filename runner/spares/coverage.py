"""Spare-part coverage per site: what each commitment requires where the parts are used, what
stock can reach there within the promised delivery time, and the shortfall.

The rules, for each site S and each part P used by a model of a host at S:

- **hosts**: the hosts at S whose model uses P (a host counts once however many units of P
  its model holds; a model with no host at S asks nothing there).
- **required**: ``min_stock: N`` requires N at S; ``per_hosts: K`` requires one spare per K
  of those hosts, rounded up (3 hosts, ``per_hosts: 2`` -> 2).
- **reach**: a depot on site S reaches S at once (0h); any depot reaches the sites listed in
  its ``reaches`` in the time given there; a depot on no site with no ``reaches`` reaches
  nothing. Stock counts for S when its depot reaches S within the commitment's ``delivery``
  (exactly equal counts). A depot reaching several sites counts its whole stock for each:
  a shared depot is not split between sites.
- **channel**: a ``depot`` commitment is met by reachable stock. A ``vendor`` or
  ``distributor`` commitment is met by its supplier's ``lead_time`` (default: the delivery
  time itself) when that is within ``delivery``; when it is longer, reachable stock must
  cover it as for a depot.
- **shortfall**: required (plus the *demand*: failed parts of that kind at S waiting for a
  spare, from hardware findings) minus reachable, never below 0; a commitment with a
  shortfall is *short*.

Also reported: models in service with a part that has no commitment, commitments for parts
that no model in service uses, and stock of parts that no model in service uses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

ZERO = timedelta(0)


@dataclass(frozen=True)
class Line:
    """One commitment at one site."""

    site: str
    part: str
    hosts: int
    rule: str  # "min_stock 2" or "per_hosts 2"
    required: int
    delivery: timedelta
    channel: str
    reachable: int
    depots: tuple[tuple[str, int], ...]  # (depot, quantity) counted as reachable
    met_by_lead_time: bool = False
    lead_time: timedelta | None = None
    demand: int = 0  # failed components at the site waiting for this part (spares/hardware.py)

    @property
    def shortfall(self) -> int:
        wanted = self.required + self.demand
        return 0 if self.met_by_lead_time else max(0, wanted - self.reachable)

    @property
    def short(self) -> bool:
        return self.shortfall > 0


@dataclass
class Coverage:
    lines: list[Line] = field(default_factory=list)  # sorted by (site, part)
    uncommitted: list[tuple[str, str, int]] = field(default_factory=list)  # model, part, hosts
    unused_commitments: list[str] = field(default_factory=list)  # parts
    unused_stock: list[tuple[str, str, int]] = field(default_factory=list)  # part, depot, qty

    @property
    def short(self) -> list[Line]:
        return [line for line in self.lines if line.short]

    def at(self, site: str, part: str) -> Line | None:
        for line in self.lines:
            if (line.site, line.part) == (site, part):
                return line
        return None


def required(commitment: Any, hosts: int) -> int:
    """How many spares a commitment requires at a site where ``hosts`` hosts use the part."""
    if commitment.min_stock is not None:
        return int(commitment.min_stock)
    return -(-hosts // int(commitment.per_hosts))  # ceiling division


def rule_text(commitment: Any) -> str:
    if commitment.min_stock is not None:
        return f"min_stock {commitment.min_stock}"
    return f"per_hosts {commitment.per_hosts}"


def reach(depot: Any, site: str) -> timedelta | None:
    """How fast ``depot`` reaches ``site`` (None: it does not)."""
    if depot.site == site:
        return ZERO
    return depot.reaches.get(site)


def hosts_per_site_part(estate: Any) -> dict[tuple[str, str], int]:
    """(site, part) -> hosts at the site whose model uses the part (counted per model first:
    the host loop is the only per-host work)."""
    per_model = Counter((h.site, h.hardware.model) for h in estate.hosts.values())
    out: Counter[tuple[str, str]] = Counter()
    for (site, model_id), n in per_model.items():
        model = estate.models.get(model_id)
        for part in {u.part for u in model.parts} if model else ():
            out[(site, part)] += n
    return dict(out)


def coverage(estate: Any, sites: set[str] | None = None,
             demand: dict[tuple[str, str], int] | None = None) -> Coverage:
    """The coverage table of the estate (only ``sites`` when given); ``demand``: (site, part)
    -> failed parts waiting for a spare there, wanted on top of the commitment."""
    used = hosts_per_site_part(estate)
    commitments = {c.part: c for c in estate.commitments}
    stock: dict[str, list[tuple[str, int]]] = {}
    for entry in estate.stock:
        stock.setdefault(entry.part, []).append((entry.depot, entry.quantity))
    out = Coverage()
    for site, part in sorted(used):
        c = commitments.get(part)
        if c is None or (sites is not None and site not in sites):
            continue
        depots = tuple(sorted(
            (depot, qty) for depot, qty in stock.get(part, [])
            if depot in estate.depots and qty > 0
            and (t := reach(estate.depots[depot], site)) is not None and t <= c.delivery))
        channel = str(getattr(c.channel, "value", c.channel))
        lead = c.lead_time if c.lead_time is not None else c.delivery
        out.lines.append(Line(
            site, part, used[(site, part)], rule_text(c), required(c, used[(site, part)]),
            c.delivery, channel, sum(q for _, q in depots), depots,
            met_by_lead_time=channel != "depot" and lead <= c.delivery,
            lead_time=lead if channel != "depot" else None,
            demand=(demand or {}).get((site, part), 0)))
    in_service = Counter(h.hardware.model for h in estate.hosts.values())
    used_parts = set()
    for model_id in sorted(in_service):
        model = estate.models.get(model_id)
        for use in model.parts if model else ():
            used_parts.add(use.part)
            if use.part not in commitments:
                out.uncommitted.append((model_id, use.part, in_service[model_id]))
    out.unused_commitments = sorted(p for p in commitments if p not in used_parts)
    out.unused_stock = sorted((e.part, e.depot, e.quantity) for e in estate.stock
                              if e.part not in used_parts)
    return out
