"""User mistakes on the command line: one clean line, the documented exit code, no traceback.

Commands run against a throwaway copy of the estate (``ESTATE`` in the arguments), never the
checkout itself: a run takes its lock in the repository it runs in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_estate, git

PATROL = str(Path(sys.executable).parent / "patrol")
ESTATE = "<estate>"


@pytest.fixture
def patrol(estate_repo: Path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [str(estate_repo) if a == ESTATE else a for a in args]
        return subprocess.run([PATROL, *argv], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    return run


@pytest.mark.parametrize("args", [
    ["inspect", "daily", "--estate", "/nonexistent/estate"],
    ["findings", "--estate", "/nonexistent/estate"],
    ["findings", "escalate", "--estate", "/nonexistent/estate"],
    ["compliance", "--estate", "/nonexistent/estate"],
    ["upgrade", "patrol-agent-1.1", "--estate", "/nonexistent/estate"],
    ["inspect", "no-such-checklist", "--estate", ESTATE],
    ["inspect", "daily", "--limit", "role=", "--estate", ESTATE],
    ["inspect", "daily", "--limit", "name=nothing-matches-*", "--estate", ESTATE],
    ["upgrade", "no-such-plan", "--estate", ESTATE],
    ["compliance", "--now", "not-a-time", "--estate", ESTATE],
    ["inspect", "daily", "--limit", "", "--estate", ESTATE],
    ["upgrade", "patrol-agent-1.1", "--now", "", "--estate", ESTATE],
    ["upgrade", "patrol-agent-1.1", "--now", "2020-01-01T00:00:00Z", "--estate", ESTATE],
    ["inspect"],
    ["report", "monthly", "2026-11", "--lang", "fr", "--estate", ESTATE],
    ["report", "monthly", "2026-11", "--format", "pdf", "--estate", ESTATE],
    ["report", "monthly", "--estate", ESTATE],
])
def test_usage_errors_exit_2_with_one_clean_message(patrol, args):
    r = patrol(*args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.stderr.strip(), "a usage error must say what is wrong"


def test_unknown_checklist_names_the_known_ones(patrol):
    r = patrol("inspect", "nightly", "--estate", ESTATE)
    assert r.stderr.strip() == "patrol: unknown checklist 'nightly'; known: daily, monthly, weekly"


@pytest.mark.parametrize("args", [
    ["findings", "escalate", "--now", "0001-01-01T00:00:00+05:00", "--estate", ESTATE],
    ["compliance", "--now", "9999-12-31T23:00:00Z", "--estate", ESTATE],
    ["inspect", "daily", "--junit", "/tmp", "--estate", ESTATE],
    ["findings", "--estate", "/tmp"],
    ["compliance", "--estate", "/tmp"],
    ["report", "monthly", "2026-13", "--estate", ESTATE],
    ["report", "monthly", "November", "--estate", ESTATE],
    ["report", "workplan", "2026-1", "--estate", ESTATE],
    ["report", "monthly", "2026-11", "--estate", "/tmp"],
    ["lifecycle", "--horizon", "99999999999w", "--estate", ESTATE],
    ["lifecycle", "--horizon", "3000000d", "--estate", ESTATE],
    ["report", "monthly", "9999-12", "--estate", ESTATE],
    ["report", "monthly", "2026-11", "--out", "/", "--estate", ESTATE],
    ["report", "workplan", "2026-11", "--out", "/", "--estate", ESTATE],
    ["findings", "--host", "", "--estate", ESTATE],
    ["findings", "--owner", "", "--estate", ESTATE],
    ["findings", "--owner", " ", "--estate", ESTATE],
    ["incidents", "--host", "", "--estate", ESTATE],
    ["incidents", "--owner", "", "--estate", ESTATE],
    ["spares", "--site", "", "--estate", ESTATE],
])
def test_more_usage_errors_never_trace_back(patrol, args):
    r = patrol(*args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.stderr.startswith("patrol: ")


def test_a_run_takes_its_lock_in_the_estate_it_runs_in(patrol, estate_repo):
    assert not (estate_repo / ".git" / "patrol.lock").exists()
    r = patrol("inspect", "no-such-checklist", "--estate", ESTATE)
    assert r.returncode == 2
    assert (estate_repo / ".git" / "patrol.lock").exists()


def test_an_out_file_under_a_file_is_a_usage_error(patrol, estate_repo):
    out = estate_repo / "README.md" / "x.md"
    r = patrol("report", "monthly", "2026-11", "--out", str(out), "--estate", ESTATE)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr == f"patrol: --out {out}: {out.parent} is not a directory\n"


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_the_report(patrol, estate_repo,
                                                                       monkeypatch):
    runs = estate_repo / "reports" / "runs" / "2026" / "11"
    runs.mkdir(parents=True)
    Path(os.fsdecode(bytes(runs) + b"/20261115T000000Z-\xff.yaml")).write_bytes(b"kind: x\n")
    git(estate_repo, "add", "-A")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-11-15T00:00:00Z")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-15T00:00:00Z")
    git(estate_repo, "commit", "-qm", "a hand-made file")
    out = estate_repo.parent / "report.md"
    for fmt in ("markdown", "html"):
        r = patrol("report", "monthly", "2026-11", "--format", fmt, "--estate", ESTATE)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        assert "20261115T000000Z-\\udcff.yaml" in r.stdout.replace("\\\\", "\\")
        r = patrol("report", "monthly", "2026-11", "--format", fmt, "--out", str(out),
                   "--estate", ESTATE)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr


@pytest.mark.parametrize("commits", [None, 0])
@pytest.mark.parametrize("args", [["audit", "verify"], ["audit", "log"],
                                  ["audit", "host", "web-01"], ["report", "monthly", "2026-11"]])
def test_history_commands_need_a_repository_with_commits(tmp_path, args, commits):
    root = copy_estate(tmp_path / "estate")
    if commits is not None:
        git(root, "init", "-q")
    r = subprocess.run([PATROL, *args, "--estate", str(root)], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    expected = ("is not inside a Git repository" if commits is None
                else "has no commits yet: commit the estate first")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith(f"patrol: {root} {expected}")
    assert r.stderr.count("\n") == 1 and not r.stdout


@pytest.mark.parametrize("args", [["findings"], ["incidents"]])
def test_archive_readers_outside_a_repository_are_a_usage_error(tmp_path, args):
    """Outside a repository there is no archive: "0 findings" would be a false all-clear."""
    root = copy_estate(tmp_path / "estate")
    r = subprocess.run([PATROL, *args, "--estate", str(root)], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr == f"patrol: {root} is not inside a Git repository; the archive needs one " \
                       "(git init)\n" and not r.stdout
    git(root, "init", "-q")
    r = subprocess.run([PATROL, *args, "--estate", str(root)], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and r.stdout.startswith(f"0 {args[0][:-1]}(s)"), r.stdout


@pytest.mark.parametrize("args", [["compliance"], ["spares", "check"], ["lifecycle", "check"],
                                  ["inspect", "daily"]])
def test_a_run_that_commits_needs_the_estate_committed_first(tmp_path, args):
    """Before the first commit a run's record would name no estate commit, and its commit
    would be the repository's root: refused before anything is measured or written."""
    root = copy_estate(tmp_path / "estate")
    git(root, "init", "-q")
    r = subprocess.run([PATROL, *args, "--estate", str(root)], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr == f"patrol: {root} has no commits yet: commit the estate first (git commit)\n"
    assert not (root / "reports").exists()
    assert git(root, "rev-list", "--all") == ""
