"""The archive's integrity for the month: ``patrol audit verify`` over the commits made in the
month (seals, links, append-only, trailers, signatures), with every break named by commit and
file. The month's commits are those on the records' history (the estate's branch, or the
archive branch the service policy names) whose run started in the month (the ``Patrol-Run``
trailer's stamp; a commit without one: its author date): from the last commit before the
month (exclusive) to the last commit in it. Where the tip check has already proved those
commits (every run verifies what was committed before it appends, ``archive.tip``), that
proof is used: the month is counted and its signatures checked, not walked a second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .period import Month

_STAMP = re.compile(r"(\d{8}T\d{6}Z)")


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


def when(commit: Any) -> datetime:
    """When a commit of the archive happened: its run's start (the ``Patrol-Run`` trailer's
    UTC stamp, the time its record keeps), else its author date."""
    m = _STAMP.match(commit.trailers.get("Patrol-Run", ""))
    if m:
        return datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.fromisoformat(commit.date).astimezone(UTC)


def month_span(root: Path, rev: str, month: Month) -> tuple[str | None, str | None]:
    """(the last commit of ``reports/`` before the month, the last one in it) on ``rev``'s
    first-parent line, by ``when``; None where there is none."""
    start, end, _ = _month_commits(root, rev, month)
    return start, end


def _month_commits(root: Path, rev: str, month: Month) -> tuple[str | None, str | None, list[Any]]:
    """``month_span``, and the commits of ``reports/`` after the first up to the second."""
    from ..archive import history

    start = end = None
    commits = history.walk(root, rev)
    lo, hi = 0, 0
    for i, c in enumerate(commits):
        at = when(c)
        if at < month.start:
            start, lo = c.sha, i + 1
        if at < month.end:
            end, hi = c.sha, i + 1
    return start, end, commits[lo:hi]


def verify_month(root: Path, month: Month) -> Any:
    """What ``patrol audit verify`` finds in the month's commits (see the module docstring)."""
    from ..archive.branch import archive_rev
    from ..archive.verify import Verified, verify

    rev, estate_ref = archive_rev(root)
    if rev is None:
        return Verified()
    start, end, commits = _month_commits(root, rev, month)
    if end is None or end == start:
        return Verified()
    if estate_ref is None:  # the tip check's proof covers the estate's own line
        from ..archive.tip import proven_span

        proven = proven_span(root, end, start, commits)
        if proven is not None:
            return proven
    return verify(root, rev=end, since=start, estate_ref=estate_ref)


def build(verified: Any | None = None) -> Audit:
    """``verified``: what the audit verification found for the month's commits (``breaks``
    with commit, path, message; ``commits``, ``records``, ``signed``), or None."""
    if verified is None:
        return Audit(tracked=False)
    return Audit(True, int(verified.commits), int(verified.records), int(verified.signed),
                 [BreakLine(str(b.commit), str(b.path), str(b.message))
                  for b in verified.breaks])
