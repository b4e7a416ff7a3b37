"""`patrol plan --base REV [--head REV]`: what a change to the estate means, for reviewers.

Loads the estate at both Git revisions straight from the repository (the working tree is
neither read nor touched; ``--head`` defaults to ``HEAD``, so commit before planning) and
prints the semantic diff: hosts by site, checklists and their checks with the hosts each
affects, waivers (flagging long or unapproved ones), upgrade plans with their waves, spare-part
commitments and stock, models no longer covered, and the rest of the estate by id.

Formats: ``text`` (everything), ``markdown`` (a pull-request comment, at most 65,535
characters, lists truncated with "… and N more") and ``json``; ``gitlab`` and ``sarif`` give
the head estate's problems as a GitLab Code Quality report or SARIF (see ``patrol validate``).

Exit 0 when the head estate is valid, whatever changed; 1 when the head is invalid (its
validation errors come first in the output) or the change leaves a spare-part commitment
short at a site (or shorter than it was); 2 for an unknown revision or a root outside Git.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ..errors import Exit, PatrolError


def run(root: Path = Path("."), base: str = "HEAD~1", head: str = "HEAD", fmt: str = "text",
        today: date | None = None) -> int:
    from ..plan import make_plan, render

    root = Path(root)
    if not root.is_dir():
        print(f"patrol plan: {root}: no such directory", file=sys.stderr)
        return int(Exit.USAGE)
    try:
        plan = make_plan(root, base, head, today=today or date.today())
    except PatrolError as exc:
        print(f"patrol plan: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    if fmt in ("gitlab", "sarif"):  # the head's problems, for the CI system's own report
        from .validate import render_problems

        print(render_problems(plan.problems, fmt, files=0))
    else:
        print(render(plan, fmt), end="" if fmt == "markdown" else "\n")
    short = any(c.status == "short" for c in plan.sections.get("shortfalls", []))
    return int(Exit.FAILED if plan.errors or short else Exit.OK)
