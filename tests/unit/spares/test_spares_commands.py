"""The report commands on the sample estate, and the lifecycle check as a run: findings,
record on the chain, commit."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from runner.commands import lifecycle as lifecycle_command
from runner.commands import spares as spares_command
from runner.errors import PatrolError
from tests.conftest import git

PATROL = str(Path(sys.executable).parent / "patrol")
TODAY = date(2026, 12, 1)


def test_lifecycle_shows_the_warranty_ending_and_the_replacement(estate_repo, capsys):
    assert lifecycle_command.run(estate_repo, "180d", "text", today=TODAY) == 0
    out = capsys.readouterr().out
    assert "2027-04-29 warranty ends: mon-01 (medium, hz-dc1, sr630)" in out
    assert "web-02 (dl360-g10) replaces web-legacy-02 (sr630): equal or better" in out
    assert lifecycle_command.run(estate_repo, "90d", "json", today=TODAY) == 0
    assert json.loads(capsys.readouterr().out)["events"] == []


def test_lifecycle_exits_1_once_a_date_has_passed_and_lists_it_to_retire(estate_repo, capsys):
    assert lifecycle_command.run(estate_repo, "180d", "json", today=date(2030, 1, 1)) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["retire_before"][0] == {
        "date": "2029-12-31", "host": "mon-01", "criticality": "medium", "site": "hz-dc1",
        "model": "sr630", "past": True, "replaced_by": []}


def test_a_bad_horizon_is_a_usage_error(estate_repo):
    with pytest.raises(PatrolError, match="--horizon") as exc:
        lifecycle_command.run(estate_repo, "soon", "text", today=TODAY)
    assert exc.value.exit_code == 2


def test_spares_markdown_puts_estate_ids_in_code_spans_and_is_byte_stable(estate_repo, capsys):
    assert spares_command.run(estate_repo, "hz-*", "markdown", today=TODAY) == 0
    first = capsys.readouterr().out
    assert "| `hz-dc1` | `hpe-psu-500w` | 2 | min\\_stock 2 | 2 | 4h via depot | 2 | ok |" in first
    assert "fra-dc2" not in first
    spares_command.run(estate_repo, "hz-*", "markdown", today=TODAY)
    assert capsys.readouterr().out == first


def test_an_unknown_site_is_a_usage_error(estate_repo):
    with pytest.raises(PatrolError, match="no site matches") as exc:
        spares_command.run(estate_repo, "nowhere", "text", today=TODAY)
    assert exc.value.exit_code == 2


def _patrol(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PATROL, *args, "--estate", str(root)], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def _lifecycle_check_at(root: Path, at: datetime, push: bool = False):
    """A committed lifecycle check at ``at`` (the CLI keeps the real clock for commits), its
    commit dated then too: a record started after its commit breaks the archive's time order."""
    import os

    from runner.run import RunContext
    from runner.spares.runs import lifecycle_check

    saved = os.environ.get("GIT_COMMITTER_DATE")
    os.environ["GIT_COMMITTER_DATE"] = (at + timedelta(minutes=1)).isoformat()
    try:
        return lifecycle_check(RunContext.here(root, clock=lambda: at), True, push)
    finally:
        if saved is None:
            del os.environ["GIT_COMMITTER_DATE"]
        else:
            os.environ["GIT_COMMITTER_DATE"] = saved


def test_lifecycle_check_previews_with_a_moved_clock_and_writes_nothing(estate_repo: Path):
    r = _patrol(estate_repo, "lifecycle", "check", "--now", "2027-05-01T06:00:00Z")
    assert r.returncode == 2 and "add --no-commit" in r.stderr
    r = _patrol(estate_repo, "lifecycle", "check", "--now", "2027-05-01T06:00:00Z",
                "--no-commit")
    assert r.returncode == 1, r.stderr
    assert "mon-01/lifecycle.warranty: new -> open" in r.stdout
    assert git(estate_repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_lifecycle_check_opens_findings_records_and_commits(estate_repo: Path):
    out = _lifecycle_check_at(estate_repo, datetime(2027, 5, 1, 6, 0, tzinfo=UTC))
    assert out.problems == 1
    assert [(t.finding, t.before, t.after) for t in out.transitions] == [
        ("mon-01/lifecycle.warranty", None, "open")]
    assert git(estate_repo, "log", "-1", "--format=%s") == (
        "lifecycle check: 0 host(s) past end of life, 1 out of warranty")
    finding = (estate_repo / "reports/findings/mon-01/lifecycle.warranty.yaml").read_text()
    assert "severity: low" in finding and "due: '2027-05-31T06:00:00Z'" in finding
    [record] = (estate_repo / "reports/runs").rglob("*lifecycle-check*.yaml")
    assert "kind: lifecycle-check" in record.read_text()
    from runner.archive import verify_chain

    assert verify_chain(estate_repo) == []


def test_a_movement_refuses_to_commit_over_uncommitted_estate_changes(estate_repo: Path):
    hosts = estate_repo / "inventory/hosts/hz-dc1.yaml"
    hosts.write_text(hosts.read_text().replace("owner: ops-team@example.com",
                                               "owner: other@example.com", 1))
    r = _patrol(estate_repo, "spares", "use", "hpe-psu-500w", "--depot", "hz-dc1-cage",
                "--host", "web-01", "--reason", "failed")
    assert r.returncode == 2 and "uncommitted changes" in r.stderr
    assert git(estate_repo, "status", "--porcelain") == "M inventory/hosts/hz-dc1.yaml"


def test_a_pushed_check_is_made_again_on_a_tip_another_run_moved(estate_repo: Path,
                                                                  tmp_path: Path):
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(estate_repo), str(bare))
    a, b = tmp_path / "a", tmp_path / "b"
    for c in (a, b):
        git(tmp_path, "clone", "-q", str(bare), str(c))
        git(c, "config", "user.email", "t@example.com")
        git(c, "config", "user.name", "t")
    assert _lifecycle_check_at(a, datetime(2027, 5, 1, 6, 0, tzinfo=UTC), push=True).problems
    assert _lifecycle_check_at(b, datetime(2027, 5, 2, 6, 0, tzinfo=UTC), push=True).problems
    log = git(bare, "log", "--format=%s", "main").splitlines()
    assert len(log) == 3 and all(s.startswith("lifecycle check") for s in log[:2])
    git(a, "pull", "-q")
    from runner.archive import verify_chain

    assert verify_chain(a) == []
    # b re-judged on a's tip: the finding a opened is not opened twice
    finding = (a / "reports/findings/mon-01/lifecycle.warranty.yaml").read_text()
    assert finding.count("event: opened") == 1


def test_push_without_an_archive_branch_is_refused_before_anything_changes(estate_repo: Path,
                                                                          tmp_path: Path):
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(estate_repo), str(bare))
    git(estate_repo, "remote", "add", "origin", str(bare))
    head = git(estate_repo, "rev-parse", "HEAD")
    r = _patrol(estate_repo, "spares", "receive", "hpe-psu-500w", "--depot", "hz-dc1-cage",
                "--quantity", "1", "--reason", "delivery", "--push")
    assert r.returncode == 2 and "needs archive.branch" in r.stderr
    assert git(estate_repo, "status", "--porcelain") == ""
    assert git(estate_repo, "rev-parse", "HEAD") == head
