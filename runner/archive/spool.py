"""The spool: where a run's results wait when ``reports/`` cannot take them.

A run computes every file it will write (record, status, findings) before writing any, then
writes them. When a write fails after measuring (a full disk, a read-only ``reports/``), the
whole set goes to ``.git/patrol-spool/<run-id>/`` instead: inside the repository, so it
survives with the checkout, yet never part of the work tree. A spool entry counts only once
its ``COMPLETE`` marker is written (a run killed while spooling leaves nothing half-read).

The spool cannot run out of room on a disk that filled up meanwhile: pre-flight reserves
its space before measuring (``reserve``: a preallocated ``.git/patrol-spool.reserve``), and
spooling frees the reserve before it writes.

The next run, holding the run lock and before it reads anything, puts every complete entry
back under ``reports/`` (oldest first) and its commit carries them, so the chain and the
findings continue exactly as if the write had never failed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from ..errors import Exit, PatrolError
from .files import atomic_write, safe_file_name

SPOOL = "patrol-spool"
RESERVE = "patrol-spool.reserve"
FILES = "files"
COMPLETE = "COMPLETE"


def spool_root(root: Path) -> Path:
    from .git import git_dir

    return git_dir(root) / SPOOL


def reserve(root: Path, size: int) -> None:
    """Hold ``size`` bytes for the spool in the Git directory (OSError when they are not
    there: pre-flight's refusal). Kept between runs; a no-op once it is big enough."""
    path = spool_root(root).parent / RESERVE
    if path.exists() and path.stat().st_blocks * 512 >= size:
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def write_or_spool(root: Path, files: Mapping[str, bytes], key: str) -> list[str]:
    """Write ``files`` (root-relative path -> bytes) in order; returns the paths whose bytes
    changed. On a failed write, every file goes to the spool and the PatrolError (exit 1)
    names it: the results are kept, and the next run commits them."""
    changed, failed = [], ""
    try:
        for failed, data in files.items():
            if atomic_write(root / failed, data):
                changed.append(failed)
        return changed
    except OSError as exc:
        try:
            where = spool(root, files, key)
        except OSError as again:
            raise PatrolError(
                f"cannot write {failed} ({exc.strerror}) nor spool the results in "
                f"{spool_root(root)} ({again.strerror}): this run's results are lost",
                exit_code=Exit.FAILED) from None
        raise PatrolError(
            f"cannot write {failed} ({exc.strerror}); the run's results are kept in {where} "
            "and the next run (once reports/ is writable) commits them",
            exit_code=Exit.FAILED) from None


def spool(root: Path, files: Mapping[str, bytes], key: str) -> Path:
    """Keep ``files`` under ``.git/patrol-spool/<key>/``; the entry's directory."""
    entry = spool_root(root) / safe_file_name(key)
    (spool_root(root).parent / RESERVE).unlink(missing_ok=True)  # its room is for this
    shutil.rmtree(entry, ignore_errors=True)
    for rel, data in files.items():
        atomic_write(entry / FILES / rel, data)
    atomic_write(entry / COMPLETE, "".join(f"{rel}\n" for rel in files).encode())
    return entry


def pending(root: Path) -> list[Path]:
    """Complete spool entries, oldest first (run ids start with their UTC start)."""
    base = spool_root(root)
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if (p / COMPLETE).is_file())


def restore(root: Path) -> list[str]:
    """Put every complete spool entry back under ``reports/``; returns the paths restored.

    An entry is removed only once all its files are written; when reports/ still refuses
    them, the run stops here (exit 3) with the entry kept.
    """
    restored: list[str] = []
    for entry in pending(root):
        names = (entry / COMPLETE).read_text().splitlines()
        try:
            for rel in names:
                atomic_write(root / rel, (entry / FILES / rel).read_bytes())
        except OSError as exc:
            raise PatrolError(
                f"cannot put the spooled results of {entry.name} back ({exc.filename}: "
                f"{exc.strerror}); they stay in {entry}", exit_code=Exit.ENVIRONMENT) from None
        restored += names
        shutil.rmtree(entry)
    for stale in (spool_root(root).iterdir() if spool_root(root).is_dir() else []):
        if not (stale / COMPLETE).exists():  # a run killed while spooling: never complete
            shutil.rmtree(stale, ignore_errors=True)
    return restored
