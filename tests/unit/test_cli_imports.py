"""The CLI imports every command module directly, yet `patrol validate` (run in CI on every
pull request) stays free of Ansible and Git: commands import those inside ``run``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("ansible", "ansible_runner", "git", "jinja2")

PROBE = """
import json, sys
from runner.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "heavy": sorted(
    {m.split(".")[0] for m in sys.modules} & set(%r))}))
"""


def run_cli(*args: str) -> dict:
    env = dict(os.environ, PATROL_NO_CACHE="1")
    out = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,), *args],
        capture_output=True, text=True, env=env, cwd=REPO, check=False,
    )
    return json.loads(out.stdout.splitlines()[-1])


def test_validate_imports_neither_ansible_nor_git():
    result = run_cli("validate", str(REPO))
    assert result == {"code": 0, "heavy": []}


def test_the_probe_sees_heavy_imports_when_a_command_makes_them():
    """`patrol plan` reads revisions through Git: the probe above can fail."""
    result = run_cli("plan", "--base", "HEAD", "--estate", str(REPO))
    assert result == {"code": 0, "heavy": ["git"]}
