"""Cadence compliance: when did each checklist last complete on each host, read from records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import archive


def last_runs(root: Path, now: datetime, horizon: timedelta) -> dict[tuple[str, str], datetime]:
    """(checklist, host) -> finish time of the newest run that reached the host.

    Only records of the months within ``horizon`` are read, so the cost stays bounded as
    the archive grows (no cadence is longer than the horizon).
    """
    oldest = now - horizon
    months = set()
    cursor = datetime(oldest.year, oldest.month, 1, tzinfo=UTC)
    while cursor <= now:
        months.add(f"{cursor.year:04d}/{cursor.month:02d}")
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    out: dict[tuple[str, str], datetime] = {}
    for month in sorted(months):
        for rec in sorted((root / archive.RUNS / month).glob("*.yaml")):
            doc: dict[str, Any] = archive.load_yaml(rec.read_bytes()) or {}
            if doc.get("kind") != "inspect" or not doc.get("finished"):
                continue
            finished = datetime.strptime(doc["finished"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            if finished > now:
                continue
            for host, h in (doc.get("hosts") or {}).items():
                if h == "pass" or (isinstance(h, dict) and h.get("reachable")):
                    key = (doc["checklist"], host)
                    if key not in out or out[key] < finished:
                        out[key] = finished
    return out


def expected(estate: Any) -> dict[str, tuple[str, list[str]]]:
    """checklist -> (cadence, hosts it must cover)."""
    out: dict[str, tuple[str, list[str]]] = {}
    for name, c in estate.checklists.items():
        cadence = str(getattr(c.cadence, "value", c.cadence))
        out[name] = (cadence, [h.name for h in estate.select(c.hosts)])
    return out
