"""The whole repository passes ansible-lint's strictest profile, as users' CI would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def test_the_repository_passes_ansible_lint_production() -> None:
    proc = subprocess.run([str(BIN / "ansible-lint"), "--offline", "--profile", "production",
                           "--nocolor"], cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Profile 'production' was required, and it passed" in proc.stdout + proc.stderr
