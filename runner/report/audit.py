"""The archive's integrity for the month: ``patrol audit verify`` over the commits made in the
month (seals, links, append-only, trailers, signatures), with every break named by commit and
file. Until the audit verification is in Patrol (``verified`` is None) the section says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BreakLine:
    commit: str
    path: str
    message: str


@dataclass
class Audit:
    tracked: bool = False
    commits: int = 0
    records: int = 0
    signed: int = 0
    breaks: list[BreakLine] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.tracked and not self.breaks


def build(verified: Any | None = None) -> Audit:
    """``verified``: what the audit verification found for the month's commits (``breaks``
    with commit, path, message; ``commits``, ``records``, ``signed``), or None."""
    if verified is None:
        return Audit(tracked=False)
    return Audit(True, int(verified.commits), int(verified.records), int(verified.signed),
                 [BreakLine(str(b.commit), str(b.path), str(b.message))
                  for b in verified.breaks])
