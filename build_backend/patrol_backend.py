"""Patrol's build backend: setuptools, except that an editable install also requires [ansible].

Why: the pre-commit hook installs the repository root with `pip install .` and only validates,
so the wheel's base requirements leave Ansible out (about half the hook's environment). A
development checkout (`pip install -e .`) runs plays, the lab and the tests, so it gets
everything, as it did before the split. The requirements come from the one list in
pyproject.toml (`[project.optional-dependencies] ansible`), added unconditionally to the
editable wheel's metadata. This is the in-tree wrapper of `setuptools.build_meta` that the
setuptools documentation describes ("Dynamic build dependencies and other build_meta tweaks").
"""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (every other hook is setuptools' own)

EDITABLE_EXTRA = "ansible"


def editable_requirements(pyproject: Path = Path("pyproject.toml")) -> list[str]:
    """The requirements an editable install adds: the [ansible] extra, as pyproject lists it."""
    with pyproject.open("rb") as handle:
        project = tomllib.load(handle)["project"]
    return list(project["optional-dependencies"][EDITABLE_EXTRA])


def add_requirements(metadata: Path, requirements: list[str]) -> None:
    """Append `Requires-Dist` headers after the last header; the description body stays put.

    Idempotent, so metadata a frontend prepared with this hook can be passed back in.
    """
    text = metadata.read_text(encoding="utf-8")
    headers, blank, body = text.partition("\n\n")  # no blank line: headers only, no body
    lines = headers.rstrip("\n").splitlines()
    added = [line for line in (f"Requires-Dist: {req}" for req in requirements)
             if line not in lines]
    if added:
        metadata.write_text("\n".join([*lines, *added]) + "\n" + (blank and "\n" + body),
                            encoding="utf-8")


def prepare_metadata_for_build_editable(metadata_directory: str,
                                        config_settings: dict | None = None) -> str:
    name = _setuptools.prepare_metadata_for_build_editable(metadata_directory, config_settings)
    add_requirements(Path(metadata_directory, name, "METADATA"), editable_requirements())
    return name


def build_editable(wheel_directory: str, config_settings: dict | None = None,
                   metadata_directory: str | None = None) -> str:
    """setuptools builds the editable wheel around the dist-info it is given, so give it ours."""
    if metadata_directory and any(Path(metadata_directory).glob("*.dist-info")):
        for metadata in Path(metadata_directory).glob("*.dist-info/METADATA"):
            add_requirements(metadata, editable_requirements())
        return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    with tempfile.TemporaryDirectory() as prepared:
        prepare_metadata_for_build_editable(prepared, config_settings)
        return _setuptools.build_editable(wheel_directory, config_settings, prepared)
