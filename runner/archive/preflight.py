"""Pre-flight: what the archive needs from this checkout, checked before any host is touched.

A run that measures and then cannot keep its results has wasted the measuring (and, for an
upgrade, changed hosts without a record). So before measuring, under the run lock:

1. a spooled run (``spool.py``) goes back under ``reports/`` first, so this run builds on it;
2. every file under ``reports/`` the run reads or its commit would carry is whole and Patrol's
   (``check_reports``): a conflict marker, an empty or invalid file, a committed record
   modified or deleted is one error at ``file:line`` (exit 1);
3. for a run that writes: ``reports/`` takes a file and has room for the run's files, and
   the Git directory holds that much in reserve for the spool (exit 3 when not);
4. for a run that commits: HEAD is on a branch; with ``--push``, there is a remote (exit 2);
5. last, once the files are known to be whole (the run skeleton loads the findings first):
   for a run that writes, ``verify_tip`` — the history since the last verified commit and
   the uncommitted files under ``reports/`` pass ``patrol audit verify`` (``tip.check``); a
   broken tip is refused with verify's message (exit 1), so a run never commits a tampered
   file;
6. for a run that signs, ``require_signing_key``: the key is one the signature policy in
   force at HEAD allows (``signatures``), or the run is refused (exit 1): its commit would
   only be found out by a later verify.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import Exit, PatrolError
from . import status
from .chain import latest_record
from .files import REPORTS, TEMP_SUFFIX
from .git import git_dir, push_target, require_branch, sweepable
from .signatures import Checker, mainline, require_allowed
from .spool import reserve, restore

# the bytes a run writes, generously: a record line and a status file per host, a margin
PER_HOST = 8 * 1024
BASE = 1024 * 1024


@dataclass(frozen=True)
class Intent:
    """What a run will do with the archive, so pre-flight checks exactly that."""

    writes: bool = True  # writes files under reports/ (False: a preview writes nothing)
    commits: bool = True  # commits them
    push: bool = False  # pushes the commit


def needed_bytes(hosts: int) -> int:
    return BASE + PER_HOST * hosts


def check_reports(root: Path) -> None:
    """Every file under ``reports/`` that the run reads or would commit is whole and
    Patrol's; otherwise one PatrolError naming ``file:line`` (see the module docstring)."""
    sweepable(root)  # uncommitted: records sealed, nothing committed edited or deleted
    status.check_all(root)  # findings: the run skeleton loads them whole
    latest_record(root)  # the newest records, whose end the run's record links to


def check_writable(root: Path, hosts: int) -> None:
    """``reports/`` takes a file and has room for the run's files, and the Git directory
    holds the spool's room in reserve (so even a disk that fills while measuring keeps the
    results)."""
    need = needed_bytes(hosts)
    reports = root / REPORTS
    where = reports
    try:
        reports.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".patrol-probe.", suffix=TEMP_SUFFIX, dir=reports)
        try:
            os.write(fd, b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
        if shutil.disk_usage(reports).free < need:
            raise PatrolError(f"{reports}: {shutil.disk_usage(reports).free // 1024} KiB free, "
                              f"the run needs about {need // 1024} KiB for its records; "
                              "nothing was measured", exit_code=Exit.ENVIRONMENT)
        where = git_dir(root)
        reserve(root, need)
    except OSError as exc:
        raise PatrolError(f"{where} is not writable ({exc.strerror}): the run could not "
                          "keep its results; nothing was measured",
                          exit_code=Exit.ENVIRONMENT) from None


def verify_tip(root: Path, estate_ref: str | None = None) -> None:
    """Refuse a broken tip (edited, deleted or foreign files under reports/ since the last
    Patrol commit, or a rewritten history) with ``patrol audit verify``'s message."""
    from .tip import check

    checked = check(root, estate_ref)
    if checked.breaks:
        lines = "\n".join(f"  {b.text()}" for b in checked.breaks[:20])
        more = len(checked.breaks) - 20
        raise PatrolError(
            f"the archive is broken; nothing was measured (see `patrol audit verify`):\n{lines}"
            + (f"\n  ... and {more} more" if more > 0 else ""), exit_code=Exit.FAILED)


def require_signing_key(root: Path, key: str | None, listed: bool = False) -> None:
    """Refuse, before measuring, a signing key that the policy in force at the estate's HEAD
    (followed along its mainline: a key a pull request enrolled itself does not count)
    does not allow. ``root``: the estate (where ``policies/`` lives); ``listed``: the key
    must be in allowed_signers even where signatures are not required."""
    if key is None:
        return
    from .branch import archive_rev

    records, estate_ref = archive_rev(root)
    with tempfile.TemporaryDirectory(prefix="patrol-signers-") as tmp:
        line = mainline(root, "HEAD", Checker(root, Path(tmp)),
                        records=records if estate_ref is not None and records else None)
    if line.order:
        require_allowed(root, key, line.after[line.order[-1]], listed)


def preflight(root: Path, intent: Intent, hosts: int) -> list[str]:
    """Run the checks 1-4 the ``intent`` calls for (module docstring); returns the paths of a
    spooled run put back under ``reports/`` (the run's commit carries them)."""
    if intent.commits:
        require_branch(root)
        if intent.push:
            push_target(root)
    restored = restore(root) if intent.writes else []
    check_reports(root)
    if intent.writes:
        check_writable(root, hosts)
    return restored
