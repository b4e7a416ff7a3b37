"""README's first command: `patrol demo` inspects the lab in a throwaway clone and commits there."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATROL = str(Path(sys.executable).parent / "patrol")
pytestmark = pytest.mark.lab


def test_demo_commits_in_a_throwaway_clone_not_on_the_users_branch(lab, tmp_path):
    head_before = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True).stdout
    r = subprocess.run([PATROL, "demo", "--estate", str(ROOT)], capture_output=True, text=True,
                       timeout=300, env={**os.environ, "TMPDIR": str(tmp_path), "CI": "true"})
    # 0: the demo inspected and committed; what its checks found is output, not its exit code
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    clone = Path(re.search(r"demo clone: (\S+)", r.stdout).group(1))
    assert clone.is_relative_to(tmp_path)
    log = subprocess.run(["git", "log", "-1", "--format=%s%n%b"], cwd=clone, capture_output=True,
                         text=True).stdout
    assert re.match(r"inspect\(daily\): \d+/10 hosts pass", log)  # br-01, plant-01 too
    assert "Patrol-Record: sha256:" in log
    # the commit as git shows it: its lines, one per line, not one line of literal \n
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True,
                         text=True).stdout.strip()
    printed = r.stdout.splitlines()
    start = printed.index(f"commit {sha}")
    assert printed[start + 1].startswith("Author: ")
    subject = log.splitlines()[0]
    assert f"    {subject}" in printed[start:]
    shown = subprocess.run(["git", "show", "--stat", "--format=medium", sha], cwd=clone,
                           capture_output=True, text=True).stdout.splitlines()
    assert printed[start:start + len(shown)] == shown
    assert not any("\\n" in line for line in printed[start:start + len(shown)])
    for name in lab.names:
        assert f"{name} " in r.stdout  # live progress line per host
    head_after = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout
    assert head_after == head_before
