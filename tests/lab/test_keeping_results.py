"""Every exit path keeps a run's results, on the lab: a disk that fills while Ansible runs, a
read-only reports/, a detached HEAD, a push that conflicts with a bare remote, a corrupt file
under reports/. Mounts are real (the tests run as root, like every lab test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from runner import archive
from runner.archive.spool import read_entry
from runner.errors import Exit, PatrolError
from runner.inspect import inspect
from tests.conftest import commit_all, copy_estate, git, remote_and_clones
from tests.unit.test_keeping_results import bind, set_read_only, tmpfs

ROOT = Path(__file__).resolve().parents[2]
PATROL = str(Path(sys.executable).parent / "patrol")
HOST = "web-01"
pytestmark = pytest.mark.lab


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    dest = copy_estate(tmp_path / "estate")
    for checklist in (dest / "policies/inspections").glob("*.yaml"):  # one control, one max
        text = checklist.read_text()  # the machine's load is not under test
        checklist.write_text(text.replace("      max: 2.0\n", "      max: 1000.0\n"))
    commit_all(dest)
    return dest


def patrol(estate: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PATROL, *args, "--estate", str(estate)], capture_output=True,
                          text=True, timeout=600, cwd=ROOT)


def test_a_disk_that_fills_while_measuring_spools_and_the_next_run_commits(lab, estate):
    reports = estate / "reports"
    head = git(estate, "rev-parse", "HEAD")
    with tmpfs(reports, "2m"):
        def fill(_result) -> None:  # the disk fills up while Ansible runs
            subprocess.run(["dd", "if=/dev/zero", f"of={reports}/filler", "bs=64k"],
                           capture_output=True)

        with pytest.raises(PatrolError) as caught:
            inspect(estate, "daily", limit=HOST, connections=lab.ansible_vars(), on_host=fill)
        assert caught.value.exit_code == Exit.FAILED
        assert "No space left on device" in str(caught.value)
        spool = Path(str(caught.value).split("kept in ")[1].split(" ")[0])
        assert spool.parent == estate / ".git" / "patrol-spool"
    assert git(estate, "rev-parse", "HEAD") == head
    kept = read_entry(spool)
    spooled = next(rel for rel in kept if rel.startswith("reports/runs/"))
    record = yaml.safe_load(kept[spooled])
    assert record["hosts"] == {HOST: "pass"}  # the measured results, whole and sealed
    nxt = patrol(estate, "inspect", "daily", "--limit", HOST, "--lab")
    assert nxt.returncode == 0, nxt.stdout + nxt.stderr
    committed = git(estate, "show", "--name-only", "--format=", "HEAD").split()
    assert spooled in committed
    assert not spool.exists()
    assert archive.verify_chain(estate) == []


def test_a_read_only_reports_dir_is_refused_before_any_host_is_touched(lab, estate):
    reports = estate / "reports"
    with bind(reports):
        set_read_only(reports, True)
        r = patrol(estate, "inspect", "daily", "--limit", HOST, "--lab")
    assert r.returncode == 3, r.stdout + r.stderr
    assert r.stderr == (f"patrol: {reports} is not writable (Read-only file system): the run "
                        "could not keep its results; nothing was measured\n")
    assert "measuring" not in r.stdout


def test_a_detached_head_is_refused_before_measuring(lab, estate):
    git(estate, "checkout", "-q", "--detach")
    for args in ([], ["--push"]):
        r = patrol(estate, "inspect", "daily", "--limit", HOST, "--lab", *args)
        assert r.returncode == 2, (args, r.stdout + r.stderr)
        assert "detached" in r.stderr and "measuring" not in r.stdout
    assert git(estate, "status", "--porcelain", "--untracked-files=all") == ""


def test_an_unpushed_run_under_a_moved_remote_refuses_the_push_before_measuring(lab, estate,
                                                                                tmp_path):
    """a's earlier run is committed, not pushed; b pushes meanwhile. a's --push run would
    have to rebase a sealed record: refused before any host is touched, both kept."""
    bare, a, b = remote_and_clones(estate, tmp_path)
    first = patrol(a, "inspect", "daily", "--limit", HOST, "--lab")  # committed, not pushed
    assert first.returncode == 0, first.stderr
    pushed = patrol(b, "inspect", "daily", "--limit", HOST, "--lab", "--push")
    assert pushed.returncode == 0, pushed.stderr
    head, remote = git(a, "rev-parse", "HEAD"), git(bare, "rev-parse", "main")
    r = patrol(a, "inspect", "daily", "--limit", HOST, "--lab", "--push")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "never rebases a record" in r.stderr and "nothing was measured" in r.stderr
    assert "measuring" not in r.stdout
    assert git(a, "rev-parse", "HEAD") == head and git(bare, "rev-parse", "main") == remote
    assert git(a, "rev-list", "--count", "origin/main..HEAD") == "1"  # a's run kept
    assert archive.verify_chain(a) == []


def test_a_corrupt_status_file_is_one_error_before_measuring(lab, estate):
    first = patrol(estate, "inspect", "daily", "--limit", HOST, "--lab")
    assert first.returncode == 0, first.stderr
    status = estate / "reports/status" / f"{HOST}.yaml"
    status.write_text(status.read_text() + "=======\nhost: other\n>>>>>>> theirs\n")
    lines = status.read_text().count("\n")
    r = patrol(estate, "inspect", "daily", "--limit", HOST, "--lab")
    assert r.returncode == 1
    assert r.stderr == (f"patrol: reports/status/{HOST}.yaml:{lines - 2}:1: unresolved merge "
                        "conflict marker: resolve it, then commit\n")
    assert "measuring" not in r.stdout


def test_a_hand_placed_record_is_refused_with_its_path_before_any_host_is_touched(lab, estate):
    """A whole, sealed record lying in reports/ (any key, or none, made it) is never swept
    into the next run's commit: the run names it and measures nothing."""
    first = patrol(estate, "inspect", "daily", "--limit", HOST, "--lab")
    assert first.returncode == 0, first.stdout + first.stderr
    latest = archive.latest_record(estate)
    assert latest is not None
    body = yaml.safe_load((estate / latest[0]).read_bytes())
    body.pop("sha256", None)
    body.update(run="20991231T000000Z-daily-f0f0f0",
                previous={"record": latest[0], "sha256": latest[1]})
    data, _ = archive.seal(archive.dump_yaml(body))
    forged = "reports/runs/2099/12/20991231T000000Z-daily-f0f0f0.yaml"
    (estate / forged).parent.mkdir(parents=True)
    (estate / forged).write_bytes(data)
    head = git(estate, "rev-parse", "HEAD")
    r = patrol(estate, "inspect", "daily", "--limit", HOST, "--lab")
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.startswith(f"patrol: {forged}:1:1: not written by Patrol"), r.stderr
    assert "measuring" not in r.stdout and "Traceback" not in r.stderr
    assert git(estate, "rev-parse", "HEAD") == head


def test_a_full_object_store_is_one_message_and_the_next_run_commits_the_spool(lab, estate):
    """``.git/objects`` on a small disk that fills while Ansible runs: ``git add`` fails,
    the run says so once (no traceback), its results wait in the spool (on another disk)
    and the next run, with room again, commits them."""
    objects = estate / ".git" / "objects"
    saved = estate.parent / "objects.saved"
    subprocess.run(["cp", "-a", str(objects), str(saved)], check=True)
    head = git(estate, "rev-parse", "HEAD")
    with tmpfs(objects, "4m"):
        subprocess.run(f"cp -a {saved}/. {objects}/", shell=True, check=True)

        def fill(_result) -> None:
            subprocess.run(["dd", "if=/dev/zero", f"of={objects}/filler", "bs=64k"],
                           capture_output=True)

        with pytest.raises(PatrolError) as caught:
            inspect(estate, "daily", limit=HOST, connections=lab.ansible_vars(), on_host=fill)
        err = str(caught.value)
        assert caught.value.exit_code == Exit.FAILED and err.startswith("git commit failed")
        assert "kept in" in err and "\n" not in err
        spool = Path(err.split("kept in ")[1].split(" ")[0])
        kept = read_entry(spool)
        assert any(rel.startswith("reports/runs/") for rel in kept)
        assert git(estate, "rev-parse", "HEAD") == head
        (objects / "filler").unlink()
        nxt = patrol(estate, "inspect", "daily", "--limit", HOST, "--lab")
        assert nxt.returncode == 0, nxt.stdout + nxt.stderr
        committed = git(estate, "show", "--name-only", "--format=", "HEAD").split()
        assert all(rel in committed for rel in kept if rel.startswith("reports/runs/"))
        assert not spool.exists()
        assert archive.verify_chain(estate) == []
