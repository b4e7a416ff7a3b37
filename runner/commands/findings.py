"""`patrol findings`: list and filter findings; `patrol findings escalate`: move the clock on."""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import iso
from ..errors import Exit, PatrolError

if TYPE_CHECKING:  # runner.findings is imported when a findings command runs, not by the CLI
    from ..estate.estate import Estate
    from ..estate.selector import Selector
    from ..findings import Finding


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


def run_moment(now: str | None, writes: bool) -> datetime:
    """A run's moment: the machine's clock, or ``--now``, which a run that writes may only
    move a little (``trusted_moment``; ``--no-commit`` previews at any time)."""
    from ..clock import utc_now
    from ..run import trusted_moment

    at = parse_now(now)
    trusted_moment(at if now is not None else None, writes, utc_now(), "--no-commit")
    return at


def given(flag: str, value: str | None) -> str | None:
    """A filter option given as an empty string is a usage error, never a silent "every"."""
    if value is not None and not value.strip():
        raise PatrolError(f"{flag} {value!r}: empty; leave the option out to list every one")
    return value


def host_selector(text: str | None) -> Any:
    """``--host``'s selector (None when not given); a bad one is a usage error."""
    from ..estate.selector import parse_selector

    if given("--host", text) is None:
        return None
    try:
        return parse_selector(text)
    except ValueError as exc:
        raise PatrolError(f"--host {text!r}: {exc}") from None


def check_states(states: list[str] | None, known: list[str]) -> None:
    for s in states or []:
        if s not in known:
            raise PatrolError(f"--state {s!r}: expected one of {', '.join(known)}")


def owner_of(f: Finding, estate: Any | None) -> str | None:
    """Who answers for a finding: its owner, else its host's (findings opened before owners)."""
    host = estate.hosts.get(f.subject) if estate is not None else None
    return f.owner or getattr(host, "owner", None)


def select(findings: dict[str, Finding], states: list[str] | None, host_sel: Selector | None,
           overdue: bool, estate: Estate | None, owner: str | None = None) -> list[Finding]:
    from ..findings import ACTIVE, State

    wanted = {State(s) for s in states} if states else set(ACTIVE)
    if overdue:
        wanted &= {State.OVERDUE, State.PENALISED}
    out = []
    for fid in sorted(findings):
        f = findings[fid]
        if f.state not in wanted or (owner is not None and owner_of(f, estate) != owner):
            continue
        if host_sel is not None:
            host = estate.hosts.get(f.subject) if estate and f.kind != "cadence" else None
            if host is None or not host_sel.matches(host):
                continue
        out.append(f)
    return out


def totals(items: list[Finding]) -> dict[str, dict[str, int]]:
    from ..findings import State
    from ..findings.model import SEVERITIES

    by_state = Counter(f.state.value for f in items)
    by_sev = Counter(f.severity for f in items)
    return {
        "by_state": {s.value: by_state.get(s.value, 0) for s in State},
        "by_severity": {s: by_sev.get(s, 0) for s in SEVERITIES},
    }


def render(items: list[Finding], fmt: str) -> str:
    from ..escape import markdown, markdown_cell_code, terminal
    from ..findings.store import to_doc

    t = totals(items)
    if fmt == "json":
        return json.dumps({"findings": [to_doc(f) for f in items], "totals": t}, indent=2)
    if fmt == "markdown":
        lines = ["| finding | state | severity | due | reason |", "|---|---|---|---|---|"]
        for f in items:
            fid = markdown_cell_code(f.id)
            lines.append(f"| {fid} | {f.state.value} | "
                         f"{markdown(f.severity)} | {to_doc(f)['due']} | {markdown(f.reason)} |")
        lines += ["", "**Totals** — " + ", ".join(
            f"{k}: {v}" for k, v in {**t["by_state"], **t["by_severity"]}.items() if v)]
        return "\n".join(lines) + "\n"
    lines = [f"{terminal(f.id):<40} {f.state.value:<10} {terminal(f.severity):<8} "
             f"due {to_doc(f)['due']}  {terminal(f.owner or '-')}  {terminal(f.reason)}"
             for f in items]
    parts = [", ".join(f"{v} {k}" for k, v in t[by].items() if v)
             for by in ("by_state", "by_severity")]
    lines.append(f"{len(items)} finding(s)" + (": " + " | ".join(parts) if items else ""))
    return "\n".join(lines) + "\n"


def run(root: Path, states: list[str] | None, host: str | None, overdue: bool, fmt: str,
        owner: str | None = None) -> int:
    from ..clock import utc_now
    from ..findings import State
    from ..findings import store as findings_store
    from ..run import load_valid_estate

    if not (root / "inventory").is_dir() and not (root / "policies").is_dir():
        raise PatrolError(f"{root} is not an estate: it has neither inventory/ nor policies/")
    host_sel = host_selector(host)
    given("--owner", owner)
    estate = load_valid_estate(root, utc_now().date()) if host or owner else None
    check_states(states, [x.value for x in State])
    items = select(findings_store.load(records_of(root)), states, host_sel, overdue, estate,
                   owner)
    print(render(items, fmt), end="")
    return int(Exit.OK)


def escalate(root: Path, now: str | None, commit: bool, push: bool = False,
             clock: Any = None) -> int:
    """Lapse expired waivers, escalate findings and incident clocks (warned at ``warn_at``,
    breached at 100 %); one sealed record and one commit for whatever moved
    (``--no-commit``: a preview that writes nothing). ``clock``: the machine's, unless a
    test fixes it; ``--now`` may only differ from it in a preview."""
    from .. import archive
    from ..clock import utc_now
    from ..findings import context_of, refresh_waivers
    from ..findings import store as findings_store
    from ..incidents import auto, escalation
    from ..incidents import store as incident_store
    from ..incidents.policy import calendars, dues
    from ..run import RunContext, begin, lock_and_load, record_change, trusted_moment

    real = (clock or utc_now)()
    at = parse_now(now) if now is not None else real
    trusted_moment(at if now is not None else None, commit, real, "--no-commit")
    ctx = RunContext.here(root, clock=lambda: at)
    out: dict[str, Any] = {}

    def moved(opened: Any, deliver: bool) -> str | None:
        """Escalate under the lock: findings, waivers, incident clocks; their record
        (``deliver``: its ``Begun`` is kept for the delivery that follows)."""
        estate = opened.estate
        records = out["records"] = opened.reports_root(ctx)
        store = opened.findings
        moves = refresh_waivers(store, at, context_of(estate))
        incidents = incident_store.load(records)
        # a lapsed waiver: its critical finding now calls for an incident, or its paused
        # incident resumes
        raised = auto.from_findings(incidents, store, moves, estate, "", at,
                                    reported_by="patrol findings escalate")
        followed = auto.follow_waivers(incidents, store, moves, at)
        steps = ([{"incident": i.id, "finding": i.finding, "event": "opened"}
                  for i in raised]
                 + [{"incident": i.id, "finding": i.finding, "event": e}
                    for i, e in followed])
        cals = calendars(estate)
        alarms = escalation.escalate(incidents, cals, at, estate.service.escalation.warn_at
                                     / 100)
        out.update(moves=moves, alarms=alarms)
        if not commit:  # a preview: say what would move, write nothing
            return None
        changed = findings_store.save(records, store, {m.finding for m in moves})
        touched = [incidents[i] for i in sorted({a.incident for a in alarms}
                                                | {str(x["incident"]) for x in steps})]
        changed += incident_store.save(records, touched, {i.id: dues(i, cals, at)
                                                       for i in touched})
        changed += owe_escalation(records, estate, ctx, opened, store, moves, alarms,
                                  incidents, raised)
        changed += [r for r in opened.restored if r not in changed]
        if not changed:
            return None
        own = {"findings": findings_store.entries(moves, store, set()),
               "incidents": [*steps, *({"incident": a.incident, "clock": a.clock,
                                        "to": a.level, "due": iso(a.due) if a.due else None}
                                       for a in alarms)]}
        summary = f"findings: {len(moves)} escalated" + (
            f", incidents: {len(alarms)} clock(s) warned or breached" if alarms else "")
        begun = begin(ctx, "escalate", opened.started)
        change = record_change(ctx, opened, "escalate", "escalation", own, changed,
                               summary, commit_it=commit, begun=begun)
        if deliver:
            from . import notify

            out["ahead"] = notify.Ahead(begun)
        return change.commit

    def once(deliver: bool) -> str | None:
        intent = archive.Intent(writes=commit, commits=commit)
        with lock_and_load(ctx, intent, reaches_hosts=False) as opened:
            sha = moved(opened, commit and deliver)
            if not (commit and deliver):
                return sha
            return deliver_owed(ctx, opened, out, follows=sha is not None) or sha

    sha = once(not push)  # with --push, delivery waits until the escalation has landed
    if sha and push:
        sha = archive.push(out["records"], lambda: once(False) or "")
    if push and commit:
        sha = deliver_pushed(ctx, out) or sha
    for m in out["moves"]:
        print(f"{m.finding}: {m.before} -> {m.after}")
    for a in out["alarms"]:
        print(f"{a.incident} {a.clock.replace('_', '-')}: {a.level} (due "
              f"{iso(a.due) if a.due else '-'})")
    if sha:
        print(f"commit {sha}")
    print(f"{len(out['moves'])} transition(s), {len(out['alarms'])} incident clock alarm(s)")
    if "delivery" in out:
        from . import notify

        return notify.report(out["delivery"][0], None, quiet_when_idle=True)
    return int(Exit.OK)


def owe_escalation(records: Path, estate: Any, ctx: Any, opened: Any, store: dict[str, Any],
                   moves: list[Any], alarms: list[Any], incidents: dict[str, Any],
                   raised: list[Any]) -> list[str]:
    """The notifications an escalation owes (its moves, its clock alarms, the incidents a
    lapsed waiver opened, waivers expiring soon), written as its outbox file beside its
    documents."""
    from ..incidents.policy import calendars, dues
    from ..notify import dispatch, events
    from ..notify.routes import policy_of

    policy = policy_of(estate)
    if policy is None:
        return []
    cals = calendars(estate)
    found = (events.from_transitions(moves, store, estate)
             + [events.incident_opened(i, dues(i, cals, opened.started)) for i in raised]
             + events.from_alarms(alarms, incidents)
             + events.expiring_waivers(estate, opened.started, policy.waiver_notice))
    return dispatch.write_owed(records, estate, ctx.run_id(opened.started, "escalate"),
                               opened.started, found)


def deliver_pushed(ctx: Any, out: dict[str, Any]) -> str | None:
    """With ``--push``, once the escalation is on the remote: claim what is owed there, send
    it, commit and push what was delivered or failed (``notify.deliver_in``)."""
    from .. import archive
    from ..run import lock_and_load

    with lock_and_load(ctx, archive.Intent(push=True), reaches_hosts=False) as opened:
        sha = deliver_owed(ctx, opened, out, push=True)
        if sha:
            sha = archive.push(opened.reports_root(ctx), lambda: out["delivery"][1]() or "")
        return sha


def deliver_owed(ctx: Any, opened: Any, out: dict[str, Any], push: bool = False,
                 follows: bool = False) -> str | None:
    """After the escalation's commit, in the same lock: deliver what is owed (its own and
    earlier runs'), then commit what was delivered or failed. A push retry re-commits the
    same outcome on the new tip and never sends again. A light install says how to add
    Apprise and leaves the messages owed. ``push``: claim on the remote before sending;
    ``follows``: the escalation committed just now."""
    from importlib.util import find_spec

    from ..notify.deliver import APPRISE_MISSING
    from ..notify.routes import policy_of
    from . import notify

    if "delivery" not in out:
        if policy_of(opened.estate) is None:
            return None
        if find_spec("apprise") is None:
            print(f"patrol: notifications stay owed: {APPRISE_MISSING}", file=sys.stderr)
            return None
        out["delivery"] = notify.deliver_in(ctx, opened, push=push, follows=follows,
                                            ahead=out.pop("ahead", None))
    return out["delivery"][1]()


def assign(root: Path, fid: str, to: str, clock: Any = None) -> int:
    """`patrol findings assign ID --to WHO`: a new owner, as a sealed record and a commit."""
    from ..clock import utc_now
    from ..escape import terminal
    from ..findings import store as findings_store
    from ..incidents.lifecycle import name
    from ..run import RunContext, lock_and_load, record_change

    to = name(to, "--to")
    ctx = RunContext.here(root, clock=clock or utc_now)
    with lock_and_load(ctx, reaches_hosts=False) as opened:
        records = opened.reports_root(ctx)
        store = opened.findings
        f = store.get(fid)
        if f is None:
            raise PatrolError(f"unknown finding {fid!r}: see `patrol findings --state ...`")
        before = owner_of(f, opened.estate)
        by = str(ctx.trigger().get("actor") or ctx.local)
        f.owner = to
        f.log(opened.started, "assigned", None, owner=to, previous_owner=before, by=by)
        paths = findings_store.save(records, store, {fid})
        own = {"finding": fid, "owner": to, "previous_owner": before, "by": by}
        change = record_change(ctx, opened, "assign", "assignment", own, paths,
                               f"findings: {fid} assigned to {to}")
    print(terminal(f"{fid}: owner {before} -> {to}") + f"\ncommit {change.commit}")
    return int(Exit.OK)


def records_of(root: Path) -> Path:
    """The archive's reports/ for the listings (imported late: the CLI starts without Git)."""
    from ..archive.branch import reports_root

    return reports_root(root)


def migrate(root: Path, commit: bool = True, clock: Any = None) -> int:
    """`patrol findings migrate`: merge the findings an older Patrol kept per checklist into
    one per problem, as one sealed record and one commit (``--no-commit``: say what would be
    merged, write nothing). Rerunning it on a migrated archive changes nothing."""
    from ..clock import utc_now
    from ..escape import terminal
    from ..findings import store as findings_store
    from ..findings.migrate import migrate as merge
    from ..findings.migrate import pending
    from ..run import RunContext, lock_and_load, record_change

    ctx = RunContext.here(root, clock=clock or utc_now)
    records = records_of(root)
    store = findings_store.load(records, legacy=True)
    if not pending(store):
        print("nothing to migrate: every finding is already one per problem")
        return int(Exit.OK)
    step = merge(store)
    for old, new in sorted(step.into.items()):
        print(terminal(f"{old} -> {new}"))
    if not commit:
        print(f"{len(step.into)} finding(s) would merge into {len(step.created)}")
        return int(Exit.OK)
    with findings_store.migrating(), lock_and_load(ctx, reaches_hosts=False) as opened:
        records = opened.reports_root(ctx)
        store = findings_store.load(records, legacy=True)
        step = merge(store)
        paths = findings_store.remove(records, sorted(step.into))
        paths += findings_store.save(records, step.findings, set(step.created))
        own = {"findings": step.entries(store), "migration": "one-finding-per-problem"}
        change = record_change(ctx, opened, "migrate", "migration", own, sorted(set(paths)),
                               f"findings: {len(step.into)} per-checklist finding(s) merged "
                               f"into {len(step.created)}, one per problem")
    print(f"{len(step.into)} finding(s) merged into {len(step.created)}\ncommit {change.commit}")
    return int(Exit.OK)

