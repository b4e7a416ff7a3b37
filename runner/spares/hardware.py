"""Which spare part replaces a failed component, and which stock can reach the host in time.

The BMC names components by kind (power supply, fan, drive, memory, controller); the estate's
hardware model names the parts it uses, each with a ``category``. For a host this module gives,
per category, the model's parts with their vendor part numbers, the commitment's delivery time
and every depot holding the part: how fast it reaches the host's site and whether that is
within the commitment (the rule of ``coverage.py``: a depot on the site reaches it at once).
Plain JSON, so the judge (``checks/hardware_health.py``) stays pure and the record keeps it.

``demand`` counts the other way round: every failed component of an unresolved finding that
names a spare is one of that part wanted at the host's site, which the coverage table adds to
what the commitment requires there (a part about to be used is not stock to count on).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..estate.duration import format_duration
from .coverage import reach

CATEGORIES = ("power", "fan", "disk", "memory", "controller", "processor")


def spares_for(estate: Any, host: Any) -> dict[str, list[dict[str, Any]]]:
    """Category -> the host model's parts of it, each with its stock in reach (see above)."""
    model = estate.models.get(host.hardware.model)
    if model is None:
        return {}
    commitments = {c.part: c for c in estate.commitments}
    out: dict[str, list[dict[str, Any]]] = {}
    for use in model.parts:
        part = estate.parts.get(use.part)
        if part is None or not part.category:
            continue
        c = commitments.get(part.id)
        depots = []
        for entry in estate.stock:
            depot = estate.depots.get(entry.depot)
            if entry.part != part.id or depot is None or entry.quantity <= 0:
                continue
            t = reach(depot, host.site)
            depots.append({
                "depot": depot.id, "quantity": int(entry.quantity),
                "reaches": format_duration(t) if t is not None else None,
                "in_time": t is not None and c is not None and t <= c.delivery,
                "_order": (t is None, t.total_seconds() if t is not None else 0, depot.id)})
        depots.sort(key=lambda d: d.pop("_order"))
        out.setdefault(str(part.category).lower(), []).append({
            "part": part.id, "description": part.description,
            "vendor_part_number": part.vendor_part_number,
            "delivery": format_duration(c.delivery) if c is not None else None,
            "site": host.site, "depots": depots})
    return out


def demand(findings: Mapping[str, Any], estate: Any) -> dict[tuple[str, str], int]:
    """(site, part) -> failed components waiting for that part, from findings not closed."""
    out: Counter[tuple[str, str]] = Counter()
    for f in findings.values():
        state = str(getattr(f.state, "value", f.state))
        if f.kind != "check" or state == "closed" or not isinstance(f.value, dict):
            continue
        host = estate.hosts.get(f.subject)
        for failed in f.value.get("failed") or []:
            part = (failed.get("spare") or {}).get("part") if isinstance(failed, dict) else None
            if host is not None and part:
                out[(host.site, str(part))] += 1
    return dict(out)
