"""`patrol upgrade PLAN [--check] [--now TIME]`: run an upgrade plan wave by wave.

Exit codes: 0 every targeted host whose window is open was upgraded (or already at the
planned versions; hosts of a site whose window is closed wait for a later run); 1 anything
less — no targeted host's window is open (nothing ran; the message says when it opens), the
plan halted, a host failed, was unreachable or was skipped by a pre-check; 2 an unknown plan
or bad ``--now``, with an archive branch an estate with uncommitted changes, ``--push``
without one; 3 another patrol run holds the checkout; 130 interrupted (recorded and
committed). ``--check`` changes nothing on hosts or in the archive (it also
previews outside the window): 0 when every host would upgrade cleanly, 1 otherwise.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..errors import Exit


def run(root: Path, plan: str, check: bool, now: str | None, commit: bool,
        lab: bool = False, push: bool = False) -> int:
    from ..clock import utc_now
    from ..execute import require_ansible
    from ..progress import Progress
    from ..run import trusted_moment
    from ..upgrade.run import commit_summary, upgrade
    from .findings import parse_now
    from .lab import connections

    require_ansible()  # before announcing the upgrade
    progress = Progress()
    fixed = parse_now(now) if now is not None else None
    trusted_moment(fixed, not check, utc_now(), "--check")

    def clock() -> datetime:
        return fixed if fixed is not None else parse_now(None)

    mode = "check mode, nothing changes" if check else "upgrading"
    progress.text(f"upgrade {plan}: {mode}...")
    result = upgrade(root, plan, now=clock, check=check, commit=commit, say=progress.text,
                     connections=connections(lab), push=push)
    if check:
        if result.exit_code == Exit.OK:
            progress.text("check: every host would upgrade cleanly; nothing was changed")
        else:
            progress.text("check: some hosts would not upgrade cleanly; nothing was changed")
        return result.exit_code
    progress.text(commit_summary(result))
    for path in result.inventory_files:
        progress.text(f"inventory {path}: declared versions updated")
    progress.text(f"record {result.record_path} sha256:{result.record_sha256[:16]}")
    if result.commit:
        progress.text(f"commit {result.commit}")
    if result.estate_edit is not None:
        progress.text(result.estate_edit.describe(pushed=push and commit))
    return result.exit_code
