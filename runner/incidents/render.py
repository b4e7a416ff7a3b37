"""Incident listings: text for a terminal, JSON for tools, Markdown for reports and comments.

Every clock is shown as of ``now``: due and time left, met (on time or late by), or breached
by. Free text (summaries, names, owners) is escaped for the format by ``runner.escape``.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from ..clock import iso
from ..estate.duration import format_duration
from .clocks import Standing
from .model import CLOCKS, Incident, State

LABEL = {"response": "response", "on_site": "on-site"}


def span(delta: timedelta) -> str:
    """A human length (minutes; seconds below one minute are dropped)."""
    return format_duration(delta) if delta >= timedelta(minutes=1) else "<1m"


def clock_text(s: Standing) -> str:
    """One clock in a few words."""
    if s.met_at is not None and s.due is not None and s.met_at > s.due:
        return f"met late by {span(s.met_at - s.due)}"
    if s.met_at is not None:
        return "met"
    if s.breached and s.over is not None:
        return f"BREACHED by {span(s.over)}"
    if s.stopped_at is not None:
        return "stopped"
    if s.paused:
        return "paused"
    return f"{span(s.left or timedelta(0))} left" if s.left is not None else "-"


def clock_doc(s: Standing) -> dict[str, Any]:
    return {"limit": format_duration(s.limit), "due": iso(s.due) if s.due else None,
            "met_at": iso(s.met_at) if s.met_at else None, "breached": s.breached,
            "left_seconds": int(s.left.total_seconds()) if s.left is not None else None,
            "breached_by_seconds": int(s.over.total_seconds()) if s.over is not None else None,
            "paused": s.paused, "text": clock_text(s)}


Row = tuple[Incident, dict[str, Standing]]


def totals(rows: list[Row]) -> dict[str, int]:
    by_state = Counter(inc.state.value for inc, _ in rows)
    out = {s.value: by_state.get(s.value, 0) for s in State}
    out["breached"] = sum(1 for _, st in rows if any(s.breached for s in st.values()))
    return out


def render(rows: list[Row], fmt: str, now: datetime) -> str:
    if fmt == "json":
        from .store import to_doc

        items = [{**to_doc(inc), "clocks_now": {c: clock_doc(st[c]) for c in CLOCKS}}
                 for inc, st in rows]
        return json.dumps({"now": iso(now), "incidents": items, "totals": totals(rows)},
                          indent=2, ensure_ascii=False) + "\n"
    t = totals(rows)
    counts = ", ".join(f"{v} {k}" for k, v in t.items() if v)
    summary = f"{len(rows)} incident(s)" + (f": {counts}" if counts else "")
    if fmt == "markdown":
        from ..escape import markdown as text
        from ..escape import markdown_cell_code

        lines = ["| incident | state | level | hosts | owner | response | on-site | summary |",
                 "|---|---|---|---|---|---|---|---|"]
        for inc, st in rows:
            iid = markdown_cell_code(inc.id)
            lines.append(f"| {iid} | {inc.state.value} | {inc.level} | "
                         f"{text(', '.join(inc.hosts))} | {text(inc.owner)} | "
                         f"{clock_text(st['response'])} | {clock_text(st['on_site'])} | "
                         f"{text(inc.summary)} |")
        return "\n".join([*lines, "", f"**{summary}** (as of {iso(now)})"]) + "\n"
    from ..escape import terminal

    out = []
    for inc, st in rows:
        out.append(f"{inc.id:<14} {inc.state.value:<10} {inc.level:<8} "
                   f"response {clock_text(st['response']):<20} "
                   f"on-site {clock_text(st['on_site']):<20} "
                   f"{terminal(','.join(inc.hosts))}  {terminal(inc.owner)}  "
                   f"{terminal(inc.summary)}")
    out.append(f"{summary} (as of {iso(now)})")
    return "\n".join(out) + "\n"
