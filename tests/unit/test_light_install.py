"""The light install: `pip install patrol-gitops` (what the pre-commit hook installs) validates and
plans without Ansible, and a command that needs Ansible says how to get it. A development
install (`pip install -e .`) still gets everything, and a wheel built from the sdist is the
wheel built from the tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, commit_all, copy_estate, git
from tests.tool_install import build_wheel, install_tool


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, check=False,
                          timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": str(cwd),
                                            "LANG": "C.UTF-8"})


@pytest.fixture(scope="module")
def light(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv: requirements/light.txt, then the wheel from a local index, no extras;
    its bin directory."""
    work = tmp_path_factory.mktemp("light")
    wheel = build_wheel(work / "wheels")
    return install_tool(work / "venv", wheel)


def _wheel_files(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return sorted(archive.namelist())


@pytest.fixture(scope="module")
def editable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with `pip install -e <source tree>`, no extras named; its bin directory.

    The locked versions are given as constraints (hashes dropped: pip cannot hash a directory),
    so the editable metadata pulls in what the lock says, not last night's releases."""
    work = tmp_path_factory.mktemp("editable")
    assert _run(sys.executable, "-m", "venv", str(work / "venv"), cwd=work).returncode == 0
    pins = work / "pins.txt"
    pins.write_text(unhashed((ROOT / "requirements/dev.txt").read_text()))
    pip = str(work / "venv/bin/pip")
    backend = _run(pip, "install", "-q", "-c", str(pins), "setuptools", "setuptools-scm",
                   cwd=work)
    assert backend.returncode == 0, backend.stderr
    installed = _run(pip, "install", "-q", "--no-build-isolation", "-c", str(pins), "-e",
                     str(ROOT), cwd=work)
    assert installed.returncode == 0, installed.stderr
    return work / "venv/bin"


def unhashed(lock: str) -> str:
    """A lock's `name==version ; marker` lines without hashes or notes: pip constraints."""
    return "".join(line.rstrip(" \\") + "\n" for line in lock.splitlines()
                   if line[:1].isalnum())


def test_an_editable_install_gets_ansible_without_naming_the_extra(editable: Path,
                                                                   tmp_path: Path) -> None:
    for module in ("ansible", "ansible_runner"):
        probe = _run(str(editable / "python"), "-c", f"import {module}", cwd=tmp_path)
        assert probe.returncode == 0, probe.stderr
    version = _run(str(editable / "patrol"), "--version", cwd=tmp_path).stdout
    assert "ansible-core 2." in version and "not installed" not in version


def test_an_editable_install_runs_the_source_tree(editable: Path, tmp_path: Path) -> None:
    where = _run(str(editable / "python"), "-c", "import runner; print(runner.__file__)",
                 cwd=tmp_path)
    assert Path(where.stdout.strip()) == ROOT / "runner" / "__init__.py"


def test_a_wheel_built_from_the_sdist_is_the_wheel_built_from_the_tree(
        light: Path, tmp_path: Path) -> None:
    """The sdist carries the in-tree build backend (backend-path) and everything the wheel has."""
    built = _run(sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o",
                 str(tmp_path / "sdist"), str(ROOT), cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    (sdist,) = (tmp_path / "sdist").glob("patrol_gitops-*.tar.gz")
    (tmp_path / "from-sdist").mkdir()
    from_sdist = build_wheel(tmp_path / "from-sdist", sdist)
    (from_tree,) = (light.parent.parent / "wheels").glob("patrol_gitops-*.whl")
    assert _wheel_files(from_sdist) == _wheel_files(from_tree)


def test_the_light_install_has_no_ansible(light: Path, tmp_path: Path) -> None:
    probe = _run(str(light / "python"), "-c", "import ansible", cwd=tmp_path)
    assert probe.returncode == 1 and "ModuleNotFoundError" in probe.stderr
    assert "ansible-core not installed" in _run(str(light / "patrol"), "--version",
                                                cwd=tmp_path).stdout


def test_the_light_install_validates_and_plans(light: Path, tmp_path: Path) -> None:
    estate = copy_estate(tmp_path / "estate")
    commit_all(estate, "base")
    assert _run(str(light / "patrol"), "validate", cwd=estate).returncode == 0
    plan = _run(str(light / "patrol"), "plan", "--base", "HEAD", cwd=estate)
    assert plan.returncode == 0, plan.stderr


def test_the_light_install_runs_the_checks_that_need_no_play(light: Path,
                                                             tmp_path: Path) -> None:
    """Spares and lifecycle checks (CI runs them with the light install) record and commit."""
    estate = copy_estate(tmp_path / "estate")
    commit_all(estate, "base")
    for check in ("spares", "lifecycle"):
        run = _run(str(light / "patrol"), check, "check", cwd=estate)
        assert run.returncode in (0, 1), run.stdout + run.stderr  # 1: something short or past
        assert "Traceback" not in run.stderr
    assert len(git(estate, "log", "--format=%s").splitlines()) == 3


def test_the_light_install_records_incidents(light: Path, tmp_path: Path) -> None:
    """Incidents never touch a host: neither Ansible nor ssh is needed to record one."""
    estate = copy_estate(tmp_path / "estate")
    commit_all(estate, "base")
    run = _run(str(light / "patrol"), "incident", "open", "--host", "web-01",
               "--summary", "disk full", cwd=estate)
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(git(estate, "log", "--format=%s").splitlines()) == 2


def test_running_a_play_without_ansible_says_how_to_install_it(light: Path,
                                                               tmp_path: Path) -> None:
    estate = copy_estate(tmp_path / "estate")
    commit_all(estate, "base")
    run = _run(str(light / "patrol"), "inspect", "daily", "--no-commit", cwd=estate)
    assert run.returncode == 3, run.stdout + run.stderr
    assert "pip install 'patrol-gitops[ansible]'" in run.stderr
    assert "Traceback" not in run.stderr
    assert "measuring" not in run.stdout + run.stderr  # refused before anything started
    run = _run(str(light / "patrol"), "upgrade", "patrol-agent-1.1", "--check", cwd=estate)
    assert run.returncode == 3, run.stdout + run.stderr
    assert run.stdout == "" and "pip install 'patrol-gitops[ansible]'" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_demo_without_ansible_is_refused_before_the_lab_comes_up(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """In process, with Ansible hidden: the lab and the clone are never touched."""
    import importlib.util

    from runner import archive
    from runner.commands import demo
    from runner.errors import Exit, PatrolError
    from runner.lab import fleet

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ansible_runner" else real(name, *a))

    def touched(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the lab or the clone was touched")

    monkeypatch.setattr(fleet, "up", touched)
    monkeypatch.setattr(archive, "clone", touched)
    with pytest.raises(PatrolError) as refused:
        demo.run(ROOT, "daily")
    assert refused.value.exit_code == Exit.ENVIRONMENT
