"""Every check kind's docstring example is a check that `patrol validate` accepts: the
example is loaded as a checklist beside the sample estate, through the real loader, models
and cross-references (params included), so a doc that drifts from the models fails here."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from runner.checks import KINDS
from runner.estate.files import read_tree
from runner.estate.loader import load_estate_files

REPO = Path(__file__).resolve().parents[3]
YAML_BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.S | re.M)


def example(doc: str) -> str:
    blocks = YAML_BLOCK.findall(doc)
    assert len(blocks) == 1, "one ```yaml example per check kind"
    return blocks[0]


def checklist_path(name: str) -> str:
    return f"policies/inspections/doc-example-{name.replace('_', '-')}.yaml"


def problems_with(examples: dict[str, str]) -> dict[str, list[str]]:
    """Problems per file of the sample estate plus one checklist per example."""
    files = read_tree(REPO)
    for name, checks in examples.items():
        text = f"name: {name} example\ncadence: daily\nhosts: all\nchecks:\n{checks}"
        files[checklist_path(name)] = text.encode()
    _estate, problems = load_estate_files(files, today=date(2026, 1, 1))
    found: dict[str, list[str]] = {}
    for p in problems:
        found.setdefault(p.file, []).append(f"{p.line}:{p.column}: {p.severity}: {p.message}")
    return found


@pytest.fixture(scope="module")
def problems_by_file() -> dict[str, list[str]]:
    return problems_with({name: example(kind.doc) for name, kind in KINDS.items()})


@pytest.mark.parametrize("name", sorted(KINDS))
def test_docstring_example_validates(name, problems_by_file):
    assert problems_by_file.get(checklist_path(name), []) == []


def test_an_example_with_a_severity_validate_refuses_is_caught():
    """The same path with the severity the docs used to show: the test above can fail."""
    text = example(KINDS["reboot_required"].doc).replace("severity: low", "severity: minor")
    found = problems_with({"bad": text})[checklist_path("bad")]
    assert len(found) == 1
    assert "severity" in found[0]
    assert "minor" in found[0]
