"""Findings from spare-part coverage and equipment lifecycle, through the findings lifecycle.

- A commitment short at a site opens ``_spares/<site>.<part>``; it closes once the site is
  covered again (or nothing there needs the part any more).
- A host past its end of life opens ``<host>/lifecycle.end_of_life``; out of warranty,
  ``<host>/lifecycle.warranty``; each closes when the date moves or the host leaves the
  inventory.

Severities and deadlines come from the service policy's ``equipment:`` section (a deadline
left out is the rectification deadline of the severity); due dates count on the site's clock.
Pure functions over plain data; ``now`` is a parameter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..estate.duration import format_duration
from ..findings.escalation import escalate
from ..findings.lifecycle import Opening, Step, close, raise_finding
from ..findings.model import ACTIVE, Finding, Transition, finding_id
from ..findings.policy import Context, Policy
from .coverage import Coverage, Line
from .lifecycle import Lifecycle


def _rating(equipment: Any, what: str) -> tuple[str, Any]:
    rule = getattr(equipment, what)
    return str(getattr(rule.severity, "value", rule.severity)), rule.deadline


def shortfall_reason(line: Line) -> str:
    return (f"{line.site}: {line.part}: {line.reachable} reachable within "
            f"{format_duration(line.delivery)}, commitment {line.rule} requires "
            f"{line.required}: short by {line.shortfall}")


def apply_shortfalls(findings: dict[str, Finding], cov: Coverage, *, run: str, now: datetime,
                     policy: Policy, equipment: Any, site_tz: dict[str, str]
                     ) -> list[Transition]:
    """Open a finding per short commitment and site; close the ones no longer short."""
    step = Step(run, now, Context(policy, [], {}, {}))
    severity, deadline = _rating(equipment, "shortfall")
    short: set[str] = set()
    for line in cov.short:
        fid = finding_id("spares", line.site, "spares", line.part)
        short.add(fid)
        value = {"required": line.required, "reachable": line.reachable,
                 "shortfall": line.shortfall}
        o = Opening("spares", line.site, "spares", line.part, severity, value,
                    shortfall_reason(line), deadline=deadline)
        raise_finding(findings, fid, o, step, site_tz.get(line.site, "UTC"))
    for fid in sorted(findings):
        if findings[fid].kind == "spares" and fid not in short:
            close(findings[fid], step)
    step.out.extend(escalate(findings, now, policy))
    return step.out


def apply_lifecycle(findings: dict[str, Finding], life: Lifecycle, *, run: str, now: datetime,
                    policy: Policy, equipment: Any, host_tz: dict[str, str]
                    ) -> list[Transition]:
    """Open a finding per host past end of life or out of warranty; close the rest."""
    step = Step(run, now, Context(policy, [], {}, {}))
    raised: set[str] = set()
    words = {"end_of_life": "end of life", "warranty": "warranty ended"}
    for event in life.past:
        fid = finding_id("lifecycle", event.host, "lifecycle", event.what)
        raised.add(fid)
        severity, deadline = _rating(equipment, event.what)
        o = Opening("lifecycle", event.host, "lifecycle", event.what, severity,
                    event.day.isoformat(),
                    f"{words[event.what]} {event.day.isoformat()} passed; {event.host} "
                    f"({event.model}) is still in service", deadline=deadline)
        raise_finding(findings, fid, o, step, host_tz.get(event.host, "UTC"))
    for fid in sorted(findings):
        f = findings[fid]
        if f.kind == "lifecycle" and fid not in raised and f.state in ACTIVE:
            close(f, step)
    step.out.extend(escalate(findings, now, policy))
    return step.out
