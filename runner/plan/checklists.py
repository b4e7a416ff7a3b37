"""Checklists and their checks: added, removed, changed (params/thresholds, severity, selector),
each with the number of hosts it affects.

A check's hosts are its checklist's hosts narrowed by the check's own selector. An added or
changed check affects its hosts at the head; a removed one, its hosts at the base. A checklist
whose selector changed also says how many hosts join and leave it.
"""

from __future__ import annotations

from ..estate import Check, Checklist, Estate
from .fields import diff_fields
from .model import ADDED, CHANGED, REMOVED, Change


def _names(estate: Estate, checklist: Checklist, check: Check | None = None) -> set[str]:
    return {h.name for h in estate.checklist_hosts(checklist, check)}


def _checks(base: Estate, head: Estate, old: Checklist | None, new: Checklist | None,
            ) -> list[Change]:
    a = {c.id: c for c in old.checks} if old else {}
    b = {c.id: c for c in new.checks} if new else {}
    out = []
    for cid in sorted(a.keys() | b.keys()):
        was, now = a.get(cid), b.get(cid)
        if now is None:
            hosts = len(_names(base, old, was))
            out.append(Change(cid, REMOVED, impact={"hosts": hosts},
                              summary=f"{was.kind}, {was.severity.value}"))
        elif was is None:
            hosts = len(_names(head, new, now))
            out.append(Change(cid, ADDED, diff_fields(None, now, skip=("id", "kind", "severity")),
                              impact={"hosts": hosts},
                              summary=f"{now.kind}, {now.severity.value}"))
        elif was != now:
            fields = diff_fields(was, now)
            if fields:
                out.append(Change(cid, CHANGED, fields, impact={"hosts": len(_names(head, new,
                                                                                     now))}))
    return out


def diff(base: Estate, head: Estate) -> list[Change]:
    out = []
    for stem in sorted(base.checklists.keys() | head.checklists.keys()):
        old, new = base.checklists.get(stem), head.checklists.get(stem)
        if old is new:
            continue
        if old is None:
            hosts = len(_names(head, new))
            out.append(Change(stem, ADDED, impact={"hosts": hosts, "checks": len(new.checks)},
                              summary=f"{new.name}, {new.cadence.value}, hosts '{new.hosts}'",
                              children=_checks(base, head, None, new)))
        elif new is None:
            hosts = len(_names(base, old))
            out.append(Change(stem, REMOVED, impact={"hosts": hosts, "checks": len(old.checks)},
                              summary=f"{old.name}, {old.cadence.value}, hosts '{old.hosts}'"))
        elif old != new:
            fields = diff_fields(old, new, skip=("checks",))
            children = _checks(base, head, old, new)
            before, after = _names(base, old), _names(head, new)
            impact = {"hosts": len(after)}
            if before != after:
                impact.update(hosts_before=len(before), hosts_joining=len(after - before),
                              hosts_leaving=len(before - after))
            if fields or children or before != after:
                out.append(Change(stem, CHANGED, fields, impact=impact, children=children))
    return out
