"""The coverage table and the lifecycle report as text, JSON or Markdown (sorted, byte-stable).

Estate text (ids, names) in Markdown goes through the plan's escaping helpers, so a part or
host name can never become markup or a mention.
"""

from __future__ import annotations

import json
from typing import Any

from ..estate.duration import format_duration
from ..plan.render_markdown import code, text
from .coverage import Coverage, Line
from .lifecycle import Lifecycle


def _state(line: Line) -> str:
    if line.met_by_lead_time:
        return f"met by lead time {format_duration(line.lead_time)}"  # type: ignore[arg-type]
    waiting = f", {line.demand} failed awaiting replacement" if line.demand else ""
    return (f"SHORT by {line.shortfall}" if line.short else "ok") + waiting


def coverage_dict(cov: Coverage) -> dict[str, Any]:
    return {
        "short": len(cov.short),
        "lines": [{"site": x.site, "part": x.part, "hosts": x.hosts, "rule": x.rule,
                   "required": x.required, "delivery": format_duration(x.delivery),
                   "channel": x.channel, "reachable": x.reachable,
                   "depots": {d: q for d, q in x.depots},
                   "lead_time": format_duration(x.lead_time) if x.lead_time else None,
                   "met_by_lead_time": x.met_by_lead_time, "demand": x.demand,
                   "shortfall": x.shortfall}
                  for x in cov.lines],
        "uncommitted": [{"model": m, "part": p, "hosts": n} for m, p, n in cov.uncommitted],
        "unused_commitments": cov.unused_commitments,
        "unused_stock": [{"part": p, "depot": d, "quantity": q} for p, d, q in cov.unused_stock],
    }


def _notes(cov: Coverage, c: Any = str) -> list[str]:
    out = [f"model {c(m)} ({n} hosts) uses {c(p)}: no commitment" for m, p, n in cov.uncommitted]
    out += [f"commitment for {c(p)}: no model in service uses it" for p in cov.unused_commitments]
    out += [f"stock of {c(p)} at {c(d)} ({q}): no model in service uses it"
            for p, d, q in cov.unused_stock]
    return out


def render_coverage(cov: Coverage, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(coverage_dict(cov), indent=2) + "\n"
    verdict = (f"{len(cov.short)} of {len(cov.lines)} commitments short" if cov.short
               else f"all {len(cov.lines)} commitments covered")
    if fmt == "markdown":
        lines = ["| site | part | hosts | rule | required | delivery | reachable | state |",
                 "|---|---|---:|---|---:|---|---:|---|"]
        for x in cov.lines:
            state = f"**{_state(x)}**" if x.short else _state(x)
            lines.append(f"| {code(x.site)} | {code(x.part)} | {x.hosts} | {text(x.rule)} | "
                         f"{x.required} | {format_duration(x.delivery)} via {x.channel} | "
                         f"{x.reachable} | {state} |")
        notes = [f"- {n}" for n in _notes(cov, code)]
        lines += ["", *notes, ""] if notes else [""]
        lines.append(f"**{text(verdict)}**")
        return "\n".join(lines) + "\n"
    rows = [("SITE", "PART", "HOSTS", "RULE", "REQUIRED", "DELIVERY", "REACHABLE", "STATE")]
    for x in cov.lines:
        rows.append((x.site, x.part, str(x.hosts), x.rule, str(x.required),
                     f"{format_duration(x.delivery)} via {x.channel}", str(x.reachable),
                     _state(x)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    out = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1]
           for r in rows]
    out += _notes(cov)
    out.append(verdict)
    return "\n".join(out) + "\n"


_WHAT = {"warranty": "warranty ends", "end_of_life": "end of life"}  # "PAST " marks passed


def lifecycle_dict(life: Lifecycle) -> dict[str, Any]:
    return {
        "today": life.today.isoformat(),
        "horizon": f"{life.horizon.days}d",
        "events": [{"date": e.day.isoformat(), "host": e.host, "what": e.what, "past": e.past,
                    "criticality": e.criticality, "site": e.site, "model": e.model}
                   for e in life.events],
        "retire_before": [{"date": r.day.isoformat(), "host": r.host,
                           "criticality": r.criticality, "site": r.site, "model": r.model,
                           "past": r.past, "replaced_by": list(r.replaced_by)}
                          for r in life.retire],
        "replacements": [{"host": c.host, "model": c.model, "replaces_host": c.replaces_host,
                          "replaces_model": c.replaces_model, "comparable": c.comparable,
                          "weaker": [{"capacity": d, "old": a, "new": b}
                                     for d, a, b in c.weaker]}
                         for c in life.replacements],
    }


def _replacement_text(c: Any, code_: Any = str) -> str:
    old = " ".join(x for x in (code_(c.replaces_host) if c.replaces_host else "",
                               f"({code_(c.replaces_model)})" if c.replaces_model else "") if x)
    if c.weaker:
        dims = ", ".join(f"{d} {a} → {b}" for d, a, b in c.weaker)
        verdict = f"WEAKER: {dims}"
    else:
        verdict = "equal or better" if c.comparable else "cannot compare (capacity missing)"
    return f"{code_(c.host)} ({code_(c.model)}) replaces {old}: {verdict}"


def render_lifecycle(life: Lifecycle, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(lifecycle_dict(life), indent=2) + "\n"
    c = code if fmt == "markdown" else str
    bullet = "- " if fmt == "markdown" else "  "
    head = ("### " if fmt == "markdown" else "") + \
        f"Equipment lifecycle on {life.today.isoformat()}, horizon {life.horizon.days}d"
    out = [head, "", "Warranty and end of life:" if fmt != "markdown" else "#### Dates", ""]
    for e in life.events:
        mark = "PAST " if e.past else ""
        out.append(f"{bullet}{e.day.isoformat()} {mark}{_WHAT[e.what]}: {c(e.host)} "
                   f"({e.criticality}, {c(e.site)}, {c(e.model)})")
    if not life.events:
        out.append(f"{bullet}none within the horizon")
    out += ["", "Retire before:" if fmt != "markdown" else "#### Retire before", ""]
    for r in life.retire:
        by = f", replaced by {', '.join(c(h) for h in r.replaced_by)}" if r.replaced_by else ""
        out.append(f"{bullet}{r.day.isoformat()} {c(r.host)} ({r.criticality}, {c(r.site)}, "
                   f"{c(r.model)}){' PAST END OF LIFE' if r.past else ''}{by}")
    if not life.retire:
        out.append(f"{bullet}none within the horizon")
    out += ["", "Replacements:" if fmt != "markdown" else "#### Replacements", ""]
    out += [f"{bullet}{_replacement_text(x, c)}" for x in life.replacements] or \
        [f"{bullet}none"]
    past = len(life.past)
    out += ["", f"{past} host date(s) passed" if past else "no host past its warranty or end "
                                                             "of life"]
    return "\n".join(out) + "\n"
