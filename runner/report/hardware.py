"""Hardware failures in the month, for the report's spare-parts section: each failed component
a BMC reported (a ``hardware_health`` finding open at some time in the month), the spare part
it maps to and the depot named then, when it failed, when a clean reading closed it, how long
the replacement took, and the stock used on that host for it (``patrol spares use --host``).

The parts the failures still wait for are the coverage table's *demand* (``spares/hardware``),
so they appear among the shortfalls and in the work plan's reorders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .period import Month


@dataclass(frozen=True)
class HardwareFailure:
    host: str
    component: str  # the BMC's name for it
    path: str  # its Redfish path
    part: str  # the spare part of the host's model ("" when the model has none)
    depot: str  # the depot named as reaching the site in time ("" when none did)
    failed: datetime
    replaced: datetime | None  # the clean reading that closed the finding
    took: timedelta | None
    used: str  # stock used for it: "part from depot" of the movements, "" when none


def failures(findings: dict[str, Any], movements: list[dict[str, Any]], month: Month
             ) -> list[HardwareFailure]:
    """Failures open at some time in the month; ``movements``: parts used, each
    ``{"at", "part", "depot", "host"}``."""
    start, end = month.start, month.end
    out: list[HardwareFailure] = []
    for f in findings.values():
        value = f.value if isinstance(f.value, dict) else {}
        failed = [c for c in value.get("failed") or [] if isinstance(c, dict) and c.get("path")]
        if f.kind != "check" or not failed or f.opened_at >= end:
            continue
        if f.closed_at is not None and f.closed_at < start:
            continue
        for c in failed:
            spare = c.get("spare") or {}
            part = str(spare.get("part") or "")
            used = [m for m in movements if m.get("host") == f.subject and m.get("part") == part
                    and m["at"] >= f.opened_at and (f.closed_at is None or m["at"] <= f.closed_at)]
            out.append(HardwareFailure(
                f.subject, str(c.get("name") or ""), str(c["path"]), part,
                str(spare.get("depot") or ""), f.opened_at, f.closed_at,
                f.closed_at - f.opened_at if f.closed_at is not None else None,
                ", ".join(f"{m['part']} from {m['depot']}" for m in used)))
    return sorted(out, key=lambda x: (x.failed, x.host, x.path))
