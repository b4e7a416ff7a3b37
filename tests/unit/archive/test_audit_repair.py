"""``patrol audit repair`` on real Git with real SSH keys: committed damage is put back to the
last verified state by one signed commit on top, never a rewrite; verify then reports the
breaks the repair record names as acknowledged, apart from any that are still open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.archive.verify import verify
from tests.conftest import commit_all, git
from tests.unit.archive import test_audit_verify as base
from tests.unit.archive.test_audit_verify import patrol, runs

signed = base.signed  # signatures required, Patrol's key allowed; a stranger's key
archive_unsigned = base.archive  # three unsigned runs; signatures not required


@pytest.fixture
def damaged(signed: tuple[Path, Path, Path]) -> tuple[Path, Path, Path, str, bytes]:
    """The signed archive with a record edited by hand and committed, then a later run."""
    root, key, stranger = signed
    rec = sorted((root / "reports/runs").rglob("*.yaml"))[0]
    original = rec.read_bytes()
    rec.write_text(rec.read_text().replace("kind: seed", "kind: tidy"))
    bad = commit_all(root, "tidy")
    return root, key, stranger, bad, original


def test_repair_restores_the_last_verified_state_and_verify_acknowledges_the_breaks(damaged):
    root, key, _, bad, original = damaged
    rec = sorted((root / "reports/runs").rglob("*.yaml"))[0]
    before = [b.text() for b in verify(root).breaks]
    assert any(b.startswith(bad[:12]) for b in before), before
    history = git(root, "rev-list", "HEAD").split()
    preview = patrol(root, "audit", "repair", "--dry-run", env={"PATROL_SIGNING_KEY": str(key)})
    assert preview.returncode == 0 and bad[:12] in preview.stdout, preview.stdout
    assert git(root, "rev-list", "HEAD").split() == history  # a preview changes nothing
    r = patrol(root, "audit", "repair", env={"PATROL_SIGNING_KEY": str(key)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert git(root, "rev-list", "HEAD").split()[1:] == history  # one commit on top
    assert rec.read_bytes() == original
    assert "-----BEGIN SSH SIGNATURE-----" in git(root, "cat-file", "commit", "HEAD")
    v = patrol(root, "audit", "verify", "--format", "json")
    assert v.returncode == 0, v.stdout
    doc = json.loads(v.stdout)
    assert doc["ok"] and doc["breaks"] == []
    assert {b["commit"] for b in doc["acknowledged"]} == {bad}
    text = patrol(root, "audit", "verify").stdout
    assert "ACKNOWLEDGED " + bad[:12] in text and "acknowledged break(s)" in text
    record = next(p for p in (root / "reports/runs").rglob("*repair*.yaml"))
    assert bad in record.read_text() and "kind: repair" in record.read_text()
    (root / ".git/patrol-verified.json").unlink(missing_ok=True)  # a fresh clone's tip check
    r = patrol(root, "findings", "escalate", env={"PATROL_SIGNING_KEY": str(key)})
    assert r.returncode == 0, r.stderr  # the next run appends onto the repaired archive
    assert verify(root).ok


def test_a_break_after_the_repair_is_reported_open_apart_from_the_acknowledged(damaged):
    root, key, _, bad, _ = damaged
    assert patrol(root, "audit", "repair", env={"PATROL_SIGNING_KEY": str(key)}).returncode == 0
    runs(root, 1, sign=str(key))  # the archive goes on after the repair
    assert verify(root).ok
    f = sorted((root / "reports/findings").rglob("*.yaml"))[0]
    f.write_text(f.read_text().replace("state: open", "state: closed"))
    later = commit_all(root, "tidy again")
    result = verify(root)
    assert {b.commit for b in result.acknowledged} == {bad}
    assert result.breaks and {b.commit for b in result.breaks} == {later}
    r = patrol(root, "audit", "verify")
    assert r.returncode == 1 and f"BREAK {later[:12]}" in r.stdout
    assert f"ACKNOWLEDGED {bad[:12]}" in r.stdout


def test_a_repair_needs_an_allowed_key(damaged):
    root, _, stranger, _, _ = damaged
    head = git(root, "rev-parse", "HEAD")
    r = patrol(root, "audit", "repair", env={"PATROL_SIGNING_KEY": ""})
    assert r.returncode == 1 and "signed" in r.stderr, r.stderr
    r = patrol(root, "audit", "repair", env={"PATROL_SIGNING_KEY": str(stranger)})
    assert r.returncode == 1 and "not in policies/allowed_signers" in r.stderr, r.stderr
    assert git(root, "rev-parse", "HEAD") == head


def test_a_repair_record_that_does_not_restore_is_itself_a_break(damaged):
    root, key, _, _, _ = damaged
    assert patrol(root, "audit", "repair", env={"PATROL_SIGNING_KEY": str(key)}).returncode == 0
    repair = git(root, "rev-parse", "HEAD")
    rec = sorted((root / "reports/runs").rglob("*.yaml"))[0]
    rec.write_text(rec.read_text().replace("kind: seed", "kind: tidy"))  # the damage again
    git(root, "add", "-A")
    git(root, "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q",
        "--amend", "-S", "--no-edit")  # the repair's trailers, record and key: not restored
    found = [b.text() for b in verify(root).breaks]
    assert any("repair leaves reports/ different" in b for b in found), found
    assert repair != git(root, "rev-parse", "HEAD")


def test_nothing_to_repair_in_an_intact_archive(signed):
    root, key, _ = signed
    head = git(root, "rev-parse", "HEAD")
    r = patrol(root, "audit", "repair", env={"PATROL_SIGNING_KEY": str(key)})
    assert r.returncode == 0 and "nothing to repair" in r.stdout
    assert git(root, "rev-parse", "HEAD") == head


def test_an_unsigned_repair_acknowledges_nothing_even_where_signatures_are_not_required(
        archive_unsigned):
    root = archive_unsigned
    rec = sorted((root / "reports/runs").rglob("*.yaml"))[0]
    rec.write_text(rec.read_text().replace("kind: seed", "kind: tidy"))
    bad = commit_all(root, "tidy")
    from runner.archive import repair

    plan = repair.plan(root)
    assert plan is not None
    git(root, "rm", "-r", "-q", "reports")  # what repair does, by hand and unsigned
    git(root, "checkout", plan.restores, "--", "reports")
    record = root / "reports/runs/2026/12/20261207T000000Z-repair-000000.yaml"
    record.parent.mkdir(parents=True, exist_ok=True)
    from runner import archive as arc
    from runner.archive.records import preamble

    body = preamble("repair", "20261207T000000Z-repair-000000", {},
                    (plan.tip.path, plan.tip.sha256))
    body["restores"] = plan.restores
    body["acknowledges"] = [b.as_dict() for b in plan.breaks]  # exactly what repair names
    body = arc.dump_yaml(body)
    data, digest = arc.seal(body)
    record.write_bytes(data)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "repair\n\nPatrol-Run: 20261207T000000Z-repair-000000\n"
        f"Patrol-Estate: none\nPatrol-Record: sha256:{digest}\n")
    result = verify(root)
    assert [b.text() for b in result.breaks] == [
        f"{git(root, 'rev-parse', 'HEAD')[:12]} policies/allowed_signers: not signed, and a "
        "signature by an allowed key is required here"], [b.text() for b in result.breaks]
    assert {b.commit for b in result.acknowledged} == {bad}
    r = patrol(root, "audit", "repair", env={"PATROL_SIGNING_KEY": ""})
    assert r.returncode == 1 and "signed" in r.stderr
