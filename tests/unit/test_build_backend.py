"""The in-tree build backend: the editable wheel's metadata gains the [ansible] extra's
requirements, and nothing else in the metadata moves."""

from __future__ import annotations

import importlib.util
from email.parser import Parser
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def backend() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "patrol_backend", ROOT / "build_backend" / "patrol_backend.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HEADERS = ("Metadata-Version: 2.1\nName: patrol\nVersion: 0.1.0\n"
           "Requires-Dist: pydantic<3,>=2.6\n"
           'Requires-Dist: ansible-core>=2.15; extra == "ansible"\n')


@pytest.mark.parametrize("tail", ["", "\n", "\nA description.\n\nIts second paragraph.\n"],
                         ids=["headers-only", "empty-body", "body"])
def test_requirements_are_added_as_headers_and_the_body_stays(backend: ModuleType, tmp_path: Path,
                                                              tail: str) -> None:
    metadata = tmp_path / "METADATA"
    metadata.write_text(HEADERS + tail, encoding="utf-8")
    backend.add_requirements(metadata, ["ansible-core>=2.15", "ansible-runner>=2.3"])
    parsed = Parser().parsestr(metadata.read_text(encoding="utf-8"))
    assert parsed.get_all("Requires-Dist") == [
        "pydantic<3,>=2.6", 'ansible-core>=2.15; extra == "ansible"',
        "ansible-core>=2.15", "ansible-runner>=2.3"]
    assert parsed.get_payload() == tail.removeprefix("\n")
    assert parsed["Name"] == "patrol"


def test_adding_twice_adds_once(backend: ModuleType, tmp_path: Path) -> None:
    metadata = tmp_path / "METADATA"
    metadata.write_text(HEADERS + "\nbody\n", encoding="utf-8")
    backend.add_requirements(metadata, ["ansible-runner>=2.3"])
    once = metadata.read_text(encoding="utf-8")
    backend.add_requirements(metadata, ["ansible-runner>=2.3"])
    assert metadata.read_text(encoding="utf-8") == once
    assert once.count("Requires-Dist: ansible-runner>=2.3\n") == 1


def test_the_editable_requirements_are_the_ansible_extra(backend: ModuleType,
                                                         tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n[project.optional-dependencies]\n'
                         'ansible = ["ansible-core>=9", "ansible-runner>=9"]\n'
                         'dev = ["pytest"]\n', encoding="utf-8")
    assert backend.editable_requirements(pyproject) == ["ansible-core>=9", "ansible-runner>=9"]
