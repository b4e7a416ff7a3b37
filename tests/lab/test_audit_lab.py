"""The auditor's archive on the lab fleet: signed inspections, evidence for passes, verify."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from runner.archive.verify import verify
from runner.inspect import inspect
from runner.run import RunContext
from tests.conftest import commit_all, copy_estate

pytestmark = pytest.mark.lab


@pytest.fixture
def estate(tmp_path: Path) -> tuple[Path, Path]:
    dest = copy_estate(tmp_path / "estate")
    key = tmp_path / "patrol"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    (dest / "policies/allowed_signers").write_text(
        f"patrol@example.com {Path(f'{key}.pub').read_text().strip()}\n")
    with (dest / "policies/service.yaml").open("a") as fh:
        fh.write("archive:\n  require_signatures: true\n")
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # lab hosts share
        text = checklist.read_text()  # this machine's load (one control: every checklist)
        checklist.write_text(text.replace("      max: 2.0\n", "      max: 1000.0\n"))
    commit_all(dest)
    return dest, key


def test_signed_inspections_keep_evidence_and_verify(lab, estate):
    root, key = estate
    ctx = RunContext.here(root, env={"PATROL_SIGNING_KEY": str(key)})
    first = inspect(root, "daily", connections=lab.ansible_vars(), ctx=ctx)
    record = yaml.safe_load((root / first.record_path).read_bytes())
    assert sorted(record["evidence"]) == lab.names
    for name in lab.names:  # every check's value, passes too, on one line per host
        line = record["evidence"][name]
        assert len(line.split(" ")) == len(first.results[name].checks), line
    status = {p.name: p.read_bytes() for p in (root / "reports/status").iterdir()}
    inspect(root, "daily", connections=lab.ansible_vars(), ctx=ctx)
    assert {p.name: p.read_bytes() for p in (root / "reports/status").iterdir()} == status
    result = verify(root)
    assert result.ok, [b.text() for b in result.breaks]
    assert result.signed == 2 and result.records == 2


def test_an_inspection_with_a_key_that_is_not_allowed_is_refused_before_measuring(lab, estate,
                                                                                   tmp_path):
    from runner.errors import PatrolError
    from tests.conftest import git

    root, _key = estate
    stranger = tmp_path / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)],
                   check=True)
    head = git(root, "rev-parse", "HEAD")
    ctx = RunContext.here(root, env={"PATROL_SIGNING_KEY": str(stranger)})
    with pytest.raises(PatrolError, match="not in policies/allowed_signers") as caught:
        inspect(root, "daily", connections=lab.ansible_vars(), ctx=ctx)
    assert "nothing was measured" in str(caught.value)
    assert git(root, "rev-parse", "HEAD") == head
    assert not (root / "reports/runs").exists() and not (root / "reports/status").exists()
