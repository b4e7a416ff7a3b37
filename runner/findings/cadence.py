"""Cadence compliance: every checklist must complete on each of its hosts as often as the
contract says (daily, weekly, monthly, each with a limit in the service policy). A checklist in
breach gets one finding, closed once every host is back in time. When each checklist last
completed on each host is read from the run records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .. import archive
from ..clock import parse_iso
from ..estate.duration import format_duration
from .escalation import escalate
from .lifecycle import Opening, Step, close, raise_finding
from .model import Finding, Transition, finding_id
from .policy import Context, Policy


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
            doc: dict[str, Any] = archive.read_yaml_file(root, rec.relative_to(root).as_posix())
            if doc.get("kind") != "inspect" or not doc.get("finished"):
                continue
            finished = parse_iso(doc["finished"])
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


@dataclass(frozen=True)
class Breach:
    checklist: str
    cadence: str
    limit: timedelta
    hosts: dict[str, datetime | None]  # host -> last completed run (None: never)


def cadence_breaches(
    expected: dict[str, tuple[str, list[str]]],
    last_runs: dict[tuple[str, str], datetime],
    now: datetime,
    policy: Policy,
) -> list[Breach]:
    """``expected``: checklist -> (cadence, hosts it covers). A host breaches when its last
    completed run of that checklist is older than the cadence limit (exactly at the limit
    is still in time)."""
    out: list[Breach] = []
    for name in sorted(expected):
        cadence, hosts = expected[name]
        limit = policy.cadence_limits[cadence]
        late: dict[str, datetime | None] = {}
        for host in sorted(hosts):
            last = last_runs.get((name, host))
            if last is None or now - last > limit:
                late[host] = last
        if late:
            out.append(Breach(name, cadence, limit, late))
    return out


def apply_breaches(findings: dict[str, Finding], breaches: list[Breach], checklists: list[str],
                   now: datetime, policy: Policy) -> list[Transition]:
    """One finding per checklist in breach; closed once every host is back in time."""
    step = Step("compliance", now, Context(policy, [], {}, {}))
    by_name = {b.checklist: b for b in breaches}
    for name in sorted(checklists):
        fid = finding_id("cadence", "", name, "")
        b = by_name.get(name)
        if b is None:
            close(findings.get(fid), step)
            continue
        reason = (f"{len(b.hosts)} host(s) without a completed {b.cadence} run within "
                  f"{format_duration(b.limit)}: {', '.join(sorted(b.hosts))}")
        o = Opening("cadence", name, name, "cadence", policy.cadence_severity, sorted(b.hosts),
                    reason)
        raise_finding(findings, fid, o, step, "UTC")
    step.out.extend(escalate(findings, now, policy))
    return step.out
