"""A small Git repository holding a copy of the sample estate, edited and committed by tests.

Example::

    def test_something(estate_repo):
        estate_repo.replace("inventory/hosts/hz-dc1.yaml", "serial: CZJ0421A1", "serial: X")
        estate_repo.commit("change a serial")
        plan = estate_repo.plan()  # HEAD~1 → HEAD
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from runner.plan import Plan, make_plan

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 25)
_GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


@dataclass
class EstateRepo:
    root: Path

    def git(self, *args: str) -> str:
        env = {**os.environ, **_GIT_ENV}
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True,
                              text=True, env=env).stdout

    def read(self, path: str) -> str:
        return (self.root / path).read_text()

    def write(self, path: str, text: str) -> None:
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(text)

    def replace(self, path: str, old: str, new: str, count: int = 1) -> None:
        text = self.read(path)
        assert text.count(old) >= count, f"{old!r} not in {path}"
        self.write(path, text.replace(old, new, count))

    def commit(self, message: str = "change") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)

    def plan(self, base: str = "HEAD~1", head: str = "HEAD", today: date = TODAY) -> Plan:
        return make_plan(self.root, base, head, today=today)


def make_repo(root: Path) -> EstateRepo:
    shutil.copytree(ROOT / "inventory", root / "inventory")
    shutil.copytree(ROOT / "policies", root / "policies")
    repo = EstateRepo(root)
    repo.git("init", "-q", "-b", "main")
    repo.commit("the sample estate")
    return repo


@pytest.fixture
def estate_repo(tmp_path: Path) -> EstateRepo:
    return make_repo(tmp_path)
