"""The records of spare-part and lifecycle runs (plain dicts in a fixed key order, no I/O).

- ``spares-movement``: one part used on a host or received at a depot: who (the trigger),
  which host, why, and the quantity before and after.
- ``spares-check`` / ``lifecycle-check``: what was short or past, and the findings moved.
"""

from __future__ import annotations

from typing import Any

from ..archive.records import preamble
from ..estate.duration import format_duration
from ..findings.model import Transition
from .coverage import Line
from .lifecycle import Event
from .movements import STOCK_FILE, Movement


def movement_record(m: Movement, run_id: str, header: dict[str, Any],
                    previous: tuple[str, str] | None) -> dict[str, Any]:
    body = preamble("spares-movement", run_id, header, previous)
    body["movement"] = {
        "action": m.action,
        "part": m.part,
        "depot": m.depot,
        "host": m.host,
        "change": m.change,
        "quantity": {"before": m.before, "after": m.after},
        "reason": m.reason,
        "file": STOCK_FILE,
    }
    return body


def transitions(moves: list[Transition]) -> list[dict[str, Any]]:
    return [{"finding": t.finding, "from": t.before, "to": t.after} for t in moves]


def shortfall_entry(line: Line) -> dict[str, Any]:
    return {"site": line.site, "part": line.part, "rule": line.rule, "hosts": line.hosts,
            "required": line.required, "reachable": line.reachable,
            "delivery": format_duration(line.delivery), "shortfall": line.shortfall}


def spares_check_record(run_id: str, header: dict[str, Any], previous: tuple[str, str] | None,
                        lines: list[Line], short: list[Line], moves: list[Transition]
                        ) -> dict[str, Any]:
    body = preamble("spares-check", run_id, header, previous)
    body["summary"] = {"commitments": len(lines), "short": len(short),
                       "sites_short": sorted({s.site for s in short})}
    body["shortfalls"] = [shortfall_entry(s) for s in short]
    body["findings"] = transitions(moves)
    return body


def lifecycle_check_record(run_id: str, header: dict[str, Any],
                           previous: tuple[str, str] | None, past: list[Event],
                           moves: list[Transition]) -> dict[str, Any]:
    body = preamble("lifecycle-check", run_id, header, previous)
    body["summary"] = {"past_end_of_life": sum(e.what == "end_of_life" for e in past),
                       "out_of_warranty": sum(e.what == "warranty" for e in past)}
    body["past"] = [{"host": e.host, "what": e.what, "date": e.day.isoformat(),
                     "site": e.site, "model": e.model} for e in past]
    body["findings"] = transitions(moves)
    return body
