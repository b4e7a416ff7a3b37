"""`patrol init`: a new estate repository from the package, valid at once, CI ready."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from runner.commands.init import scaffold
from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*args], cwd=cwd, capture_output=True, text=True, check=False,
                          timeout=300, env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}",
                                            "PATROL_NO_CACHE": "1"})


def test_init_writes_an_estate_repository_that_validates(tmp_path: Path) -> None:
    repo = tmp_path / "estate"
    run = _run(str(BIN / "patrol"), "init", str(repo), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (repo / ".git").is_dir()
    for rel in ("inventory/sites.yaml", "policies/service.yaml", "schemas/hosts.schema.json",
                ".github/workflows/inspect.yml", ".github/workflows/validate.yml",
                ".gitlab-ci.yml", ".pre-commit-config.yaml", ".gitignore", "ansible.cfg",
                "README.md"):
        assert (repo / rel).is_file(), rel
    assert os.access(repo / "inventory/patrol-inventory", os.X_OK)
    validate = _run(str(BIN / "patrol"), "validate", cwd=repo)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    hosts = _run(str(BIN / "ansible"), "all", "--list-hosts", cwd=repo)
    # the sample's 10 less br-01 and plant-01: their sites pin the lab's keys (below)
    assert hosts.returncode == 0 and "hosts (8):" in hosts.stdout, hosts.stderr


def test_init_leaves_out_the_sites_that_pin_the_labs_computable_keys(tmp_path: Path) -> None:
    """The sample's sites behind a jump host and a node pin keys anyone can derive from the
    host names (runner/lab/hostkeys.py): a new estate must not start out trusting them."""
    from runner.lab import hostkeys

    lab_keys = [hostkeys.public_key(n) for n in ("jump-hz-br3", "node-fra-plant4", "br-01",
                                                   "plant-01")]
    sample = "".join(p.read_text() for p in (ROOT / "inventory").rglob("*.yaml"))
    assert all(key.split()[1] in sample for key in lab_keys)  # the sample pins all four
    repo = tmp_path / "estate"
    assert _run(str(BIN / "patrol"), "init", str(repo), cwd=tmp_path).returncode == 0
    text = {p.relative_to(repo).as_posix(): p.read_text()
            for d in ("inventory", "policies") for p in (repo / d).rglob("*.yaml")}
    for rel, body in text.items():
        assert not any(key.split()[1] in body for key in lab_keys), rel
        assert "hz-br3" not in body and "fra-plant4" not in body, rel
    assert sorted(p.name for p in (repo / "inventory/hosts").iterdir()) == [
        "fra-dc2.yaml", "hz-dc1.yaml"]
    # the rest is the sample, byte for byte, where it did not name those sites
    for rel in ("inventory/hosts/hz-dc1.yaml", "inventory/models.yaml", "policies/waivers.yaml"):
        assert text[rel] == (ROOT / rel).read_text(), rel
    assert "reaches: {fra-dc2: 3h, hz-dc1: 2d}" in text["inventory/spares.yaml"]


def test_the_ci_templates_install_patrol_as_a_tool(tmp_path: Path) -> None:
    """Every install in the estate's CI is the copied lock (hashes checked) and then this very
    Patrol by its name on the index, never the estate repository itself."""
    scaffold(tmp_path)
    from importlib import metadata

    version = metadata.version("patrol-gitops")
    for rel, lock in ((".github/workflows/inspect.yml", "requirements/ansible.txt"),
                      (".github/workflows/validate.yml", "requirements/light.txt"),
                      (".gitlab-ci.yml", "requirements/light.txt"),
                      (".gitlab-ci.yml", "requirements/ansible.txt")):
        text = (tmp_path / rel).read_text()
        assert not re.search(r"pip install[^\n]* (-e )?['\"]?\.(\[\w+\])?['\"]?(\s|$)", text), rel
        assert f"pip install --require-hashes -r {lock}" in text, (rel, lock)
        assert f'pip install --no-deps "patrol-gitops=={version}"' in text, rel
        assert (tmp_path / lock).read_bytes() == (ROOT / lock).read_bytes(), lock
        assert yaml.safe_load(text), rel
    assert not (tmp_path / ".github/workflows/release.yml").exists()  # Patrol's own release
    assert sorted(p.name for p in (tmp_path / "requirements").iterdir()) == [
        "ansible.txt", "light.txt"]
    check = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                 str(tmp_path / ".github/workflows/inspect.yml"),
                 str(tmp_path / ".github/workflows/validate.yml"), cwd=tmp_path)
    assert check.returncode == 0, check.stdout


def test_the_sample_estate_in_the_package_is_the_repositorys(tmp_path: Path) -> None:
    """Less the two sites that pin the lab's keys (their host files, and where three files
    name them: test_init_leaves_out_the_sites_that_pin_the_labs_computable_keys)."""
    scaffold(tmp_path)
    left_out = {"inventory/hosts/hz-br3.yaml", "inventory/hosts/fra-plant4.yaml"}
    edited = {"inventory/sites.yaml", "inventory/spares.yaml", "policies/notifications.yaml"}
    for part in ("inventory", "policies", "schemas"):
        ours = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / part).rglob("*")
                      if p.is_file())
        theirs = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / part).rglob("*")
                        if p.is_file())
        assert theirs == [rel for rel in ours if rel not in left_out]
        for rel in theirs:
            same = (tmp_path / rel).read_bytes() == (ROOT / rel).read_bytes()
            assert same != (rel in edited), rel


def test_init_refuses_a_directory_that_holds_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    run = _run(str(BIN / "patrol"), "init", str(tmp_path), cwd=tmp_path)
    assert run.returncode == 2 and "not empty" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_a_path_it_cannot_use_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("mine")
    for dest, says in (("afile", "exists and is not a directory"),
                       ("afile/sub", "cannot create"),
                       ("/proc/patrol-estate", "cannot create")):
        run = _run(str(BIN / "patrol"), "init", dest, cwd=tmp_path)
        assert run.returncode == 2, (dest, run.stderr)
        assert run.stderr.startswith("patrol init: ") and says in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
    assert (tmp_path / "afile").read_text() == "mine"


def test_init_that_cannot_write_says_so_and_exits_1(tmp_path: Path) -> None:
    """A disk that fills while init writes (a 64 KiB tmpfs): a message, not a traceback."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    dest = tmp_path / "small"
    dest.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(dest)], check=True)
    try:
        run = _run(str(BIN / "patrol"), "init", str(dest), cwd=tmp_path)
    finally:
        subprocess.run(["umount", str(dest)], check=False)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "failed" in run.stderr and "No space left on device" in run.stderr
    assert "Traceback" not in run.stderr
