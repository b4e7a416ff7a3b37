"""A bare remote whose ``main`` refuses every push (a pre-receive hook), as where ``main`` is
protected, with an estate that keeps its records on the archive branch ``patrol-archive``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import commit_all, copy_estate, git

PATROL = str(Path(sys.executable).parent / "patrol")
HOOK = """#!/bin/sh
while read old new ref; do
  if [ "$ref" = refs/heads/main ]; then echo "main is protected" >&2; exit 1; fi
done
exit 0
"""


def patrol(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PATROL_SIGNING_KEY"}
    return subprocess.run([PATROL, *args, "--estate", str(root)], capture_output=True, text=True,
                          timeout=60, env=env)


def clone(remote: Path, dest: Path) -> Path:
    git(remote.parent, "clone", "-q", str(remote), str(dest))
    git(dest, "config", "user.email", "ci@example.com")
    git(dest, "config", "user.name", "CI")
    return dest


def make_remote(tmp_path: Path, extra: dict[str, str] | None = None,
                require_signatures: bool = False) -> Path:
    """The bare remote, its main the sample estate (plus ``extra`` files: path -> text)."""
    src = copy_estate(tmp_path / "estate")
    with (src / "policies/service.yaml").open("a") as fh:
        fh.write("archive:\n  branch: patrol-archive\n")
        if require_signatures:
            fh.write("  require_signatures: true\n")
    for rel, text in (extra or {}).items():
        (src / rel).write_text(text)
    commit_all(src)
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(src, "push", "-q", str(bare), "main")
    hook = bare / "hooks" / "pre-receive"
    hook.write_text(HOOK)
    hook.chmod(0o755)
    return bare


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return make_remote(tmp_path)
