"""`patrol lifecycle [--horizon 180d]`: warranties and end of life within the horizon, hosts
past either, the retire-before list, replacements; `lifecycle check`: passed dates as findings.

Exit codes: 0 no host is past its warranty or end of life; 1 one is, or the estate is
invalid; 2 a bad ``--horizon``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..errors import Exit, PatrolError


def run(root: Path, horizon: str, fmt: str, today: date | None = None) -> int:
    from ..clock import utc_now
    from ..estate.duration import parse_duration
    from ..run import load_valid_estate
    from ..spares.lifecycle import lifecycle
    from ..spares.render import render_lifecycle

    try:
        span = parse_duration(horizon)
    except ValueError as exc:
        raise PatrolError(f"--horizon: {exc}") from None
    today = today or utc_now().date()
    life = lifecycle(load_valid_estate(root, today), today, span)
    print(render_lifecycle(life, fmt), end="")
    return int(Exit.FAILED if life.past else Exit.OK)


def check(root: Path, now: str | None, commit: bool, push: bool = False) -> int:
    from ..run import RunContext
    from ..spares.runs import lifecycle_check
    from .findings import run_moment
    from .spares import report

    at = run_moment(now, commit)
    return report(lifecycle_check(RunContext.here(root, clock=lambda: at), commit, push),
                  "host date(s) passed")
