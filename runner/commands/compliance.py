"""`patrol compliance`: checklists that did not run as often as the contract says."""

from __future__ import annotations

from pathlib import Path

from ..errors import Exit


def run(root: Path, now: str | None, commit: bool) -> int:
    from ..clock import stamp
    from ..findings import store as findings_store
    from ..findings.cadence import apply_breaches, cadence_breaches, expected, last_runs
    from ..findings.policy import policy_of
    from ..run import RunContext, lock_and_load
    from ..run import commit as commit_run
    from .findings import parse_now

    at = parse_now(now)
    ctx = RunContext.here(root, clock=lambda: at)
    with lock_and_load(ctx) as opened:
        estate = opened.estate
        policy = policy_of(estate.service)
        wanted = expected(estate)
        horizon = max(policy.cadence_limits.values())
        breaches = cadence_breaches(wanted, last_runs(root, at, horizon), at, policy)
        store = findings_store.load(root)
        moves = apply_breaches(store, breaches, sorted(wanted), at, policy)
        for b in breaches:
            print(f"BREACH {b.checklist} ({b.cadence}, limit {b.limit}): "
                  + ", ".join(f"{h} last {t:%Y-%m-%dT%H:%MZ}" if t else f"{h} never"
                              for h, t in b.hosts.items()))
        changed = findings_store.save(root, store, {m.finding for m in moves})
        if changed and commit:
            summary = f"compliance: {len(breaches)} checklist(s) in breach"
            sha = commit_run(root, changed, summary, f"compliance-{stamp(at)}")
            print(f"commit {sha}")
        print(f"{len(breaches)} checklist(s) in breach of cadence")
    return int(Exit.FAILED if breaches else Exit.OK)
