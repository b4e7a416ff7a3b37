"""Evidence for passes: every check's measured value, compact and stable, one line per host.

A record keeps the verdict of every check and, here, what was measured, so an auditor can
answer "how full was that disk on the 3rd?" for passing hosts too. Values are bucketed so a
value that jitters from run to run (load, free memory) does not rewrite the line every day:
Git then stores one day's record as a small delta on the day before.

Precision: numbers below 1 to 0.1, below 10 to 0.5, below 100 to whole units, larger ones to
two significant figures; integers below 10,000 exactly; booleans as yes/no; text up to 40
characters (spaces as ``_``); lists up to 8 items; mappings as ``key:value`` pairs, sorted.
"""

from __future__ import annotations

import math
from typing import Any

from ..results import HostResult


def number(x: float) -> str:
    """A bucketed number: coarse where it jitters, exact where it is a count."""
    if isinstance(x, int) and abs(x) < 10_000:
        return str(x)
    a = abs(x)
    if a < 1:
        v = round(x, 1)
    elif a < 10:
        v = round(x * 2) / 2
    elif a < 100:
        v = round(x)
    else:
        digits = 1 - math.floor(math.log10(a))
        v = round(x, digits)
    text = f"{v:g}" if isinstance(v, float) else str(v)
    return "0" if text == "-0" else text


def compact(value: Any, depth: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, dict):
        if depth > 1:
            return f"{{{len(value)}}}"
        items = [f"{k}:{compact(value[k], depth + 1)}" for k in sorted(value, key=str)]
        more = f",+{len(items) - 12}" if len(items) > 12 else ""
        return "{" + ",".join(items[:12]) + more + "}"
    if isinstance(value, (list, tuple)):
        items = [compact(v, depth + 1) for v in value]
        return "[" + ",".join(items[:8]) + (f",+{len(items) - 8}" if len(items) > 8 else "") + "]"
    text = str(value).replace(" ", "_").replace("\n", "_")
    return text if len(text) <= 40 else text[:39] + "~"


def host_line(hr: HostResult) -> str:
    """``check=value`` for every check the host answered, sorted by check id."""
    return " ".join(f"{cid}={compact(hr.checks[cid].value)}" for cid in sorted(hr.checks))


def evidence(results: dict[str, HostResult]) -> dict[str, str]:
    """host -> its line, for every host that was reached."""
    return {name: host_line(results[name]) for name in sorted(results)
            if results[name].measured and results[name].reachable and results[name].checks}
