"""Patrol installed as a company installs it: a wheel from a package index, beside the lock.

Shared by the light-install tests and the lab's installed-tool test. The wheel is built from
this tree with the venv's locked setuptools (no build isolation, so nothing unlocked is
fetched), published into a local PEP 503 index, and installed by its name on the index into a
fresh venv whose dependencies come from a lock in requirements/, hashes checked: what an estate
repository's CI does with the files `patrol init` writes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

DISTRIBUTION = "patrol-gitops"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, check=False,
                          timeout=900)


def build_wheel(dest: Path, source: Path = ROOT) -> Path:
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "-q", "-w", str(dest), str(source), cwd=dest.parent)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dest.glob("patrol_gitops-*.whl")
    return wheel


def local_index(wheel: Path, root: Path) -> str:
    """A file:// simple index holding the one wheel, linked with its sha256 as an index does."""
    project = root / "simple" / DISTRIBUTION
    project.mkdir(parents=True)
    (project / wheel.name).write_bytes(wheel.read_bytes())
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    (project / "index.html").write_text(
        f'<!DOCTYPE html><html><body><a href="{wheel.name}#sha256={digest}">{wheel.name}</a>'
        "</body></html>\n")
    (root / "simple" / "index.html").write_text(
        f'<!DOCTYPE html><html><body><a href="{DISTRIBUTION}/">{DISTRIBUTION}</a></body></html>\n')
    return (root / "simple").as_uri()


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def install_tool(venv: Path, wheel: Path, lock: str = "light.txt", extra: str = "") -> Path:
    """A fresh venv with the lock's dependencies and Patrol from the local index; its bin/."""
    made = _run(sys.executable, "-m", "venv", str(venv), cwd=venv.parent)
    assert made.returncode == 0, made.stderr
    pip = str(venv / "bin" / "pip")
    deps = _run(pip, "install", "-q", "--require-hashes", "-r", str(ROOT / "requirements" / lock),
                cwd=venv.parent)
    assert deps.returncode == 0, deps.stdout + deps.stderr
    index = local_index(wheel, venv.parent / "index")
    name = f"{DISTRIBUTION}[{extra}]" if extra else DISTRIBUTION
    tool = _run(pip, "install", "-q", "--no-deps", "--index-url", index,
                f"{name}=={wheel_version(wheel)}", cwd=venv.parent)
    assert tool.returncode == 0, tool.stdout + tool.stderr
    check = _run(pip, "check", cwd=venv.parent)  # the lock holds everything Patrol requires
    assert check.returncode == 0, check.stdout + check.stderr
    return venv / "bin"
