"""The service policy's values findings work on, adapted from the estate's models, and the
context a run applies them in (policy, waivers, hosts, site zones)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .waivers import WaiverRule, waiver_rules


@dataclass(frozen=True)
class Policy:
    """The parts of the service policy findings need, as plain values."""

    deadlines: dict[str, timedelta]  # severity -> rectification deadline
    warn_at: float = 0.75  # fraction of the deadline
    overdue_at: float = 1.0
    penalty_grace: timedelta = timedelta(days=2)
    unreachable_after_runs: int = 3
    unreachable_severity: str = "high"
    cadence_limits: dict[str, timedelta] = field(
        default_factory=lambda: {
            "daily": timedelta(hours=26),
            "weekly": timedelta(days=8),
            "monthly": timedelta(days=32),
        }
    )
    cadence_severity: str = "high"


@dataclass(frozen=True)
class Context:
    """What applying a run needs besides results: the policy, waivers, site zones."""

    policy: Policy
    waivers: list[WaiverRule]
    hosts: dict[str, Any]  # name -> host object (for selector matching)
    host_tz: dict[str, str]  # name -> site timezone


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


def context_of(estate: Any) -> Context:
    zones = host_zones(estate)
    return Context(policy_of(estate.service), waiver_rules(estate, zones), dict(estate.hosts),
                   zones)
