"""The documents a run writes: the run record and each host's status (plain dicts, no I/O).

Status files hold only what is stable — the verdict, since when, and a failing check's
reason — so an unchanged fleet rewrites them byte for byte; jittering measured values go
to the run record only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..clock import iso
from ..results import HostResult, Result, Status
from .evidence import evidence

FORMAT = "patrol/run-record/v1"

__all__ = ["FORMAT", "check_entry", "findings_record", "iso", "plain", "run_record", "status_doc",
           "unreachable_runs"]


def preamble(kind: str, run_id: str, header: Mapping[str, Any],
             previous: tuple[str, str] | None) -> dict[str, Any]:
    """Every record's first keys, in this order: format, kind, run, the run header, and the
    link to the record before it (None for the chain's first)."""
    body: dict[str, Any] = {"format": FORMAT, "kind": kind, "run": run_id, **header}
    body["previous"] = {"record": previous[0], "sha256": previous[1]} if previous else None
    return body


def plain(value: Any) -> Any:
    """Values safe for a YAML dump with sorted, stable mapping order."""
    if isinstance(value, dict):
        return {str(k): plain(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 3)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def check_entry(result: Result, severity: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"status": result.status.value}
    if severity:
        entry["severity"] = severity
    entry["value"] = plain(result.value)
    entry["reason"] = result.reason
    return entry


def run_record(
    *,
    run_id: str,
    kind: str,
    header: dict[str, Any],
    results: dict[str, HostResult],
    summary: dict[str, Any],
    previous: tuple[str, str] | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The record body (without its seal); key order fixed here, hosts and checks sorted.

    Exceptions carry status, measured value and reason; passing checks are listed by id
    only, and a host whose every check passed is the single word ``pass``. ``evidence``
    then keeps every check's measured value, passes too, one bucketed line per host
    (``archive.evidence``), so the archive grows with what changed, not with the jitter.
    """
    severities: dict[str, str | None] = {}
    for hr in results.values():
        severities.update({cid: None for cid in hr.checks if cid not in severities})
        severities.update(hr.severities)
    hosts: dict[str, Any] = {}
    for name in sorted(results):
        hr = results[name]
        if not hr.measured:
            hosts[name] = {"measured": False, "message": hr.message}
            continue
        if not hr.reachable:
            hosts[name] = {"reachable": False, "message": hr.message}
            continue
        passed = sorted(c for c, r in hr.checks.items() if r.status is Status.PASS)
        exceptions = {
            cid: check_entry(hr.checks[cid], None)
            for cid in sorted(hr.checks)
            if hr.checks[cid].status is not Status.PASS
        }
        if not exceptions and len(passed) == len(severities):
            hosts[name] = "pass"
            continue
        doc: dict[str, Any] = {"reachable": True, "pass": passed}
        if exceptions:
            doc["exceptions"] = exceptions
        hosts[name] = doc
    body = preamble(kind, run_id, header, previous)
    body["summary"] = summary
    if extra:
        body.update(extra)
    body["checks"] = {cid: severities[cid] for cid in sorted(severities)}
    body["hosts"] = hosts
    body["evidence"] = evidence(results)
    return body


def findings_record(*, run_id: str, kind: str, header: dict[str, Any],
                    previous: tuple[str, str] | None, findings: list[dict[str, Any]],
                    extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A run that only moves findings (escalation, waiver lapse, cadence breach): the record
    that justifies each finding file it changes."""
    body = preamble(kind, run_id, header, previous)
    body["summary"] = {"findings": len(findings)}
    if extra:
        body.update(extra)
    body["findings"] = findings
    return body


def status_doc(
    old: dict[str, Any] | None, host: str, checklist: str, run_id: str, hr: HostResult
) -> dict[str, Any]:
    """The host's latest verdict per ``checklist/check``, carried forward from ``old``."""
    old = old or {}
    if not hr.measured:  # nothing new is known about the host: its status stays as it was
        return dict(old) if old else {"host": host, "checks": {}}
    old_checks: dict[str, Any] = dict(old.get("checks") or {})
    checks = dict(old_checks)
    if hr.reachable:
        prefix = f"{checklist}/"
        for key in [k for k in checks if k.startswith(prefix)]:
            del checks[key]
        for cid, result in hr.checks.items():
            key = prefix + cid
            before = old_checks.get(key) or {}
            entry: dict[str, Any] = {"status": result.status.value}
            same = before.get("status") == result.status.value
            entry["since"] = before.get("since", run_id) if same else run_id
            if result.status is not Status.PASS:
                entry["reason"] = result.reason
            checks[key] = entry
    doc: dict[str, Any] = {"host": host}
    was_reachable = old.get("reachable", True)
    doc["reachable"] = hr.reachable
    if not hr.reachable:
        doc["unreachable_since"] = (
            old.get("unreachable_since", run_id) if not was_reachable else run_id
        )
        doc["unreachable_runs"] = unreachable_runs(old, hr)
    doc["checks"] = {k: checks[k] for k in sorted(checks)}
    return doc


def unreachable_runs(old: dict[str, Any] | None, hr: HostResult) -> int:
    """Consecutive runs the host has now been unreachable (0 when reached; a host the run
    did not measure keeps its count)."""
    if hr.reachable:
        return 0
    old = old or {}
    if not hr.measured:
        return int(old.get("unreachable_runs", 0))
    return int(old.get("unreachable_runs", 0)) + 1 if old.get("reachable") is False else 1
