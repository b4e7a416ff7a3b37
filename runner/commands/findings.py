"""`patrol findings`: list and filter findings; `patrol findings escalate`: move the clock on."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Exit, PatrolError

if TYPE_CHECKING:  # runner.findings is imported when a findings command runs, not by the CLI
    from ..estate.estate import Estate
    from ..estate.selector import Selector
    from ..findings import Finding

_SEVERITIES = ("critical", "high", "medium", "low")


def parse_now(text: str | None) -> datetime:
    from datetime import UTC

    if text is None:
        return datetime.now(UTC)
    if not text.strip():
        raise PatrolError("--now '': give an ISO time like 2026-11-25T06:00:00Z, or leave "
                          "--now out for the machine's clock")
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if value.tzinfo is not None and not 1970 <= value.astimezone(UTC).year <= 9000:
            raise ValueError
    except (ValueError, OverflowError):
        raise PatrolError(
            f"--now {text!r}: expected an ISO time like 2026-11-25T06:00:00Z"
        ) from None
    if value.tzinfo is None:
        raise PatrolError(f"--now {text!r}: give a timezone, e.g. Z or +01:00")
    return value.astimezone(UTC)


def select(findings: dict[str, Finding], states: list[str] | None, host_sel: Selector | None,
           overdue: bool, estate: Estate | None) -> list[Finding]:
    from ..findings import ACTIVE, State

    wanted = {State(s) for s in states} if states else set(ACTIVE)
    if overdue:
        wanted &= {State.OVERDUE, State.PENALISED}
    out = []
    for fid in sorted(findings):
        f = findings[fid]
        if f.state not in wanted:
            continue
        if host_sel is not None:
            host = estate.hosts.get(f.subject) if estate and f.kind != "cadence" else None
            if host is None or not host_sel.matches(host):
                continue
        out.append(f)
    return out


def totals(items: list[Finding]) -> dict[str, dict[str, int]]:
    from ..findings import State

    by_state = Counter(f.state.value for f in items)
    by_sev = Counter(f.severity for f in items)
    return {
        "by_state": {s.value: by_state.get(s.value, 0) for s in State},
        "by_severity": {s: by_sev.get(s, 0) for s in _SEVERITIES},
    }


def render(items: list[Finding], fmt: str) -> str:
    from ..escape import markdown, markdown_code, terminal
    from ..findings.store import to_doc

    t = totals(items)
    if fmt == "json":
        return json.dumps({"findings": [to_doc(f) for f in items], "totals": t}, indent=2)
    if fmt == "markdown":
        lines = ["| finding | state | severity | due | reason |", "|---|---|---|---|---|"]
        for f in items:
            fid = markdown_code(f.id).replace("|", "\\|")  # a table cell ends at any |
            lines.append(f"| {fid} | {f.state.value} | "
                         f"{markdown(f.severity)} | {to_doc(f)['due']} | {markdown(f.reason)} |")
        lines += ["", "**Totals** — " + ", ".join(
            f"{k}: {v}" for k, v in {**t["by_state"], **t["by_severity"]}.items() if v)]
        return "\n".join(lines) + "\n"
    lines = [f"{terminal(f.id):<40} {f.state.value:<10} {terminal(f.severity):<8} "
             f"due {to_doc(f)['due']}  {terminal(f.reason)}" for f in items]
    lines.append(f"{len(items)} finding(s): " + ", ".join(
        f"{v} {k}" for k, v in t["by_state"].items() if v) + " | " + ", ".join(
        f"{v} {k}" for k, v in t["by_severity"].items() if v))
    return "\n".join(lines) + "\n"


def run(root: Path, states: list[str] | None, host: str | None, overdue: bool, fmt: str) -> int:
    from ..clock import utc_now
    from ..estate.selector import parse_selector
    from ..findings import State
    from ..findings import store as findings_store
    from ..run import load_valid_estate

    if not (root / "inventory").is_dir() and not (root / "policies").is_dir():
        raise PatrolError(f"{root} is not an estate: it has neither inventory/ nor policies/")
    host_sel = None
    estate = None
    if host:
        try:
            host_sel = parse_selector(host)
        except ValueError as exc:
            raise PatrolError(f"--host {host!r}: {exc}") from None
        estate = load_valid_estate(root, utc_now().date())
    for s in states or []:
        if s not in {x.value for x in State}:
            raise PatrolError(f"--state {s!r}: expected one of {', '.join(x.value for x in State)}")
    items = select(findings_store.load(root), states, host_sel, overdue, estate)
    print(render(items, fmt), end="")
    return int(Exit.OK)


def escalate(root: Path, now: str | None, commit: bool) -> int:
    """Lapse expired waivers and escalate, committing the moved findings (``--no-commit``:
    a preview that writes nothing)."""
    from ..archive import Intent, write_or_spool
    from ..clock import stamp, utc_now
    from ..findings import context_of, refresh_waivers
    from ..findings import store as findings_store
    from ..run import RunContext, lock_and_load, trusted_moment
    from ..run import commit as commit_run

    at = parse_now(now)
    trusted_moment(at if now is not None else None, commit, utc_now(), "--no-commit")
    ctx = RunContext.here(root, clock=lambda: at)
    with lock_and_load(ctx, Intent(writes=commit, commits=commit),
                       reaches_hosts=False) as opened:
        estate = opened.estate
        store = findings_store.load(root)
        moves = refresh_waivers(store, at, context_of(estate))
        for m in moves:
            print(f"{m.finding}: {m.before} -> {m.after}")
        run_id = f"escalate-{stamp(at)}"
        if commit:
            changed = write_or_spool(root, findings_store.documents(
                store, {m.finding for m in moves}), run_id)
            if changed or opened.restored:
                sha = commit_run(root, changed, f"findings: {len(moves)} escalated", run_id)
                print(f"commit {sha}")
    print(f"{len(moves)} transition(s)")
    return int(Exit.OK)
