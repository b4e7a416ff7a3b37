"""A run's results reach the archive: pre-flight refusals before any host is touched, the
spool in .git/ when writing fails after measuring, push that never discards a commit, and a
sweep that carries only whole Patrol files. The whole inspection path runs against the fake
fleet of test_inspect_run; full disks and read-only directories are real mounts (root)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from runner import archive
from runner.archive import spool as spool_entry
from runner.errors import Exit, PatrolError
from runner.execute import require_ansible
from runner.inspect import inspect
from runner.run import require_tools
from tests.conftest import git, remote_and_clones
from tests.unit.test_inspect_run import T0, WEB, FakeFleet, context, make_estate

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounts need root")


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    return make_estate(tmp_path / "estate")


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small filesystem mounted on ``path`` (what a nearly full disk looks like)."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                   check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def set_read_only(path: Path, read_only: bool) -> None:
    """Remount a bind mount of ``path`` read-only or back (chmod means nothing to root)."""
    flags = "remount,bind,ro" if read_only else "remount,bind,rw"
    subprocess.run(["mount", "-o", flags, str(path)], check=True)


@contextlib.contextmanager
def bind(path: Path) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def refused(estate: Path, fleet: FakeFleet, **kwargs) -> PatrolError:
    with pytest.raises(PatrolError) as caught:
        inspect(estate, "fake", ctx=context(estate), play=fleet, **kwargs)
    assert fleet.plays == [], "refused before any host was touched"
    return caught.value


# -- pre-flight ------------------------------------------------------------------------------


def test_a_missing_tool_is_refused_naming_its_debian_package() -> None:
    with pytest.raises(PatrolError) as caught:
        require_tools(("git", "ssh"), which=lambda name: None if name == "ssh" else "/x")
    assert caught.value.exit_code == Exit.ENVIRONMENT
    assert str(caught.value) == "missing tools: apt-get install openssh-client"
    require_tools(("git",), which=lambda name: None if name == "ssh" else "/x")


@pytest.mark.parametrize("missing", ["ansible", "ansible_runner"])
def test_a_play_without_ansible_is_refused_before_anything(missing: str) -> None:
    with pytest.raises(PatrolError) as caught:
        require_ansible(find=lambda name: None if name == missing else object())
    assert caught.value.exit_code == Exit.ENVIRONMENT
    assert "pip install 'patrol-gitops[ansible]'" in str(caught.value)
    require_ansible(find=lambda name: object())


def test_a_detached_head_is_refused_before_measuring_unless_nothing_is_committed(estate):
    git(estate, "checkout", "-q", "--detach")
    err = refused(estate, FakeFleet())
    assert err.exit_code == Exit.USAGE and "HEAD is detached" in str(err)
    push = refused(estate, FakeFleet(), push=True)
    assert "detached" in str(push)
    preview = inspect(estate, "fake", ctx=context(estate), play=FakeFleet(), commit=False)
    assert preview.commit is None


def test_push_without_a_remote_is_refused_before_measuring(estate):
    err = refused(estate, FakeFleet(), push=True)
    assert err.exit_code == Exit.USAGE and "no remote" in str(err)


@needs_root
def test_a_read_only_reports_dir_is_refused_before_measuring(estate):
    reports = estate / "reports"
    with bind(reports):
        set_read_only(reports, True)
        err = refused(estate, FakeFleet())
    assert err.exit_code == Exit.ENVIRONMENT
    assert f"{reports} is not writable" in str(err)


@needs_root
def test_a_reports_dir_without_room_for_the_records_is_refused_before_measuring(estate):
    with tmpfs(estate / "reports", "512k"):
        err = refused(estate, FakeFleet())
    assert err.exit_code == Exit.ENVIRONMENT and "KiB free" in str(err)


# -- the spool -------------------------------------------------------------------------------


class WriteFailsAfterMeasuring(FakeFleet):
    """Answers like the fake fleet, then makes reports/ read-only: pre-flight passed, the
    write after measuring fails."""

    def __init__(self, reports: Path) -> None:
        super().__init__()
        self.reports = reports

    def __call__(self, *args, **kwargs):
        outcome = super().__call__(*args, **kwargs)
        set_read_only(self.reports, True)
        return outcome


@needs_root
def test_a_write_that_fails_after_measuring_spools_and_the_next_run_commits_it(estate):
    reports = estate / "reports"
    head = git(estate, "rev-parse", "HEAD")
    with bind(reports):
        fleet = WriteFailsAfterMeasuring(reports)
        fleet.agent["web-02"] = "0.9.0-1"  # a failing check: a finding to keep as well
        with pytest.raises(PatrolError) as caught:
            inspect(estate, "fake", ctx=context(estate), play=fleet)
        err = caught.value
        assert err.exit_code == Exit.FAILED
        spool = estate / ".git" / "patrol-spool" / "20261125T061500Z-fake-abc123"
        assert str(spool) in str(err) and "next run" in str(err)
        assert git(estate, "rev-parse", "HEAD") == head
        kept = sorted(spool_entry.read_entry(spool))
        assert len(kept) == 4 and kept[0].startswith("reports/findings/web-02/")
        assert kept[1:] == ["reports/runs/2026/11/20261125T061500Z-fake-abc123.yaml",
                            "reports/status/web-01.yaml", "reports/status/web-02.yaml"]
        # still read-only: the next run refuses before measuring and keeps the spool
        again = FakeFleet()
        with pytest.raises(PatrolError) as still:
            inspect(estate, "fake", ctx=context(estate, T0 + timedelta(hours=1)), play=again)
        assert still.value.exit_code == Exit.ENVIRONMENT and again.plays == []
        assert spool.is_dir()
        set_read_only(reports, False)
    later = T0 + timedelta(hours=1)
    nxt = inspect(estate, "fake", ctx=ctx_at(estate, later, "def456"), play=FakeFleet())
    assert not spool.exists()
    committed = git(estate, "show", "--name-only", "--format=", "HEAD").split()
    assert "reports/runs/2026/11/20261125T061500Z-fake-abc123.yaml" in committed
    assert nxt.record_path in committed
    record = yaml.safe_load((estate / nxt.record_path).read_bytes())
    assert record["previous"]["record"] == "reports/runs/2026/11/20261125T061500Z-fake-abc123.yaml"
    finding = yaml.safe_load((estate / kept[0]).read_bytes())
    assert finding["state"] == "closed" and finding["closed_run"] == nxt.run_id
    assert archive.verify_chain(estate) == []
    assert git(estate, "status", "--porcelain", "--untracked-files=all") == ""


class DiskFillsWhileMeasuring(FakeFleet):
    """Answers like the fake fleet while something else fills the disk to the last byte."""

    def __init__(self, disk: Path) -> None:
        super().__init__()
        self.disk = disk

    def __call__(self, *args, **kwargs):
        outcome = super().__call__(*args, **kwargs)
        subprocess.run(["dd", "if=/dev/zero", f"of={self.disk}/filler", "bs=64k"],
                       capture_output=True)
        return outcome


@needs_root
def test_a_disk_shared_with_git_that_fills_while_measuring_still_keeps_the_results(tmp_path):
    """The spool's reserve is what the run writes into once the disk is full: the results
    are committed, or (when even that room is short) spooled and committed by the next run."""
    with tmpfs(tmp_path / "disk", "6m") as disk:
        estate = make_estate(disk / "estate")  # reports/ and .git/ on the one small disk
        head = git(estate, "rev-parse", "HEAD")
        first = "reports/runs/2026/11/20261125T061500Z-fake-abc123.yaml"
        try:
            inspect(estate, "fake", ctx=context(estate), play=DiskFillsWhileMeasuring(disk))
        except PatrolError as exc:
            assert "No space left on device" in str(exc) and "kept in" in str(exc)
            spool = estate / ".git" / "patrol-spool" / "20261125T061500Z-fake-abc123"
            assert first in spool_entry.read_entry(spool)
        (disk / "filler").unlink()
        nxt = inspect(estate, "fake", ctx=ctx_at(estate, T0 + timedelta(hours=1), "def456"),
                      play=FakeFleet())
        committed = git(estate, "log", "--name-only", "--format=", f"{head}..HEAD").split()
        assert first in committed and nxt.record_path in committed
        assert archive.verify_chain(estate) == []
        assert not (estate / ".git" / "patrol-spool").exists() or \
            not list((estate / ".git" / "patrol-spool").iterdir())


def ctx_at(root: Path, at, suffix: str):
    """A run context at ``at`` whose run ids end in ``suffix``."""
    from runner.run import RunContext

    return RunContext(root, clock=lambda: at, env={}, local="tester@box", suffix=lambda: suffix)


# -- corrupt or foreign files under reports/ -------------------------------------------------


def _committed_run(estate: Path) -> str:
    fleet = FakeFleet()
    fleet.agent["web-02"] = "0.9.0-1"
    return inspect(estate, "fake", ctx=context(estate), play=fleet).record_path


def test_conflict_markers_in_a_status_file_are_one_error_at_their_line(estate):
    _committed_run(estate)
    status = estate / "reports/status/web-01.yaml"
    lines = status.read_text().splitlines(keepends=True)
    status.write_text("".join(["<<<<<<< HEAD\n", *lines, "=======\n", *lines,
                               ">>>>>>> other\n"]))
    err = refused(estate, FakeFleet())
    assert str(err).startswith("reports/status/web-01.yaml:1:1: unresolved merge conflict")
    assert err.exit_code == Exit.FAILED


def test_an_empty_finding_file_is_one_error_naming_it(estate):
    _committed_run(estate)
    (estate / "reports/findings/web-02/fake.agent.yaml").write_text("")
    err = refused(estate, FakeFleet())
    assert str(err) == ("reports/findings/web-02/fake.agent.yaml:1:1: empty; expected a "
                        "Patrol document (a mapping)")


def test_a_finding_edited_by_hand_is_one_error_naming_it(estate):
    _committed_run(estate)
    [finding] = (estate / "reports/findings/web-02").glob("*.yaml")
    finding.write_text("id: x\n")
    err = refused(estate, FakeFleet())
    rel = finding.relative_to(estate).as_posix()
    assert str(err).startswith(f"{rel}:1:1: modified outside Patrol")


def test_an_edited_record_is_refused_naming_it_and_never_committed(estate):
    rel = _committed_run(estate)
    path = estate / rel
    data = path.read_bytes()
    path.write_bytes(data.replace(b"0.9.0-1", b"1.0.0-1"))
    err = refused(estate, FakeFleet())
    assert str(err).startswith(f"{rel}:1:1: a committed run record was modified")
    head = git(estate, "rev-parse", "HEAD")
    with pytest.raises(PatrolError, match="nothing to commit"):  # never swept along
        archive.commit(estate, [], "x", {"Patrol-Run": "x"})
    assert git(estate, "rev-parse", "HEAD") == head
    path.unlink()
    assert "was deleted" in str(refused(estate, FakeFleet()))


def test_a_status_file_out_of_shape_is_one_error_naming_it(estate):
    _committed_run(estate)
    (estate / "reports/status/web-01.yaml").write_text("host: web-01\nchecks: [fake/agent]\n")
    err = refused(estate, FakeFleet())
    assert str(err).startswith("reports/status/web-01.yaml:1:1: not a Patrol host status")


def test_a_truncated_uncommitted_record_is_one_error_at_its_last_line(estate):
    rel = "reports/runs/2026/11/20261125T050000Z-fake-000000.yaml"
    (estate / rel).parent.mkdir(parents=True)
    (estate / rel).write_text("format: patrol/run-record/v1\nkind: inspect\n")
    err = refused(estate, FakeFleet())
    assert str(err).startswith(f"{rel}:2:1: not a sealed Patrol record")


def test_invalid_yaml_in_a_status_file_names_line_and_column(estate):
    _committed_run(estate)
    (estate / "reports/status/web-02.yaml").write_text("host: web-02\nchecks: [a, b\n")
    err = refused(estate, FakeFleet())
    assert err.file == "reports/status/web-02.yaml" and err.line == 3
    assert "not valid YAML" in str(err)


def test_findings_and_compliance_name_a_corrupt_file_too(estate):
    import sys

    _committed_run(estate)
    (estate / "reports/findings/web-02/fake.agent.yaml").write_text("<<<<<<< HEAD\n")
    patrol = str(Path(sys.executable).parent / "patrol")
    for args in (["findings"], ["compliance"]):
        r = subprocess.run([patrol, *args, "--estate", str(estate)], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 1, (args, r.stderr)
        assert r.stderr == ("patrol: reports/findings/web-02/fake.agent.yaml:1:1: unresolved "
                            "merge conflict marker: resolve it, then commit\n")


# -- the sweep -------------------------------------------------------------------------------


def test_temp_files_are_never_swept_and_foreign_files_are_refused(estate):
    (estate / "reports/status").mkdir(parents=True)
    tmp = estate / "reports/status/.web-01.yaml.k2j3h4.tmp"
    tmp.write_text("host: web-01\nche")  # what a kill -9 mid-write leaves
    run = inspect(estate, "fake", ctx=context(estate), play=FakeFleet())
    committed = git(estate, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(committed) == sorted([run.record_path, "reports/status/web-01.yaml",
                                        "reports/status/web-02.yaml"])
    assert tmp.exists()
    head = git(estate, "rev-parse", "HEAD")
    (estate / "reports/notes.txt").write_text("mine\n")  # foreign: the tip is broken
    fleet = FakeFleet()
    with pytest.raises(PatrolError, match=r"reports/notes\.txt"):
        inspect(estate, "fake", ctx=ctx_at(estate, T0 + timedelta(hours=1), "bbbbbb"),
                play=fleet)
    assert git(estate, "rev-parse", "HEAD") == head and fleet.plays == []  # nothing measured


def test_a_sealed_record_left_in_the_checkout_is_refused_with_its_path_not_swept(estate):
    """Recovery comes from the spool only: a whole, sealed, chained record lying in reports/
    (made by anyone, with any key or none) never reaches the next run's signed commit."""
    left = inspect(estate, "fake", ctx=context(estate), play=FakeFleet())
    git(estate, "reset", "-q", "--soft", "HEAD~1")  # its commit undone, its files staged
    head = git(estate, "rev-parse", "HEAD")
    fleet = FakeFleet()
    err = refused(estate, fleet)
    assert err.file == left.record_path and "not written by Patrol" in str(err)
    git(estate, "reset", "-q")
    err = refused(estate, fleet)
    assert err.file == left.record_path  # untracked now: refused all the same
    assert git(estate, "rev-parse", "HEAD") == head and fleet.plays == []


class LockedIndex(FakeFleet):
    """Answers like the fake fleet, then something else takes Git's index lock."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.lock = root / ".git" / "index.lock"

    def __call__(self, *args, **kwargs):
        outcome = super().__call__(*args, **kwargs)
        self.lock.write_text("")
        return outcome


def test_a_locked_index_is_one_message_and_the_spooled_run_is_committed_by_the_next(estate):
    head = git(estate, "rev-parse", "HEAD")
    fleet = LockedIndex(estate)
    with pytest.raises(PatrolError) as caught:
        inspect(estate, "fake", ctx=context(estate), play=fleet)
    err = caught.value
    spool = estate / ".git" / "patrol-spool" / "20261125T061500Z-fake-abc123"
    assert err.exit_code == Exit.FAILED and "index.lock" in str(err)
    assert f"kept in {spool}" in str(err) and "\n" not in str(err)
    assert git(estate, "rev-parse", "HEAD") == head
    first = "reports/runs/2026/11/20261125T061500Z-fake-abc123.yaml"
    assert first in spool_entry.read_entry(spool)
    fleet.lock.unlink()
    nxt = inspect(estate, "fake", ctx=ctx_at(estate, T0 + timedelta(hours=1), "def456"),
                  play=FakeFleet())
    committed = git(estate, "show", "--name-only", "--format=", "HEAD").split()
    assert first in committed and nxt.record_path in committed
    assert git(estate, "rev-parse", "HEAD~1") == head and not spool.exists()
    assert archive.verify_chain(estate) == []
    assert git(estate, "status", "--porcelain", "--untracked-files=all") == ""


def test_no_commit_writes_nothing_at_all(estate):
    fleet = FakeFleet()
    fleet.agent["web-02"] = "0.9.0-1"
    run = inspect(estate, "fake", ctx=context(estate), play=fleet, commit=False)
    assert run.results["web-02"].checks["agent"].status.value == "fail"
    assert run.findings and run.commit is None
    assert git(estate, "status", "--porcelain", "--untracked-files=all", "--ignored") == ""
    assert fleet.plays == [("inspect.yml", WEB)]


def test_an_empty_limit_is_a_usage_error(estate):
    with pytest.raises(PatrolError) as caught:
        inspect(estate, "fake", ctx=context(estate), play=FakeFleet(), limit="")
    assert caught.value.exit_code == Exit.USAGE and "--limit ''" in str(caught.value)


# -- push ------------------------------------------------------------------------------------


def _clones(tmp_path: Path) -> tuple[Path, Path, Path]:
    return remote_and_clones(make_estate(tmp_path / "seed"), tmp_path)


def test_an_earlier_unpushed_run_and_a_moved_remote_refuse_a_push_before_measuring(tmp_path):
    """Patrol never rebases a sealed record: an earlier run's commit that is not on the
    remote, which has moved since, cannot be pushed under this run's; said before measuring."""
    bare, a, b = _clones(tmp_path)
    inspect(a, "fake", ctx=ctx_at(a, T0, "aaaaaa"), play=FakeFleet())
    inspect(b, "fake", ctx=ctx_at(b, T0 + timedelta(minutes=1), "bbbbbb"),
            play=FakeFleet(agent={"web-01": "1.0.0-1", "web-02": "0.9.0-1"}), push=True)
    head, fleet = git(a, "rev-parse", "HEAD"), FakeFleet()
    with pytest.raises(PatrolError) as caught:
        inspect(a, "fake", ctx=ctx_at(a, T0 + timedelta(minutes=2), "cccccc"), play=fleet,
                push=True)
    assert caught.value.exit_code == Exit.FAILED and "never rebases" in str(caught.value)
    assert fleet.plays == [] and git(a, "rev-parse", "HEAD") == head
    assert git(bare, "log", "-1", "--format=%(trailers:key=Patrol-Run,valueonly)",
               "main") == "20261125T061600Z-fake-bbbbbb"
    assert archive.verify_chain(a) == []


def test_a_spooled_record_is_never_re_sealed_onto_a_moved_remote(tmp_path):
    """A run spooled (index locked) before another clone pushed: the next run commits it
    locally, and refuses to push a re-made commit whose earlier record would not chain."""
    bare, a, b = _clones(tmp_path)
    with pytest.raises(PatrolError):
        inspect(a, "fake", ctx=ctx_at(a, T0, "aaaaaa"), play=LockedIndex(a))
    (a / ".git" / "index.lock").unlink()
    inspect(b, "fake", ctx=ctx_at(b, T0 + timedelta(minutes=1), "bbbbbb"),
            play=FakeFleet(), push=True)
    remote = git(bare, "rev-parse", "main")
    with pytest.raises(PatrolError, match="never re-seals"):
        inspect(a, "fake", ctx=ctx_at(a, T0 + timedelta(minutes=2), "cccccc"),
                play=FakeFleet(), push=True)
    committed = git(a, "show", "--name-only", "--format=", "HEAD").split()
    assert "reports/runs/2026/11/20261125T061500Z-fake-aaaaaa.yaml" in committed
    assert git(bare, "rev-parse", "main") == remote  # nothing that would not verify landed
    assert archive.verify_chain(a) == []
    assert git(a, "status", "--porcelain", "--untracked-files=all") == ""


def test_three_clones_a_stale_one_and_a_foreign_commit_leave_a_remote_that_verifies(tmp_path):
    """a pushes; b, stale, pushes after it (its run re-made on a's tip); c holds the user's
    own unpushed commit and is refused before measuring. The remote, cloned fresh, verifies,
    holds both runs in order and nothing of c's."""
    bare, a, b = _clones(tmp_path)
    c = tmp_path / "c"
    git(tmp_path, "clone", "-q", str(bare), str(c))
    first = inspect(a, "fake", ctx=ctx_at(a, T0, "aaaaaa"), play=FakeFleet(), push=True)
    second = inspect(b, "fake", ctx=ctx_at(b, T0 + timedelta(minutes=1), "bbbbbb"),
                     play=FakeFleet(agent={"web-01": "1.0.0-1", "web-02": "0.9.0-1"}),
                     push=True)
    (c / "inventory/notes.yaml").write_text("mine: true\n")
    git(c, "add", "inventory/notes.yaml")
    git(c, "-c", "user.name=u", "-c", "user.email=u@example.com", "commit", "-qm",
        "My own work, not for the archive")
    mine = git(c, "rev-parse", "HEAD")
    fleet = FakeFleet()
    with pytest.raises(PatrolError) as caught:
        inspect(c, "fake", ctx=ctx_at(c, T0 + timedelta(minutes=2), "cccccc"), play=fleet,
                push=True)
    err = caught.value
    assert err.exit_code == Exit.USAGE and mine[:12] in str(err)
    assert "My own work" in str(err) and fleet.plays == []
    assert git(c, "rev-parse", "HEAD") == mine
    fresh = tmp_path / "fresh"
    git(tmp_path, "clone", "-q", str(bare), str(fresh))
    runs = git(fresh, "log", "--format=%(trailers:key=Patrol-Run,valueonly)").split()
    assert runs[:2] == [second.run_id, first.run_id]
    assert mine not in git(fresh, "rev-list", "HEAD").split()
    assert archive.verify_chain(fresh) == []
    from runner.archive.verify import verify

    assert verify(fresh).ok
    record = yaml.safe_load((fresh / second.record_path).read_bytes())
    assert record["previous"]["record"] == first.record_path  # re-made on a's tip


KILLED_BEFORE_COMMIT = """
import os, sys
from pathlib import Path
import runner.run
from runner.inspect import inspect
from tests.unit.test_inspect_run import FakeFleet, context
runner.run.archive.commit = lambda *a, **k: os._exit(137)  # SIGKILL between write and commit
fleet = FakeFleet()
fleet.agent["web-02"] = "0.9.0-1"
inspect(Path(sys.argv[1]), "fake", ctx=context(Path(sys.argv[1])), play=fleet)
"""


def test_a_run_killed_between_writing_and_committing_is_committed_from_the_spool(estate):
    """The files a run writes are journalled in the spool first: a kill after the write and
    before the commit leaves them there, and the next run commits them (and only them)."""
    import sys

    root = Path(__file__).resolve().parents[2]
    head = git(estate, "rev-parse", "HEAD")
    killed = subprocess.run([sys.executable, "-c", KILLED_BEFORE_COMMIT, str(estate)], cwd=root,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == 137, killed.stderr
    assert git(estate, "rev-parse", "HEAD") == head
    spool = estate / ".git" / "patrol-spool" / "20261125T061500Z-fake-abc123"
    kept = spool_entry.read_entry(spool)
    record = "reports/runs/2026/11/20261125T061500Z-fake-abc123.yaml"
    assert record in kept and (estate / record).read_bytes() == kept[record]
    nxt = inspect(estate, "fake", ctx=ctx_at(estate, T0 + timedelta(hours=1), "def456"),
                  play=FakeFleet())
    committed = git(estate, "show", "--name-only", "--format=", "HEAD").split()
    assert set(kept) <= set(committed) and nxt.record_path in committed
    assert not spool.exists() and archive.verify_chain(estate) == []
    assert git(estate, "status", "--porcelain", "--untracked-files=all") == ""


def test_an_unreachable_remote_refuses_a_push_before_measuring(tmp_path):
    """Whether the push would carry others' commits cannot be known without the remote:
    refused (exit 3) before any host is touched, never taken for an empty remote."""
    _bare, a, _b = _clones(tmp_path)
    git(a, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    err = refused(a, FakeFleet(), push=True)
    assert err.exit_code == Exit.ENVIRONMENT and "nothing was measured" in str(err)
