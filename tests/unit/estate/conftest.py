"""Fixtures for estate tests: a copy of the sample estate to break, and a way to run the CLI."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import copy_estate

REPO = Path(__file__).resolve().parents[3]


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def patrol(*args: str, cwd: Path | None = None) -> Run:
    """The real command line, in a subprocess, as a user would run it."""
    proc = subprocess.run([sys.executable, "-m", "runner.cli", *args], capture_output=True,
                          text=True, cwd=cwd or REPO, check=False, timeout=120)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def position(text: str, needle: str, occurrence: int = 1, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of the ``occurrence``-th ``needle`` in ``text`` (+ offset)."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


class SampleEstate:
    """A writable copy of the repository's sample estate."""

    def __init__(self, root: Path) -> None:
        self.root = copy_estate(root, ("inventory", "policies"))

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text()

    def write(self, rel: str, text: str | bytes) -> str:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        return rel

    def replace(self, rel: str, old: str, new: str, count: int = 1) -> str:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        text = text.replace(old, new, count)
        self.write(rel, text)
        return text

    def validate(self, *args: str) -> Run:
        return patrol("validate", str(self.root), *args)


@pytest.fixture
def estate(tmp_path: Path) -> SampleEstate:
    return SampleEstate(tmp_path / "estate")
