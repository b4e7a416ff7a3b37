"""Upgrade plans added, removed or changed: fields old → new, targeted hosts, window, and the
head's waves with the hosts in each.

A changed plan also shows when its targets changed even though its own YAML did not (hosts
changed role, site or tags): the waves a plan will run are what a reviewer needs to see.
"""

from __future__ import annotations

from ..estate import Estate, UpgradePlan, Window
from ..upgrade.waves import split_waves
from .fields import diff_fields
from .keyed import keyed_changes
from .model import ADDED, CHANGED, REMOVED, Change, Detail


def window_text(window: Window) -> str:
    days = ",".join(d.value for d in window.days) if window.days else "any day"
    zone = "each site's time zone" if window.timezone == "site" else window.timezone
    return f"{days} {window.start:%H:%M}-{window.end:%H:%M} ({zone})"


def _targets(estate: Estate, plan: UpgradePlan) -> list[str]:
    return [h.name for h in estate.select(plan.targets)]


def _waves(targets: list[str], plan: UpgradePlan) -> list[Detail]:
    waves = split_waves(targets, list(plan.waves))
    return [Detail(f"wave {i}", hosts) for i, hosts in enumerate(waves, 1)]


def _moved(base: Estate, head: Estate, plan: UpgradePlan) -> bool:
    """Whether any host joins or leaves the plan's targets (only differing hosts can)."""
    for name in base.hosts.keys() | head.hosts.keys():
        a, b = base.hosts.get(name), head.hosts.get(name)
        if a is not b and ((a is not None and plan.targets.matches(a))
                           != (b is not None and plan.targets.matches(b))):
            return True
    return False


def _summary(plan: UpgradePlan) -> str:
    packages = ", ".join(f"{k} {v}" for k, v in sorted(plan.packages.items()))
    return f"{plan.name}: {packages}; window {window_text(plan.window)}"


def diff(base: Estate, head: Estate) -> list[Change]:
    def added(stem: str, new: UpgradePlan) -> Change:
        targets = _targets(head, new)
        return Change(stem, ADDED, impact={"hosts": len(targets)}, summary=_summary(new),
                      details=_waves(targets, new))

    def removed(stem: str, old: UpgradePlan) -> Change:
        return Change(stem, REMOVED, impact={"hosts": len(_targets(base, old))},
                      summary=_summary(old))

    def changed(stem: str, old: UpgradePlan, new: UpgradePlan) -> Change | None:
        if old is new and not _moved(base, head, new):
            return None
        fields = diff_fields(old, new) if old is not new else []
        before, after = _targets(base, old), _targets(head, new)
        if not fields and before == after:
            return None
        impact = {"hosts": len(after)}
        if before != after:
            impact.update(hosts_before=len(before),
                          hosts_joining=len(set(after) - set(before)),
                          hosts_leaving=len(set(before) - set(after)))
        return Change(stem, CHANGED, fields, impact=impact, summary=_summary(new),
                      details=_waves(after, new))

    # same_too: a plan whose YAML did not change still moves when its targets do
    return keyed_changes(base.upgrades, head.upgrades,
                         added=added, removed=removed, changed=changed, same_too=True)
