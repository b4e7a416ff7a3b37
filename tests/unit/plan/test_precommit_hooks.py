"""The pre-commit hook this repository publishes, and this repository's own pre-commit config."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from runner.cli import app

ROOT = Path(__file__).resolve().parents[3]
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent))


def _hook(path: Path, hook_id: str) -> dict:
    data = yaml.safe_load(path.read_text())
    hooks = data if isinstance(data, list) else [h for r in data["repos"] for h in r["hooks"]]
    return next(h for h in hooks if h["id"] == hook_id)


def test_the_published_hook_runs_patrol_validate_on_estate_changes():
    hook = _hook(ROOT / ".pre-commit-hooks.yaml", "patrol-validate")
    assert hook["entry"] == "patrol validate"
    assert (hook["language"], hook["pass_filenames"]) == ("python", False)
    files = re.compile(hook["files"])
    assert files.search("inventory/hosts/hz-dc1.yaml")
    assert files.search("policies/waivers.yaml")
    assert not files.search("runner/cli.py") and not files.search("docs/inventory/x.yaml")


def test_the_hook_entry_is_a_real_command():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    program, command = _hook(ROOT / ".pre-commit-hooks.yaml", "patrol-validate")["entry"].split()
    assert program in scripts
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output


def test_this_repository_uses_the_hook_and_ruff():
    ours = _hook(ROOT / ".pre-commit-config.yaml", "patrol-validate")
    published = _hook(ROOT / ".pre-commit-hooks.yaml", "patrol-validate")
    for key in ("entry", "files", "pass_filenames"):
        assert ours[key] == published[key]
    assert _hook(ROOT / ".pre-commit-config.yaml", "ruff")["entry"].startswith("ruff check")


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (.[dev])")
@pytest.mark.parametrize(("command", "path"), [("validate-manifest", ".pre-commit-hooks.yaml"),
                                               ("validate-config", ".pre-commit-config.yaml")])
def test_pre_commit_accepts_the_files(command, path):
    result = subprocess.run([PRE_COMMIT, command, path], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
