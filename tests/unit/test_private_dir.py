"""ansible-runner's private data dir: 0700, removed with its users, swept after a kill."""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import sys
import time

from runner import private_dir


def test_the_dir_is_private_and_gone_with_every_process_using_it(tmp_path):
    with private_dir.private_dir(str(tmp_path)) as path:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
        # like ssh naming its control socket in the dir
        user = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", path])
        time.sleep(0.1)
        assert private_dir.processes_using(path) == [user.pid]
    assert user.wait(timeout=5) == -9
    assert not os.path.exists(path)


def test_a_sweep_removes_only_dead_runs_dirs(tmp_path):
    dead = tmp_path / f"{private_dir.PREFIX}dead"
    dead.mkdir()
    (dead / private_dir.LOCK).touch()
    (dead / "command").write_text("leftover")
    live = tmp_path / f"{private_dir.PREFIX}live"
    live.mkdir()
    other = tmp_path / "someone-else"
    other.mkdir()
    (other / private_dir.LOCK).touch()
    link = tmp_path / f"{private_dir.PREFIX}link"
    link.symlink_to(other)
    young = tmp_path / f"{private_dir.PREFIX}young"  # made, not locked yet
    young.mkdir()
    with open(live / private_dir.LOCK, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert private_dir.sweep(str(tmp_path)) == [str(dead)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, other.name, link.name, young.name])
