"""Signatures as a policy on the whole mainline, on real Git with real SSH (and OpenPGP)
keys: what a pull request or an unsigned commit cannot do to an archive that requires
signatures, checked in a fresh clone (no cache of what was verified before)."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runner.archive import tip
from runner.archive.verify import verify
from runner.errors import PatrolError
from tests.conftest import commit_all, copy_estate, git
from tests.unit.archive import test_audit_verify as base
from tests.unit.archive.test_audit_verify import keypair, patrol, runs

signed = base.signed  # the estate that requires signatures, Patrol's key allowed


def fresh_clone(root: Path, where: Path) -> Path:
    git(root.parent, "clone", "-q", str(root), str(where))
    return where


def signed_commit(root: Path, key: Path, message: str, *paths: str) -> str:
    git(root, "add", *paths)
    git(root, "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q", "-S",
        "-m", message)
    return git(root, "rev-parse", "HEAD")


def texts(root: Path, **kw: str) -> list[str]:
    return [b.text() for b in verify(root, **kw).breaks]


def test_unsigned_commits_that_weaken_forge_and_restore_break_in_a_fresh_clone(signed, tmp_path):
    root, _key, _ = signed
    service = root / "policies/service.yaml"
    strict = service.read_text()
    service.write_text(strict.replace("require_signatures: true", "require_signatures: false"))
    weaken = commit_all(root, "relax the archive policy")
    forged = runs(root, 1)[0]  # unsigned, perfectly sealed, chained and trailed
    service.write_text(strict)
    restore = commit_all(root, "restore the archive policy")
    clone = fresh_clone(root, tmp_path / "clone")
    found = texts(clone)
    for sha in (weaken, forged, restore):
        assert any(b.startswith(sha[:12]) for b in found), (sha, found)
    assert any(b.startswith(weaken[:12]) and "does not count" in b for b in found), found
    assert any(b.startswith(forged[:12]) and "not signed" in b for b in found), found
    r = patrol(clone, "audit", "verify")
    assert r.returncode == 1 and forged[:12] in r.stdout, r.stdout


def test_a_pull_request_that_enrols_its_own_key_then_signs_a_forged_record_breaks(signed):
    root, _key, stranger = signed
    pub = Path(f"{stranger}.pub").read_text().strip()
    with (root / "policies/allowed_signers").open("a") as fh:
        fh.write(f"me@example.com {pub}\n")
    enrol = signed_commit(root, stranger, "add my key", "policies/allowed_signers")
    forged = runs(root, 1, sign=str(stranger))[0]
    found = texts(root)
    assert any(b.startswith(enrol[:12]) and "does not count" in b for b in found), found
    assert any(b.startswith(forged[:12]) and "not in policies/allowed_signers" in b
               for b in found), found


def test_a_key_added_by_an_allowed_key_counts(signed, tmp_path):
    root, key, _ = signed
    second, pub = keypair(tmp_path, "second")
    with (root / "policies/allowed_signers").open("a") as fh:
        fh.write(f"second@example.com {pub}\n")
    signed_commit(root, key, "allow the second bot", "policies/allowed_signers")
    runs(root, 1, sign=str(second))
    result = verify(root)
    assert result.ok, [b.text() for b in result.breaks]


def test_an_unsigned_estate_commit_while_signatures_are_required_is_a_break(signed):
    root, _, _ = signed
    (root / "inventory/notes.txt").write_text("an unsigned estate change\n")
    sha = commit_all(root, "unsigned")
    assert any(b.startswith(sha[:12]) and "not signed" in b for b in texts(root))


MID_NOVEMBER = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # after the fixture's two runs


def test_a_signed_turn_off_without_its_record_does_not_stop_the_requirement(signed):
    root, key, _ = signed
    service = root / "policies/service.yaml"
    service.write_text(service.read_text().replace("require_signatures: true",
                                                   "require_signatures: false"))
    off = signed_commit(root, key, "signatures off", "policies/service.yaml")
    unsigned = runs(root, 1)[0]
    result = verify(root)
    found = [b.text() for b in result.breaks]
    assert len(found) == 1 and found[0].startswith(unsigned[:12]), found
    assert "not signed" in found[0] and f"turn-off in {off[:12]} is not recorded" in found[0]
    assert [e.commit for e in result.events if "turned off" in e.text] == [off]
    assert not [e for e in result.events if "no longer required" in e.text]


def test_turning_the_requirement_off_is_a_signed_recorded_event(signed, tmp_path):
    from runner.archive import signatures_off

    root, key, _ = signed
    before = git(root, "rev-parse", "HEAD")
    done = signatures_off.turn_off(root, root, "moving to the archive branch", MID_NOVEMBER,
                                   {"PATROL_SIGNING_KEY": str(key)})
    assert done.made_here and git(root, "rev-parse", f"{done.turned_off_by}~1") == before
    assert "require_signatures: false" in git(root, "show",
                                              f"{done.turned_off_by}:policies/service.yaml")
    record = git(root, "show", f"{done.commit}:{done.record}")
    assert "kind: policy" in record and done.turned_off_by in record
    assert "reason: moving to the archive branch" in record
    for sha in (done.turned_off_by, done.commit):  # both signed by the allowed key
        assert git(root, "cat-file", "commit", sha).count("BEGIN SSH SIGNATURE") == 1
    later = runs(root, 1)  # unsigned, and now allowed
    clone = fresh_clone(root, tmp_path / "clone")
    result = verify(clone)
    assert result.ok, [b.text() for b in result.breaks]
    assert result.records == 4  # two runs, the policy record, one run: one chain
    recorded = [e for e in result.events if "no longer required" in e.text]
    assert [e.commit for e in recorded] == [done.commit]
    assert "moving to the archive branch" in recorded[0].text
    r = patrol(clone, "audit", "verify")
    assert r.returncode == 0 and done.commit[:12] in r.stdout, r.stdout
    assert later[0] not in r.stdout


def test_a_policy_record_signed_by_a_stranger_does_not_count(signed):
    from runner.archive import signatures_off

    root, key, stranger = signed
    service = root / "policies/service.yaml"
    service.write_text(service.read_text().replace("require_signatures: true",
                                                   "require_signatures: false"))
    off = signed_commit(root, key, "signatures off", "policies/service.yaml")
    found = verify(root)
    _rel, forged = signatures_off._record(root, root, str(stranger), off, "forged",
                                          MID_NOVEMBER, found)
    unsigned = runs(root, 1)[0]
    texts_ = [b.text() for b in verify(root).breaks]
    assert any(t.startswith(forged[:12]) and "not in policies/allowed_signers" in t
               for t in texts_), texts_
    assert any(t.startswith(unsigned[:12]) and "not signed" in t for t in texts_), texts_


def test_the_command_refuses_without_an_allowed_key_and_changes_nothing(signed):
    root, _key, stranger = signed
    before = git(root, "rev-parse", "HEAD")
    r = patrol(root, "audit", "signatures-off", "--reason", "no")
    assert r.returncode == 1 and "PATROL_SIGNING_KEY" in r.stderr, r.stderr
    r = patrol(root, "audit", "signatures-off", "--reason", "no",
               env={"PATROL_SIGNING_KEY": str(stranger)})
    assert r.returncode == 1 and "not in policies/allowed_signers" in r.stderr, r.stderr
    assert git(root, "rev-parse", "HEAD") == before
    assert git(root, "status", "--porcelain") == ""


def test_the_command_records_a_turn_off_a_merged_change_made(signed):
    root, key, _ = signed
    service = root / "policies/service.yaml"
    service.write_text(service.read_text().replace("require_signatures: true",
                                                   "require_signatures: false"))
    off = signed_commit(root, key, "signatures off, by review", "policies/service.yaml")
    r = patrol(root, "audit", "signatures-off", "--reason", "decided in review",
               env={"PATROL_SIGNING_KEY": str(key)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert git(root, "rev-parse", "HEAD~1") == off  # one commit: the record
    v = patrol(root, "audit", "verify")
    assert v.returncode == 0 and "no longer required" in v.stdout, v.stdout
    assert f"turn-off in {off[:12]} is recorded: decided in review" in v.stdout


def test_an_openpgp_signature_is_a_break_even_when_this_machine_trusts_it(signed, tmp_path):
    root, _, _ = signed
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key",
                    "pgp@example.com", "ed25519", "sign", "never"], env=env, check=True,
                   capture_output=True)
    (root / "inventory/notes.txt").write_text("pgp-signed\n")
    git(root, "add", "inventory/notes.txt")
    subprocess.run(["git", "-c", "gpg.format=openpgp", "-c", "user.signingkey=pgp@example.com",
                    "commit", "-q", "-S", "-m", "pgp"], cwd=root, env=env, check=True)
    sha = git(root, "rev-parse", "HEAD")
    shown = subprocess.run(["git", "log", "-1", "--format=%G?"], cwd=root, env=env,
                           capture_output=True, text=True).stdout.strip()
    assert shown == "G"  # git on this machine trusts it
    old = os.environ.get("GNUPGHOME")
    os.environ["GNUPGHOME"] = str(home)
    try:
        found = texts(root)
    finally:
        if old is None:
            del os.environ["GNUPGHOME"]
        else:
            os.environ["GNUPGHOME"] = old
    assert any(b.startswith(sha[:12]) and "openpgp signature" in b for b in found), found


# -- the tip check starts from proof ---------------------------------------------------------


def test_a_hand_made_commit_with_a_patrol_run_line_is_not_trusted_by_the_tip_check(tmp_path):
    root = copy_estate(tmp_path / "estate")
    commit_all(root)
    runs(root, 2)
    finding = next((root / "reports/findings").rglob("*.yaml"))
    finding.write_text(finding.read_text().replace("state: open", "state: closed"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "tidy\n\nPatrol-Run: 20261130T060000Z-daily-000009\n"
        "Patrol-Estate: none\nPatrol-Record: sha256:0\n")
    clone = fresh_clone(root, tmp_path / "clone")
    rel = finding.relative_to(root).as_posix()
    checked = tip.check(clone)
    assert any(rel in b.text() for b in checked.breaks), checked
    r = patrol(clone, "findings", "escalate")
    assert r.returncode == 1 and rel in r.stderr, r.stderr
    assert git(clone, "log", "-1", "--format=%s") == "tidy"  # nothing committed on top


# -- a run refuses a key that is not allowed ---------------------------------------------------


def test_a_run_refuses_a_signing_key_that_is_not_allowed_before_measuring(signed):
    from runner.archive.preflight import require_signing_key

    root, key, stranger = signed
    head = git(root, "rev-parse", "HEAD")
    require_signing_key(root, str(key))  # allowed: no error
    with pytest.raises(PatrolError, match="not in policies/allowed_signers"):
        require_signing_key(root, str(stranger))
    r = patrol(root, "findings", "escalate", env={"PATROL_SIGNING_KEY": str(stranger)})
    assert r.returncode == 1 and "not in policies/allowed_signers" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert git(root, "rev-parse", "HEAD") == head


def test_a_key_a_pull_request_enrolled_unsigned_is_still_refused(signed):
    from runner.archive.preflight import require_signing_key

    root, _key, stranger = signed
    pub = Path(f"{stranger}.pub").read_text().strip()
    with (root / "policies/allowed_signers").open("a") as fh:
        fh.write(f"me@example.com {pub}\n")
    commit_all(root, "enrol me")
    with pytest.raises(PatrolError, match="not in policies/allowed_signers"):
        require_signing_key(root, str(stranger))
