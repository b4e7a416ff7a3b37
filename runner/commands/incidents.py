"""`patrol incident open/respond/arrive/wait/resume/resolve/assign` and `patrol incidents`.

Each step is one change: under the run lock, with a valid estate, checked completely before
anything is written (a refused step writes nothing and exits 2), then the incident's file
and a sealed record on the chain, in one commit. ``--at`` states when a step happened (a
phone call logged later): not in the future and at most 24 h back; the record keeps it and
the real time it was written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..clock import Clock, iso, utc_now
from ..errors import Exit, PatrolError

MAX_BACK = timedelta(hours=24)
# act(estate, records, at, written, ctx) -> (incident, warnings), inside the run lock
Act = Callable[[Any, Path, datetime, datetime, Any], tuple[Any, list[str]]]


def stated_at(text: str | None, written: datetime) -> datetime:
    """The time a step happened: ``--at`` (refused in the future or over 24 h back) or now."""
    from .findings import parse_now

    if not text:
        return written
    try:
        at = parse_now(text)
    except PatrolError as exc:
        raise PatrolError(exc.message.replace("--now", "--at", 1)) from None
    if at > written:
        raise PatrolError(f"--at {iso(at)} is in the future (now {iso(written)})")
    if written - at > MAX_BACK:
        raise PatrolError(f"--at {iso(at)} is more than 24 h back (now {iso(written)}); "
                          "log older events in the incident's note instead")
    return at


def _step(root: Path, clock: Clock, at_text: str | None, label: str, act: Act) -> int:
    """Lock, load, check and apply ``act``; write the incident and its record; commit."""
    from ..incidents import store
    from ..incidents.policy import calendars, standings
    from ..incidents.render import clock_doc
    from ..run import RunContext, lock_and_load, record_change

    ctx = RunContext.here(root, clock=clock)
    with lock_and_load(ctx, reaches_hosts=False) as opened:  # no host, no ssh, no Ansible
        written = opened.started
        at = stated_at(at_text, written)
        records = opened.reports_root(ctx)
        inc, warnings = act(opened.estate, records, at, written, ctx)
        cals = calendars(opened.estate)
        now = standings(inc, cals, written)
        paths = store.save(records, [inc],
                           {inc.id: {c: s.due for c, s in now.items()}})
        paths += _owe(records, opened.estate, ctx, inc, {c: s.due for c, s in now.items()})
        step = {k: (iso(v) if isinstance(v, datetime) else v) for k, v in inc.history[-1].items()}
        own = {"incident": inc.id, "step": step, "state": inc.state.value,
               "clocks": {c: clock_doc(s) for c, s in now.items()}}
        summary = f"incident {inc.id}: {step['event']} ({', '.join(inc.hosts)}, {inc.level})"
        change = record_change(ctx, opened, f"incident-{label}", "incident", own, paths, summary)
    from ..escape import terminal

    for w in warnings:
        print(f"patrol: warning: {terminal(w)}", file=sys.stderr)
    running = [f"{c.replace('_', '-')} due {iso(s.due) if s.due else '(paused)'}"
               for c, s in now.items() if s.stopped_at is None]
    print(f"{inc.id} {step['event']}: {inc.state.value}; "
          + ("; ".join(running) or "both clocks stopped"))
    print(f"record {change.record_path}\ncommit {change.commit}")
    return int(Exit.OK)


def _owe(records: Path, estate: Any, ctx: Any, inc: Any, dues: dict[str, Any]) -> list[str]:
    """The notifications an incident step owes (opened, resolved), beside its file."""
    from ..notify import dispatch, events

    event = events.incident_step(inc, dues)
    if event is None:
        return []
    return dispatch.write_owed(records, estate, ctx.run_id(ctx.now(), "incident"), event.at,
                               [event])


def _who(ctx: Any) -> str:
    return str(ctx.trigger().get("actor") or ctx.local)


def _load(records: Path, iid: str) -> Any:
    from ..incidents import store

    return store.load_one(records, iid)


def open_(root: Path, hosts: list[str], summary: str, severity: str | None,
          reported_by: str | None, via: str, at: str | None, clock: Clock = utc_now) -> int:
    from ..incidents import lifecycle, store
    from ..incidents.model import VIA
    from ..incidents.policy import hosts_of, level_of, limits

    if via not in VIA:
        raise PatrolError(f"--via {via!r}: expected one of {', '.join(VIA)}")

    def act(estate: Any, records: Path, at: datetime, written: datetime,
            ctx: Any) -> tuple[Any, list[str]]:
        chosen = hosts_of(estate, hosts)
        level = level_of(chosen, severity)
        iid = store.next_id(store.ids(records, at.year), at.year)
        inc = lifecycle.new(
            iid, hosts=[h.name for h in chosen], site=chosen[0].site, summary=summary,
            severity=severity or level, level=level,
            reported_by=_who(ctx) if reported_by is None else reported_by, via=via,
            owner=chosen[0].owner, limits=limits(estate, level), at=at, written=written)
        return inc, []

    return _step(root, clock, at, "open", act)


def _on(root: Path, iid: str, clock: Clock, at: str | None, label: str,
        apply: Callable[[Any, Any, datetime, datetime, Any], list[str] | None]) -> int:
    """A step on an existing incident: ``apply(estate, incident, at, written, ctx)``."""

    def act(estate: Any, records: Path, at: datetime, written: datetime,
            ctx: Any) -> tuple[Any, list[str]]:
        inc = _load(records, iid)
        return inc, apply(estate, inc, at, written, ctx) or []

    return _step(root, clock, at, label, act)


def respond(root: Path, iid: str, by: str, note: str | None, at: str | None,
            clock: Clock = utc_now) -> int:
    from ..incidents import lifecycle

    return _on(root, iid, clock, at, "respond",
               lambda _e, inc, at, written, _c: lifecycle.respond(inc, by, note, at, written))


def arrive(root: Path, iid: str, engineer: str, at: str | None, clock: Clock = utc_now) -> int:
    """On-site arrival; an engineer not resident at the site is logged, with a warning."""
    from ..incidents import lifecycle

    def apply(estate: Any, inc: Any, at: datetime, written: datetime, _c: Any) -> list[str]:
        lifecycle.arrive(inc, engineer, at, written)
        site = estate.sites.get(inc.site)
        if site is None:
            return [f"site {inc.site} is no longer in the estate"]
        resident = {c.name for c in site.resident_engineers}
        if engineer.strip() in resident | {c.email for c in site.resident_engineers}:
            return []
        return [f"{engineer.strip()} is not a resident engineer of site {inc.site} "
                f"(resident: {', '.join(sorted(resident)) or 'none'})"]

    return _on(root, iid, clock, at, "arrive", apply)


def wait(root: Path, iid: str, reason: str, at: str | None, clock: Clock = utc_now) -> int:
    from ..incidents import lifecycle

    return _on(root, iid, clock, at, "wait",
               lambda _e, inc, at, written, _c: lifecycle.wait(inc, reason, at, written))


def resume(root: Path, iid: str, at: str | None, clock: Clock = utc_now) -> int:
    from ..incidents import lifecycle

    return _on(root, iid, clock, at, "resume",
               lambda _e, inc, at, written, _c: lifecycle.resume(inc, at, written))


def resolve(root: Path, iid: str, note: str, by: str | None, at: str | None,
            clock: Clock = utc_now) -> int:
    from ..incidents import lifecycle

    def apply(_e: Any, inc: Any, at: datetime, written: datetime, ctx: Any) -> None:
        who = lifecycle.name(by, "--by") if by is not None else _who(ctx)
        lifecycle.resolve(inc, note, who, at, written)

    return _on(root, iid, clock, at, "resolve", apply)


def assign(root: Path, iid: str, to: str, clock: Clock = utc_now) -> int:
    from ..incidents import lifecycle

    return _on(root, iid, clock, None, "assign",
               lambda _e, inc, at, written, ctx: lifecycle.assign(inc, to, _who(ctx), at, written))


def listing(root: Path, states: list[str] | None, host: str | None, owner: str | None,
            breached: bool, fmt: str, now: str | None) -> int:
    """`patrol incidents`: active incidents unless --state says otherwise, clocks as of now."""
    from ..incidents import store
    from ..incidents.model import DONE, State
    from ..incidents.policy import calendars, standings
    from ..incidents.render import render
    from ..run import load_valid_estate
    from .findings import check_states, given, host_selector, parse_now, records_of

    at = parse_now(now)
    check_states(states, [s.value for s in State])
    sel = host_selector(host)
    given("--owner", owner)
    if not (root / "inventory").is_dir():
        raise PatrolError(f"{root} is not an estate: it has no inventory/")
    estate = load_valid_estate(root, at.date())
    cals = calendars(estate)
    wanted = set(states) if states else {s.value for s in State if s not in DONE}
    rows = []
    for _, inc in sorted(store.load(records_of(root)).items()):
        if inc.state.value not in wanted or (owner is not None and inc.owner != owner):
            continue
        if sel is not None and not any(h in estate.hosts and sel.matches(estate.hosts[h])
                                       for h in inc.hosts):
            continue
        st = standings(inc, cals, at)
        if breached and not any(s.breached for s in st.values()):
            continue
        rows.append((inc, st))
    print(render(rows, fmt, at), end="")
    return int(Exit.OK)
