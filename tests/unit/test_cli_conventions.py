"""CLI conventions users expect: --version, shell completion for bash and zsh."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

from runner.version import DISTRIBUTION

PATROL = str(Path(sys.executable).parent / "patrol")
# Typer detects the user's shell from the process tree; this lets the test name it instead.
NAMED_SHELL = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}


def _patrol(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PATROL, *args], capture_output=True, text=True, check=False,
                          env={**os.environ, **env}, timeout=60)


def test_version_names_patrol_ansible_core_and_python() -> None:
    run = _patrol("--version")
    assert run.returncode == 0, run.stderr
    line = run.stdout.strip()
    # the venv's own metadata: a build in the source tree leaves a newer egg-info beside it
    (installed,) = metadata.Distribution.discover(name=DISTRIBUTION,
                                                  path=[sysconfig.get_path("purelib")])
    assert line.startswith(f"patrol {installed.version} ")
    assert f"ansible-core {metadata.version('ansible-core')}" in line
    assert f"Python {platform.python_version()}" in line


def test_bash_completion_completes_commands_and_options() -> None:
    script = _patrol("--show-completion", "bash", **NAMED_SHELL)
    assert script.returncode == 0 and "complete" in script.stdout
    words = _patrol(_PATROL_COMPLETE="complete_bash", COMP_WORDS="patrol val", COMP_CWORD="1")
    assert words.stdout.split() == ["validate"]
    opts = _patrol(_PATROL_COMPLETE="complete_bash", COMP_WORDS="patrol validate --for",
                   COMP_CWORD="2")
    assert opts.stdout.split() == ["--format"]


def test_zsh_completion_completes_commands() -> None:
    script = _patrol("--show-completion", "zsh", **NAMED_SHELL)
    assert script.returncode == 0 and "compdef" in script.stdout
    words = _patrol(_PATROL_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="patrol insp")
    assert '"inspect"' in words.stdout and '"validate"' not in words.stdout
