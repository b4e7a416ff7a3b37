"""`patrol inspect CHECKLIST`: run it, show progress, record, commit; exit 1 on any failure,
130 when SIGINT/SIGTERM stopped it (what was measured is recorded and committed)."""

from __future__ import annotations

from pathlib import Path

from ..errors import Exit, PatrolError
from ..progress import Progress


def run(
    root: Path,
    checklist: str,
    limit: str | None,
    junit: Path | None,
    commit: bool,
    push: bool,
    lab: bool = False,
    shard: str | None = None,
    site: str | None = None,
) -> int:
    from ..inspect import Selection, commit_summary, inspect
    from ..junit import write_junit
    from .lab import connections

    if junit is not None and junit.is_dir():
        raise PatrolError(f"--junit {junit}: is a directory; give the report's file path")
    progress = Progress()

    def started(sel: Selection) -> None:
        checks = sum(len(c) for c in sel.checks.values())
        progress.text(f"inspect {checklist}: {len(sel.hosts)} hosts, {checks} checks, measuring...")

    from ..shard import parse as parse_shard

    result = inspect(root, checklist, limit=limit, commit=commit, push=push,
                     shard=parse_shard(shard) if shard is not None else None, site=site,
                     connections=connections(lab), on_host=progress.host, on_start=started,
                     say=progress.text)
    if junit is not None:
        try:
            write_junit(junit, checklist, result.results, result.timings.get("ansible", 0.0))
        except OSError as exc:
            raise PatrolError(f"--junit {junit}: {exc.strerror}; the run itself is recorded"
                              ) from None
    progress.text(commit_summary(result))
    if not commit:
        progress.text("--no-commit: a preview, nothing was written under reports/")
    else:
        progress.text(f"record {result.record_path} sha256:{result.record_sha256[:16]}")
    if result.commit:
        progress.text(f"commit {result.commit}")
    if result.interrupted:
        return int(Exit.INTERRUPTED)
    all_pass = all(hr.passed for hr in result.results.values())
    return int(Exit.OK if all_pass else Exit.FAILED)
