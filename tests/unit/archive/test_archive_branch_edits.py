"""Runs that edit the estate where main is protected: the edit on its own branch for a PR,
the record on the archive branch, main never pushed to, and verify still whole."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from runner.upgrade.run import upgrade
from tests.conftest import git
from tests.unit.archive.conftest import clone, make_remote, patrol
from tests.unit.upgrade.test_upgrade_run import NOW, PLAN, fleet

STOCK = "inventory/spares.yaml"


def _quantity(text: str, part: str, depot: str) -> int:
    stock = yaml.safe_load(text)["stock"]
    return next(e["quantity"] for e in stock if (e["part"], e["depot"]) == (part, depot))


def _record(remote: Path, run: str) -> dict:
    files = git(remote, "ls-tree", "-r", "--name-only", "patrol-archive",
                "reports/runs").splitlines()
    path = next(f for f in files if f.endswith(f"/{run}.yaml"))
    return yaml.safe_load(git(remote, "show", f"patrol-archive:{path}"))


def test_spares_use_and_receive_push_the_edit_to_its_own_branch_and_the_record_to_the_archive(
        remote: Path, tmp_path: Path):
    main = git(remote, "rev-parse", "main")
    before = git(remote, "show", f"main:{STOCK}")
    a = clone(remote, tmp_path / "a")

    r = patrol(a, "spares", "use", "hpe-psu-500w", "--depot", "hz-dc1-cage", "--host",
               "web-01", "--reason", "INC-7 failed PSU", "--push")
    assert r.returncode == 0, r.stderr
    assert git(remote, "rev-parse", "main") == main  # main was never pushed to
    assert git(a, "status", "--porcelain") == ""  # the checkout is untouched
    assert git(a, "rev-parse", "HEAD") == main
    branches = git(remote, "for-each-ref", "--format=%(refname:short)",
                   "refs/heads/patrol/estate/").splitlines()
    assert len(branches) == 1 and branches[0] in r.stdout and "pull request" in r.stdout
    use_branch = branches[0]
    # the branch is the estate commit plus one commit that changes the stock file, one line
    assert git(remote, "rev-parse", f"{use_branch}~1") == main
    assert git(remote, "diff", "--name-only", main, use_branch).splitlines() == [STOCK]
    edited = git(remote, "show", f"{use_branch}:{STOCK}")
    assert _quantity(edited, "hpe-psu-500w", "hz-dc1-cage") == \
        _quantity(before, "hpe-psu-500w", "hz-dc1-cage") - 1
    assert git(remote, "diff", "--numstat", main, use_branch) == f"1\t1\t{STOCK}"
    # the record, on the archive branch only, names the branch and what it edits
    archive_files = git(remote, "ls-tree", "-r", "--name-only", "patrol-archive").splitlines()
    assert archive_files and all(f.startswith("reports/") for f in archive_files)
    run = use_branch.removeprefix("patrol/estate/")
    record = _record(remote, run)
    assert record["estate"]["commit"] == main
    assert record["estate_edit"] == {"branch": use_branch, "base": main,
                                     "commit": git(remote, "rev-parse", use_branch),
                                     "files": [STOCK]}
    assert record["movement"]["quantity"]["after"] == \
        _quantity(edited, "hpe-psu-500w", "hz-dc1-cage")

    b = clone(remote, tmp_path / "b")  # another engineer, a fresh clone
    r = patrol(b, "spares", "receive", "hpe-psu-500w", "--depot", "fra-dc2-cage",
               "--quantity", "3", "--reason", "PO-12 delivery", "--push")
    assert r.returncode == 0, r.stderr
    assert git(remote, "rev-parse", "main") == main
    branches = git(remote, "for-each-ref", "--format=%(refname:short)",
                   "refs/heads/patrol/estate/").splitlines()
    assert len(branches) == 2
    receive_branch = next(x for x in branches if x != use_branch)
    assert _quantity(git(remote, "show", f"{receive_branch}:{STOCK}"), "hpe-psu-500w",
                     "fra-dc2-cage") == _quantity(before, "hpe-psu-500w", "fra-dc2-cage") + 3
    assert git(remote, "rev-list", "--count", "patrol-archive") == "2"
    second = _record(remote, receive_branch.removeprefix("patrol/estate/"))
    assert second["previous"]["record"].endswith(f"{run}.yaml")  # one chain
    v = patrol(b, "audit", "verify", "--format", "json")
    assert v.returncode == 0 and json.loads(v.stdout)["records"] == 2, v.stdout + v.stderr
    log = patrol(b, "audit", "log").stdout  # the auditor's timeline names both branches
    assert f"estate edit on branch {use_branch}" in log
    assert f"estate edit on branch {receive_branch}" in log


def test_without_push_the_edit_branch_and_record_stay_local(remote: Path, tmp_path: Path):
    a = clone(remote, tmp_path / "a")
    r = patrol(a, "spares", "receive", "hpe-psu-500w", "--depot", "hz-dc1-cage",
               "--quantity", "1", "--reason", "delivery")
    assert r.returncode == 0, r.stderr
    local = git(a, "for-each-ref", "--format=%(refname:short)",
                "refs/heads/patrol/estate/").splitlines()
    assert len(local) == 1 and "committed locally" in r.stdout
    assert git(remote, "for-each-ref", "refs/heads/patrol/") == ""
    assert git(a, "status", "--porcelain") == ""
    assert patrol(a, "audit", "verify").returncode == 0


def test_an_estate_edit_over_uncommitted_changes_is_refused_before_anything_changes(
        remote: Path, tmp_path: Path):
    a = clone(remote, tmp_path / "a")
    stock = a / STOCK
    stock.write_text(stock.read_text() + "# a note\n")
    r = patrol(a, "spares", "receive", "hpe-psu-500w", "--depot", "hz-dc1-cage",
               "--quantity", "1", "--reason", "delivery", "--push")
    assert r.returncode == 2 and "uncommitted changes" in r.stderr
    assert git(a, "for-each-ref", "refs/heads/patrol/") == ""
    assert "patrol-archive" not in git(remote, "branch")


def test_an_upgrade_puts_the_inventory_edit_on_its_own_branch_and_the_record_on_the_archive(
        tmp_path: Path):
    remote = make_remote(tmp_path, {"policies/upgrades/test.yaml": PLAN})
    main = git(remote, "rev-parse", "main")
    a = clone(remote, tmp_path / "a")
    fake = fleet()
    run = upgrade(a, "test", now=lambda: NOW, env={}, play=fake, interrupt=lambda: False,
                  push=True)
    assert run.exit_code == 0 and run.estate_edit is not None
    assert git(remote, "rev-parse", "main") == main
    assert git(a, "status", "--porcelain") == "" and git(a, "rev-parse", "HEAD") == main
    branch = run.estate_edit.branch
    assert branch == f"patrol/estate/{run.run_id}"
    assert git(remote, "rev-parse", f"{branch}~1") == main
    # the four upgraded hosts' declared versions, and nothing else, on the edit's branch
    diff = git(remote, "diff", "-U0", main, branch).splitlines()
    changed = [ln for ln in diff if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    assert sorted(changed) == sorted(['-      patrol-agent: "1.0.0-1"',
                                      '+      patrol-agent: "1.1.0-1"'] * 4)
    assert sorted(git(remote, "diff", "--name-only", main, branch).splitlines()) == \
        sorted(run.inventory_files) == ["inventory/hosts/fra-dc2.yaml",
                                        "inventory/hosts/hz-dc1.yaml"]
    files = git(remote, "ls-tree", "-r", "--name-only", "patrol-archive").splitlines()
    assert files == [run.record_path]
    record = _record(remote, run.run_id)
    assert record["kind"] == "upgrade" and record["estate"]["commit"] == main
    assert list(record).index("estate_edit") < list(record).index("hosts")  # in the header
    assert record["estate_edit"] == {"branch": branch, "base": main,
                                     "commit": git(remote, "rev-parse", branch),
                                     "files": sorted(run.inventory_files)}
    assert git(remote, "rev-parse", "patrol-archive") == run.commit
    v = patrol(a, "audit", "verify", "--format", "json")
    assert v.returncode == 0 and json.loads(v.stdout)["records"] == 1, v.stdout + v.stderr


def test_an_upgrade_that_changes_no_version_makes_no_estate_branch(tmp_path: Path):
    remote = make_remote(tmp_path, {"policies/upgrades/test.yaml": PLAN})
    a = clone(remote, tmp_path / "a")
    every = {"app-01", "app-02", "web-01", "web-02"}
    run = upgrade(a, "test", now=lambda: NOW, env={}, play=fleet(not_ready=every),
                  interrupt=lambda: False, push=True)
    assert run.result == "completed" and run.estate_edit is None
    assert run.inventory_files == []  # every host skipped by its pre-check: nothing to follow
    assert git(remote, "for-each-ref", "refs/heads/patrol/") == ""
    assert "estate_edit" not in _record(remote, run.run_id)


def test_with_signatures_required_the_edit_and_the_record_are_both_signed(tmp_path: Path):
    from runner.run import RunContext
    from runner.spares.runs import move_stock
    from tests.unit.archive.test_audit_verify import keypair

    key, pub = keypair(tmp_path, "patrol")
    signers = f"patrol@example.com {pub}\n"
    remote = make_remote(tmp_path, {"policies/allowed_signers": signers},
                         require_signatures=True)
    a = clone(remote, tmp_path / "a")
    ctx = RunContext.here(a, env={"PATROL_SIGNING_KEY": str(key)})
    out = move_stock(ctx, "receive", "hpe-psu-500w", "hz-dc1-cage", quantity=2,
                     reason="PO-9", host=None, commit=True, push=True)
    assert out.estate_edit is not None
    (tmp_path / "signers").write_text(signers)
    for sha in (out.estate_edit.commit, out.commit):
        ok = subprocess.run(["git", "-c", f"gpg.ssh.allowedSignersFile={tmp_path / 'signers'}",
                             "verify-commit", str(sha)], cwd=remote, capture_output=True,
                            text=True)
        assert ok.returncode == 0 and "Good" in ok.stderr, ok.stderr
    v = patrol(a, "audit", "verify", "--format", "json")
    doc = json.loads(v.stdout)
    assert v.returncode == 0 and doc["records"] == 1 and doc["signed"] == 1, v.stdout
