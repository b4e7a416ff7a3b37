"""Patrol as a company installs it: a wheel in a fresh venv, the estate in its own repository.

Builds the wheel from this source tree, installs it into a new virtualenv outside the tree,
starts an estate repository with `patrol init`, and inspects the lab from that repository:
the plays and the measuring module must come from the installed package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git
from tests.tool_install import build_wheel, install_tool, wheel_version

pytestmark = pytest.mark.lab


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, check=False,
                          timeout=timeout, env=env)


def check_templates(estate: Path, version: str) -> None:
    """The CI templates init wrote name this Patrol on the index, and pass the tools a reviewer
    runs on them: the workflow and GitLab schemas, actionlint and zizmor."""
    workflows = sorted((estate / ".github/workflows").glob("*.yml"))
    assert {w.name for w in workflows} == {"audit.yml", "inspect.yml", "validate.yml"}
    for template in [*workflows, estate / ".gitlab-ci.yml"]:
        assert f'pip install --no-deps "patrol-gitops=={version}"' in template.read_text()
    tools = Path(sys.executable).parent
    for argv in ([str(tools / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                  *map(str, workflows)],
                 [str(tools / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci",
                  str(estate / ".gitlab-ci.yml")],
                 [str(tools / "actionlint"), *map(str, workflows)],
                 [str(tools / "zizmor"), "--offline", "--no-progress", *map(str, workflows)]):
        run = _run(*argv, cwd=estate)
        assert run.returncode == 0, (argv[0], run.stdout + run.stderr)


def test_a_wheel_installed_patrol_inspects_the_lab_from_its_own_estate_repository(
        lab, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    wheel = build_wheel(wheels)
    venv = tmp_path / "tool"
    install_tool(venv, wheel, lock="ansible.txt", extra="ansible")

    env = {"PATH": f"{venv / 'bin'}:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(tmp_path),
           "LANG": "C.UTF-8", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    where = _run(str(venv / "bin/python"), "-c",
                 "import runner.resources as r; print(r.package_dir('playbooks'))",
                 cwd=tmp_path, env=env)
    playbooks = Path(where.stdout.strip())
    assert playbooks.is_relative_to(venv), where.stdout + where.stderr  # not the source tree
    assert (playbooks / "library/patrol_measure.py").is_file()

    estate = tmp_path / "estate"
    init = _run(str(venv / "bin/patrol"), "init", str(estate), cwd=tmp_path, env=env)
    assert init.returncode == 0, init.stderr
    check_templates(estate, wheel_version(wheel))
    git(estate, "add", "-A")
    git(estate, "commit", "-q", "-m", "Start the estate")
    assert _run("patrol", "validate", cwd=estate, env=env).returncode == 0

    inspect = _run("patrol", "inspect", "daily", "--lab", cwd=estate, env=env)
    assert inspect.returncode in (0, 1), inspect.stdout + inspect.stderr  # 1: a check failed
    assert "could not be found" not in inspect.stdout + inspect.stderr
    records = sorted((estate / "reports/runs").rglob("*.yaml"))
    assert len(records) == 1, inspect.stdout + inspect.stderr
    assert git(estate, "log", "--format=%s", "-1").startswith("inspect(daily):")
    status = _run("patrol", "findings", "--format", "json", cwd=estate, env=env)
    assert status.returncode == 0, status.stderr
    measured = {p.stem for p in (estate / "reports/status").glob("*.yaml")}
    # every lab host but those behind a gateway: init leaves out the sites that pin lab keys
    assert measured == set(lab.names) - set(lab.behind) and len(measured) == 8
    assert json.loads(status.stdout) is not None
    assert os.access(estate / "inventory/patrol-inventory", os.X_OK)
