"""Hosts added, removed and changed (each field old → new), grouped by site.

A changed host is grouped under its head site (a move between sites shows as ``site: a → b``);
a removed host under its base site. An unchanged host costs an identity check: the base
reuses the head's objects wherever the data is the same (see ``load.py``).
"""

from __future__ import annotations

from ..estate import Estate, Host
from .fields import diff_fields
from .model import ADDED, CHANGED, REMOVED, Change


def summary(host: Host) -> str:
    return (f"{host.role}, {host.environment.value}, {host.criticality.value}, "
            f"{host.hardware.model}, {host.address}")


def diff(base: Estate, head: Estate) -> list[Change]:
    out = []
    for name in sorted(base.hosts.keys() | head.hosts.keys()):
        old, new = base.hosts.get(name), head.hosts.get(name)
        if old is new:
            continue
        if old is None:
            out.append(Change(name, ADDED, group=new.site, summary=summary(new)))
        elif new is None:
            out.append(Change(name, REMOVED, group=old.site, summary=summary(old)))
        elif old != new:
            fields = diff_fields(old, new)
            if fields:
                out.append(Change(name, CHANGED, fields, group=new.site))
    return sorted(out, key=lambda c: (c.group or "", c.key))
