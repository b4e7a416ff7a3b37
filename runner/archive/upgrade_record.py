"""The upgrade record (kind ``upgrade``): plain data in a fixed key order, no I/O.

Per wave: its spec, hosts, failures, whether it halted and whom it rolled back. Per host: its
wave, outcome, versions before and after (and after the rollback), and the pre-/post-check
verdicts in the same shape as an inspection record's (passing checks by id, exceptions with
their measured value and reason), so a 1,000-host rollout stays tens of KB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..clock import iso
from .records import FORMAT, check_entry

if TYPE_CHECKING:
    from ..results import Result
    from ..upgrade.model import HostUpgrade, UpgradeRun


def _checks(results: dict[str, Result]) -> dict[str, Any]:
    """Like an inspection record: passing checks by id, exceptions with value and reason."""
    from ..results import Status

    doc: dict[str, Any] = {"pass": sorted(c for c, r in results.items()
                                          if r.status is Status.PASS)}
    exceptions = {cid: check_entry(results[cid], None) for cid in sorted(results)
                  if results[cid].status is not Status.PASS}
    if exceptions:
        doc["exceptions"] = exceptions
    return doc


def _versions(versions: dict[str, str | None] | None) -> dict[str, Any] | None:
    return None if versions is None else {p: versions[p] for p in sorted(versions)}


def host_entry(hu: HostUpgrade) -> dict[str, Any]:
    doc: dict[str, Any] = {"wave": hu.wave, "outcome": hu.outcome.value}
    if hu.message:
        doc["message"] = hu.message
    if hu.window_opens is not None:
        doc["window_opens"] = iso(hu.window_opens)
    if hu.before:
        doc["before"] = _versions(hu.before)
    if hu.after is not None:
        doc["after"] = _versions(hu.after)
    if hu.pre_checks:
        doc["pre_checks"] = _checks(hu.pre_checks)
    if hu.post_checks:
        doc["post_checks"] = _checks(hu.post_checks)
    if hu.rollback is not None:
        doc["rollback"] = {
            "ok": hu.rollback.ok,
            "after": _versions(hu.rollback.after),
            "post_checks": _checks(hu.rollback.post_checks),
        }
        if hu.rollback.message:
            doc["rollback"]["message"] = hu.rollback.message
    return doc


def summary(run: UpgradeRun) -> dict[str, Any]:
    from ..upgrade.model import Outcome

    counts = {o.value: run.count(o) for o in Outcome if run.count(o)}
    return {
        "result": run.result,
        "halted_after_wave": run.halted_after_wave,
        "hosts": len(run.hosts),
        "outcomes": dict(sorted(counts.items())),
        "inventory_updated": sorted(run.inventory_changes),
    }


def upgrade_record(run: UpgradeRun, plan: Any, header: dict[str, Any],
                   previous: tuple[str, str] | None) -> dict[str, Any]:
    """The record body (without its seal)."""
    window = plan.window
    body: dict[str, Any] = {"format": FORMAT, "kind": "upgrade", "run": run.run_id}
    body.update(header)
    body["plan_name"] = plan.name
    body["packages"] = {p: run.packages[p] for p in sorted(run.packages)}
    body["window"] = {
        "days": [str(getattr(d, "value", d)) for d in window.days] if window.days else None,
        "start": window.start.strftime("%H:%M"),
        "end": window.end.strftime("%H:%M"),
        "timezone": window.timezone,
    }
    body["halt"] = {"max_failures": plan.halt.max_failures}
    body["rollback"] = plan.rollback
    body["previous"] = {"record": previous[0], "sha256": previous[1]} if previous else None
    body["summary"] = summary(run)
    body["waves"] = [
        {"wave": w.number, "spec": w.spec, "hosts": list(w.hosts), "started": w.started,
         "failures": w.failures, "halted": w.halted, "rolled_back": list(w.rolled_back)}
        for w in run.waves
    ]
    body["hosts"] = {name: host_entry(run.hosts[name]) for name in sorted(run.hosts)}
    return body
