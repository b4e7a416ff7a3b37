"""The archive branch, where main is protected: a bare remote whose main refuses every push
(a pre-receive hook), records pushed to patrol-archive, a records-only history."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import git
from tests.unit.archive.conftest import clone, patrol


def test_records_are_pushed_to_the_archive_branch_never_to_main(remote, tmp_path):
    a = clone(remote, tmp_path / "a")
    main = git(remote, "rev-parse", "main")
    git(a, "commit", "-q", "--allow-empty", "-m", "x")
    refused = subprocess.run(["git", "push", "origin", "HEAD:main"], cwd=a, capture_output=True,
                             text=True)
    assert refused.returncode != 0 and "main is protected" in refused.stderr  # the hook bites
    git(a, "reset", "-q", "--hard", "origin/main")

    r = patrol(a, "lifecycle", "check", "--push")
    assert r.returncode in (0, 1), r.stderr
    assert git(remote, "rev-parse", "main") == main
    files = git(remote, "ls-tree", "-r", "--name-only", "patrol-archive").splitlines()
    assert files and all(f.startswith("reports/") for f in files), files
    assert git(a, "status", "--porcelain") == ""  # the estate checkout is untouched
    trailers = git(remote, "log", "-1", "--format=%(trailers:only=true)", "patrol-archive")
    assert f"Patrol-Estate: {main}" in trailers

    b = clone(remote, tmp_path / "b")  # the next day's CI job: a fresh clone
    r = patrol(b, "spares", "check", "--push")
    assert r.returncode in (0, 1), r.stderr
    assert git(remote, "rev-list", "--count", "patrol-archive") == "2"
    v = patrol(b, "audit", "verify", "--format", "json")
    doc = json.loads(v.stdout)
    assert v.returncode == 0 and doc["records"] == 2, v.stdout + v.stderr
    shown = json.loads(patrol(b, "findings", "--format", "json", "--state", "open",
                              "--state", "warned", "--state", "overdue",
                              "--state", "penalised", "--state", "closed").stdout)
    on_branch = git(remote, "ls-tree", "-r", "--name-only", "patrol-archive",
                    "reports/findings").splitlines()
    assert len(shown["findings"]) == len(on_branch)  # findings read the archive branch


def test_verify_refuses_anything_but_records_on_the_archive_branch(remote, tmp_path):
    a = clone(remote, tmp_path / "a")
    assert patrol(a, "lifecycle", "check", "--push").returncode in (0, 1)
    other = clone(remote, tmp_path / "other")
    git(other, "checkout", "-q", "patrol-archive")
    (other / "README.md").write_text("notes\n")
    git(other, "add", "README.md")
    git(other, "commit", "-q", "-m", "notes")
    git(other, "push", "-q", "origin", "patrol-archive")
    b = clone(remote, tmp_path / "b")
    v = patrol(b, "audit", "verify")
    assert v.returncode == 1 and "outside reports/" in v.stdout and "README.md" in v.stdout


def test_verify_with_an_archive_branch_still_refuses_hand_edits_to_reports_on_main(remote,
                                                                                  tmp_path):
    a = clone(remote, tmp_path / "a")
    assert patrol(a, "lifecycle", "check", "--push").returncode in (0, 1)
    assert patrol(a, "audit", "verify").returncode == 0
    (a / "reports").mkdir(exist_ok=True)
    (a / "reports/notes.yaml").write_text("by: hand\n")
    git(a, "add", "reports/notes.yaml")
    git(a, "commit", "-q", "-m", "a PR that touches reports/")
    v = patrol(a, "audit", "verify")
    assert v.returncode == 1 and "reports/notes.yaml" in v.stdout and "not a Patrol" in v.stdout


def test_the_second_clone_to_push_the_first_record_of_a_new_archive_branch_re_makes_it(
        remote, tmp_path):
    """Two clones each start the archive branch (no remote copy yet); a pushes first. b's
    first record, a root commit, is re-made on a's branch: no traceback, and it verifies."""
    a = clone(remote, tmp_path / "a")
    b = clone(remote, tmp_path / "b")
    for c in (a, b):  # each makes its own archive worktree, a new history
        assert patrol(c, "findings").returncode in (0, 1)
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "refs/heads/patrol-archive"],
                          cwd=remote, capture_output=True).returncode != 0
    first = patrol(a, "spares", "check", "--push")
    assert first.returncode in (0, 1), first.stderr
    second = patrol(b, "spares", "check", "--push")
    assert second.returncode in (0, 1), second.stderr
    assert "Traceback" not in second.stderr
    assert git(remote, "rev-list", "--count", "patrol-archive") == "2"
    fresh = clone(remote, tmp_path / "fresh")
    v = patrol(fresh, "audit", "verify", "--format", "json")
    assert v.returncode == 0 and json.loads(v.stdout)["records"] == 2, v.stdout + v.stderr
