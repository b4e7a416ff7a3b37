"""Stock movements are compare-and-swap against the remote's archive: two clones taking the
last parts cannot both succeed, and a movement whose push is rejected reads the stock again
on the new tip. Real git, a bare remote whose main is protected, the patrol CLI."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import git
from tests.unit.archive.conftest import clone, patrol
from tests.unit.archive.test_archive_branch_edits import STOCK, _quantity

PART, DEPOT = "hpe-psu-500w", "hz-dc1-cage"


def _use(root: Path, quantity: int, reason: str):
    return patrol(root, "spares", "use", PART, "--depot", DEPOT, "--host", "web-01",
                  "--quantity", str(quantity), "--reason", reason, "--push")


def _movements(remote: Path) -> list[dict]:
    files = git(remote, "ls-tree", "-r", "--name-only", "patrol-archive",
                "reports/runs").splitlines()
    docs = [yaml.safe_load(git(remote, "show", f"patrol-archive:{f}")) for f in files]
    return [d["movement"] for d in docs if d.get("kind") == "spares-movement"]


def test_two_clones_taking_the_last_parts_cannot_both_succeed(remote: Path, tmp_path: Path):
    held = _quantity(git(remote, "show", f"main:{STOCK}"), PART, DEPOT)
    assert held >= 1
    a = clone(remote, tmp_path / "a")
    b = clone(remote, tmp_path / "b")
    for c in (a, b):  # both read the archive before either moves anything
        assert patrol(c, "findings").returncode in (0, 1)
    first = _use(a, held, "INC-1 every PSU")
    assert first.returncode == 0, first.stderr
    second = _use(b, 1, "INC-2 one more PSU")
    assert second.returncode == 1, second.stdout + second.stderr
    assert "it holds 0" in second.stderr and "Traceback" not in second.stderr
    moved = _movements(remote)
    assert [(m["change"], m["quantity"]) for m in moved] == [
        (-held, {"before": held, "after": 0})]
    branches = git(remote, "for-each-ref", "--format=%(refname:short)",
                   "refs/heads/patrol/estate/").splitlines()
    assert len(branches) == 1  # b's edit never left b
    assert not git(b, "for-each-ref", "refs/heads/patrol/estate/")


def test_a_rejected_movement_is_made_again_on_the_stock_the_new_tip_holds(remote: Path,
                                                                        tmp_path: Path):
    held = _quantity(git(remote, "show", f"main:{STOCK}"), PART, DEPOT)
    assert held >= 2
    a = clone(remote, tmp_path / "a")
    b = clone(remote, tmp_path / "b")
    for c in (a, b):
        assert patrol(c, "findings").returncode in (0, 1)
    assert _use(a, 1, "INC-1 one PSU").returncode == 0
    second = _use(b, 1, "INC-2 another PSU")
    assert second.returncode == 0, second.stderr
    moved = _movements(remote)
    assert sorted(m["quantity"]["after"] for m in moved) == [held - 2, held - 1]
    branches = git(remote, "for-each-ref", "--format=%(refname:short)",
                   "refs/heads/patrol/estate/").splitlines()
    edits = sorted(_quantity(git(remote, "show", f"{br}:{STOCK}"), PART, DEPOT)
                   for br in branches)
    assert edits == [held - 2, held - 1]  # b's edit made from the stock a left
    v = patrol(clone(remote, tmp_path / "fresh"), "audit", "verify")
    assert v.returncode == 0, v.stdout + v.stderr
