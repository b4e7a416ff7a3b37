"""Checklists and their checks: added, removed, changed (params/thresholds, severity, selector),
each with the number of hosts it affects.

A check's hosts are its checklist's hosts narrowed by the check's own selector. An added or
changed check affects its hosts at the head; a removed one, its hosts at the base. A checklist
whose selector changed also says how many hosts join and leave it.
"""

from __future__ import annotations

from ..estate import Check, Checklist, Estate
from .fields import diff_fields
from .keyed import keyed_changes
from .model import ADDED, CHANGED, REMOVED, Change


def _names(estate: Estate, checklist: Checklist, check: Check | None = None) -> set[str]:
    return {h.name for h in estate.checklist_hosts(checklist, check)}


def _checks(base: Estate, head: Estate, old: Checklist | None, new: Checklist | None,
            ) -> list[Change]:
    def added(cid: str, now: Check) -> Change:
        assert new is not None
        return Change(cid, ADDED, diff_fields(None, now, skip=("id", "kind", "severity")),
                      impact={"hosts": len(_names(head, new, now))},
                      summary=f"{now.kind}, {now.severity.value}")

    def removed(cid: str, was: Check) -> Change:
        assert old is not None
        return Change(cid, REMOVED, impact={"hosts": len(_names(base, old, was))},
                      summary=f"{was.kind}, {was.severity.value}")

    def changed(cid: str, was: Check, now: Check) -> Change | None:
        assert new is not None
        fields = diff_fields(was, now)
        return Change(cid, CHANGED, fields, impact={"hosts": len(_names(head, new, now))}) \
            if fields else None

    return keyed_changes({c.id: c for c in old.checks} if old else {},
                         {c.id: c for c in new.checks} if new else {},
                         added=added, removed=removed, changed=changed)


def diff(base: Estate, head: Estate) -> list[Change]:
    def added(stem: str, new: Checklist) -> Change:
        return Change(stem, ADDED, impact={"hosts": len(_names(head, new)),
                                           "checks": len(new.checks)},
                      summary=f"{new.name}, {new.cadence.value}, hosts '{new.hosts}'",
                      children=_checks(base, head, None, new))

    def removed(stem: str, old: Checklist) -> Change:
        return Change(stem, REMOVED, impact={"hosts": len(_names(base, old)),
                                             "checks": len(old.checks)},
                      summary=f"{old.name}, {old.cadence.value}, hosts '{old.hosts}'")

    def changed(stem: str, old: Checklist, new: Checklist) -> Change | None:
        fields = diff_fields(old, new, skip=("checks",))
        children = _checks(base, head, old, new)
        before, after = _names(base, old), _names(head, new)
        impact = {"hosts": len(after)}
        if before != after:
            impact.update(hosts_before=len(before), hosts_joining=len(after - before),
                          hosts_leaving=len(before - after))
        if fields or children or before != after:
            return Change(stem, CHANGED, fields, impact=impact, children=children)
        return None

    return keyed_changes(base.checklists, head.checklists,
                         added=added, removed=removed, changed=changed)
