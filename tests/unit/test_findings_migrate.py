"""An archive from before one problem was one finding migrates forward in one recorded,
verifiable step, and `patrol audit verify` checks the history before and after it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from runner.archive.verify import verify
from runner.commands import findings as findings_cmd
from runner.errors import PatrolError
from runner.findings import store as findings_store
from runner.findings.model import State
from tests.conftest import commit_all, copy_estate, git, patrol_commit
from tests.unit.test_findings_one_problem import T0, _legacy


def test_an_old_archive_migrates_in_one_verified_step(tmp_path: Path, capsys):
    root = copy_estate(tmp_path / "estate")
    commit_all(root)
    daily = _legacy("daily", State.CLOSED, T0, T0 + timedelta(days=1))
    weekly = _legacy("weekly", State.PENALISED, T0.replace(minute=16))
    old = {f.id: f for f in (daily, weekly)}
    findings_store.save(root, old)
    with findings_store.migrating():  # what an older Patrol committed
        patrol_commit(root, run_id="20261102T061600Z-weekly-000001")
    assert verify(root).breaks == []
    with pytest.raises(PatrolError, match="patrol findings migrate"):
        findings_store.load(root)

    assert findings_cmd.migrate(root, commit=False) == 0  # a preview writes nothing
    assert "web-01/daily.ports -> web-01/ports" in capsys.readouterr().out
    assert git(root, "status", "--porcelain") == ""

    assert findings_cmd.migrate(root) == 0
    store = findings_store.load(root)
    assert list(store) == ["web-01/ports"]
    f = store["web-01/ports"]
    assert (f.state, f.opened_at, f.due) == (State.PENALISED, weekly.opened_at, weekly.due)
    assert f.checklists == ["daily", "weekly"]
    assert sorted({h["checklist"] for h in f.history}) == ["daily", "weekly"]
    for fid in old:
        assert not (root / findings_store.path_of(fid)).exists()
    # one commit: the record names every merge, and verify accepts the whole history
    changed = git(root, "show", "--name-status", "--format=", "HEAD").splitlines()
    record = next(line.split("\t")[1] for line in changed if "/runs/" in line)
    doc = yaml.safe_load((root / record).read_text())
    assert doc["kind"] == "migration"
    assert {e["finding"]: e["to"] for e in doc["findings"]} == {
        "web-01/daily.ports": "merged", "web-01/weekly.ports": "merged",
        "web-01/ports": "penalised"}
    assert verify(root).breaks == []
    head = git(root, "rev-parse", "HEAD")
    assert findings_cmd.migrate(root) == 0  # nothing left: no second step
    assert git(root, "rev-parse", "HEAD") == head

