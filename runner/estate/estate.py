"""``Estate``: the one in-memory view of the estate.

Where each of its objects came from (``Source``, ``Location``) lives in ``source.py``, which the
models import too: the models never import this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import (
    Check,
    Checklist,
    Commitment,
    Depot,
    EstateModel,
    HardwareModel,
    Host,
    Part,
    ServicePolicy,
    Site,
    StockEntry,
    UpgradePlan,
    Waiver,
)
from .selector import Selector, parse_selector
from .source import Location, Source
from .yamlsource import Document


@dataclass
class Estate:
    """Everything the YAML says, validated and cross-referenced."""

    sites: dict[str, Site]
    hosts: dict[str, Host]  # ordered by name
    models: dict[str, HardwareModel]
    parts: dict[str, Part]
    depots: dict[str, Depot]
    stock: list[StockEntry]
    commitments: list[Commitment]
    checklists: dict[str, Checklist]  # keyed by file stem, e.g. "daily"
    service: ServicePolicy
    waivers: list[Waiver]
    upgrades: dict[str, UpgradePlan]  # keyed by file stem
    files: dict[str, Document] = field(default_factory=dict, repr=False)

    def select(self, selector: Selector | str) -> list[Host]:
        """Hosts matching a selector (text or parsed), sorted by name."""
        if isinstance(selector, str):
            selector = parse_selector(selector)
        return [h for h in self.hosts.values() if selector.matches(h)]

    def checklist_hosts(self, checklist: Checklist, check: Check | None = None) -> list[Host]:
        """A checklist's hosts, narrowed by a check's own selector when it has one."""
        hosts = self.select(checklist.hosts)
        if check is not None and getattr(check, "hosts", None) is not None:
            hosts = [h for h in hosts if check.hosts.matches(h)]
        return hosts

    def where(self, obj: EstateModel) -> Location | None:
        """``file:line:column`` where an estate object is defined."""
        source = obj.source
        return source.locate() if source is not None else None

    def hosts_using_part(self, part: str) -> list[Host]:
        models = {m.id for m in self.models.values() if any(u.part == part for u in m.parts)}
        return [h for h in self.hosts.values() if h.hardware.model in models]


__all__ = ["Estate", "Location", "Source"]
