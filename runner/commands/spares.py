"""`patrol spares`: the coverage table; `spares use` / `spares receive`: stock movements;
`spares check`: shortfalls as findings.

Exit codes: 0 every commitment covered (or the movement/check done and nothing short);
1 a commitment is short, the estate is invalid, or a use asks for more than the depot holds;
2 a bad request (unknown part, depot, host or site; quantity below 1; empty reason; with an
archive branch, an estate with uncommitted changes; ``--push`` without an archive branch).
With an archive branch the movement's edit goes on its own branch, printed for a PR.
"""

from __future__ import annotations

import fnmatch
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Exit, PatrolError

if TYPE_CHECKING:
    from ..spares.runs import Outcome


def _sites(estate: object, sel: str | None) -> set[str] | None:
    """``--site``: comma-separated site ids or globs (None: every site)."""
    if sel is None:
        return None
    if not sel.strip():
        raise PatrolError(f"--site {sel!r}: empty; leave the option out to list every site")
    known = sorted(estate.sites)  # type: ignore[attr-defined]
    out = {s for pattern in sel.split(",") for s in fnmatch.filter(known, pattern.strip())}
    if not out:
        raise PatrolError(f"--site {sel!r}: no site matches (known: {', '.join(known)})")
    return out


def _demand(root: Path, estate: object) -> dict[tuple[str, str], int]:
    """Failed parts waiting for a spare, from the findings in this checkout's reports/ (none
    when it has no readable findings: the table then shows the commitments alone)."""
    from ..findings import store as findings_store
    from ..spares.hardware import demand

    try:
        return demand(findings_store.load(root), estate)
    except Exception:  # no archive here, or one the audit commands must look at first
        return {}


def run(root: Path, site: str | None, fmt: str, today: date | None = None) -> int:
    from ..clock import utc_now
    from ..run import load_valid_estate
    from ..spares.coverage import coverage
    from ..spares.render import render_coverage

    estate = load_valid_estate(root, today or utc_now().date())
    cov = coverage(estate, _sites(estate, site), _demand(root, estate))
    print(render_coverage(cov, fmt), end="")
    return int(Exit.FAILED if cov.short else Exit.OK)


def move(root: Path, action: str, part: str, depot: str, quantity: int, reason: str,
         host: str | None, commit: bool, push: bool = False) -> int:
    from ..run import RunContext
    from ..spares.runs import move_stock

    out = move_stock(RunContext.here(root), action, part, depot, quantity=quantity,
                     reason=reason, host=host, commit=commit, push=push)
    m = out.movement
    assert m is not None
    print(f"{m.part} at {m.depot}: {m.before} → {m.after}; record {out.record}")
    if out.commit:
        print(f"commit {out.commit}")
    if out.estate_edit is not None:
        print(out.estate_edit.describe(pushed=push))
    return int(Exit.OK)



def check(root: Path, now: str | None, commit: bool, push: bool = False) -> int:
    from ..run import RunContext
    from ..spares.runs import spares_check
    from .findings import run_moment

    at = run_moment(now, commit)
    out = spares_check(RunContext.here(root, clock=lambda: at), commit, push)
    return report(out, "commitment(s) short")


def report(out: Outcome, what: str) -> int:
    """Print a check's transitions, record and commit; exit 1 when it found problems."""
    for t in out.transitions:
        print(f"{t.finding}: {t.before or 'new'} -> {t.after}")
    print(f"record {out.record}" if out.record else
          "--no-commit: a preview, nothing was written under reports/")
    if out.commit:
        print(f"commit {out.commit}")
    print(f"{out.problems} {what}")
    return int(Exit.FAILED if out.problems else Exit.OK)
