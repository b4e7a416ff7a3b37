"""Findings as documents: one small YAML file each under reports/findings/, stable bytes.

The conversion to and from plain documents lives here; the archive reads and writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import archive
from ..archive.records import plain
from ..clock import iso, parse_iso
from ..errors import Exit, PatrolError
from .model import Finding, State, Transition, legacy_id

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
        **({"checklists": list(f.checklists)} if f.checklists else {}),
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


def _names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of checklist names")
    return sorted(set(value))


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
        checklists=f(doc, "checklists", _names, required=False) or [],
    )


def path_of(fid: str) -> str:
    return f"{DIR}/{fid}.yaml"


_MIGRATING: ContextVar[bool] = ContextVar("migrating", default=False)


@contextmanager
def migrating() -> Iterator[None]:
    """While the migration runs, the run skeleton's pre-flight reads the old findings too."""
    token = _MIGRATING.set(True)
    try:
        yield
    finally:
        _MIGRATING.reset(token)


def load(root: Path, *, legacy: bool = False) -> dict[str, Finding]:
    """Every finding; a file that is not a whole finding is one error naming it. Findings
    still keyed by checklist (before one problem was one finding) are refused with the step
    that migrates them, so no run counts one problem twice; ``legacy``: the migration's own
    read."""
    out: dict[str, Finding] = {}
    for rel, doc in archive.read_documents(root, DIR).items():
        try:
            f = from_doc(doc)
        except (archive.BadField, KeyError, TypeError, ValueError, OverflowError) as exc:
            raise archive.bad_document(root, rel, "finding", exc) from None
        out[f.id] = f
    old = sorted(fid for fid, f in out.items() if legacy_id(f))
    if old and not (legacy or _MIGRATING.get()):
        raise PatrolError(
            f"{path_of(old[0])}: finding {old[0]!r} is keyed by checklist, from before one "
            f"problem was one finding ({len(old)} such finding(s)); run `patrol findings "
            "migrate` once to merge them (one recorded, verifiable step)", exit_code=Exit.FAILED)
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


def remove(root: Path, ids: list[str]) -> list[str]:
    """Remove the files of findings merged into others; returns their repo-relative paths."""
    out = []
    for fid in ids:
        (root / path_of(fid)).unlink(missing_ok=True)
        out.append(path_of(fid))
    return out


def save(root: Path, findings: dict[str, Finding], ids: set[str] | None = None) -> list[str]:
    """Write findings (only ``ids`` if given); returns repo-relative paths whose bytes changed."""
    return archive.write_documents(root, {path_of(fid): to_doc(findings[fid])
                                          for fid in sorted(ids if ids is not None else findings)})
