"""Adapters from the estate's models to the plain values findings work on."""

from __future__ import annotations

from typing import Any

from .findings import Context, Policy, WaiverRule, waiver_end


def policy_of(service: Any) -> Policy:
    r, e, c = service.rectification, service.escalation, service.cadence
    return Policy(
        deadlines={"critical": r.critical, "high": r.high, "medium": r.medium, "low": r.low},
        warn_at=e.warn_at / 100,
        overdue_at=e.overdue_at / 100,
        penalty_grace=e.penalty_grace,
        unreachable_after_runs=service.unreachable_after_runs,
        cadence_limits={"daily": c.daily, "weekly": c.weekly, "monthly": c.monthly},
    )


def host_zones(estate: Any) -> dict[str, str]:
    return {name: str(estate.sites[h.site].timezone) for name, h in estate.hosts.items()}


def waiver_rules(estate: Any) -> list[WaiverRule]:
    """A waiver naming one host ends with its day in that host's site zone; a selector's in UTC."""
    zones = host_zones(estate)
    rules = []
    for w in estate.waivers:
        if w.host is not None:
            hosts: Any = {w.host}
            tz = zones.get(w.host, "UTC")
        else:
            hosts, tz = w.hosts, "UTC"
        rules.append(WaiverRule(hosts, w.check, w.reason, w.approved_by, waiver_end(w.expires, tz)))
    return rules


def context_of(estate: Any) -> Context:
    return Context(policy_of(estate.service), waiver_rules(estate), dict(estate.hosts),
                   host_zones(estate))
