"""What a plan is made of: plain dataclasses that every differ fills and every renderer reads.

A :class:`Plan` holds the head's validation problems and one list of :class:`Change` per
section. A change names one estate object (a host, a check, a waiver, ...) by its key, says
whether it was added, removed or changed, lists its field changes old → new, and carries its
impact (host counts, waves) for the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"

# Sections in the order a reviewer reads them; the key is also the JSON key.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("hosts", "Hosts"),
    ("checklists", "Checklists"),
    ("waivers", "Waivers"),
    ("upgrades", "Upgrade plans"),
    ("commitments", "Spare-part commitments"),
    ("stock", "Spare-part stock"),
    ("coverage", "Models no longer covered by a commitment"),
    ("shortfalls", "Spare-part coverage per site"),
    ("lifecycle", "Equipment lifecycle"),
    ("sites", "Sites"),
    ("models", "Hardware models"),
    ("parts", "Spare parts"),
    ("depots", "Depots"),
    ("service", "Service policy"),
)


@dataclass(frozen=True)
class FieldChange:
    """One field of one object, old → new (``None`` for a field that was or is absent)."""

    field: str  # dotted path, e.g. "hardware.serial" or "params.max_percent"
    old: Any
    new: Any


@dataclass
class Detail:
    """A labelled list of names shown under a change, e.g. one wave and its hosts."""

    label: str
    items: list[str]
    noun: str = "host"  # what the items are; counted in the label ("wave 1 (3 hosts)")


@dataclass
class Change:
    """One estate object that was added, removed or changed between base and head."""

    key: str
    status: str  # ADDED, REMOVED, CHANGED, or a kind-specific word such as "extended"
    fields: list[FieldChange] = field(default_factory=list)
    impact: dict[str, Any] = field(default_factory=dict)  # e.g. {"hosts": 12}
    flags: list[str] = field(default_factory=list)  # what a reviewer must look at
    group: str | None = None  # e.g. the site of a host
    summary: str | None = None  # one line describing an added or removed object
    children: list[Change] = field(default_factory=list)  # e.g. the checks of a checklist
    details: list[Detail] = field(default_factory=list)


@dataclass
class Plan:
    """The semantic diff of the estate between two revisions, and the head's problems."""

    base: str  # the base revision as given, and its commit
    head: str
    base_commit: str
    head_commit: str
    problems: list[Problem] = field(default_factory=list)
    sections: dict[str, list[Change]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def empty(self) -> bool:
        return not any(self.sections.values())

    def counts(self, section: str) -> dict[str, int]:
        """How many changes of each status a section has, e.g. {"added": 2, "changed": 5}."""
        out: dict[str, int] = {}
        for change in self.sections.get(section, []):
            out[change.status] = out.get(change.status, 0) + 1
        return dict(sorted(out.items()))
