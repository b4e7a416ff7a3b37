"""Migrating an archive's findings forward: from one finding per checklist and check
(``web-01/daily.ssh``, ``web-01/weekly.ssh``) to one per problem (``web-01/ssh``).

Rules, so an auditor can check the step from the record alone:

- Every check finding whose id still names its checklist is merged with the others of the same
  host and check id into one finding under the new id; nothing else is touched.
- The merged finding is the problem as it stands: if any of the old ones is still active, the
  one whose clock started first (earliest ``opened_at``) gives its state, deadline, waiver and
  measured value: the problem has existed since then. Otherwise the one closed last does.
- Nothing is lost: its history is every old history, by time, each entry naming the checklist
  it came from, and ``checklists`` names them all; ``occurrences`` is the largest count.
- The record names each old finding as moved to ``merged`` (its file is removed) and the new
  one as moved from nothing to its state.

Pure: plain findings in, plain findings and the record's entries out.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .model import ACTIVE, Finding, finding_id, legacy_id

MERGED = "merged"  # what the migration record moves an old finding to (its file is removed)


@dataclass
class Migration:
    """What the step does: old id -> new id, and the findings after it."""

    into: dict[str, str] = field(default_factory=dict)
    findings: dict[str, Finding] = field(default_factory=dict)

    @property
    def created(self) -> list[str]:
        return sorted(set(self.into.values()))

    def entries(self, before: dict[str, Finding]) -> list[dict[str, Any]]:
        """The record's findings list: each old one to ``merged``, each new one to its state."""
        out: list[dict[str, Any]] = [
            {"finding": old, "from": before[old].state.value, "to": MERGED, "into": new}
            for old, new in sorted(self.into.items())]
        out += [{"finding": new, "from": before[new].state.value if new in before else None,
                 "to": self.findings[new].state.value,
                 "merged": sorted(o for o, n in self.into.items() if n == new)}
                for new in self.created]
        return out


def pending(findings: dict[str, Finding]) -> list[str]:
    """Ids of findings still keyed by checklist."""
    return sorted(fid for fid, f in findings.items() if legacy_id(f))


def _merged(new_id: str, olds: list[Finding]) -> Finding:
    active = sorted((f for f in olds if f.state in ACTIVE), key=lambda f: (f.opened_at, f.id))
    closed = sorted((f for f in olds if f.state not in ACTIVE),
                    key=lambda f: (f.closed_at or f.opened_at, f.id))
    base = copy.deepcopy(active[0] if active else closed[-1])
    base.id = new_id
    base.checklists = sorted({c for f in olds for c in (f.checklists or [f.checklist])})
    base.occurrences = max(f.occurrences for f in olds)
    history = [{**h, "checklist": f.checklist} for f in olds for h in f.history]
    base.history = sorted(history, key=lambda h: (h["at"], h["checklist"], h["event"]))
    return base


def migrate(findings: dict[str, Finding]) -> Migration:
    """The findings after merging every per-checklist finding (``findings`` is not changed)."""
    groups: dict[str, list[Finding]] = {}
    out = Migration()
    for fid in sorted(findings):
        f = findings[fid]
        if legacy_id(f):
            new_id = finding_id("check", f.subject, f.checklist, f.check)
            groups.setdefault(new_id, []).append(f)
            out.into[fid] = new_id
        else:
            out.findings[fid] = f
    for new_id, olds in sorted(groups.items()):
        current = out.findings.get(new_id)  # a finding already under the new id joins them
        if current is not None:
            olds = [current, *olds]
        out.findings[new_id] = _merged(new_id, olds)
    return out
