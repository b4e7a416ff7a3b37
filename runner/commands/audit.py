"""`patrol audit verify`: prove nobody rewrote the archive; `patrol audit log` / `audit host`:
the auditor's timeline, read from Git alone, every line naming its commit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import Exit, PatrolError
from ..escape import terminal


def verify(root: Path, since: str | None, fmt: str) -> int:
    """Exit 0 when the history of reports/ holds, 1 on any break (each named)."""
    from ..archive import history, require_history
    from ..archive.branch import archive_rev
    from ..archive.verify import verify as walk

    if history.resolve(root, "HEAD") is None:  # the git CLI: GitPython's import costs 0.25 s
        require_history(root)  # the message for why not
    if since is not None and history.resolve(root, since) is None:
        raise PatrolError(f"--since {since!r}: unknown revision")
    rev, estate_ref = archive_rev(root)
    if rev is None:  # no records yet; the estate's own branch and its policy still count
        if fmt != "json":
            print("the archive branch does not exist yet: verifying the estate's branch only")
        result = walk(root, rev="HEAD", since=since, all_signed=False)
    else:
        result = walk(root, rev=rev, since=since, estate_ref=estate_ref)
    if rev is not None and estate_ref is not None:
        # the estate's own branch: nothing lands in its reports/ by hand, and its signature
        # policy changes only by a signed commit (a turn-off counts once the archive
        # branch records it)
        own = walk(root, rev="HEAD", all_signed=False, records=rev)
        result.breaks[:0] = own.breaks
        result.acknowledged[:0] = own.acknowledged
        result.events[:0] = own.events
        result.commits += own.commits
        result.records += own.records
        result.signed += own.signed
    if fmt == "json":
        print(json.dumps({"ok": result.ok, "head": result.head, "commits": result.commits,
                          "records": result.records, "signed": result.signed,
                          "tip": {"record": result.tip.path, "sha256": result.tip.sha256},
                          "breaks": [b.as_dict() for b in result.breaks],
                          "acknowledged": [b.as_dict() for b in result.acknowledged],
                          "events": [{"commit": e.commit, "text": e.text}
                                     for e in result.events]}, indent=2))
    else:
        for e in result.events:
            print(f"EVENT {e.commit[:12]} {terminal(e.text)}")
        for b in result.acknowledged:
            print(f"ACKNOWLEDGED {terminal(b.text())}")
        for b in result.breaks:
            print(f"BREAK {terminal(b.text())}")
        verdict = "intact" if result.ok else f"{len(result.breaks)} open break(s)"
        if result.acknowledged:
            verdict += (f"; {len(result.acknowledged)} acknowledged break(s), repaired by a "
                        "signed repair record")
        print(f"{result.commits} commit(s), {result.records} record(s), {result.signed} signed "
              f"checked: {verdict}")
    if not result.ok:
        tell_broken(root, result.breaks)
    return int(Exit.OK if result.ok else Exit.FAILED)


def tell_broken(root: Path, breaks: list[Any]) -> None:
    """Tell the people the routes name that the archive is broken (``archive.broken``, once
    for this set of breaks, recorded on the notices ref); what was told goes to stderr, so
    ``--format json`` stays JSON. A failure to tell never hides the break's exit 1."""
    import os
    import sys

    from ..clock import utc_now
    from ..notify import broken
    from ..run import load_valid_estate, today

    try:
        estate = load_valid_estate(root, today(utc_now()))
        told = broken.tell(root, estate, breaks, utc_now, dict(os.environ))
    except PatrolError as exc:
        print(f"patrol: the break could not be told: {exc}", file=sys.stderr)
        return
    if told is not None and (told.delivered or told.failed):
        print(f"archive.broken: {len(told.delivered)} delivered, {len(told.failed)} failed",
              file=sys.stderr)


def repair(root: Path, dry_run: bool) -> int:
    """Restore reports/ to the last verified commit with a signed repair record naming the
    breaks it acknowledges (``runner.archive.repair``). Exit 0 when the archive verifies
    afterwards (or already did), 1 when a break is still open or the repair is refused."""
    import os

    from ..archive import repair as fix
    from ..archive import require_history, resolve_head, run_lock
    from ..archive.branch import archive_rev, configured, records_root
    from ..clock import utc_now

    require_history(root)
    rev, estate_ref = archive_rev(root)
    if rev is None:
        print("the archive branch does not exist yet: nothing to repair")
        return int(Exit.OK)
    if estate_ref is not None:  # the records' own worktree, the estate's commit
        records, estate_ref = records_root(root, str(configured(root))), resolve_head(root)
    else:
        records = root
    with run_lock(root):
        if dry_run:
            plan = fix.plan(records, estate_ref)
            if plan is None:
                print("the archive verifies: nothing to repair")
                return int(Exit.OK)
            _print_plan(plan, "would restore")
            return int(Exit.OK)
        plan, sha = fix.repair(records, root, utc_now(), dict(os.environ), estate_ref)
        if plan is None:
            print("the archive verifies: nothing to repair")
            return int(Exit.OK)
        _print_plan(plan, "restored")
        print(f"commit {sha}")
        result = fix.after(records, estate_ref)
    for b in result.breaks:
        print(f"BREAK {terminal(b.text())}")
    verdict = "intact" if result.ok else f"{len(result.breaks)} open break(s)"
    print(f"after the repair: {verdict}, {len(result.acknowledged)} acknowledged break(s)")
    return int(Exit.OK if result.ok else Exit.FAILED)


def signatures_off(root: Path, reason: str) -> int:
    """Turn the signature requirement off as a signed, recorded event
    (``runner.archive.signatures_off``); exit 0 once verify counts it."""
    import os

    from ..archive import require_history, resolve_head, run_lock
    from ..archive import signatures_off as off
    from ..archive.branch import archive_rev, configured, records_root
    from ..clock import utc_now

    require_history(root)
    rev, estate_ref = archive_rev(root)
    records_rev = None
    records = root
    if estate_ref is not None:
        if rev is None:
            raise PatrolError("the archive branch does not exist yet: run an inspection "
                              "first, then record the turn-off on it")
        records, estate_ref, records_rev = (records_root(root, str(configured(root))),
                                            resolve_head(root), rev)
    with run_lock(root):
        done = off.turn_off(root, records, reason, utc_now(), dict(os.environ),
                            records_rev=records_rev, estate_ref=estate_ref)
    if done.made_here:
        print(f"turned off in {done.turned_off_by} (policies/service.yaml, signed)")
    print(f"recorded in {terminal(done.record)}, commit {done.commit} (signed)")
    print("signatures are no longer required from this record on")
    return int(Exit.OK)


def _print_plan(plan: Any, verb: str) -> None:
    for b in plan.breaks:
        print(f"ACKNOWLEDGE {terminal(b.text())}")
    print(f"{verb} reports/ as of {plan.restores[:12]}, the last verified commit")


def log(root: Path, since: str | None, until: str | None, host: str | None,
        checklist: str | None, fmt: str) -> int:
    from ..archive import require_history
    from ..archive.branch import archive_rev
    from ..archive.timeline import render, timeline

    for flag, value in (("--since", since), ("--until", until)):
        _date(flag, value)
    require_history(root)
    hosts = _hosts(root, host) if host else None
    rev, _ = archive_rev(root)
    events = timeline(root, rev=rev, since=since, until=until, hosts=hosts,
                      checklist=checklist, policies="HEAD")
    print(render(events, fmt), end="")
    return int(Exit.OK)


def _date(flag: str, value: str | None) -> None:
    """--since/--until compare with ISO times: anything else is a usage error, not a silently
    empty timeline."""
    from ..archive.timeline import instant  # the parser the filter itself uses

    if value is not None and instant(value) is None:
        raise PatrolError(f"{flag} {value!r}: expected an ISO date like 2026-11-03 or "
                          "2026-11-03T06:00:00Z")


def host_log(root: Path, host: str, fmt: str) -> int:
    from ..archive import require_history
    from ..archive.branch import archive_rev
    from ..archive.timeline import render, timeline

    require_history(root)
    rev, _ = archive_rev(root)
    events = timeline(root, rev=rev or "HEAD", hosts={host}, estate_changes=True)
    print(render(events, fmt), end="")
    return int(Exit.OK)


def _hosts(root: Path, selector: str) -> set[str]:
    """Host names a selector picks in the current estate (a plain name picks itself, so a
    retired host's history is still there)."""
    from ..clock import utc_now
    from ..run import load_valid_estate
    from .findings import host_selector

    if "=" not in selector and "*" not in selector and " " not in selector:
        return {selector}
    sel = host_selector(selector)
    estate = load_valid_estate(root, utc_now().date())
    return {name for name, h in estate.hosts.items() if sel.matches(h)}
