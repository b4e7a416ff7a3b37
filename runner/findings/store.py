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
from ..errors import Exit, PatrolError
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


def from_doc(doc: dict[str, Any]) -> Finding:
    history = []
    for h in doc.get("history") or []:
        entry = dict(h)
        for key in ("at", "due", "until"):
            if key in entry and entry[key] is not None:
                entry[key] = _parse_ts(entry[key])
        history.append(entry)
    return Finding(
        id=doc["id"], kind=doc["kind"], subject=doc["subject"], checklist=doc["checklist"],
        check=doc["check"], severity=doc["severity"], state=State(doc["state"]),
        opened_at=_parse_ts(doc["opened_at"]), due=_parse_ts(doc["due"]),  # type: ignore[arg-type]
        opened_run=doc["opened_run"], value=doc.get("value"), reason=doc.get("reason", ""),
        closed_at=_parse_ts(doc.get("closed_at")), closed_run=doc.get("closed_run"),
        waiver=doc.get("waiver"), waived_since=_parse_ts(doc.get("waived_since")),
        waived_until=_parse_ts(doc.get("waived_until")),
        occurrences=int(doc.get("occurrences", 1)), owner=doc.get("owner"), history=history,
    )


def path_of(fid: str) -> str:
    return f"{DIR}/{fid}.yaml"


def load(root: Path) -> dict[str, Finding]:
    """Every finding; a file that is not a whole finding is one error naming it."""
    out: dict[str, Finding] = {}
    for rel, doc in archive.read_documents(root, DIR).items():
        try:
            f = from_doc(doc)
        except (KeyError, TypeError, ValueError) as exc:
            what = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            raise PatrolError(f"not a Patrol finding: {what}", exit_code=Exit.FAILED,
                              file=rel, line=1, column=1) from None
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
