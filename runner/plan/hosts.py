"""Hosts added, removed and changed (each field old → new), grouped by site.

A changed host is grouped under its head site (a move between sites shows as ``site: a → b``);
a removed host under its base site. An unchanged host costs an identity check: the base
reuses the head's objects wherever the data is the same (see ``load.py``).

When a change moves a host in or out of a selector (its name, role, site, environment or
tags changed), the plan says which checklists, checks, upgrade plans and waivers it joins
and leaves.
"""

from __future__ import annotations

from ..estate import Estate, Host
from . import waivers
from .fields import diff_fields
from .keyed import keyed_changes
from .model import ADDED, CHANGED, REMOVED, Change, Detail, FieldChange

SELECTED_BY = ("name", "role", "site", "environment", "tags")  # what selectors look at


def summary(host: Host) -> str:
    return (f"{host.role}, {host.environment.value}, {host.criticality.value}, "
            f"{host.hardware.model}, {host.address}")


def diff(base: Estate, head: Estate) -> list[Change]:
    def changed(name: str, old: Host, new: Host) -> Change | None:
        fields = diff_fields(old, new)
        return Change(name, CHANGED, fields, group=new.site,
                      details=_moves(base, old, head, new, fields)) if fields else None

    out = keyed_changes(
        base.hosts, head.hosts,
        added=lambda name, new: Change(name, ADDED, group=new.site, summary=summary(new)),
        removed=lambda name, old: Change(name, REMOVED, group=old.site, summary=summary(old)),
        changed=changed)
    return sorted(out, key=lambda c: (c.group or "", c.key))


def memberships(estate: Estate, host: Host) -> set[str]:
    """Every checklist, check with its own selector, upgrade plan and waiver that covers host."""
    out = set()
    for stem, checklist in estate.checklists.items():
        if checklist.hosts.matches(host):
            out.add(f"checklist {stem}")
            out.update(f"check {stem}/{c.id}" for c in checklist.checks
                       if c.hosts is not None and c.hosts.matches(host))
    out.update(f"upgrade plan {stem}" for stem, plan in estate.upgrades.items()
               if plan.targets.matches(host))
    out.update(f"waiver {waivers.key(w)}" for w in estate.waivers
               if (w.host == host.name if w.host is not None else w.hosts.matches(host)))
    return out


def _moves(base: Estate, old: Host, head: Estate, new: Host, fields: list[FieldChange],
           ) -> list[Detail]:
    if not any(f.field.split(".")[0] in SELECTED_BY for f in fields):
        return []
    before, after = memberships(base, old), memberships(head, new)
    out = []
    if after - before:
        out.append(Detail("joins", sorted(after - before), noun="policy"))
    if before - after:
        out.append(Detail("leaves", sorted(before - after), noun="policy"))
    return out
