"""The signature policy where records live on an archive branch: the estate's own branch
carries the policy, and a pull request that enrols its own key there does not count."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git
from tests.unit.archive.conftest import clone, make_remote
from tests.unit.archive.test_audit_verify import keypair, patrol


def test_a_key_enrolled_unsigned_on_the_estate_branch_signs_nothing(tmp_path: Path):
    key, pub = keypair(tmp_path, "patrol")
    stranger, stranger_pub = keypair(tmp_path, "stranger")
    remote = make_remote(tmp_path, {"policies/allowed_signers": f"patrol@example.com {pub}\n"},
                         require_signatures=True)
    a = clone(remote, tmp_path / "a")
    with (a / "policies/allowed_signers").open("a") as fh:
        fh.write(f"me@example.com {stranger_pub}\n")
    git(a, "commit", "-qam", "enrol me")  # unsigned, as a pull request's merge would be
    enrol = git(a, "rev-parse", "HEAD")
    refused = patrol(a, "lifecycle", "check", "--push",
                     env={"PATROL_SIGNING_KEY": str(stranger)})
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "not in policies/allowed_signers" in refused.stderr
    assert git(remote, "for-each-ref", "refs/heads/patrol-archive") == ""  # nothing recorded
    v = patrol(a, "audit", "verify", "--format", "json")
    assert v.returncode == 1, v.stdout + v.stderr
    breaks = json.loads(v.stdout)["breaks"]
    assert any(b["commit"] == enrol and "does not count" in b["message"] for b in breaks), \
        v.stdout + v.stderr
    ok = patrol(a, "lifecycle", "check", "--push", env={"PATROL_SIGNING_KEY": str(key)})
    assert ok.returncode in (0, 1) and "allowed_signers" not in ok.stderr, ok.stderr



def _turned_off(tmp_path: Path) -> tuple[Path, dict[str, str], str]:
    """A clone whose archive branch holds a signed run, and a signed, reviewed estate commit
    turning signatures off after it (nothing records that yet)."""
    key, pub = keypair(tmp_path, "patrol")
    remote = make_remote(tmp_path, {"policies/allowed_signers": f"patrol@example.com {pub}\n"},
                         require_signatures=True)
    a = clone(remote, tmp_path / "a")
    signing = {"PATROL_SIGNING_KEY": str(key)}
    first = patrol(a, "lifecycle", "check", "--push", env=signing)
    assert first.returncode in (0, 1) and "allowed_signers" not in first.stderr, first.stderr
    refused = patrol(a, "audit", "signatures-off", "--reason", "x", env=signing)
    assert refused.returncode == 1 and "pull request" in refused.stderr, refused.stderr
    service = a / "policies/service.yaml"
    service.write_text(service.read_text().replace("require_signatures: true",
                                                   "require_signatures: false"))
    git(a, "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-qS", "-am",
        "signatures off, reviewed")
    return a, signing, git(a, "rev-parse", "HEAD")


def test_on_an_archive_branch_an_unrecorded_turn_off_still_requires_signatures(
        tmp_path: Path):
    a, _signing, off = _turned_off(tmp_path)
    early = patrol(a, "lifecycle", "check", "--push")  # unsigned, nothing recorded the turn-off
    assert early.returncode in (0, 1), early.stdout + early.stderr
    v = patrol(a, "audit", "verify", "--format", "json")
    assert v.returncode == 1, v.stdout + v.stderr
    breaks = json.loads(v.stdout)["breaks"]
    archive_head = git(a, "rev-parse", "patrol-archive")
    assert [b["commit"] for b in breaks] == [archive_head], breaks
    assert f"turn-off in {off[:12]} is not recorded" in breaks[0]["message"]


def test_on_an_archive_branch_a_turn_off_counts_once_the_archive_branch_records_it(
        tmp_path: Path):
    a, signing, off = _turned_off(tmp_path)
    ok = patrol(a, "audit", "signatures-off", "--reason", "records move to the vault",
                env=signing)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    record_commit = git(a, "rev-parse", "patrol-archive")
    late = patrol(a, "lifecycle", "check", "--push")  # unsigned, after the record
    assert late.returncode in (0, 1), late.stdout + late.stderr
    assert git(a, "rev-parse", "patrol-archive~1") == record_commit  # the run landed on it
    v = patrol(a, "audit", "verify", "--format", "json")
    got = json.loads(v.stdout)
    assert v.returncode == 0 and got["breaks"] == [], got
    recorded = [e for e in got["events"] if "no longer required" in e["text"]]
    assert [e["commit"] for e in recorded] == [record_commit], got["events"]
    assert off[:12] in recorded[0]["text"] and "records move to the vault" in recorded[0]["text"]
