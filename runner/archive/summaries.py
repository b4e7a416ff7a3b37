"""One line per record for the auditor's timeline, read from the record's own header: what an
inspection found, which part moved where, which step an incident took, who was assigned."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _movement(head: dict[str, Any]) -> str:
    m = head.get("movement") or {}
    q = m.get("quantity") or {}
    where = f" for {m['host']}" if m.get("host") else ""
    why = f" ({m['reason']})" if m.get("reason") else ""
    return (f"{m.get('action')} {m.get('part')} at {m.get('depot')}{where}: stock "
            f"{q.get('before')} -> {q.get('after')}{why}")


def _incident(head: dict[str, Any]) -> str:
    step = head.get("step") or {}
    by = f" by {step['by']}" if step.get("by") else ""
    return f"{head.get('incident')}: {step.get('event')}{by}, now {head.get('state')}"


def _assignment(head: dict[str, Any]) -> str:
    return (f"{head.get('finding')}: owner {head.get('previous_owner')} -> {head.get('owner')}"
            f" by {head.get('by')}")


def _findings(head: dict[str, Any]) -> str:
    moved = len(head.get("findings") or [])
    alarms = len(head.get("incidents") or [])
    return f"{moved} finding(s) moved" + (f", {alarms} incident clock alarm(s)" if alarms else "")


def _spares_check(head: dict[str, Any]) -> str:
    s = head.get("summary") or {}
    sites = ", ".join(str(x) for x in s.get("sites_short") or [])
    return (f"{s.get('commitments')} commitment(s), {s.get('short')} short"
            + (f" ({sites})" if sites else "") + f"; {_findings(head)}")


def _lifecycle_check(head: dict[str, Any]) -> str:
    s = head.get("summary") or {}
    return (f"{s.get('past_end_of_life')} past end of life, {s.get('out_of_warranty')} out of "
            f"warranty; {_findings(head)}")


def _monthly(head: dict[str, Any]) -> str:
    files = ", ".join(sorted(head.get("files") or {}))
    return f"monthly report {head.get('month')} ({head.get('lang')}): {files}"


_BY_KIND: dict[str, Callable[[dict[str, Any]], str]] = {
    "spares-movement": _movement,
    "incident": _incident,
    "assignment": _assignment,
    "escalation": _findings,
    "spares-check": _spares_check,
    "lifecycle-check": _lifecycle_check,
    "monthly-report": _monthly,
}


def record_summary(head: dict[str, Any]) -> str:
    """The record's one-line summary: its kind's own wording, else its ``summary`` as JSON,
    else the finding moves it justifies (a cadence breach, a waiver lapse)."""
    own = _BY_KIND.get(str(head.get("kind")))
    if own is not None:
        try:
            return own(head)
        except (AttributeError, TypeError):  # a hand-made record: fall back to its summary
            pass
    if head.get("summary") is not None:
        return json.dumps(head["summary"], sort_keys=True)
    if head.get("findings") is not None:
        return _findings(head)
    return "(no summary)"
