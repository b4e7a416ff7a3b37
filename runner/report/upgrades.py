"""Upgrades run in the month, from their records: plan, result, hosts upgraded, halted or
rolled back."""

from __future__ import annotations

from dataclasses import dataclass, field

from .sources import Record


@dataclass(frozen=True)
class UpgradeLine:
    run: str
    plan: str
    finished: str
    result: str
    hosts: int
    upgraded: int
    rolled_back: int
    failed: int
    halted_after_wave: int | None


@dataclass
class Upgrades:
    runs: list[UpgradeLine] = field(default_factory=list)

    @property
    def hosts_upgraded(self) -> int:
        return sum(u.upgraded for u in self.runs)

    @property
    def halted(self) -> int:
        return sum(u.halted_after_wave is not None for u in self.runs)

    @property
    def rolled_back(self) -> int:
        return sum(u.rolled_back for u in self.runs)


def build(records: list[Record]) -> Upgrades:
    out = Upgrades()
    for r in records:
        s = r.doc.get("summary") or {}
        outcomes = s.get("outcomes") or {}
        out.runs.append(UpgradeLine(
            str(r.doc.get("run")), str(r.doc.get("plan_name", "")), str(r.doc.get("finished")),
            str(s.get("result", "")), int(s.get("hosts", 0) or 0),
            int(outcomes.get("upgraded", 0)),
            int(outcomes.get("rolled-back", 0)) + int(outcomes.get("rollback-failed", 0)),
            int(outcomes.get("failed", 0)) + int(outcomes.get("unreachable", 0)),
            s.get("halted_after_wave")))
    return out
