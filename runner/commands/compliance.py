"""`patrol compliance`: checklists that did not run as often as the contract says."""

from __future__ import annotations

from pathlib import Path

from ..errors import Exit


def run(root: Path, now: str | None, commit: bool) -> int:
    """Open, escalate or close cadence findings: a sealed record names each, and both are
    committed together; ``--no-commit`` previews, writing nothing."""
    from ..archive import Intent
    from ..findings.cadence import apply_breaches, cadence_breaches, expected, last_runs
    from ..findings.policy import policy_of
    from ..run import RunContext, lock_and_load, record_findings
    from .findings import run_moment

    at = run_moment(now, commit)
    ctx = RunContext.here(root, clock=lambda: at)
    with lock_and_load(ctx, Intent(writes=commit, commits=commit),
                       reaches_hosts=False) as opened:
        estate = opened.estate
        policy = policy_of(estate.service)
        wanted = expected(estate)
        horizon = max(policy.cadence_limits.values())
        records = opened.reports_root(ctx)
        breaches = cadence_breaches(wanted, last_runs(records, at, horizon), at, policy)
        store = opened.findings
        moves = apply_breaches(store, breaches, sorted(wanted), at, policy)
        for b in breaches:
            print(f"BREACH {b.checklist} ({b.cadence}, limit {b.limit}): "
                  + ", ".join(f"{h} last {t:%Y-%m-%dT%H:%MZ}" if t else f"{h} never"
                              for h, t in b.hosts.items()))
        if commit:
            sha = record_findings(ctx, opened, "compliance", store, moves,
                                  f"compliance: {len(breaches)} checklist(s) in breach",
                                  extra={"breaches": [
                                      {"checklist": b.checklist, "cadence": b.cadence,
                                       "hosts": sorted(b.hosts)} for b in breaches]})
            if sha:
                print(f"commit {sha}")
        print(f"{len(breaches)} checklist(s) in breach of cadence")
    return int(Exit.FAILED if breaches else Exit.OK)
