"""JSON Schemas: exported from the models, committed, and accepted by a real external client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from runner.estate import classify
from runner.estate.schema import export_schemas

from .conftest import REPO, patrol

SAMPLE_FILES = sorted(
    p.relative_to(REPO).as_posix()
    for d in ("inventory", "policies") for p in (REPO / d).rglob("*.yaml"))
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def test_committed_schemas_are_up_to_date() -> None:
    stale = [name for name, text in export_schemas().items()
             if not (REPO / "schemas" / name).is_file()
             or (REPO / "schemas" / name).read_text() != text]
    assert not stale, f"schemas/ is stale for {stale}: run `patrol schema --out schemas`"


def test_schema_command_writes_one_file_per_kind(tmp_path: Path) -> None:
    run = patrol("schema", "--out", str(tmp_path))
    assert run.code == 0, run.text
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(export_schemas())


@pytest.mark.parametrize("rel", SAMPLE_FILES)
def test_sample_file_names_its_schema_and_check_jsonschema_accepts_it(rel: str) -> None:
    kind = classify(rel)
    assert kind is not None
    first = (REPO / rel).read_text().splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    schema = ((REPO / rel).parent / first.removeprefix(prefix)).resolve()
    assert schema == REPO / "schemas" / kind.schema_file
    proc = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(REPO / rel)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_jsonschema_rejects_a_bad_param_through_the_schema(tmp_path: Path) -> None:
    text = (REPO / "policies/inspections/daily.yaml").read_text()
    bad = tmp_path / "daily.yaml"
    bad.write_text(text.replace("max_percent: 85", "max_percent: lots", 1))
    proc = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile",
                           str(REPO / "schemas/checklist.schema.json"), str(bad)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "max_percent" in proc.stdout
