"""ansible-runner's private data dir: 0700, locked while in use, gone afterwards, even after a
crash.

ansible-runner writes the inventory, the command line and its environment, the events and
Ansible's output under this dir, and the play's SSH control sockets live there too. A run
removes its own dir when it ends; a run killed with SIGKILL cannot, so every run first
sweeps what killed runs left: dirs named ``patrol-play-*`` in the temp dir, owned by us,
whose lock nobody holds any more (the lock is an ``flock`` a live run holds; it dies with its
process). Processes still using a dir (an ``ansible-playbook`` orphaned by a killed run, an
SSH ControlPersist master, which detaches into its own session) are killed before it goes,
so no play outlives its run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PREFIX = "patrol-play-"
LOCK = ".lock"
UNLOCKED_GRACE = 60.0  # s: a dir without a lock file is a run that died before locking it


def processes_using(path: str) -> list[int]:
    """Our own processes whose command line names ``path`` (ansible-playbook and its workers
    take the inventory under it, ssh its control socket)."""
    needle = os.fsencode(path)
    me, uid = os.getpid(), os.geteuid()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                if needle in fh.read():
                    found.append(int(entry.name))
        except OSError:  # gone meanwhile
            continue
    return sorted(found)


def kill_processes_using(path: str) -> list[int]:
    """SIGKILL every process still using ``path``; the pids it killed."""
    killed = []
    for pid in processes_using(path):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    return killed


def remove(path: str) -> None:
    kill_processes_using(path)
    shutil.rmtree(path, ignore_errors=True)


def _stale(path: Path) -> bool:
    """Ours, a real dir, and no live run holds its lock."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        return False
    try:
        fd = os.open(path / LOCK, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return time.time() - st.st_mtime > UNLOCKED_GRACE
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a live run
    finally:
        os.close(fd)
    return True


def sweep(base: str | None = None) -> list[str]:
    """Remove what killed runs left behind; the dirs removed."""
    root = Path(base or tempfile.gettempdir())
    removed = []
    for path in sorted(root.glob(f"{PREFIX}*")):
        if _stale(path):
            remove(str(path))
            removed.append(str(path))
    return removed


@contextlib.contextmanager
def private_dir(base: str | None = None) -> Iterator[str]:
    """A fresh 0700 dir, locked while the run uses it, removed with everything using it."""
    sweep(base)
    path = tempfile.mkdtemp(prefix=PREFIX, dir=base)
    os.chmod(path, 0o700)
    # the lock file gets its name only once it is locked: a sweep never sees it unlocked
    fresh = os.path.join(path, f"{LOCK}.new")
    lock = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.rename(fresh, os.path.join(path, LOCK))
        yield path
    finally:
        remove(path)
        os.close(lock)
