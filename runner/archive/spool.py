"""The spool: the one place a run's results are recovered from.

Every set of files a run writes under ``reports/`` (record, status, findings, incidents) is
first kept in ``.git/patrol-spool/<run-id>/`` (``journal``: one ``bundle`` file, written
atomically, so an entry is whole or absent), then written to ``reports/``. The entry stays
until a commit carries its files (``git.commit`` drops every entry it carried), so whatever
happens between writing and committing — a full disk or a read-only ``reports/``, a failed
``git add`` (object store full, index locked), a push race, a SIGKILL — the next run finds
the results there. Inside the repository, so they survive with the checkout, yet never part
of the work tree.

Recovery comes from here only: files found in the checkout that no spool entry names are
never committed (``git.check_uncommitted`` refuses them with their path), so a record,
finding or status file made by hand in ``reports/`` cannot be laundered into a signed commit.

The spool cannot run out of room on a disk that filled up meanwhile: pre-flight reserves
its space before measuring (``reserve``: a preallocated ``.git/patrol-spool.reserve``), and
the first entry a run writes frees the reserve before it writes.

The next run, holding the run lock and before it reads anything, puts every entry back under
``reports/`` (oldest first, ``restore``) and its commit carries them, so the chain and the
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
BUNDLE = "bundle"
FILES = "files"  # an entry written by an earlier Patrol: files/<path> and COMPLETE
COMPLETE = "COMPLETE"


def spool_root(root: Path) -> Path:
    """``.git/patrol-spool`` of the checkout (or worktree) ``root`` is in."""
    from .history import git_dir

    try:
        if not Path(root).is_dir():
            raise PatrolError("no such directory")
        return git_dir(root) / SPOOL
    except PatrolError:
        raise PatrolError(f"{root} is not inside a Git repository; the archive needs one "
                          "(git init)", exit_code=Exit.USAGE) from None


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


def pack(files: Mapping[str, bytes]) -> bytes:
    """Files as one blob: per file a header line ``<path length> <data length>`` then the
    path and the bytes (any bytes, any path)."""
    out = bytearray()
    for rel, data in files.items():
        name = rel.encode()
        out += f"{len(name)} {len(data)}\n".encode() + name + data
    return bytes(out)


def unpack(blob: bytes) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    at = 0
    while at < len(blob):
        end = blob.index(b"\n", at)
        name_len, data_len = map(int, blob[at:end].split())
        name_end = end + 1 + name_len
        out[blob[end + 1:name_end].decode()] = blob[name_end:name_end + data_len]
        at = name_end + data_len
    return out


def read_entry(entry: Path) -> dict[str, bytes]:
    """The files of one complete entry (root-relative path -> bytes)."""
    if (entry / BUNDLE).is_file():
        return unpack((entry / BUNDLE).read_bytes())
    names = (entry / COMPLETE).read_text().splitlines()
    return {rel: (entry / FILES / rel).read_bytes() for rel in names}


def journal(root: Path, files: Mapping[str, bytes], key: str) -> Path:
    """Add ``files`` to the entry ``key`` (a later version of a path replaces the earlier);
    the entry's directory. OSError when the Git directory cannot take it."""
    base = spool_root(root)
    entry = base / safe_file_name(key)
    (base.parent / RESERVE).unlink(missing_ok=True)  # its room is for this
    kept = read_entry(entry) if is_complete(entry) else {}
    atomic_write(entry / BUNDLE, pack({**kept, **files}))
    return entry


def spool(root: Path, files: Mapping[str, bytes], key: str) -> Path:
    """Keep ``files`` under ``.git/patrol-spool/<key>/``; the entry's directory."""
    return journal(root, files, key)


def write_or_spool(root: Path, files: Mapping[str, bytes], key: str) -> list[str]:
    """Keep ``files`` (root-relative path -> bytes) in the spool entry ``key``, then write
    them in order; returns the paths whose bytes changed. On a failed write the PatrolError
    (exit 1) names the entry: the results are kept, and the next run commits them."""
    try:
        where: Path | None = journal(root, files, key)
        spooled = ""
    except OSError as exc:  # the commit can still carry them; said if that fails too
        where, spooled = None, exc.strerror or str(exc)
    except PatrolError as exc:  # not in a repository: nothing will be committed either
        where, spooled = None, str(exc)
    changed, failed = [], ""
    try:
        for failed, data in files.items():
            if atomic_write(root / failed, data):
                changed.append(failed)
        return changed
    except OSError as exc:
        if where is None:
            raise PatrolError(
                f"cannot write {failed} ({exc.strerror}) nor spool the results in "
                f"{spool_root(root)} ({spooled}): this run's results are lost",
                exit_code=Exit.FAILED) from None
        raise PatrolError(
            f"cannot write {failed} ({exc.strerror}); the run's results are kept in {where} "
            "and the next run (once reports/ is writable) commits them",
            exit_code=Exit.FAILED) from None


def is_complete(entry: Path) -> bool:
    return (entry / BUNDLE).is_file() or (entry / COMPLETE).is_file()


def pending(root: Path) -> list[Path]:
    """Complete spool entries, oldest first (run ids start with their UTC start)."""
    base = spool_root(root)
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if is_complete(p))


def pending_files(root: Path, entries: list[Path] | None = None) -> dict[str, bytes]:
    """What every entry (or each of ``entries``, ``pending``'s) holds, oldest first, a later
    version of a path winning."""
    out: dict[str, bytes] = {}
    for entry in pending(root) if entries is None else entries:
        out.update(read_entry(entry))
    return out


def restore(root: Path) -> list[str]:
    """Put every complete spool entry back under ``reports/``; returns the paths restored.
    Entries stay until a commit carries them (``drop``); when reports/ still refuses them,
    the run stops here (exit 3) with the entries kept."""
    restored: list[str] = []
    for entry in pending(root):
        files = read_entry(entry)
        try:
            for rel, data in files.items():
                atomic_write(root / rel, data)
        except OSError as exc:
            raise PatrolError(
                f"cannot put the spooled results of {entry.name} back ({exc.filename}: "
                f"{exc.strerror}); they stay in {entry}", exit_code=Exit.ENVIRONMENT) from None
        restored += [rel for rel in files if rel not in restored]
    for stale in (spool_root(root).iterdir() if spool_root(root).is_dir() else []):
        if not is_complete(stale):  # a run killed while spooling: never complete
            shutil.rmtree(stale, ignore_errors=True)
    return restored


def drop(root: Path, entries: list[Path]) -> None:
    """Forget entries a commit now carries."""
    for entry in entries:
        shutil.rmtree(entry, ignore_errors=True)
