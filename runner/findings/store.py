"""Findings as documents: one small YAML file each under reports/findings/, stable bytes.

The conversion to and from plain documents lives here; the archive reads and writes them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import archive
from ..archive.records import plain
from ..clock import iso, parse_iso
from .model import Finding, State, Transition

DIR = f"{archive.REPORTS}/findings"


def _ts(value: datetime | None) -> str | None:
    return None if value is None else iso(value)


def _parse_ts(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return parse_iso(str(value))


def to_doc(f: Finding) -> dict[str, Any]:
    history = []
    for h in f.history:
        entry = {k: (_ts(v) if isinstance(v, datetime) else v) for k, v in h.items()}
        history.append(entry)
    return {
        "id": f.id,
        "kind": f.kind,
        "subject": f.subject,
        "checklist": f.checklist,
        "check": f.check,
        "severity": f.severity,
        "owner": f.owner,
        "state": f.state.value,
        "opened_at": _ts(f.opened_at),
        "opened_run": f.opened_run,
        "due": _ts(f.due),
        "value": plain(f.value),
        "reason": f.reason,
        "waiver": f.waiver,
        "waived_since": _ts(f.waived_since),
        "waived_until": _ts(f.waived_until),
        "closed_at": _ts(f.closed_at),
        "closed_run": f.closed_run,
        "occurrences": f.occurrences,
        "history": history,
    }


def _history(value: Any) -> list[dict[str, Any]]:
    history = []
    for h in value or []:
        entry = dict(h)
        for key in ("at", "due", "until"):
            if key in entry and entry[key] is not None:
                entry[key] = _parse_ts(entry[key])
        history.append(entry)
    return history


def _required_ts(value: Any) -> datetime:
    ts = _parse_ts(value)
    if ts is None:
        raise ValueError("a time is required")
    return ts


def from_doc(doc: dict[str, Any]) -> Finding:
    """A finding from its file's content; archive.BadField names the first bad key."""
    f = archive.field
    return Finding(
        id=f(doc, "id"), kind=f(doc, "kind"), subject=f(doc, "subject"),
        checklist=f(doc, "checklist"), check=f(doc, "check"), severity=f(doc, "severity"),
        state=f(doc, "state", State), opened_at=f(doc, "opened_at", _required_ts),
        due=f(doc, "due", _required_ts), opened_run=f(doc, "opened_run"),
        value=doc.get("value"), reason=doc.get("reason", ""),
        closed_at=f(doc, "closed_at", _parse_ts, required=False),
        closed_run=doc.get("closed_run"), waiver=doc.get("waiver"),
        waived_since=f(doc, "waived_since", _parse_ts, required=False),
        waived_until=f(doc, "waived_until", _parse_ts, required=False),
        owner=doc.get("owner"),
        occurrences=f(doc, "occurrences", int) if "occurrences" in doc else 1,
        history=f(doc, "history", _history, required=False) or [],
    )


def path_of(fid: str) -> str:
    return f"{DIR}/{fid}.yaml"


def load(root: Path) -> dict[str, Finding]:
    """Every finding; a file that is not a whole finding is one error naming it."""
    out: dict[str, Finding] = {}
    for rel, doc in archive.read_documents(root, DIR).items():
        try:
            f = from_doc(doc)
        except (archive.BadField, KeyError, TypeError, ValueError, OverflowError) as exc:
            raise archive.bad_document(root, rel, "finding", exc) from None
        out[f.id] = f
    return out


def entries(transitions: list[Transition], findings: dict[str, Finding],
            changed: set[str]) -> list[dict[str, Any]]:
    """What a record says about findings: every transition, then every other finding whose
    file changes (a renewed waiver) as from == to, so each changed file is justified."""
    out = [{"finding": t.finding, "from": t.before, "to": t.after} for t in transitions]
    moved = {t.finding for t in transitions}
    for fid in sorted(changed - moved):
        state = findings[fid].state.value
        out.append({"finding": fid, "from": state, "to": state})
    return out


def changed_ids(findings: dict[str, Finding], before: dict[str, dict[str, Any]]) -> set[str]:
    """Findings whose document differs from ``before`` (id -> document)."""
    return {fid for fid, f in findings.items() if to_doc(f) != before.get(fid)}


def documents(findings: dict[str, Finding], ids: set[str] | None = None) -> dict[str, bytes]:
    """The files of findings (only ``ids`` if given): root-relative path -> bytes."""
    return {path_of(fid): archive.dump_yaml(to_doc(findings[fid]))
            for fid in sorted(ids if ids is not None else findings)}


def save(root: Path, findings: dict[str, Finding], ids: set[str] | None = None) -> list[str]:
    """Write findings (only ``ids`` if given); returns repo-relative paths whose bytes changed."""
    return archive.write_documents(root, {path_of(fid): to_doc(findings[fid])
                                          for fid in sorted(ids if ids is not None else findings)})
