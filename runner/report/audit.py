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


@dataclass(frozen=True)
class RequirementChange:
    at: datetime
    commit: str
    required: bool  # signatures required from this commit on (False: no longer)


@dataclass
class Audit:
    tracked: bool = False
    commits: int = 0
    records: int = 0
    signed: int = 0
    breaks: list[BreakLine] = field(default_factory=list)
    # what was proven, and since when
    proven_by_runs: bool = False  # the runs' tip check proved the line from its first commit
    first: datetime | None = None  # the month's first and last commit of reports/
    last: datetime | None = None
    required: RequirementChange | None = None  # the requirement's last start or stop by then
    changes: list[RequirementChange] = field(default_factory=list)  # those in the month

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
    return _verify(root, month)[0]


def _verify(root: Path, month: Month) -> tuple[Any, bool, list[Any], str | None, str | None]:
    """(what verify finds in the month, whether the runs' tip check had proved it, the
    month's commits of reports/, the records' revision, the estate's when it is another)."""
    from ..archive.branch import archive_rev
    from ..archive.verify import Verified, verify

    rev, estate_ref = archive_rev(root)
    if rev is None:
        return Verified(), False, [], None, None
    start, end, commits = _month_commits(root, rev, month)
    if end is None or end == start:
        return Verified(), False, commits, rev, estate_ref
    if estate_ref is None:  # the tip check's proof covers the estate's own line
        from ..archive.tip import proven_span

        proven = proven_span(root, end, start, commits)
        if proven is not None:
            return proven, True, commits, rev, estate_ref
    return verify(root, rev=end, since=start, estate_ref=estate_ref), False, commits, rev, \
        estate_ref


def month_audit(root: Path, month: Month) -> Audit:
    """The month's audit (``verify_month``) and what it proves: by whom (the runs' own tip
    check, or this report's walk), over which commits, and the signature requirement in force
    at the month's end with its start (or stop), and each change of it in the month."""
    from ..archive import policy_log

    verified, proven, commits, rev, estate_ref = _verify(root, month)
    out = build(verified)
    if rev is None:
        return out
    out.proven_by_runs = proven
    if commits:
        out.first, out.last = when(commits[0]), when(commits[-1])
    before_end, before_start = _lines(root, commits, estate_ref)
    for sha, at, required in policy_log.requirement(
            root, estate_ref or "HEAD", records=rev if estate_ref else None):
        change = RequirementChange(datetime.fromisoformat(at).astimezone(UTC), sha, required)
        if before_end is None:  # the estate on another branch: by its commits' dates
            if change.at >= month.end:
                break
            in_month = change.at >= month.start
        else:  # the month's first-parent commits, whatever dates their authors gave them
            if sha not in before_end:
                break
            in_month = sha not in before_start
        out.required = change
        if in_month:
            out.changes.append(change)
    return out


def _lines(root: Path, commits: list[Any], estate_ref: str | None
           ) -> tuple[set[str] | None, set[str]]:
    """The first-parent commits up to the month's last commit of reports/, and those before
    its first; (None, empty) when the estate lives on another branch than the records."""
    from ..archive import history

    if estate_ref is not None or not commits:
        return None, set()

    def line(rev: str) -> set[str]:
        return set(history.git(root, "rev-list", "--first-parent", rev,
                               check=False).decode().split())

    first = commits[0]
    return line(commits[-1].sha), line(first.parents[0]) if first.parents else set()


def build(verified: Any | None = None) -> Audit:
    """``verified``: what the audit verification found for the month's commits (``breaks``
    with commit, path, message; ``commits``, ``records``, ``signed``), or None."""
    if verified is None:
        return Audit(tracked=False)
    return Audit(True, int(verified.commits), int(verified.records), int(verified.signed),
                 [BreakLine(str(b.commit), str(b.path), str(b.message))
                  for b in verified.breaks])
