"""Incidents are part of every write, spool and commit path: an incident step whose commit
fails keeps its file and the record naming it together in the spool, and the next run
commits both, on real git."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.archive import spool
from runner.archive.verify import verify
from runner.commands import incidents as cmd
from runner.errors import Exit, PatrolError
from tests.conftest import git
from tests.unit.test_incidents_cli import clock

INCIDENT = "reports/incidents/2026/INC-2026-0001.yaml"


def test_an_incident_step_whose_commit_fails_is_committed_whole_by_the_next(estate_repo: Path):
    before = git(estate_repo, "rev-parse", "HEAD")
    lock = estate_repo / ".git" / "index.lock"
    lock.write_text("")  # another git process holds the index
    with pytest.raises(PatrolError) as caught:
        cmd.open_(estate_repo, ["db-02"], "db-02 does not answer", None, "Anna Schmidt",
                  "phone", None, clock=clock())
    assert caught.value.exit_code == Exit.FAILED and "kept in" in str(caught.value)
    [entry] = spool.pending(estate_repo)
    kept = spool.read_entry(entry)
    [record] = [rel for rel in kept if rel.startswith("reports/runs/")]
    assert INCIDENT in kept  # with the record that names its step
    lock.unlink()
    assert cmd.open_(estate_repo, ["db-01"], "db-01 is slow", None, "Anna Schmidt", "phone",
                     None, clock=clock(5)) == 0
    committed = git(estate_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert record in committed and INCIDENT in committed
    assert git(estate_repo, "rev-list", "--count", f"{before}..HEAD") == "1"
    assert spool.pending(estate_repo) == []
    assert verify(estate_repo).ok, verify(estate_repo).breaks
    assert git(estate_repo, "status", "--porcelain", "--untracked-files=all") == ""
