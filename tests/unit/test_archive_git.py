"""Commits with trailers, the run lock, and push that moves onto a remote that moved."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner import archive
from runner.errors import PatrolError
from tests.conftest import git, remote_and_clones


def _repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "t@example.com")
    git(path, "config", "user.name", "t")
    (path / "inventory").mkdir()
    (path / "inventory" / "x.yaml").write_text("a: 1\n")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "init")
    return path


def _record(root: Path, run_id: str) -> str:
    prev = archive.latest_record(root)
    body = {"run": run_id, "estate": {"commit": git(root, "rev-parse", "HEAD"), "dirty": False},
            "previous": {"record": prev[0], "sha256": prev[1]} if prev else None}
    data, _ = archive.seal(archive.dump_yaml(body))
    rel = archive.record_path(run_id, 2026, 11)
    archive.atomic_write(root / rel, data)
    return rel


def _trailers(root: Path, run_id: str, rel: str) -> dict[str, str]:
    """The trailers a Patrol commit of the record ``rel`` carries (what verify demands)."""
    digest = archive.record_hash((root / rel).read_bytes()) if hasattr(
        archive, "record_hash") else ""
    return {"Patrol-Run": run_id, "Patrol-Estate": git(root, "rev-parse", "HEAD"),
            "Patrol-Record": f"sha256:{digest}"}


def test_commit_only_named_paths_with_trailers(tmp_path):
    root = _repo(tmp_path / "r")
    (root / "inventory" / "x.yaml").write_text("a: 2\n")  # the user's unrelated edit
    rel = _record(root, "20261125T000000Z-daily-000001")
    sha = archive.commit(root, [rel], "inspect(daily): 1/1 hosts pass, 0 checks failing",
                         {"Patrol-Run": "r1", "Patrol-Record": "sha256:ab"})
    files = git(root, "show", "--name-only", "--format=", sha).splitlines()
    assert files == [rel]
    trailers = git(root, "log", "-1", "--format=%(trailers:key=Patrol-Run,valueonly)")
    assert trailers == "r1"
    assert git(root, "status", "--porcelain") == "M inventory/x.yaml"


def test_free_text_in_a_summary_cannot_forge_trailers_or_escape_sequences(tmp_path):
    root = _repo(tmp_path / "r")
    rel = _record(root, "20261125T000000Z-daily-000002")
    archive.commit(root, [rel], "spares: used 1 (\x1b[31mred\nPatrol-Run: forged\n\nX: y)",
                   {"Patrol-Run": "r2"})
    message = git(root, "log", "-1", "--format=%B")
    assert message.splitlines()[0] == "spares: used 1 (\\x1b[31mred Patrol-Run: forged X: y)"
    assert "\x1b" not in message
    runs = git(root, "log", "-1", "--format=%(trailers:key=Patrol-Run,valueonly)")
    assert runs == "r2"


def test_estate_commit_reports_dirty_estate(tmp_path):
    root = _repo(tmp_path / "r")
    sha, dirty = archive.estate_commit(root)
    assert sha == git(root, "rev-parse", "HEAD") and dirty is False
    (root / "inventory" / "x.yaml").write_text("a: 3\n")
    assert archive.estate_commit(root)[1] is True


def test_second_run_in_same_checkout_is_refused_while_first_holds_lock(tmp_path):
    root = _repo(tmp_path / "r")
    held = pytest.raises(PatrolError, match="another patrol run")
    with archive.run_lock(root), held, archive.run_lock(root):
        pass
    with archive.run_lock(root):  # released afterwards
        pass


def test_push_moves_onto_remote_and_rechains_record(tmp_path):
    bare, a, b = remote_and_clones(_repo(tmp_path / "seed"), tmp_path)
    for c in (a, b):
        git(c, "config", "user.email", "t@example.com")
        git(c, "config", "user.name", "t")

    def run_in(clone: Path, run_id: str) -> str:
        def write_commit() -> str:
            rel = _record(clone, run_id)
            return archive.commit(clone, [rel], f"inspect: {run_id}",
                                  _trailers(clone, run_id, rel))
        write_commit()
        return archive.push(clone, write_commit)

    run_in(a, "20261125T010000Z-daily-aaaaaa")
    before = git(bare, "rev-parse", "main")
    run_in(b, "20261125T020000Z-weekly-bbbbbb")  # b's base is stale: must rebase, not force
    log = git(bare, "log", "--format=%s", "main").splitlines()
    assert log[:2] == [
        "inspect: 20261125T020000Z-weekly-bbbbbb",
        "inspect: 20261125T010000Z-daily-aaaaaa",
    ]
    assert git(bare, "merge-base", "--is-ancestor", before, "main") == ""
    git(a, "pull", "-q")
    assert archive.verify_chain(a) == []


def test_a_run_that_started_earlier_but_pushed_later_is_the_chain_tip(tmp_path):
    _bare, a, b = remote_and_clones(_repo(tmp_path / "seed"), tmp_path)

    def run_in(clone: Path, run_id: str) -> None:
        def write_commit() -> str:
            rel = _record(clone, run_id)
            return archive.commit(clone, [rel], f"inspect: {run_id}",
                                  _trailers(clone, run_id, rel))
        write_commit()
        archive.push(clone, write_commit)

    run_in(a, "20261125T060005Z-daily-aaaaaa")
    run_in(b, "20261125T060000Z-weekly-bbbbbb")  # started first, pushed second: retried
    git(a, "pull", "-q")
    tip = archive.latest_record(a)
    assert tip is not None and tip[0].endswith("20261125T060000Z-weekly-bbbbbb.yaml")
    run_in(a, "20261126T060000Z-daily-cccccc")
    assert archive.verify_chain(a) == []


def test_commit_carries_what_the_run_wrote_and_the_spool_never_what_lies_around(tmp_path):
    """Files found under reports/ are never swept into a run's commit; a spooled run's are."""
    from runner.archive import spool

    root = _repo(tmp_path / "r")
    left = _record(root, "20261125T000000Z-daily-000001")  # lying around: nobody spooled it
    (root / "reports/findings/web-01").mkdir(parents=True)
    (root / "reports/findings/web-01/daily.fs.yaml").write_text("state: closed\n")
    spooled = "reports/status/web-01.yaml"
    spool.journal(root, {spooled: b"host: web-01\nchecks: {}\n"}, "20261124T000000Z-x-1")
    assert spool.restore(root) == [spooled]
    (root / "inventory" / "x.yaml").write_text("a: 2\n")  # the user's own edit stays out
    rel = _record(root, "20261125T010000Z-daily-000002")
    sha = archive.commit(root, [rel], "inspect", {"Patrol-Run": "r2"})
    files = sorted(git(root, "show", "--name-only", "--format=", sha).splitlines())
    assert files == sorted([rel, spooled])
    assert spool.pending(root) == []  # the commit holds them now
    status = git(root, "status", "--porcelain", "--untracked-files=all")
    assert "M inventory/x.yaml" in status and f"?? {left}" in status
    assert "?? reports/findings/web-01/daily.fs.yaml" in status


_REV_PARSE = archive.git._rev_parse


def _resolve_in_run(root: Path, git_runs: list[tuple[str, ...]], monkeypatch) -> str | None:
    """``resolve_head`` inside a run that knows its Git directory, counting git processes."""
    from runner.archive import git as archive_git
    from runner.archive import history

    real = _REV_PARSE
    monkeypatch.setattr(archive_git, "_rev_parse",
                        lambda r, *a: git_runs.append(a) or real(r, *a))
    with history.remembering({}):
        archive_git.git_dir(root)
        git_runs.clear()
        return archive.resolve_head(root)


def test_head_is_read_from_the_ref_files_within_a_run_and_agrees_with_git(tmp_path, monkeypatch):
    root = _repo(tmp_path / "r")
    runs: list[tuple[str, ...]] = []
    branch = git(root, "rev-parse", "HEAD")
    assert _resolve_in_run(root, runs, monkeypatch) == branch
    assert runs == []  # the branch's loose ref: no git process
    (root / "inventory" / "y.yaml").write_text("b: 1\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "second")
    moved = git(root, "rev-parse", "HEAD")
    assert moved != branch and _resolve_in_run(root, runs, monkeypatch) == moved
    git(root, "checkout", "-q", "--detach", branch)  # a detached HEAD holds its sha itself
    assert _resolve_in_run(root, runs, monkeypatch) == branch
    assert runs == []


def test_head_falls_back_to_git_when_the_refs_are_not_plain_files(tmp_path, monkeypatch):
    root = _repo(tmp_path / "r")
    runs: list[tuple[str, ...]] = []
    first = git(root, "rev-parse", "HEAD")
    git(root, "pack-refs", "--all")  # the branch now lives in packed-refs only
    assert not (root / ".git/refs/heads/main").exists()
    assert _resolve_in_run(root, runs, monkeypatch) == first
    assert runs == [("--verify", "-q", "HEAD^{commit}")]
    git(root, "worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    wt = tmp_path / "wt"
    (wt / "inventory" / "z.yaml").write_text("c: 1\n")
    git(wt, "add", "-A")
    git(wt, "commit", "-qm", "on side")
    side = git(wt, "rev-parse", "HEAD")
    assert side != first
    assert _resolve_in_run(wt, runs, monkeypatch) == side  # commondir: git answers
    assert runs == [("--verify", "-q", "HEAD^{commit}")]
    assert _resolve_in_run(root, runs, monkeypatch) == first  # the main checkout is unmoved
    git(root, "checkout", "-q", "--orphan", "unborn")
    assert _resolve_in_run(root, runs, monkeypatch) is None  # before a first commit
    assert runs == [("--verify", "-q", "HEAD^{commit}")]


def test_a_head_naming_a_branch_git_would_refuse_gets_git_s_answer(tmp_path, monkeypatch):
    root = _repo(tmp_path / "r")
    runs: list[tuple[str, ...]] = []
    sha = git(root, "rev-parse", "HEAD")
    for name in ("main.lock", "x.", "a..b"):
        (root / ".git/refs/heads" / name).write_text(sha + "\n")  # written by hand
        (root / ".git/HEAD").write_text(f"ref: refs/heads/{name}\n")
        runs.clear()
        answer = _resolve_in_run(root, runs, monkeypatch)
        assert runs == [("--verify", "-q", "HEAD^{commit}")], name
        assert answer is None or answer == sha
