"""A small Git repository holding a copy of the sample estate, edited and committed by tests.

Example::

    def test_something(estate_repo):
        estate_repo.replace("inventory/hosts/hz-dc1.yaml", "serial: CZJ0421A1", "serial: X")
        estate_repo.commit("change a serial")
        plan = estate_repo.plan()  # HEAD~1 → HEAD
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from runner.plan import Plan, make_plan
from tests.conftest import copy_estate, git

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 25)

@dataclass
class EstateRepo:
    root: Path

    def git(self, *args: str) -> str:
        return git(self.root, *args, strip=False)

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
    repo = EstateRepo(copy_estate(root, ("inventory", "policies")))
    repo.git("init", "-q", "-b", "main")
    repo.commit("the sample estate")
    return repo


@pytest.fixture
def estate_repo(tmp_path: Path) -> EstateRepo:
    return make_repo(tmp_path)
